"""The video quotas of a local user (U6 in docs/data-model.md): what its uploads hold.

PeerTube lets a user upload when what its videos use plus the new file stays under the
quota, and what the videos created in the last 24 hours use plus the new file stays under
the daily quota. Cirrus holds both on the user item, so that one consistent read gives them
and one conditional write changes them:

- `video_quota_used`: the largest file of each published video (moved at publication and
  deletion);
- `video_quota_reserved`: the declared size of each upload started but neither published nor
  released (failed, cancelled, deleted);
- `daily_uploads`: per upload of the last 24 hours, its bytes (declared, then its largest
  file once published), keyed `<epoch seconds>:<video id>`; older entries are dropped by the
  next reservation, and ignored until then;
- `quota_version`: moved by every write of the above.

DynamoDB conditions cannot add, so a reservation is not "ADD if used + size < quota": it is
checked against a consistent read, and written (ADD, and the pruned window) only if
`quota_version` is still the one read. Two parallel uploads cannot both pass on the same
figures: the second write fails its condition, and its upload reads again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.store.models import User

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action

    from chalicelib.store.models import Video

WINDOW = timedelta(hours=24)
UNLIMITED = -1


class QuotaChanged(Exception):
    """The user's quota figures moved between the read and the reservation: read again."""


@dataclass(frozen=True)
class Usage:
    used: int  # published videos
    reserved: int  # uploads on their way
    daily: int  # uploads started in the last 24 hours

    @property
    def total(self) -> int:
        return self.used + self.reserved


def usage(user: User, now: datetime) -> Usage:
    return Usage(int(user.video_quota_used or 0), int(user.video_quota_reserved or 0), _daily(user, now))


def allows(user: User, size: int, now: datetime) -> tuple[bool, bool]:
    """(within the quota, within the daily quota) with `size` more bytes: PeerTube refuses
    when the total reaches the limit (-1 is unlimited)."""
    current = usage(user, now)
    quota, daily = int(user.video_quota), int(user.video_quota_daily)
    return (
        quota == UNLIMITED or current.total + size < quota,
        daily == UNLIMITED or current.daily + size < daily,
    )


@dataclass(frozen=True)
class Reservation:
    """`size` bytes for video `video_id`, on `user` as read (consistently) at `now`."""

    user: User
    video_id: int
    size: int
    now: datetime

    @property
    def key(self) -> str:
        return f"{int(self.now.timestamp())}:{self.video_id}"

    def tag(self, video: Video) -> None:
        """What the video keeps to give the reservation back (or convert it) later."""
        video.quota_reserved = self.size
        video.quota_key = self.key

    def actions(self) -> list[Action]:
        window = {key: value for key, value in _entries(self.user).items() if _recent(key, self.now)}
        window[self.key] = self.size
        return [
            User.video_quota_reserved.add(self.size),
            User.daily_uploads.set(window),
            User.quota_version.add(1),
        ]

    def condition(self) -> Condition:
        """The figures the reservation was checked against are still the user's."""
        return unchanged(self.user)


def unchanged(user: User) -> Condition:
    """`user`'s quota figures are still those read: a reservation checked against them holds."""
    version = int(user.quota_version or 0)
    same_version = User.quota_version == version
    if version == 0:
        same_version |= User.quota_version.does_not_exist()
    condition: Condition = (
        User.pk.exists()
        & same_version
        & (User.video_quota == int(user.video_quota))
        & (User.video_quota_daily == int(user.video_quota_daily))
    )
    return condition


def release_actions(video: Video, *, forget_daily: bool) -> list[Action]:
    """Give back what a video that will never be published holds: its reservation, and
    (`forget_daily`) its entry in the daily window (PeerTube counts only the videos that
    exist). Empty when it holds nothing."""
    actions = _release(video, forget_daily=forget_daily)
    return [*actions, User.quota_version.add(1)] if actions else []


def _release(video: Video, *, forget_daily: bool) -> list[Action]:
    actions: list[Action] = []
    if video.quota_reserved:
        actions.append(User.video_quota_reserved.add(-int(video.quota_reserved)))
    if forget_daily and video.quota_key:
        actions.append(User.daily_uploads[str(video.quota_key)].remove())
    return actions


def hand_over_actions(
    video: Video, new_owner: User, counted_size: int, now: datetime
) -> tuple[list[Action], list[Action]]:
    """(the former owner's actions, the new owner's) when a video changes hands: what its
    publication counted (`counted_size`), or, for a video still on its way, its upload's
    reservation; and its entry in the daily window, which PeerTube's daily quota (the videos
    an account owns created in the last 24 hours) moves with the video: a video still on its
    way, or a published one uploaded within the window, leaves the former owner's window
    and joins the new owner's under the same key (so it leaves it when it would have left
    the former's). The new owner's window is written whole, pruned as `Reservation.actions`
    prunes it, so that the video's publication finds the entry to set. Either list is empty
    when there is nothing to move."""
    given: list[Action] = []
    taken: list[Action] = []
    if counted_size:
        given.append(User.video_quota_used.add(-counted_size))
        taken.append(User.video_quota_used.add(counted_size))
    if video.quota_reserved:
        given += _release(video, forget_daily=False)
        taken.append(User.video_quota_reserved.add(int(video.quota_reserved)))
    # What the entry counts: the reservation until publication, then the largest file.
    daily = int(video.quota_reserved or 0) or counted_size
    key = str(video.quota_key or "")
    if key and daily and (video.quota_reserved or _recent(key, now)):
        given.append(User.daily_uploads[key].remove())
        window = recent_entries(new_owner, now)
        window[key] = daily
        taken.append(User.daily_uploads.set(window))
    if given:
        given.append(User.quota_version.add(1))
        taken.append(User.quota_version.add(1))
    return given, taken


def publish_actions(video: Video, quota_size: int) -> list[Action]:
    """At publication the reservation becomes the video's largest file, in both counts."""
    actions: list[Action] = [User.video_quota_used.add(quota_size), User.quota_version.add(1)]
    if video.quota_reserved:
        actions.append(User.video_quota_reserved.add(-int(video.quota_reserved)))
    if video.quota_key:
        actions.append(User.daily_uploads[str(video.quota_key)].set(quota_size))
    return actions


def recent_entries(user: User, now: datetime) -> dict[str, Any]:
    """The user's daily window as it stands at `now` (older entries left out)."""
    return {key: value for key, value in _entries(user).items() if _recent(key, now)}


def in_window(key: str, now: datetime) -> bool:
    """Whether a daily window entry's key (`<epoch seconds>:<video id>`) is recent at `now`."""
    return _recent(key, now)


def _entries(user: User) -> dict[str, Any]:
    entries = user.daily_uploads
    return dict(entries.as_dict()) if entries is not None else {}  # type: ignore[no-untyped-call]


def _daily(user: User, now: datetime) -> int:
    return sum(int(value) for key, value in _entries(user).items() if _recent(key, now))


def _recent(key: str, now: datetime) -> bool:
    seconds, _, _ = key.partition(":")
    return seconds.isdigit() and int(seconds) > (now - WINDOW).timestamp()
