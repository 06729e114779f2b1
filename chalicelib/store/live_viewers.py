"""A live's viewers right now (LVV1-LVV2 in docs/data-model.md).

PeerTube counts as a live's viewers those whose player pinged lately. Here each minute has a
counter in the live's partition, two in a ring (`LIVE#VIEWERS#0` and `#1`): a viewer adds
one to the current minute's counter on its first ping of that minute (its watch remembers
the minute), and the figure shown is the larger of this minute's and the last one's. A ping
costs one more write once a minute per viewer, never a Query of the viewers, and the
figure is read with the video (V8 reaches the ring).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.store import keys
from chalicelib.store.models import LiveViewers, TableItem
from chalicelib.store.writes import is_condition_failure

# A counter outlives the two minutes it is read in; DynamoDB's TTL clears a finished live's.
LIFETIME = timedelta(minutes=10)


def add_viewer(video_id: int, minute: int, now: datetime) -> int:
    """LVV1: one more viewer during `minute`; that minute's count with it. The first viewer
    of a minute takes the slot over from the minute before last (a conditional SET), the
    others add to it (a conditional ADD); a race between the two is retried once."""
    counter = LiveViewers(keys.video_pk(video_id), keys.live_viewers_sk(minute))
    for _ in range(2):
        try:
            counter.update(
                actions=[LiveViewers.viewers.add(1), LiveViewers.expires_at.set(now + LIFETIME)],
                condition=LiveViewers.minute == minute,
            )
            return int(counter.viewers)
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
        try:
            counter.update(
                actions=[
                    LiveViewers.kind.set(LiveViewers),
                    LiveViewers.video_id.set(video_id),
                    LiveViewers.minute.set(minute),
                    LiveViewers.viewers.set(1),
                    LiveViewers.expires_at.set(now + LIFETIME),
                ],
                condition=LiveViewers.pk.does_not_exist() | (LiveViewers.minute < minute),
            )
            return 1
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
    return 0  # the slot holds a later minute: this ping is late, and not worth a count


def viewers_in(items: Iterable[TableItem], minute: int) -> int:
    """The live's viewers at `minute`, from its partition's items (V8 or LVV2)."""
    counts = [
        int(item.viewers)
        for item in items
        if isinstance(item, LiveViewers) and int(item.minute) in (minute, minute - 1)
    ]
    return max(counts, default=0)


def get_viewers(video_id: int, minute: int) -> int:
    """LVV2: the live's viewers at `minute`, in one Query of its two counters."""
    items = LiveViewers.query(keys.video_pk(video_id), LiveViewers.sk.startswith(keys.LIVE_VIEWERS_SK_PREFIX))
    return viewers_in(items, minute)
