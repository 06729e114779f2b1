"""Video playlists: privacies, lists (instance, account, channel), create, read, update,
delete, and which of my playlists hold some videos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.playlist_shapes import people_ids, playlist_json
from chalicelib.api.request import json_object, media_type, multipart_form, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.video_filters import QueryParams
from chalicelib.config import get_settings
from chalicelib.domain import oauth
from chalicelib.domain import playlist_thumbnails as thumbnails
from chalicelib.domain import playlists as cases
from chalicelib.domain.blocklists import find_account
from chalicelib.domain.channels import get_account_or_404, get_channel_or_404
from chalicelib.domain.playlist_forms import PRIVACIES, TYPES, read_playlist_form
from chalicelib.domain.short_uuid import to_short
from chalicelib.domain.subscriptions import known_channel
from chalicelib.errors import ValidationError
from chalicelib.store import actors, playlists
from chalicelib.store.models.playlist import TYPE_WATCH_LATER

if TYPE_CHECKING:
    from chalice.app import Request, Response

    from chalicelib.domain.images import Rendition
    from chalicelib.store.models import Actor, Playlist

playlists_api = ApiBlueprint(__name__)

BODIES = ["application/json", "multipart/form-data"]
MAX_VIDEO_IDS = 1000


@playlists_api.route("/api/v1/video-playlists/privacies", methods=["GET"])
def list_privacies() -> dict[str, str]:
    return {str(key): label for key, label in PRIVACIES.items()}


@playlists_api.route("/api/v1/video-playlists", methods=["GET"])
def list_public_playlists() -> dict[str, Any]:
    request = playlists_api.current_request
    page = pagination(request, cases.SORTABLE, cases.DEFAULT_SORT)
    query = _list_filters(request)
    public = cases.listed_publicly(playlists.list_public_playlists(cases.PUBLIC_LIST_MAX))
    chosen = cases.filter_playlists(public, playlist_type=query["playlistType"])
    return _page_json(chosen, page.sort, page.start, page.count)


@playlists_api.route("/api/v1/video-playlists", methods=["POST"], content_types=BODIES)
def create_playlist() -> dict[str, Any]:
    request = playlists_api.current_request
    user = session(request).user
    fields, thumbnail = _read_body(request, creating=True)
    form = read_playlist_form(fields, creating=True)
    playlist = cases.create(get_settings(), user, form, thumbnail, oauth.utcnow())
    return {"videoPlaylist": {"id": int(playlist.id), "shortUUID": to_short(playlist.uuid), "uuid": playlist.uuid}}


@playlists_api.route("/api/v1/video-playlists/{playlist_id}", methods=["GET"])
def get_playlist(playlist_id: str) -> dict[str, Any]:
    request = playlists_api.current_request
    found = cases.find_playlist(playlist_id)
    cases.check_can_read(found, lambda: _viewer(request))
    people = actors.get_actors(people_ids([found.playlist]))
    return playlist_json(found.playlist, people, get_settings())


@playlists_api.route("/api/v1/video-playlists/{playlist_id}", methods=["PUT"], content_types=BODIES)
def update_playlist(playlist_id: str) -> Response:
    request = playlists_api.current_request
    user = session(request).user
    fields, thumbnail = _read_body(request, creating=False)
    form = read_playlist_form(fields, creating=False)
    found = cases.find_playlist(playlist_id)
    cases.update(found.playlist, user, form, thumbnail, oauth.utcnow())
    return no_content()


@playlists_api.route("/api/v1/video-playlists/{playlist_id}", methods=["DELETE"])
def delete_playlist(playlist_id: str) -> Response:
    user = session(playlists_api.current_request).user
    found = cases.find_playlist(playlist_id)
    cases.delete(found.playlist, user)
    return no_content()


@playlists_api.route("/api/v1/accounts/{name}/video-playlists", methods=["GET"])
def list_account_playlists(name: str) -> dict[str, Any]:
    request = playlists_api.current_request
    viewer = _viewer(request)
    account = _account_or_404(name)
    page = pagination(request, cases.SORTABLE, cases.DEFAULT_SORT)
    query = _list_filters(request, account_filters=True)
    mine = viewer is not None and int(viewer.account_id) == int(account.id)
    items = [p for p in playlists.list_account_playlists(int(account.id)) if cases.visible_in_list(p, mine)]
    if mine and not any(int(p.playlist_type) == TYPE_WATCH_LATER for p in items):
        # An account from before playlists existed gets its Watch later when it first looks.
        items.append(cases.watch_later_of(get_settings(), int(account.id), oauth.utcnow()))
    channel_ids = None
    if query["channelNameOneOf"] is not None:
        wanted = set(query["channelNameOneOf"])
        channel_ids = {
            int(c.id) for c in actors.list_account_channels(int(account.id)) if c.preferred_username in wanted
        }
    chosen = cases.filter_playlists(
        items, playlist_type=query["playlistType"], search=query["search"], channel_ids=channel_ids
    )
    return _page_json(chosen, page.sort, page.start, page.count)


@playlists_api.route("/api/v1/video-channels/{handle}/video-playlists", methods=["GET"])
def list_channel_playlists(handle: str) -> dict[str, Any]:
    request = playlists_api.current_request
    viewer = _viewer(request)
    channel = _channel_or_404(handle)
    page = pagination(request, cases.SORTABLE, cases.DEFAULT_SORT)
    query = _list_filters(request)
    owner = int(channel.account_id or 0)
    mine = viewer is not None and int(viewer.account_id) == owner
    items = [p for p in playlists.list_account_playlists(owner) if cases.visible_in_list(p, mine)]
    chosen = cases.filter_playlists(
        items, playlist_type=query["playlistType"], search=query["search"], channel_ids={int(channel.id)}
    )
    return _page_json(chosen, page.sort, page.start, page.count)


@playlists_api.route("/api/v1/users/me/video-playlists/videos-exist", methods=["GET"])
def videos_exist() -> dict[str, Any]:
    request = playlists_api.current_request
    user = session(request).user
    raw = QueryParams(request).values("videoIds") or []
    if len(raw) > MAX_VIDEO_IDS or not all(value.strip().isdigit() for value in raw):
        raise ValidationError({"videoIds": "Should have a valid video ids array"})
    video_ids = [int(value) for value in raw]
    found = playlists.elements_of_videos(int(user.account_id), video_ids)
    names = {int(p.id): p for p in playlists.list_account_playlists(int(user.account_id))} if found else {}
    answer: dict[str, list[dict[str, Any]]] = {str(video_id): [] for video_id in video_ids}
    for element in sorted(found, key=lambda e: int(e.id)):
        playlist = names.get(int(element.playlist_id))
        if playlist is None:
            continue
        answer[str(int(element.video_id))].append(
            {
                "playlistElementId": int(element.id),
                "playlistId": int(playlist.id),
                "playlistDisplayName": playlist.name,
                "playlistShortUUID": to_short(playlist.uuid),
                "startTimestamp": _int_or_none(element.start_timestamp),
                "stopTimestamp": _int_or_none(element.stop_timestamp),
            }
        )
    return answer


def _account_or_404(handle: str) -> Actor:
    """A local account, or a remote one Cirrus knows (its playlists came by federation)."""
    settings = get_settings()
    found = find_account(settings, handle)
    return found if found is not None else get_account_or_404(settings, handle)


def _channel_or_404(handle: str) -> Actor:
    settings = get_settings()
    _name, _, host = handle.partition("@")
    if host and host.lower() != settings.instance_host.lower():
        found = known_channel(handle, settings)
        if found is not None:
            return found
    return get_channel_or_404(settings, handle)


def _viewer(request: Request) -> Any:
    current = optional_session(request)
    return current.user if current else None


def _read_body(request: Request, *, creating: bool) -> tuple[dict[str, Any], Rendition | None]:
    """The fields and the checked thumbnail; the thumbnail's refusal joins the fields' ones,
    as in PeerTube (one validation chain)."""
    if media_type(request) == "multipart/form-data":
        fields, files = multipart_form(request)
    else:
        fields, files = json_object(request), {}
    invalid: dict[str, str] = {}
    thumbnail = None
    upload = files.get(thumbnails.FIELD)
    if upload is not None:
        try:
            thumbnail = thumbnails.check_upload(upload.data)
        except ValidationError as error:
            invalid.update(error.invalid_params)
    try:
        read_playlist_form(fields, creating=creating)
    except ValidationError as error:
        invalid.update(error.invalid_params)
    if invalid:
        raise ValidationError(invalid)
    return fields, thumbnail


def _list_filters(request: Request, *, account_filters: bool = False) -> dict[str, Any]:
    params = QueryParams(request)
    kind = params.one("playlistType")
    if kind is not None and not (kind.isdigit() and int(kind) in TYPES):
        params.fail("playlistType", "Invalid value")
    search = params.one("search")
    if search is not None and not search:
        params.fail("search", "Invalid value")
    names = params.values("channelNameOneOf") if account_filters else None
    params.raise_if_invalid()
    return {"playlistType": int(kind) if kind else None, "search": search, "channelNameOneOf": names}


def _page_json(items: list[Playlist], sort: str, start: int, count: int) -> dict[str, Any]:
    shown = cases.sort_playlists(items, sort)[start : start + count]
    people = actors.get_actors(people_ids(shown)) if shown else {}
    settings = get_settings()
    return {"total": len(items), "data": [playlist_json(p, people, settings) for p in shown]}


def _int_or_none(value: Any) -> int | None:
    return int(value) if value is not None else None
