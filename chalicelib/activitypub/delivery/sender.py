"""One delivery: sign the activity as its actor, POST it to one inbox, and say what happened.

PeerTube's rule for answers: any 2xx is delivered; 429 and 5xx (and network failures) are
worth another try; any other 4xx means the inbox refuses this activity, and trying again
would not change its mind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.activitypub.delivery.messages import Delivery

Sign = Callable[[str, str, bytes], Mapping[str, str]]  # (method, url, body) -> headers
Post = Callable[[str, bytes, Mapping[str, str]], int]  # (url, body, headers) -> status


class TransientFailure(Exception):
    """The inbox could not be reached or answered with an error worth retrying."""


class PermanentFailure(Exception):
    """The inbox may never be reached from here (e.g. its address is refused)."""


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry: bool
    detail: str


def deliver(delivery: Delivery, sign: Sign, post: Post) -> Outcome:
    body = delivery.body.encode("utf-8")
    headers = {
        "Content-Type": "application/activity+json",
        "Accept": "application/activity+json, application/ld+json",
        **sign("POST", delivery.inbox, body),
    }
    try:
        status = post(delivery.inbox, body, headers)
    except TransientFailure as exc:
        return Outcome(False, True, str(exc))
    except PermanentFailure as exc:
        return Outcome(False, False, str(exc))
    if 200 <= status < 300:
        return Outcome(True, False, str(status))
    retry = status == 429 or status >= 500 or status == 408
    return Outcome(False, retry, f"inbox answered {status}")
