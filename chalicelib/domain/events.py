"""Domain events: what a use case did, told to whoever reacts to it (federation today) without
the domain knowing who that is. The domain imports nothing of `activitypub`; the federation
senders subscribe to these events (`activitypub/outbound/subscriptions.py`), and every process
that runs domain code registers them at its entry (app.py, each Lambda module in functions/),
through `chalicelib/subscribers.py`, which also subscribes notifications (domain/notifications).

The rules:
- A use case emits once its own change is stored (PeerTube's `afterCommitIfTransaction`), so
  a subscriber never sees a change that did not happen. One exception, said where it is:
  `VideoRemoved` goes before the video's items, while its actors still exist to sign.
- Subscribers run synchronously, in the order they subscribed, in the emitting process.
- A subscriber's failure never fails the change it follows, nor stops the other subscribers:
  it is logged (with the event and the subscriber) and counted (`EventSubscriberFailures`),
  here and nowhere else. A subscriber that has nothing to do raises `Skipped` (logged at info).
- No subscriber, nothing happens: domain tests see what was emitted with `recording()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.observability import count, logger

if TYPE_CHECKING:
    from collections.abc import Sequence

    from chalicelib.store.comments import CommentPlace
    from chalicelib.store.models import (
        Abuse,
        AbuseMessage,
        Actor,
        ChannelCollaborator,
        Follow,
        OwnershipChange,
        Playlist,
        Registration,
        User,
        Video,
        VideoComment,
    )

FAILURES_METRIC = "EventSubscriberFailures"


# --- The events -------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoPublished:
    """A local video is published: playable (its first rendition packaged, domain/transcoding.py),
    or a live on air. Once per publication."""

    video: Video


@dataclass(frozen=True)
class VideoRenditionAdded:
    """A published local video gained a rendition (progressive publication): its files changed,
    its followers are told (an Update, as PeerTube sends when it adds files)."""

    video: Video


@dataclass(frozen=True)
class VideoUploaded:
    """A local video was created for an upload (PeerTube's `action:api.video.uploaded`)."""

    video: Video


@dataclass(frozen=True)
class VideoChanged:
    """A local video's metadata or privacy changed (`before` as it was, `after` as stored)."""

    before: Video
    after: Video


@dataclass(frozen=True)
class OwnershipChangeUpdated:
    """A video's ownership change was offered, accepted or refused (its status says which);
    `former_channel_id`: the video's channel before it (PeerTube tells that channel's people)."""

    change: OwnershipChange
    former_channel_id: int


@dataclass(frozen=True)
class VideoOwnerChanged:
    """A local video moved to another account and channel (an accepted ownership change)."""

    before: Video
    after: Video


@dataclass(frozen=True)
class LiveStateChanged:
    """A local live's state moved (PeerTube's VideoState: 1 streaming, 4 waiting, 5 ended),
    once stored; what the realtime channel's `state-change` tells its subscribers."""

    video_id: int
    state: int


@dataclass(frozen=True)
class VideoRemoved:
    """A local video is about to be deleted (emitted before its items go, see the module)."""

    video: Video


@dataclass(frozen=True)
class VideoBlacklisted:
    """A moderator (or the auto-blacklist) blocked a video (domain/video_blacklist.py)."""

    video: Video


@dataclass(frozen=True)
class VideoUnblacklisted:
    """A video's block was lifted; `blacklist_id` was the block's."""

    video: Video
    blacklist_id: int
    was_automatic: bool = False  # the auto-blacklist's: its subscribers are told of it now


@dataclass(frozen=True)
class CommentPosted:
    """A local account commented; `parent_place` is where its parent is, when already looked up."""

    video: Video
    comment: VideoComment
    parent_place: CommentPlace | None = None


@dataclass(frozen=True)
class CommentApproved:
    """A comment held for review was let through (as stored now: no longer held); `place`
    is where it is, its thread's."""

    video: Video
    comment: VideoComment
    place: CommentPlace


@dataclass(frozen=True)
class CommentDeleted:
    """A comment was deleted here, by its local author, the video's owner or a moderator;
    `comment` is as it was before (its URL, author and hold state: what a Delete needs)."""

    video: Video
    comment: VideoComment


@dataclass(frozen=True)
class VideoRated:
    """A local account's rating of a video changed from `previous` to `rating` ("none" for none)."""

    video: Video
    account_id: int
    previous: str
    rating: str


@dataclass(frozen=True)
class PlaylistCreated:
    playlist: Playlist


@dataclass(frozen=True)
class PlaylistChanged:
    """A playlist's metadata, privacy or channel changed (`before` as it was, `after` as stored)."""

    before: Playlist
    after: Playlist


@dataclass(frozen=True)
class PlaylistElementsChanged:
    """Elements were added, changed, removed or moved in `playlist` (as read before the change)."""

    playlist: Playlist


@dataclass(frozen=True)
class PlaylistRemoved:
    playlist: Playlist


@dataclass(frozen=True)
class AbuseReported:
    """A local user reported `flagged` (an account, or the author of a video or comment at
    `object_url`)."""

    abuse: Abuse
    reporter: Actor
    flagged: Actor
    object_url: str
    reasons: Sequence[str]


@dataclass(frozen=True)
class RemoteVideoViewed:
    """A view of another server's video was counted here (`view_id` names it)."""

    video: Video
    view_id: str


@dataclass(frozen=True)
class RemoteVideoStored:
    """Another server's video was stored here, new (`was_public` False) or refreshed
    (`renditions_changed` when its origin now plays another set of renditions)."""

    video: Video
    was_public: bool
    renditions_changed: bool = False


@dataclass(frozen=True)
class RemoteCommentStored:
    """Another server's comment on a video this instance knows was stored here."""

    video: Video
    comment: VideoComment


@dataclass(frozen=True)
class ActorFollowed:
    """An actor (local or remote) now follows a local account or channel (`follow` as stored)."""

    follow: Follow


@dataclass(frozen=True)
class InstanceFollowedBack:
    """This instance asked to follow a remote instance by itself, PeerTube's auto follow-back
    (`follow` as stored, pending until the remote instance accepts)."""

    follow: Follow


@dataclass(frozen=True)
class UserRegistered:
    """A visitor signed up (without approval); `account` is the new user's."""

    user: User
    account: Actor


@dataclass(frozen=True)
class RegistrationRequested:
    """A visitor asked to sign up; moderators decide."""

    registration: Registration


@dataclass(frozen=True)
class AbuseReceived:
    """Another server reported something of this instance (a Flag): one abuse per object."""

    abuse: Abuse


@dataclass(frozen=True)
class AbuseStateChanged:
    """A moderator moved a report from `previous_state` to the abuse's state."""

    abuse: Abuse
    previous_state: int


@dataclass(frozen=True)
class AbuseMessageAdded:
    """A report's reporter or a moderator wrote a message about it."""

    abuse: Abuse
    message: AbuseMessage


@dataclass(frozen=True)
class CollaboratorChanged:
    """A channel collaborator was invited, or answered its invitation (its state says which)."""

    collaborator: ChannelCollaborator


@dataclass(frozen=True)
class LiveCreated:
    """A local live was created, waiting for its encoder (`action:api.live-video.created`)."""

    video: Video


Event = (
    VideoPublished
    | VideoRenditionAdded
    | VideoUploaded
    | VideoChanged
    | VideoOwnerChanged
    | OwnershipChangeUpdated
    | LiveStateChanged
    | VideoRemoved
    | VideoBlacklisted
    | VideoUnblacklisted
    | CommentPosted
    | CommentApproved
    | CommentDeleted
    | VideoRated
    | PlaylistCreated
    | PlaylistChanged
    | PlaylistElementsChanged
    | PlaylistRemoved
    | AbuseReported
    | RemoteVideoViewed
    | RemoteVideoStored
    | RemoteCommentStored
    | ActorFollowed
    | InstanceFollowedBack
    | UserRegistered
    | RegistrationRequested
    | AbuseReceived
    | AbuseStateChanged
    | AbuseMessageAdded
    | CollaboratorChanged
    | LiveCreated
)
EVENT_TYPES: tuple[type[Any], ...] = Event.__args__

E = TypeVar("E")
Subscriber = Callable[[Any], None]


class Skipped(Exception):
    """Raised by a subscriber that has nothing it can do (say, the actors that would sign are
    gone): logged at info with its reason, not counted as a failure."""


# --- Subscribing and emitting -----------------------------------------------------------

_subscribers: dict[type[Any], list[Subscriber]] = {}


def subscribe(event_type: type[E], subscriber: Callable[[E], None]) -> None:
    """Run `subscriber` on every `event_type` emitted in this process (once, however many
    times it subscribes)."""
    known = _subscribers.setdefault(event_type, [])
    if subscriber not in known:
        known.append(subscriber)


def subscribers(event_type: type[Any]) -> tuple[Subscriber, ...]:
    return tuple(_subscribers.get(event_type, ()))


def emit(event: Event) -> None:
    """Tell the event's subscribers, one after the other; their failures stay here."""
    for subscriber in tuple(_subscribers.get(type(event), ())):
        try:
            subscriber(event)
        except Skipped as reason:
            logger.info("event subscriber skipped", extra=_about(event, subscriber) | {"reason": str(reason)})
        except Exception:
            logger.exception("event subscriber failed", extra=_about(event, subscriber))
            count(FAILURES_METRIC)


def _about(event: Event, subscriber: Subscriber) -> dict[str, str]:
    name = f"{getattr(subscriber, '__module__', '?')}.{getattr(subscriber, '__qualname__', repr(subscriber))}"
    return {"event": type(event).__name__, "subscriber": name}


# --- For tests --------------------------------------------------------------------------


@contextmanager
def recording() -> Iterator[list[Event]]:
    """The events emitted inside the block, in order (subscribers still run)."""
    seen: list[Event] = []
    for event_type in EVENT_TYPES:
        subscribe(event_type, seen.append)
    try:
        yield seen
    finally:
        for event_type in EVENT_TYPES:
            _subscribers[event_type].remove(seen.append)


@contextmanager
def isolated() -> Iterator[None]:
    """No subscriber inside the block; the process's subscribers are back after it."""
    saved = {event_type: list(found) for event_type, found in _subscribers.items()}
    _subscribers.clear()
    try:
        yield
    finally:
        _subscribers.clear()
        _subscribers.update(saved)


def reset() -> None:
    """Forget every subscriber (a process registers them again at its entry)."""
    _subscribers.clear()
