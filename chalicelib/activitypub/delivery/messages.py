"""The messages of outbound federation, as they travel through SQS.

A `Broadcast` names an activity and its audience (followers of some local actors, plus
explicit inboxes); the broadcast function expands it into one `Delivery` per inbox. A
`Publication` says only that a local video was published: the broadcast function builds its
announcements itself, so the transcoder, which runs ffmpeg on uploads, never reads an actor
(docs/federation.md). The
activity travels as its serialised JSON, so every inbox receives the very same bytes, the
bytes its Digest and signature cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# SQS takes 256 KiB a message; the envelope and escaping need room beside the activity.
MAX_ACTIVITY_BYTES = 200 * 1024


class MessageError(ValueError):
    """A message that cannot be what this module writes: dropped, never retried."""


@dataclass(frozen=True)
class Broadcast:
    body: str
    signer_id: int
    followers_of: tuple[int, ...] = ()
    inboxes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "signer": self.signer_id,
            "followersOf": list(self.followers_of),
            "inboxes": list(self.inboxes),
        }

    @classmethod
    def from_json(cls, data: Any) -> Broadcast:
        try:
            return cls(
                body=_body(data["body"]),
                signer_id=int(data["signer"]),
                followers_of=tuple(int(i) for i in data.get("followersOf", [])),
                inboxes=tuple(str(i) for i in data.get("inboxes", [])),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MessageError(f"not a broadcast: {exc}") from exc


@dataclass(frozen=True)
class Publication:
    """A local video published by the transcoder; `rendition_added`: a published video
    gained a rendition (progressive publication), told as an Update."""

    video_id: int
    rendition_added: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"published": self.video_id, **({"renditionAdded": True} if self.rendition_added else {})}

    @staticmethod
    def is_one(data: Any) -> bool:
        return isinstance(data, dict) and "published" in data

    @classmethod
    def from_json(cls, data: Any) -> Publication:
        try:
            return cls(video_id=int(data["published"]), rendition_added=data.get("renditionAdded") is True)
        except (KeyError, TypeError, ValueError) as exc:
            raise MessageError(f"not a publication: {exc}") from exc


@dataclass(frozen=True)
class LiveStateNotice:
    """A live's state moved, told by the ingest, which may read no actor (and takes hostile
    streams): the broadcast function sends the video's Update and tells its viewers."""

    video_id: int
    state: int

    def to_json(self) -> dict[str, Any]:
        return {"liveState": {"video": self.video_id, "state": self.state}}

    @staticmethod
    def is_one(data: Any) -> bool:
        return isinstance(data, dict) and "liveState" in data

    @classmethod
    def from_json(cls, data: Any) -> LiveStateNotice:
        try:
            return cls(video_id=int(data["liveState"]["video"]), state=int(data["liveState"]["state"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise MessageError(f"not a live state notice: {exc}") from exc


@dataclass(frozen=True)
class Delivery:
    body: str
    signer_id: int
    inbox: str
    # A host marked unreachable gets one attempt, which doubles as its health probe.
    single_attempt: bool = field(default=False)
    # How many times the deliver function put it back unsent, its host being busy (the wait grows).
    deferrals: int = field(default=0)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"body": self.body, "signer": self.signer_id, "inbox": self.inbox}
        if self.single_attempt:
            data["singleAttempt"] = True
        if self.deferrals:
            data["deferrals"] = self.deferrals
        return data

    @classmethod
    def from_json(cls, data: Any) -> Delivery:
        try:
            return cls(
                body=_body(data["body"]),
                signer_id=int(data["signer"]),
                inbox=str(data["inbox"]),
                single_attempt=bool(data.get("singleAttempt", False)),
                deferrals=max(0, int(data.get("deferrals", 0))),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MessageError(f"not a delivery: {exc}") from exc


def _body(value: Any) -> str:
    if not isinstance(value, str):
        raise MessageError("the activity must travel as a JSON string")
    if len(value.encode("utf-8")) > MAX_ACTIVITY_BYTES:
        raise MessageError(f"activity larger than {MAX_ACTIVITY_BYTES} bytes")
    return value
