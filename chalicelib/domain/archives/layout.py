"""The archive's layout, as PeerTube writes it: JSON documents under `peertube/`, the
account's ActivityPub documents under `activity-pub/`, media under `files/`; and the limits
a reader holds any archive to."""

from __future__ import annotations

PEERTUBE_DIR = "peertube/"
ACTIVITYPUB_DIR = "activity-pub/"
FILES_DIR = "files/"

ACCOUNT = "peertube/account.json"
USER_SETTINGS = "peertube/user-settings.json"
CHANNELS = "peertube/channels.json"
VIDEOS = "peertube/videos.json"
PLAYLISTS = "peertube/video-playlists.json"
LIKES = "peertube/likes.json"
DISLIKES = "peertube/dislikes.json"
FOLLOWING = "peertube/following.json"
FOLLOWERS = "peertube/follower.json"
BLOCKLIST = "peertube/blocklist.json"
HISTORY = "peertube/video-history.json"
COMMENTS = "peertube/comments.json"
WATCHED_WORDS = "peertube/watched-words-lists.json"
AUTO_TAG_POLICIES = "peertube/automatic-tag-policies.json"


def video_file_name(video_uuid: str, extension: str) -> str:
    """Where a video's file sits in the archive (PeerTube's `files/videos/video-files/`)."""
    return f"{FILES_DIR}videos/video-files/{video_uuid}{extension}"


def relative_to_documents(name: str) -> str:
    """How a `peertube/*.json` document names a file of the archive: relative to its own
    folder, as PeerTube writes `archiveFiles` (`../files/...`)."""
    return f"../{name}"


def resolve(document: str, relative: str) -> str | None:
    """The entry a document's relative path names, or None if it climbs out of the archive
    (PeerTube resolves them against the document's folder and refuses the same)."""
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return None
    parts = document.split("/")[:-1]
    for part in relative.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) or None


# What a reader accepts. An archive breaking any of these is refused whole, before anything
# is restored from it.
MAX_ENTRIES = 20_000
MAX_JSON_BYTES = 32 * 1024 * 1024  # one JSON document, uncompressed
MAX_NAME_LENGTH = 512
# Deflate reaches about 1000:1 on the most repetitive input; nothing an honest exporter
# writes comes near 200:1 once it is past a few KiB.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 64 * 1024
# The whole archive uncompressed: the instance's limit on one import (bytes).
DEFAULT_MAX_TOTAL_BYTES = 12 * 1024 * 1024 * 1024  # as config.Settings.user_import_max_bytes

# How long a finished export is kept and downloadable (PeerTube's export.users.export_expiration).
EXPORT_EXPIRATION_DAYS = 2
# A download link's lifetime (PeerTube's download JWT: 15 minutes).
DOWNLOAD_LINK_SECONDS = 15 * 60
# Items of one kind an export writes at most (PeerTube's USER_EXPORT_MAX_ITEMS).
MAX_ITEMS = 1000
