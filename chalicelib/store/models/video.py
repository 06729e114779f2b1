"""A video, local or remote. Its files, captions and comments are items of their own."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.catalogued import Catalogued
from chalicelib.store.models.video_stages import STAGE_DONE, STAGE_ENCODING, STAGE_UPLOADED

PRIVACY_PUBLIC = 1
STATE_PUBLISHED = 1
STATE_TO_TRANSCODE = 2
STATE_TO_IMPORT = 3
STATE_TRANSCODING_FAILED = 7
STATE_TO_IMPORT_FAILED = 12


class Video(Catalogued, discriminator="Video"):
    id = NumberAttribute()
    uuid = UnicodeAttribute()
    name = UnicodeAttribute()
    channel_id = NumberAttribute()
    account_id = NumberAttribute()
    is_local = BooleanAttribute(default=True)
    url = UnicodeAttribute()
    privacy = NumberAttribute(default=PRIVACY_PUBLIC)
    state = NumberAttribute(default=STATE_TO_TRANSCODE)
    category = NumberAttribute(null=True)
    licence = NumberAttribute(null=True)
    language = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    support = UnicodeAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)
    nsfw = BooleanAttribute(default=False)
    duration = NumberAttribute(default=0)  # whole seconds, known once probed
    aspect_ratio = NumberAttribute(null=True)
    views = NumberAttribute(default=0)
    likes = NumberAttribute(default=0)
    dislikes = NumberAttribute(default=0)
    trending = NumberAttribute(default=0)  # views in the trending window (functions/trending)
    comments_count = NumberAttribute(default=0)  # not held, not deleted (PeerTube's `comments`)
    comment_threads = NumberAttribute(default=0)  # thread roots not held, deleted ones included
    held_comment_threads = NumberAttribute(default=0)  # thread roots held for review, deleted included
    held_comments = NumberAttribute(default=0)  # held for review, not deleted
    files_size = NumberAttribute(default=0)  # bytes of every published rendition
    user_id = NumberAttribute(null=True)  # the local user who uploaded it
    comments_policy = NumberAttribute(default=1)  # 1 enabled, 2 disabled, 3 requires approval
    download_enabled = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    published_at = UTCDateTimeAttribute(null=True)
    originally_published_at = UTCDateTimeAttribute(null=True)
    wait_transcoding = BooleanAttribute(default=True)
    # When its owner last replaced its file (PeerTube's inputFileUpdatedAt); None if never.
    input_file_updated_at = UTCDateTimeAttribute(null=True)

    # Transcoding (see chalicelib/domain/transcoding.py and docs/transcoding.md)
    source_key = UnicodeAttribute(null=True)  # the original, in the uploads bucket
    source_size = NumberAttribute(null=True)  # declared at upload, checked against the quota
    input_filename = UnicodeAttribute(null=True)  # the uploaded file's name, as its client gave it
    quota_reserved = NumberAttribute(null=True)  # bytes reserved on its owner until published or released
    quota_key = UnicodeAttribute(null=True)  # its entry in its owner's daily_uploads
    upload_id = UnicodeAttribute(null=True)  # S3 multipart upload of a direct upload in progress
    has_images = BooleanAttribute(default=False)  # thumbnail and preview made
    stage = UnicodeAttribute(default=STAGE_UPLOADED)  # video_stages.py: its values and moves
    hls_prefix = UnicodeAttribute(null=True)  # random name of the HLS files, as PeerTube's
    plan = JSONAttribute(null=True)  # source facts, renditions and chunks
    steps_total = NumberAttribute(default=0)
    steps_done = NumberAttribute(default=0)
    done_steps = UnicodeSetAttribute(null=True)
    renditions_info = JSONAttribute(null=True)  # per resolution: size, width, height, fps...
    failure = UnicodeAttribute(null=True)  # why transcoding failed, shown to the owner
    resumes = NumberAttribute(default=0)  # times the sweeper found it stalled and resumed it
    studio_edits = NumberAttribute(default=0)  # studio edits handed to the pipeline (docs/studio.md)
    # What its transcoding makes, as the instance's settings said when it was uploaded
    # (PeerTube's transcoding.web_videos.enabled and hls.enabled; None: their defaults).
    make_web_videos = BooleanAttribute(null=True)
    make_hls = BooleanAttribute(null=True)
    make_storyboard = BooleanAttribute(null=True)  # PeerTube's storyboard.enabled (None: its default, on)
    # The upload's `generateTranscription` (None: PeerTube's default, true), and the
    # transcription under way, if any: "runner:<job uuid>" or "transcribe:<job name>"
    # (domain/transcriptions.py; PeerTube's VideoJobInfo.pendingTranscription).
    generate_transcription = BooleanAttribute(null=True)
    transcription_job = UnicodeAttribute(null=True)
    # Its storyboard once made (domain/storyboards.py): the sprite sheet's facts as PeerTube's
    # API lists them; the file is lazy-static/storyboards/<images_name>.jpg.
    storyboard = JSONAttribute(null=True)
    # Remote videos play from their origin: its master playlist and segment hashes.
    remote_playlist_url = UnicodeAttribute(null=True)
    remote_sha256_url = UnicodeAttribute(null=True)
    remote_thumbnail_url = UnicodeAttribute(null=True)
    # Its origin's captions: [{language, fileUrl, m3u8Url, automatic}] (domain/caption_files.py).
    remote_captions = JSONAttribute(null=True)
    # The random name its images are stored under: a remote video's copies (a remote server's
    # UUID is not a name to write under), and a local video's once it is or was private (its
    # UUID-named images would be readable by anyone who learns the UUID; L9).
    image_name = UnicodeAttribute(null=True)
    info_hashes = UnicodeSetAttribute(null=True)  # its INFOHASH claims (the tracker's swarms), deleted with it
    # Its block by a moderator (PeerTube's video blacklist, domain/video_blacklist.py), absent
    # unless blocked: {id, createdAt, updatedAt, reason, type, unfederated}. One attribute, so
    # one more in the catalogue index's projection (lists leave blocked videos out).
    blacklist = JSONAttribute(null=True)
    # A live's replay: where its session is, "<live video id>#<session number>" (V13).
    live_session = UnicodeAttribute(null=True)

    @property
    def images_name(self) -> str:
        """The name of its thumbnail and preview in the media bucket (media/layout.py)."""
        return str(self.image_name or self.uuid)


def published_upload(video: Video) -> bool:
    """Whether an upload is published, and so counted in the instance's statistics while
    public: once it is done, or, published progressively, from its first rendition on while
    the others are still encoding (docs/transcoding.md, "Progressive publication"). Its
    files' size and its quota are counted at its last rendition only (stage done)."""
    return video.stage == STAGE_DONE or (video.stage == STAGE_ENCODING and int(video.state or 0) == STATE_PUBLISHED)


def hls_listed(video: Video) -> bool:
    """Whether a local video's HLS files are listed (API, downloads, feeds, the `hasHLSFiles`
    filter): from its publication on, its first rendition's when published progressively."""
    return published_upload(video)
