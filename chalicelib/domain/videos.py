"""Video use cases: creating a local video for an upload, finding one, who may see it,
deleting it. The rules and messages are PeerTube's (upload validators, checkCanSeeVideo)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.domain import custom_config, events, video_blacklist, video_passwords
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.short_uuid import from_short
from chalicelib.domain.validation import Checks
from chalicelib.domain.video_metadata import NAME_MESSAGE, parse_int, read_metadata
from chalicelib.domain.video_rights import manages, owns
from chalicelib.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    UnauthorizedError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from chalicelib.media import layout
from chalicelib.store import actors, catalog, channel_collaborators, counters, keys, lives, media, quotas, users, videos
from chalicelib.store import video_passwords as store_passwords
from chalicelib.store.models import Actor, TableItem, User, Video
from chalicelib.store.models.video import STATE_TO_IMPORT, STATE_TO_TRANSCODE
from chalicelib.store.models.video_stages import PENDING_STAGES, STAGE_IMPORTING, STAGE_UPLOADED

if TYPE_CHECKING:
    from chalicelib.config import Settings

PRIVACY_PUBLIC, PRIVACY_UNLISTED, PRIVACY_PRIVATE, PRIVACY_INTERNAL, PRIVACY_PASSWORD = 1, 2, 3, 4, 5
# The extensions PeerTube accepts with its defaults (transcoding, additional extensions and
# audio files allowed), in its order, typo included: clients show this message as is.
ACCEPTED_EXTENSIONS = (
    ".webm, .ogv, .ogg, .mp4, .mkv, .mov, .qt, .mqv, .m4v, .flv, .f4v, .wmv, .avi, .3gp, .3gpp, .3g2, .3gpp2, "
    ".nut, .mts, ts, .m2ts, .mpv, .m2v, .m1v, .mpg, .mpe, .mpeg, .vob, .mxf, .mp3, .wma, .wav, .flac, .aac, .m4a, .ac3"
)
ACCEPTED_MEDIA_TYPE = re.compile(r"^(video/|audio/|application/octet-stream$|application/ogg$|application/mxf$)")
UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE)


@dataclass(frozen=True)
class VideoForm:
    name: str
    channel_id: int
    privacy: int
    category: int | None
    licence: int | None
    language: str | None
    description: str | None
    support: str | None
    tags: list[str]
    nsfw: bool
    wait_transcoding: bool
    comments_policy: int
    download_enabled: bool
    originally_published_at: datetime | None = None
    passwords: tuple[str, ...] = ()  # a password-protected video's, at least one
    generate_transcription: bool = True  # PeerTube's `generateTranscription ?? true`


def read_form(fields: dict[str, Any]) -> VideoForm:
    """The upload metadata, from JSON or from multipart strings, with PeerTube's checks."""
    checks = Checks()
    found = read_metadata(fields, checks)
    if "name" not in fields:
        checks.add("name", NAME_MESSAGE)
    channel_id = parse_int(fields.get("channelId"))
    if channel_id is None:
        checks.add("channelId", "Invalid value")
    transcribe = _optional_boolean(fields.get("generateTranscription"))
    if transcribe is _INVALID:
        checks.add("generateTranscription", "Invalid value")
    checks.raise_if_any()
    privacy = found.get("privacy") or PRIVACY_PRIVATE  # PeerTube: an upload without privacy is private
    passwords = video_passwords.passwords_for(privacy, fields, required=True) or []
    return VideoForm(
        name=str(found.get("name")),
        channel_id=int(channel_id or 0),
        privacy=privacy,
        category=found.get("category"),
        licence=found.get("licence"),
        language=found.get("language"),
        description=found.get("description"),
        support=found.get("support"),
        tags=found.get("tags") or [],
        nsfw=bool(found.get("nsfw")),
        wait_transcoding=bool(found.get("waitTranscoding")),
        comments_policy=found.get("commentsPolicy") or 1,
        download_enabled=found.get("downloadEnabled") is not False,
        originally_published_at=found.get("originallyPublishedAt"),
        passwords=tuple(passwords),
        generate_transcription=transcribe is not False,
    )


_INVALID = object()


