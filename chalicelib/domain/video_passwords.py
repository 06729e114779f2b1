"""Password-protected videos (privacy 5), with PeerTube's rules and messages.

A password-protected video is unlisted (never in lists or search, never federated: PeerTube
treats it so) and opens only with the header `x-peertube-video-password` holding one of its
passwords; without it, only its owner and moderators see it (checkCanSeePasswordProtectedVideo).
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequestError, ForbiddenError, NotFoundError
from chalicelib.store import video_passwords

if TYPE_CHECKING:
    from chalicelib.store.models import Video, VideoPassword

PRIVACY_PASSWORD = 5
HEADER = "x-peertube-video-password"
# PeerTube: 2 <= length < 100 (CONSTRAINTS_FIELDS.VIDEO_PASSWORD).
LENGTH = (2, 100)
# PeerTube sets no limit; every check reads them all, so a few dozen is plenty.
MAX_PASSWORDS = 50
REQUIRES_PASSWORD = "Please provide a password to access this password protected video"
INCORRECT_PASSWORD = "Incorrect video password. Access to the video is denied."
INVALID_PASSWORD = (
    "Invalid video password. Password length should be at least 2 characters and no more than 100 characters."
)
NOT_PROTECTED = "Video is not password protected"


def read_passwords(value: Any) -> list[str]:
    """PeerTube's isValidPasswordProtectedPrivacy on a list the client sent; 400 with its
    message otherwise."""
    if not isinstance(value, list):
        raise BadRequestError("Video passwords should be an array.")
    if not value:
        raise BadRequestError("At least one video password is required.")
    if len(value) > MAX_PASSWORDS:
        raise BadRequestError(f"A video cannot have more than {MAX_PASSWORDS} passwords.")
    if not all(isinstance(password, str) for password in value):
        raise BadRequestError("Video password should be a string.")
    if len(set(value)) != len(value):
        raise BadRequestError("Duplicate video passwords are not allowed.")
    if not all(LENGTH[0] <= len(password) < LENGTH[1] for password in value):
        raise BadRequestError(INVALID_PASSWORD)
    return list(value)


def passwords_for(privacy: int | None, fields: dict[str, Any], *, required: bool) -> list[str] | None:
    """The passwords a create or update sets: required when a video becomes password-protected
    (`required`), refused for any other privacy, None when none were given."""
    given = fields.get("videoPasswords")
    if given is None or given == "":
        if privacy == PRIVACY_PASSWORD and required:
            raise BadRequestError("Video passwords are missing.")
        return None
    if privacy != PRIVACY_PASSWORD:
        raise BadRequestError("Video passwords are only for password protected videos.")
    return read_passwords(given)


def is_correct(video: Video, candidate: str) -> bool:
    """Compared with each stored password in constant time."""
    given = candidate.encode("utf-8", errors="surrogatepass")
    matches = [
        hmac.compare_digest(given, p.password.encode("utf-8")) for p in video_passwords.list_passwords(int(video.id))
    ]
    return any(matches)


def check_password(video: Video, candidate: str | None) -> None:
    """403 unless `candidate` is one of the video's passwords (PeerTube's two error codes)."""
    if candidate is None:
        raise ForbiddenError(REQUIRES_PASSWORD, code="video_requires_password")
    if not is_correct(video, candidate):
        raise ForbiddenError(INCORRECT_PASSWORD, code="incorrect_video_password")


def check_protected(video: Video) -> None:
    if int(video.privacy) != PRIVACY_PASSWORD:
        raise BadRequestError(NOT_PROTECTED)


def listing(video: Video) -> list[VideoPassword]:
    check_protected(video)
    return video_passwords.list_passwords(int(video.id))


def replace(video: Video, body: dict[str, Any], now: datetime) -> None:
    """PUT /videos/{id}/passwords: `passwords` becomes the whole set."""
    check_protected(video)
    passwords = body.get("passwords")
    if passwords is None:
        raise BadRequestError("Video passwords are missing.")
    video_passwords.replace(int(video.id), read_passwords(passwords), now)


def add(video: Video, body: dict[str, Any], now: datetime) -> VideoPassword:
    """POST /videos/{id}/passwords (PeerTube 8): one more password."""
    check_protected(video)
    password = body.get("password")
    current = video_passwords.list_passwords(int(video.id))
    read_passwords([*(p.password for p in current), password])
    return video_passwords.add(int(video.id), str(password), now)


def remove(video: Video, raw_id: str) -> None:
    """DELETE /videos/{id}/passwords/{passwordId}: never the last one."""
    check_protected(video)
    current = video_passwords.list_passwords(int(video.id))
    found = next((p for p in current if raw_id.isdigit() and int(p.id) == int(raw_id)), None)
    if found is None:
        raise NotFoundError("Video password not found")
    if len(current) <= 1:
        raise BadRequestError("Cannot delete the last password of the protected video")
    video_passwords.delete(found)
