"""A local account's rating of a remote video, told to the video's origin: the Undo of the
rating it replaces, then the new Like or Dislike (PeerTube sends ratings to the origin only;
the origin counts them and federates the new totals, so a local video's rating sends nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound.build import rates
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.domain.events import VideoRated


def on_rated(event: VideoRated) -> None:
    video, account_id = event.video, event.account_id
    if video.is_local:
        return
    found = actors.get_actors({account_id, int(video.account_id)})
    rater, owner = found.get(account_id), found.get(int(video.account_id))
    if rater is None or owner is None:
        return
    inbox = str(owner.shared_inbox_url or owner.inbox_url)
    args = (str(rater.url), str(video.url), int(video.id), str(owner.url))
    if event.previous != "none":
        outbox.broadcast(rates.undo_rate(event.previous, *args), account_id, inboxes=[inbox])
    if event.rating != "none":
        outbox.broadcast(rates.rate(event.rating, *args), account_id, inboxes=[inbox])
