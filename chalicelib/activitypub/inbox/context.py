"""What an activity handler knows besides the activity: who vouched for it, and where it came."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor


class Ignored(Exception):
    """An activity that is valid JSON but not acceptable here: logged and dropped, never retried
    (PeerTube's inbox has already answered 204 by then)."""


@dataclass(frozen=True)
class InboxContext:
    actor: Actor  # the remote actor the activity is from (its signature held)
    inbox_actor_id: int | None  # the local actor whose own inbox received it; None: shared
    settings: Settings
    now: datetime


def object_id(value: Any) -> str | None:
    """An activity's object (or any reference) as its id: a URL, or an object's `id`."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None
