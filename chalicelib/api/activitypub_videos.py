"""Videos as ActivityPub objects (`/videos/watch/{id}`, their chapters at `.../chapters`) and
the actors' outboxes.

A remote video's URL is answered with a redirect to its origin, as PeerTube does; videos
that are not federated (private, internal, not yet published) are not found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.collections import Slice, collection
from chalicelib.activitypub.documents.common import with_context
from chalicelib.activitypub.documents.videos import video_document, video_object
from chalicelib.activitypub.outbound.build import videos as activities
from chalicelib.api.activitypub_actors import activity_response, local_account, local_channel, requested_page
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.config import get_settings
from chalicelib.domain import caption_files, chapters
from chalicelib.domain.federation_rules import can_federate_video
from chalicelib.domain.videos import find_video
from chalicelib.errors import NotFoundError
from chalicelib.store import actors, catalog, comments, ratings, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video

activitypub_videos_api = ApiBlueprint(__name__)


@activitypub_videos_api.route("/videos/watch/{reference}", methods=["GET"])
def get_video_object(reference: str) -> Response:
    return _video_object(reference)


@activitypub_videos_api.route("/w/{reference}", methods=["GET"])
def get_video_object_short(reference: str) -> Response:
    """PeerTube's short watch URL (`/w/<short uuid>`)."""
    return _video_object(reference)


def _video_object(reference: str) -> Response:
    video = find_video(reference)
    if not video.is_local:
        return Response(body="", status_code=302, headers={"Location": str(video.url)})
    if not can_federate_video(video):
        raise NotFoundError("Video not found")
    stored = videos.get_video_whole(int(video.id))
    found = actors.get_actors({int(video.account_id), int(video.channel_id)})
    if stored.video is None or len(found) < 2:
        raise NotFoundError("Video not found")
    account, channel = found[int(video.account_id)], found[int(video.channel_id)]
    document = video_document(
        stored.video,
        stored.files,
        account,
        channel,
        get_settings(),
        stored.live,
        stored.web_files,
        caption_files.listing(stored.video),
    )
    return activity_response(document)


@activitypub_videos_api.route("/videos/watch/{reference}/chapters", methods=["GET"])
def get_video_chapters(reference: str) -> Response:
    """PeerTube's Chapters object, which the Video's `hasParts` names: each chapter with where
    it starts and ends (the next one's start, or the video's end)."""
    video = find_video(reference)
    if not video.is_local:
        return Response(body="", status_code=302, headers={"Location": str(video.url)})
    if not can_federate_video(video):
        raise NotFoundError("Video not found")
    found = chapters.chapters_of(video)
    ends = [int(c["timecode"]) for c in found[1:]] + ([int(video.duration or 0)] if found else [])
    parts = [
        {"name": c["title"], "startOffset": int(c["timecode"]), "endOffset": end}
        for c, end in zip(found, ends, strict=True)
    ]
    document = {"id": f"{video.url}/chapters", "hasPart": parts}
    return activity_response(with_context(context_for("Chapters"), document))


@activitypub_videos_api.route("/accounts/{name}/outbox", methods=["GET"])
def get_account_outbox(name: str) -> Response:
    return _outbox(local_account(name))


@activitypub_videos_api.route("/video-channels/{name}/outbox", methods=["GET"])
def get_channel_outbox(name: str) -> Response:
    return _outbox(local_channel(name))


def _outbox(actor: Actor) -> Response:
    """Create activities of the actor's federated videos, newest first (PeerTube's outbox)."""
    state = catalog.current()
    field = "channel_id" if actor.actor_type == "Group" else "account_id"
    published = sorted(
        (v for v in state.videos.values() if int(getattr(v, field)) == int(actor.id) and can_federate_video(v)),
        key=lambda v: (v.published_at or v.created_at, int(v.id)),
        reverse=True,
    )

    def read(start: int, count: int) -> Slice:
        return Slice([_create(video, state.actors) for video in published[start : start + count]], len(published))

    return activity_response(collection(str(actor.outbox_url or f"{actor.url}/outbox"), requested_page(), read))


def _create(video: Video, known: dict[int, Actor]) -> dict[str, Any]:
    stored = videos.get_video_whole(int(video.id))
    account, channel = known[int(video.account_id)], known[int(video.channel_id)]
    document = video_object(
        stored.video or video, stored.files, account, channel, get_settings(), stored.live, stored.web_files
    )
    body = activities.create(document, str(account.url))
    body.pop("@context", None)
    return body


@activitypub_videos_api.route("/videos/watch/{reference}/likes", methods=["GET"])
def get_video_likes(reference: str) -> Response:
    return _rates(reference, "like")


@activitypub_videos_api.route("/videos/watch/{reference}/dislikes", methods=["GET"])
def get_video_dislikes(reference: str) -> Response:
    return _rates(reference, "dislike")


@activitypub_videos_api.route("/videos/watch/{reference}/comments", methods=["GET"])
def get_video_comments(reference: str) -> Response:
    video = _federated(reference)

    def read(start: int, count: int) -> Slice:
        page = comments.federated_comments_page(int(video.id), start, count) if count else []
        return Slice([str(c.url) for c in page], int(video.comments_count or 0))

    return activity_response(collection(f"{video.url}/comments", requested_page(), read))


@activitypub_videos_api.route("/videos/watch/{reference}/announces", methods=["GET"])
def get_video_announces(reference: str) -> Response:
    """The video's shares: its channel's and the instance's Announces (see activitypub/outbound/send_videos.py)."""
    video = _federated(reference)
    shares = [f"{video.url}/announces/{int(video.channel_id)}", f"{video.url}/announces/{actors.server_actor_id()}"]

    def read(start: int, count: int) -> Slice:
        return Slice(shares[start : start + count], len(shares))

    return activity_response(collection(f"{video.url}/announces", requested_page(), read))


def _rates(reference: str, rating: str) -> Response:
    video = _federated(reference)
    folder = "likes" if rating == "like" else "dislikes"

    def read(start: int, count: int) -> Slice:
        page = ratings.video_rates_page(int(video.id), rating, start, count) if count else []
        raters = actors.get_actors({int(r.account_id) for r in page}) if page else {}
        urls = [
            str(r.url) if r.url else f"{raters[int(r.account_id)].url}/{folder}/{int(video.id)}"
            for r in page
            if r.url or int(r.account_id) in raters
        ]
        return Slice(urls, int(video.likes if rating == "like" else video.dislikes))

    return activity_response(collection(f"{video.url}/{folder}", requested_page(), read))


def _federated(reference: str) -> Video:
    video = find_video(reference)
    if not video.is_local or not can_federate_video(video):
        raise NotFoundError("Video not found")
    return video
