"""A local account's rating of a remote video, told to the video's origin: the Undo of the
rating it replaces, then the new Like or Dislike (PeerTube sends ratings to the origin only;
the origin counts them and federates the new totals)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound import rates
from chalicelib.observability import logger
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.store.models import Video


def rated(video: Video, account_id: int, previous: str, rating: str) -> None:
    found = actors.get_actors({account_id, int(video.account_id)})
    rater, owner = found.get(account_id), found.get(int(video.account_id))
    if rater is None or owner is None:
        return
    inbox = str(owner.shared_inbox_url or owner.inbox_url)
    args = (str(rater.url), str(video.url), int(video.id), str(owner.url))
    if previous != "none":
        outbox.broadcast(rates.undo_rate(previous, *args), account_id, inboxes=[inbox])
    if rating != "none":
        outbox.broadcast(rates.rate(rating, *args), account_id, inboxes=[inbox])


def safely(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:
        logger.exception("rating not federated")
