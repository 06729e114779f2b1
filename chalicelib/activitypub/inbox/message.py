"""The inbox queue's message: an activity whose signature held, with who signed it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# SQS takes 256 KiB a message; PeerTube accepts 500 kB bodies, but no real activity nears this.
MAX_ACTIVITY_BYTES = 220 * 1024


class InboxMessageError(ValueError):
    """Not a message the inbox wrote: dropped."""


@dataclass(frozen=True)
class InboxMessage:
    activity: dict[str, Any]
    signer_url: str  # the actor whose HTTP signature (or LD signature, if forwarded) held
    inbox_actor_id: int | None  # the local actor whose own inbox was posted to; None: shared
    forwarder_url: str | None = None  # the HTTP signer when it forwarded someone else's activity

    @property
    def sender_url(self) -> str:
        """The actor whose server POSTed the activity to us."""
        return self.forwarder_url or self.signer_url

    def to_json(self) -> dict[str, Any]:
        data = {"activity": self.activity, "signer": self.signer_url, "inboxActor": self.inbox_actor_id}
        if self.forwarder_url is not None:
            data["forwarder"] = self.forwarder_url
        return data

    @classmethod
    def from_body(cls, body: str) -> InboxMessage:
        try:
            data = json.loads(body)
            activity = data["activity"]
            inbox_actor = data.get("inboxActor")
            forwarder = data.get("forwarder")
            if not isinstance(activity, dict):
                raise TypeError("activity")
            return cls(
                activity,
                str(data["signer"]),
                None if inbox_actor is None else int(inbox_actor),
                None if forwarder is None else str(forwarder),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InboxMessageError(str(exc)) from exc