def _optional_boolean(value: Any) -> object:
    """PeerTube's toBooleanOrNull then isBooleanValid: a boolean, or its multipart string."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
        return value.lower() in ("true", "1")
    return _INVALID


def check_media_type(media_type: str | None) -> None:
    if not media_type or not ACCEPTED_MEDIA_TYPE.match(media_type.lower()):
        raise UnsupportedMediaTypeError(
            f"This file is not supported. Please, make sure it is of the following type: {ACCEPTED_EXTENSIONS}"
        )


QUOTA_EXCEEDED = "The user video quota is exceeded with this video"
WRITE_ATTEMPTS = 5


def check_quota(user: User, size: int, now: datetime) -> None:
    """PeerTube refuses when what is used (here: published, and reserved by uploads on their
    way) plus the new file reaches the quota, or when what the last 24 hours' uploads use
    plus the new file reaches the daily quota."""
    total_ok, daily_ok = quotas.allows(user, size, now)
    if not total_ok or not daily_ok:
        raise PayloadTooLargeError(QUOTA_EXCEEDED, code="quota_reached")


def _create_reserving(video: Video, user: User, extra: list[Any], now: datetime) -> None:
    """Create the video and reserve its declared size on its uploader, in one write checked
    against a consistent read of the uploader's figures; read again when a parallel upload
    (or a publication, a release) moved them in between."""
    size = int(video.source_size or 0)
    for _ in range(WRITE_ATTEMPTS):
        owner = users.get_user(int(user.id), consistent=True)
        if owner is None:
            raise NotFoundError("User not found")
        check_quota(owner, size, now)
        try:
            videos.create_video(video, extra, reservation=quotas.Reservation(owner, int(video.id), size, now))
        except quotas.QuotaChanged:
            continue
        return
    raise ConflictError("Too many uploads at once: try again.")


def publishing_channel(channel_id: int, user: User) -> Actor:
    """The channel a video is published in: local, and managed by `user`."""
    channel = actors.get_actor(channel_id)
    if channel is None or channel.actor_type != "Group" or channel.deleting_at is not None:
        raise NotFoundError("Video channel not found")
    if not channel.is_local:
        raise ForbiddenError("The channel must be local.")
    if (
        int(channel.account_id or 0) != int(user.account_id)
        and not has_right(Role(int(user.role)), Right.MANAGE_ANY_VIDEO_CHANNEL)
        and not channel_collaborators.is_accepted(int(channel.id), int(user.account_id))
    ):
        raise ForbiddenError("This user cannot manage this channel")
    return channel


UPLOAD_ACCEPT_HOOK = "filter:api.video.upload.accept.result"


def _check_plugins_accept(form: VideoForm, user: User, size: int, filename: str) -> None:
    """PeerTube's upload accept filter: a plugin may refuse the upload (403, its message)."""
    video_body = {
        "name": form.name,
        "channelId": form.channel_id,
        "privacy": form.privacy,
        "category": form.category,
        "licence": form.licence,
        "language": form.language,
        "description": form.description,
        "support": form.support,
        "tags": list(form.tags),
        "nsfw": form.nsfw,
    }
    # PeerTube's AcceptResult for uploads is {accepted, errorMessage} (lib/moderation.ts).
    allowed, message = plugins.accepted(
        UPLOAD_ACCEPT_HOOK,
        key="accepted",
        video_body=video_body,
        video_file={"originalname": filename, "size": size},
        user=user,
    )
    if not allowed:
        raise ForbiddenError(message or "Refused local video")


def create_local_video(
    settings: Settings,
    user: User,
    form: VideoForm,
    size: int,
    filename: str,
    now: datetime,
    *,
    importing: bool = False,
    extra: Callable[[int], Sequence[TableItem]] | None = None,
) -> tuple[Video, Actor]:
    """A video waiting for its file; its source key is where the upload must land. An
    `importing` one waits for an import to fetch it (TO_IMPORT); `extra(video id)` gives
    items created with it."""
    channel = publishing_channel(form.channel_id, user)
    check_quota(user, size, now)  # before taking an id; checked again against a fresh read
    if not importing:
        _check_plugins_accept(form, user, size, filename)
    # What its transcoding will make, as the administrator's settings say now (PeerTube
    # builds its transcoding jobs from them when the upload completes).
    custom = custom_config.current(settings).custom
    formats = custom["transcoding"]
    video_id = counters.next_id("video")
    video_uuid = str(uuid.uuid4())
    video = Video(
        keys.video_pk(video_id),
        keys.ENTITY_SK,
        id=video_id,
        uuid=video_uuid,
        name=form.name,
        channel_id=int(channel.id),
        account_id=int(channel.account_id or user.account_id),
        user_id=int(user.id),
        url=f"{settings.instance_url}/videos/watch/{video_uuid}",
        privacy=form.privacy,
        state=STATE_TO_IMPORT if importing else STATE_TO_TRANSCODE,
        stage=STAGE_IMPORTING if importing else STAGE_UPLOADED,
        category=form.category,
        licence=form.licence,
        language=form.language,
        description=form.description,
        support=form.support,
        tags=set(form.tags) or None,
        nsfw=form.nsfw,
        wait_transcoding=form.wait_transcoding,
        comments_policy=form.comments_policy,
        download_enabled=form.download_enabled,
        originally_published_at=form.originally_published_at,
        source_key=layout.source_key(video_uuid, safe_filename(filename)),
        input_filename=filename,
        source_size=size,
        make_web_videos=bool(formats["web_videos"]["enabled"]),
        make_hls=bool(formats["hls"]["enabled"]),
        make_storyboard=bool(custom["storyboard"]["enabled"]),
        generate_transcription=form.generate_transcription,
        created_at=now,
        updated_at=now,
        published_at=now,
    )
    video.blacklist = video_blacklist.automatic_block(user, custom, now, video)
    items = [*store_passwords.new_passwords(video_id, form.passwords, now), *(extra(video_id) if extra else ())]
    _create_reserving(video, user, items, now)
    if not importing:
        events.emit(events.VideoUploaded(video))
    if video.blacklist is not None:
        events.emit(events.VideoBlacklisted(video))
    return video, channel


