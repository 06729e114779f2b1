"""Errors of the federation layer, carrying the message PeerTube answers with."""

from __future__ import annotations

from chalicelib.domain.events import Skipped


class SignatureError(Exception):
    """An inbound request's signature cannot be parsed or does not hold.

    The message is PeerTube's ("Cannot parse HTTP signature", "Invalid key ID", "Invalid signature",
    "Invalid digest"); the web layer answers 403 with it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RemoteFetchError(Exception):
    """A request to another server failed or was refused before it left.

    `retryable` says whether trying later may succeed (timeouts, resets, 5xx, 429) or not
    (refused addresses, 4xx, wrong content).
    """

    def __init__(self, url: str, reason: str, *, retryable: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable


class Unannounced(Skipped):
    """A local object's actors are gone (deleted with it): nobody is left to send its activities."""
