"""Playlists as ActivityPub documents (`/video-playlists/{id}`, its elements) and the actors'
`/playlists` collections, as PeerTube serves them.

Reading follows PeerTube's rules for the playlist: an unlisted one only by its UUID, a
private one (Watch later included) never without a session, and signed fetches carry none.
A remote playlist's URLs redirect to its origin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Response

from chalicelib.activitypub.documents.collections import Slice, collection
from chalicelib.activitypub.documents.playlists import element_document, playlist_document
from chalicelib.api.activitypub_actors import activity_response, local_account, local_channel, requested_page
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.config import get_settings
from chalicelib.domain import playlist_elements as elements
from chalicelib.domain import playlists as cases
from chalicelib.errors import ForbiddenError, NotFoundError, ValidationError
from chalicelib.store import actors, playlists, videos
from chalicelib.store.models.playlist import PLAYLIST_PRIVATE, PLAYLIST_PUBLIC

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Playlist

activitypub_playlists_api = ApiBlueprint(__name__)

PRIVATE_REFUSAL = "Cannot get this private video playlist."


@activitypub_playlists_api.route("/video-playlists/{playlist_id}", methods=["GET"])
def get_playlist_object(playlist_id: str) -> Response:
    found = cases.find_playlist(playlist_id)
    playlist = found.playlist
    cases.check_can_read(found, lambda: None)  # fetches from other servers have no session
    if not playlist.is_local:
        return _redirect(str(playlist.url))
    people = actors.get_actors({int(playlist.owner_account_id), *_channel_ids(playlist)})
    account = people.get(int(playlist.owner_account_id))
    if account is None:
        raise NotFoundError(cases.NOT_FOUND)
    channel = people.get(int(playlist.channel_id)) if playlist.channel_id is not None else None

    def read(start: int, count: int) -> Slice:
        return Slice([str(e.url) for e in elements.page(playlist, start, count)] if count else [], _length(playlist))

    document = playlist_document(
        playlist, account, channel, get_settings().instance_url, page=requested_page(), read_urls=read
    )
    return activity_response(document)


@activitypub_playlists_api.route("/video-playlists/{playlist_id}/videos/{element_id}", methods=["GET"])
def get_playlist_element_object(playlist_id: str, element_id: str) -> Response:
    """PeerTube looks the element up by playlist and element id together: either missing is
    the element's 404; a bad id of either is a 400 naming both."""
    invalid: dict[str, str] = {}
    found = None
    try:
        found = cases.find_playlist(playlist_id)
    except ValidationError as error:
        invalid.update(error.invalid_params)
    except NotFoundError:
        found = None
    if not element_id.isdigit() or len(element_id) > 15:
        invalid["playlistElementId"] = "Invalid value"
    if invalid:
        raise ValidationError(invalid, location="params")
    if found is None:
        raise NotFoundError(elements.ELEMENT_NOT_FOUND)
    playlist = found.playlist
    element = elements.locate(playlist, int(element_id))
    if int(playlist.privacy) == PLAYLIST_PRIVATE:
        raise ForbiddenError(PRIVATE_REFUSAL)
    if not playlist.is_local:
        return _redirect(str(element.url))
    video = videos.get_video(int(element.video_id))
    # A video that is not public (private, internal, password-protected) stays unnamed: its
    # URL carries its UUID. PeerTube's element type rules, for an anonymous reader.
    shown = video is not None and video.url and elements.element_type(video, None) == elements.REGULAR
    return activity_response(element_document(element, str(video.url) if shown and video is not None else None))


@activitypub_playlists_api.route("/accounts/{name}/playlists", methods=["GET"])
def get_account_playlists(name: str) -> Response:
    account = local_account(name)
    return _playlists(account, [p for p in playlists.list_account_playlists(int(account.id)) if _listed(p)])


@activitypub_playlists_api.route("/video-channels/{name}/playlists", methods=["GET"])
def get_channel_playlists(name: str) -> Response:
    channel = local_channel(name)
    owned = playlists.list_account_playlists(int(channel.account_id or 0))
    chosen = [p for p in owned if _listed(p) and p.channel_id is not None and int(p.channel_id) == int(channel.id)]
    return _playlists(channel, chosen)


def _playlists(actor: Actor, chosen: list[Playlist]) -> Response:
    """The URLs of the actor's public playlists (PeerTube's listPublicUrlsOfForAP), oldest first."""
    urls = [str(p.url) for p in chosen]

    def read(start: int, count: int) -> Slice:
        return Slice(urls[start : start + count], len(urls))

    return activity_response(collection(f"{actor.url}/playlists", requested_page(), read))


def _listed(playlist: Playlist) -> bool:
    return int(playlist.privacy) == PLAYLIST_PUBLIC


def _channel_ids(playlist: Playlist) -> set[int]:
    return {int(playlist.channel_id)} if playlist.channel_id is not None else set()


def _length(playlist: Playlist) -> int:
    return int(playlist.videos_length or 0)


def _redirect(url: str) -> Response:
    return Response(body="", status_code=302, headers={"Location": url})