def find_video(id_or_uuid: str, field: str = "id") -> Video:
    """By numeric id, UUID or short UUID, as PeerTube's `:id` parameter (named `field`)."""
    reference = parse_reference(id_or_uuid, field)
    video = videos.get_video(reference) if isinstance(reference, int) else videos.find_video_by_uuid(reference)
    if video is None or int(video.id) in catalog.current().withheld:  # its owner is being deleted
        raise NotFoundError("Video not found")
    return video


def parse_reference(id_or_uuid: str, field: str = "id") -> int | str:
    """A video's numeric id, or its UUID (from a short one too); 400 for anything else."""
    candidate = from_short(id_or_uuid) if len(id_or_uuid) == 22 else id_or_uuid
    if candidate and candidate.isdigit():
        return int(candidate)
    if candidate and UUID_V4.match(candidate):
        return candidate.lower()
    raise ValidationError({field: "Should have a valid video id (id, short UUID or UUID)"}, location="params")


def check_can_see(video: Video, viewer: User | None, by_uuid: bool, password: str | None = None) -> None:
    """PeerTube's checkCanSeeVideo. `by_uuid`: the caller named the video by its UUID (which
    is what makes an unlisted video visible); `password`: the x-peertube-video-password
    header, for a password-protected one. Paths that name a video without a header (search,
    playlists, reports) pass None: only the owner and moderators see such a video there."""
    if video.blacklist is not None:
        # PeerTube's requiresUserAuth with checkBlacklist: its owner and moderators only.
        if viewer is None:
            raise UnauthorizedError("Authentication is required")
        if not owns(viewer, video) and not has_right(Role(int(viewer.role)), Right.MANAGE_VIDEO_BLACKLIST):
            raise ForbiddenError("Cannot fetch information of private/internal/blocked video")
        return
    privacy = int(video.privacy)
    if privacy == PRIVACY_PASSWORD:
        _check_password_access(video, viewer, password)
        return
    needs_user = privacy in (PRIVACY_PRIVATE, PRIVACY_INTERNAL) or (privacy == PRIVACY_UNLISTED and not by_uuid)
    if not needs_user:
        return
    if viewer is None:
        raise UnauthorizedError("Authentication is required")
    if privacy == PRIVACY_INTERNAL:
        return
    if not owns(viewer, video) and not has_right(Role(int(viewer.role)), Right.SEE_ALL_VIDEOS):
        raise ForbiddenError("Cannot fetch information of private/internal/blocked video")


def may_see_everywhere(video: Video, viewer: User | None) -> bool:
    """Whether the viewer sees the video with no UUID nor password given: its owner and
    moderators always, others only public (and, for users, internal) videos."""
    try:
        check_can_see(video, viewer, by_uuid=False)
    except (UnauthorizedError, ForbiddenError):
        return False
    return True


def _check_password_access(video: Video, viewer: User | None, password: str | None) -> None:
    if (
        password is None
        and viewer is not None
        and (owns(viewer, video) or has_right(Role(int(viewer.role)), Right.SEE_ALL_VIDEOS))
    ):
        return
    video_passwords.check_password(video, password)


def check_can_delete(video: Video, user: User) -> None:
    if not video.is_local:
        raise ForbiddenError("Cannot manage a video of another server.")
    if not manages(user, video, Right.REMOVE_ANY_VIDEO):
        raise ForbiddenError("Cannot manage a video of another user.")


def remove_video(video: Video) -> None:
    """Delete a video: its files first, then its items, so that a deletion cut short (a
    timeout, a crash) leaves at worst an item without files, never public files without an
    item; run again, it finishes. A transcoding step still running may write files after
    they were deleted: one that ends after the items are gone removes what it wrote itself
    (functions/transcoder/handler.py), and those written in between go with a second pass.
    Followers hear of it first, while the video's account and channel still exist to sign
    the Delete. The video is read again with its files (one Query): callers may hold the
    catalogue's copy, which lacks what deletion needs (its info hashes)."""
    events.emit(events.VideoRemoved(video))
    found = videos.get_video_whole(int(video.id))
    stored, files, web_files, live = found.video, found.files, found.web_files, found.live
    # The stored name: a private video's images were renamed when it left the public.
    images_name = stored.images_name if stored is not None else video.images_name
    media.delete_video_files(video.uuid, images_name)
    # A live's stream key goes with it (its other items are the partition's leftovers).
    key_claims = [lives.key_claim_item(str(live.stream_key))] if live is not None and live.stream_key else []
    for _ in range(WRITE_ATTEMPTS):
        if stored is None or videos.delete_video(stored, files, key_claims, web_files):
            break
        # What the video gives back depends on its stage: read again if it moved meanwhile.
        found = videos.get_video_whole(int(video.id))
        stored, files, web_files = found.video, found.files, found.web_files
    videos.delete_leftovers(int(video.id))
    if stored is not None and stored.stage in PENDING_STAGES:
        media.delete_video_files(video.uuid, images_name)


def safe_filename(filename: str) -> str:
    base = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base)[:100]
    return cleaned or "source"
