"""Videos as ActivityPub objects (`/videos/watch/{id}`) and the actors' outboxes.

A remote video's URL is answered with a redirect to its origin, as PeerTube does; videos
that are not federated (private, internal, not yet published) are not found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.activitypub.documents.collections import Slice, collection
from chalicelib.activitypub.documents.videos import can_federate, video_document, video_object
from chalicelib.activitypub.outbound import videos as activities
from chalicelib.api.activitypub_actors import activity_response, local_account, local_channel, requested_page
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.config import get_settings
from chalicelib.domain.videos import find_video
from chalicelib.errors import NotFoundError
from chalicelib.store import actors, catalog, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video

activitypub_videos_api = ApiBlueprint(__name__)


@activitypub_videos_api.route("/videos/watch/{reference}", methods=["GET"])
def get_video_object(reference: str) -> Response:
    video = find_video(reference)
    if not video.is_local:
        return Response(body="", status_code=302, headers={"Location": str(video.url)})
    if not can_federate(video):
        raise NotFoundError("Video not found")
    full, files = videos.get_video_with_files(int(video.id))
    found = actors.get_actors({int(video.account_id), int(video.channel_id)})
    if full is None or len(found) < 2:
        raise NotFoundError("Video not found")
    document = video_document(full, files, found[int(video.account_id)], found[int(video.channel_id)], get_settings())
    return activity_response(document)


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
        (v for v in state.videos.values() if int(getattr(v, field)) == int(actor.id) and can_federate(v)),
        key=lambda v: (v.published_at or v.created_at, int(v.id)),
        reverse=True,
    )

    def read(start: int, count: int) -> Slice:
        return Slice([_create(video, state.actors) for video in published[start : start + count]], len(published))

    return activity_response(collection(str(actor.outbox_url or f"{actor.url}/outbox"), requested_page(), read))


def _create(video: Video, known: dict[int, Actor]) -> dict[str, Any]:
    full, files = videos.get_video_with_files(int(video.id))
    account, channel = known[int(video.account_id)], known[int(video.channel_id)]
    document = video_object(full or video, files, account, channel, get_settings())
    body = activities.create(document, str(account.url))
    body.pop("@context", None)
    return body
