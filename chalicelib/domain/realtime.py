"""Who may listen to what on the real-time channel: PeerTube's rules for its socket.io
namespaces, and Cirrus's one addition (a live's events only to those who may see the live).

- `/user-notifications`: an OAuth access token (PeerTube's client sends it as the
  `accessToken` query parameter of the handshake). The messages are PeerTube's.
- `/runners`: a runner token (`auth.runnerToken`), checked by whatever the runners feature
  registers with `register_runner_lookup`; until then every runner token is unknown.
- `/live-videos`: anyone may connect; a subscription names a video (PeerTube's numeric id,
  or a UUID or short UUID) that the connection's user, or an anonymous visitor, may see.
  PeerTube lets any socket join any video's room; Cirrus checks `videos.check_can_see`, with
  the video counted as named by its UUID: the watch page that subscribes loaded it so, which
  is what makes an unlisted video visible.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import oauth
from chalicelib.domain import videos as video_rules
from chalicelib.errors import BadRequestError, CirrusError, NotFoundError, UnauthorizedError, ValidationError
from chalicelib.store import users, videos

if TYPE_CHECKING:
    from chalicelib.store.models import User

# PeerTube's refusals (server/core/middlewares/auth.ts), which socket.io-client shows as the
# `connect_error` message.
NO_ACCESS_TOKEN = "No access token provided"
ACCESS_TOKEN_NOT_STRING = "Access token is invalid"
INVALID_ACCESS_TOKEN = "Invalid access token."
NO_RUNNER_TOKEN = "No runner token provided"
RUNNER_TOKEN_NOT_STRING = "Runner token is invalid"
INVALID_RUNNER_TOKEN = "Invalid runner token."

# A runner token → the runner's name (or id), None when unknown.
RunnerLookup = Callable[[str], str | None]
_runner_lookups: list[RunnerLookup] = []
# Longer references are no video's (a numeric id, a UUID, a short UUID).
_MAX_REFERENCE = 40


def user_for_access_token(token: Any, now: datetime) -> int:
    """The user behind an access token, or UnauthorizedError with PeerTube's message."""
    if token is None or token == "":
        raise UnauthorizedError(NO_ACCESS_TOKEN)
    if not isinstance(token, str) or len(token) > 200:
        raise UnauthorizedError(ACCESS_TOKEN_NOT_STRING)
    try:
        session = oauth.authenticate(f"Bearer {token}", now)
    except CirrusError as exc:
        raise UnauthorizedError(INVALID_ACCESS_TOKEN) from exc
    return int(session.user.id)


def register_runner_lookup(lookup: RunnerLookup) -> None:
    """The runners feature tells how a runner token is checked (PeerTube: RunnerModel.loadByToken)."""
    _runner_lookups[:] = [lookup]


def runner_for_token(token: Any) -> str:
    """The runner behind `auth.runnerToken`, or UnauthorizedError with PeerTube's message."""
    if not token:
        raise UnauthorizedError(NO_RUNNER_TOKEN)
    if not isinstance(token, str) or len(token) > 200:
        raise UnauthorizedError(RUNNER_TOKEN_NOT_STRING)
    runner = _runner_lookups[0](token) if _runner_lookups else None
    if runner is None:
        raise UnauthorizedError(INVALID_RUNNER_TOKEN)
    return runner


def viewer(user_id: int | None) -> User | None:
    """The connection's user as the visibility rules want it: gone or blocked users see what
    anonymous visitors see."""
    if user_id is None:
        return None
    user = users.get_user(user_id, consistent=True)
    if user is None or user.blocked or user.deleting_at is not None:
        return None
    return user


def video_to_follow(reference: Any, viewer: User | None, password: Any = None) -> int:
    """The numeric id of the video a subscription names, once `viewer` may see it; raises a
    CirrusError (bad reference, unknown video, not allowed) otherwise."""
    if isinstance(reference, bool) or not isinstance(reference, (int, str)):
        raise BadRequestError("videoId must be a video id or UUID")
    text = str(reference)
    if not text or len(text) > _MAX_REFERENCE:
        raise BadRequestError("videoId must be a video id or UUID")
    try:
        parsed = video_rules.parse_reference(text, "videoId")
    except ValidationError as exc:
        raise BadRequestError("videoId must be a video id or UUID") from exc
    video = videos.get_video(parsed) if isinstance(parsed, int) else videos.find_video_by_uuid(parsed)
    if video is None:
        raise NotFoundError("Video not found")
    video_rules.check_can_see(video, viewer, by_uuid=True, password=password if isinstance(password, str) else None)
    return int(video.id)
