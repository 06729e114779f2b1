"""Key formats of the main table: the only place they are spelled out.

One table holds every aggregate (single-table design). Each item's partition key names
its aggregate and id; the sort key names the item's role inside the aggregate. Claim
items (`<NAMESPACE>#<value>` / `CLAIM`) make a value unique and map it back to an id.
See docs/data-model.md for every access pattern these keys serve.
"""

from __future__ import annotations

ENTITY_SK = "ENTITY"
CLAIM_SK = "CLAIM"
COUNTER_SK = "COUNTER"

STATS_PK = "STATS#instance"
CUSTOM_CONFIG_PK = "CONFIG#custom"


def actor_pk(actor_id: int) -> str:
    return f"ACTOR#{actor_id}"


def user_pk(user_id: int) -> str:
    return f"USER#{user_id}"


def video_pk(video_id: int) -> str:
    return f"VIDEO#{video_id}"


def video_file_sk(resolution: int) -> str:
    return f"FILE#{resolution:05d}"


FILE_SK_PREFIX = "FILE#"
WEB_FILE_SK_PREFIX = "FILE#WEB#"  # after the HLS files' FILE#<digits>: the same Query reads both
ORIGINAL_FILE_SK = "FILE#WEB#ORIGINAL"


def web_video_file_sk(resolution: int) -> str:
    return f"{WEB_FILE_SK_PREFIX}{resolution:05d}"


# A mirror of the video's HLS playlist, one per server: between FILE#<digits> and FILE#WEB#,
# so that the Query reading a video with its files (V1/V3/V8) reads its mirrors too.
REDUNDANCY_SK_PREFIX = "FILE#MIRROR#"


def redundancy_sk(actor_id: int) -> str:
    return f"{REDUNDANCY_SK_PREFIX}{actor_id:012d}"


def redundancies_gsi1pk(ours: bool) -> str:
    """The list of mirrors this instance made (True) or of its videos made elsewhere (False)."""
    return "REDUNDANCIES#REMOTE-VIDEOS" if ours else "REDUNDANCIES#MY-VIDEOS"


def redundancy_gsi2pk(redundancy_id: int) -> str:
    return f"REDUNDANCY#{redundancy_id}"


# After FILE#...: a live's settings and its sessions, in its video's partition (LV1-LV6).
LIVE_SK = "LIVE"
LIVE_SESSION_SK_PREFIX = "LIVESESSION#"


def live_session_sk(number: int) -> str:
    return f"{LIVE_SESSION_SK_PREFIX}{number:06d}"


# A live's viewers of the current and the previous minute: two counters in a ring, right
# after `LIVE` (before `LIVESESSION#`), so that V8 reads them with the video.
LIVE_VIEWERS_SK_PREFIX = "LIVE#VIEWERS#"
LIVE_VIEWER_SLOTS = 2
LIVE_VIEWERS_LAST_SK = f"{LIVE_VIEWERS_SK_PREFIX}{LIVE_VIEWER_SLOTS - 1}"


def live_viewers_sk(minute: int) -> str:
    return f"{LIVE_VIEWERS_SK_PREFIX}{minute % LIVE_VIEWER_SLOTS}"


# After ENTITY and FILE#...: the one Query that reads a video with its files never sees them.
VIDEO_PASSWORD_SK_PREFIX = "PASSWORD#"


def video_password_sk(password_id: int) -> str:
    return f"{VIDEO_PASSWORD_SK_PREFIX}{password_id:012d}"


# Before `ENTITY`: V8 never reads them; the captions list and the chapters are one read each.
CAPTION_SK_PREFIX = "CAPTION#"
CHAPTERS_SK = "CHAPTERS"


def caption_sk(language: str) -> str:
    return f"{CAPTION_SK_PREFIX}{language}"


def comment_sk(thread_id: int, comment_id: int) -> str:
    """A comment in its video's partition, after its thread root (ids grow with time)."""
    return f"{thread_prefix(thread_id)}{comment_id:012d}"


def thread_prefix(thread_id: int) -> str:
    return f"COMMENT#{thread_id:012d}#"


def tombstone_pk(kind: str, item_id: int) -> str:
    return f"TOMBSTONE#{kind}#{item_id}"


def deletion_pk(actor_id: int) -> str:
    return f"DELETION#{actor_id}"


def deletions_gsi1pk() -> str:
    """Accounts and channels whose deletion is under way, oldest first (D3)."""
    return "DELETIONS"


def inbox_receipt_pk(actor_url: str, activity_id: str) -> str:
    # Activity ids are URLs up to 2000 characters; a digest keeps keys short and even. The
    # actor goes first, then a separator no URL holds unescaped.
    import hashlib

    digest = hashlib.sha256(f"{actor_url}\n{activity_id}".encode()).hexdigest()
    return f"INBOXSEEN#{digest}"


def remote_host_pk(host: str) -> str:
    return f"HOST#{host}"


def rate_sk(video_id: int) -> str:
    return f"RATE#{video_id}"


def watch_pk(video_id: int, viewer: str) -> str:
    return f"WATCH#{video_id}#{viewer}"


def view_receipt_pk(view_id: str) -> str:
    return f"VIEWED#{view_id}"


def view_bucket_sk(hour: str) -> str:
    return f"VIEWS#{hour}"


def follow_sk(target_id: int) -> str:
    return f"FOLLOWING#{target_id}"


# Blocklists: an owner's blocks live in its partition (the instance's in its server actor's),
# so one Query lists them all, accounts and servers together.
BLOCK_SK_PREFIX = "BLOCK#"


def account_block_sk(target_account_id: int) -> str:
    return f"{BLOCK_SK_PREFIX}ACCOUNT#{target_account_id:012d}"


def server_block_sk(host: str) -> str:
    return f"{BLOCK_SK_PREFIX}SERVER#{host.lower()}"


# Abuse reports (docs/data-model.md, AB1-AB7): a report and its messages share a partition.
ABUSE_MESSAGE_SK_PREFIX = "MESSAGE#"


def abuse_pk(abuse_id: int) -> str:
    return f"ABUSE#{abuse_id}"


def abuse_message_sk(message_id: int) -> str:
    return f"{ABUSE_MESSAGE_SK_PREFIX}{message_id:012d}"


def abuses_gsi1pk() -> str:
    return "ABUSES"


def reporter_abuses_gsi2pk(account_id: int) -> str:
    return f"ACCOUNT#{account_id}#ABUSES"


HISTORY_SK_PREFIX = "HISTORY#"


def history_sk(video_id: int) -> str:
    return f"{HISTORY_SK_PREFIX}{video_id}"


def token_pk(access_token_hash: str) -> str:
    return f"TOKEN#{access_token_hash}"


def upload_session_pk(upload_id: str) -> str:
    return f"UPLOAD#{upload_id}"


def registration_pk(registration_id: int) -> str:
    return f"REGISTRATION#{registration_id}"


def oauth_client_pk(name: str) -> str:
    return f"OAUTHCLIENT#{name}"


def throttle_pk(bucket: str, subject: str, window: int) -> str:
    return f"THROTTLE#{bucket}#{subject}#{window}"


def counter_pk(name: str) -> str:
    return f"COUNTER#{name}"


def claim_pk(namespace: str, value: str) -> str:
    """A unique value. Names and emails compare case-insensitively, as in PeerTube."""
    return f"{namespace}#{value.lower()}"


# Claim namespaces
ACTOR_NAME = "ACTORNAME"  # local account and channel names share one namespace
ACTOR_URL = "ACTORURL"  # remote actors, by their ActivityPub id
USERNAME = "USERNAME"
EMAIL = "EMAIL"
VIDEO_UUID = "VIDEOUUID"
VIDEO_URL = "VIDEOURL"  # remote videos, by their ActivityPub id
REFRESH_TOKEN = "REFRESH"
REGISTRATION_NAME = "REGNAME"  # usernames and channel names asked for in registrations
REGISTRATION_EMAIL = "REGEMAIL"
COMMENT_ID = "COMMENTID"  # a comment id → "<video id>#<thread id>", where its item is
COMMENT_URL = "COMMENTURL"  # a remote comment's ActivityPub id → its comment id
FLAG_ACTIVITY = "FLAGACTIVITY"  # a received Flag's id (hashed) → its first abuse id
INFO_HASH = "INFOHASH"  # a P2P info hash (40 hex) the tracker accepts → its video id
VIDEO_FILE_TOKEN = "VIDEOFILETOKEN"  # a video file token (hashed) → the UUID of its video (L9)
LIVE_KEY = "LIVEKEY"  # a live's stream key (SHA-256 hex) → its video id (LV2)
NOTIFY_PAGE = "NOTIFYPAGE"  # a page of a notification fan-out → the SQS message that does it (N10)


# GSI1 partitions (lists; gsi1sk orders them)


def user_tokens_gsi1pk(user_id: int) -> str:
    return f"USER#{user_id}#TOKENS"


def users_gsi1pk() -> str:
    return "USERS"


def staff_gsi2pk() -> str:
    """Administrators and moderators (a sparse list: users leave it when demoted)."""
    return "USERS#staff"


def accounts_gsi1pk() -> str:
    return "ACCOUNTS#local"


def channels_gsi1pk() -> str:
    return "CHANNELS#local"


def account_channels_gsi2pk(account_id: int) -> str:
    return f"ACCOUNT#{account_id}#CHANNELS"


def created_sort_key(created_at_iso: str, item_id: int) -> str:
    """Orders a list by creation time; the zero-padded id breaks ties deterministically."""
    return f"{created_at_iso}#{item_id:012d}"


def pending_videos_gsi1pk() -> str:
    """Local videos on their way to publication, ordered by their last progress (V10)."""
    return "VIDEOS#pending"


def registrations_gsi1pk() -> str:
    return "REGISTRATIONS"


def account_rates_gsi1pk(account_id: int) -> str:
    return f"ACCOUNT#{account_id}#RATES"


def video_rates_gsi2pk(video_id: int) -> str:
    return f"VIDEO#{video_id}#RATES"


def view_day_gsi1pk(day: str) -> str:
    """The hourly view buckets of one day (YYYY-MM-DD), every video together."""
    return f"VIEWDAY#{day}"


def followers_gsi1pk(target_id: int) -> str:
    return f"ACTOR#{target_id}#FOLLOWERS"


def following_gsi2pk(follower_id: int) -> str:
    return f"ACTOR#{follower_id}#FOLLOWING"


def video_threads_gsi1pk(video_id: int) -> str:
    return f"VIDEO#{video_id}#THREADS"


def video_held_comments_gsi2pk(video_id: int) -> str:
    return f"VIDEO#{video_id}#HELDCOMMENTS"


# Video playlists (docs/data-model.md, PL1-PL9)

PLAYLIST_UUID = "PLAYLISTUUID"
PLAYLIST_URL = "PLAYLISTURL"  # remote playlists, by their ActivityPub id
WATCH_LATER = "WATCHLATER"  # value: the owner account id; one Watch later playlist each
PLAYLIST_ELEMENT_SK_PREFIX = "POSITION#"


def playlist_pk(playlist_id: int) -> str:
    return f"PLAYLIST#{playlist_id}"


def playlist_element_sk(position: int) -> str:
    """An element slot: the sort key is its (dense, 1-based) position, so a page is a range."""
    return f"{PLAYLIST_ELEMENT_SK_PREFIX}{position:08d}"


def account_playlists_gsi1pk(account_id: int) -> str:
    return f"ACCOUNT#{account_id}#PLAYLISTS"


def public_playlists_gsi2pk() -> str:
    return "PLAYLISTS#public"


def playlist_element_gsi1pk(element_id: int) -> str:
    return f"PLAYLISTELEMENT#{element_id}"


def account_playlist_videos_gsi2pk(account_id: int) -> str:
    return f"ACCOUNT#{account_id}#PLAYLISTVIDEOS"


def playlist_video_sort_key(video_id: int, element_id: int) -> str:
    return f"{video_id:012d}#{element_id:012d}"


# Real-time connections (docs/data-model.md, WS1-WS9; store/realtime.py).


def realtime_connection_pk(connection_id: str) -> str:
    return f"RTCONN#{connection_id}"


def realtime_room_pk(room: str) -> str:
    return f"RTROOM#{room}"


def realtime_shard_gsi1pk(shard: int) -> str:
    """Every connection, spread over a few partitions that the pinger reads one by one."""
    return f"RTCONNS#{shard:02d}"


# A pending request to turn two-factor login on, in its user's partition (TF1-TF3).
TWO_FACTOR_REQUEST_SK = "OTPREQUEST"


# Notifications (docs/data-model.md, N1-N9; store/notifications.py): in their user's partition.
NOTIFICATION_SK_PREFIX = "NOTIFICATION#"
NOTIFICATION_BOX_SK = "NOTIFICATIONS"
EMAIL_LINK_SK_PREFIX = "EMAILLINK#"
EMAILED_SK_PREFIX = "EMAILED#"


def email_link_sk(purpose: str) -> str:
    """A user's live link of one purpose (verify-email, reset-password)."""
    return f"{EMAIL_LINK_SK_PREFIX}{purpose}"


def emailed_sk(kind: int, subject: str) -> str:
    """What makes the email of a notification of `kind` about `subject` go out once."""
    return f"{EMAILED_SK_PREFIX}{kind:02d}#{subject}"


NOTIFIED_SK_PREFIX = "NOTIFIED#"

# Web Push (docs/data-model.md, WP1-WP6; store/web_push.py): subscriptions and marks in their
# user's partition, the VAPID key pair an item of its own.
PUSH_SUBSCRIPTION_SK_PREFIX = "PUSHSUB#"
PUSHED_SK_PREFIX = "PUSHED#"
VAPID_PK = "INSTANCE#vapid"


def push_subscription_sk(endpoint_key: str) -> str:
    return f"{PUSH_SUBSCRIPTION_SK_PREFIX}{endpoint_key}"


def pushed_sk(notification_id: int, endpoint_key: str) -> str:
    return f"{PUSHED_SK_PREFIX}{notification_id:012d}#{endpoint_key}"


def notification_sk(notification_id: int) -> str:
    """A notification, after its user's older ones (ids grow with time)."""
    return f"{NOTIFICATION_SK_PREFIX}{notification_id:012d}"


def notified_sk(kind: int, subject: str) -> str:
    """What makes a notification of `kind` about `subject` happen once for its user."""
    return f"{NOTIFIED_SK_PREFIX}{kind:02d}#{subject}"


def unread_notifications_gsi1pk(user_id: int) -> str:
    return f"USER#{user_id}#UNREAD"


def notification_order_key(notification_id: int) -> str:
    return f"{notification_id:012d}"


# Remote runners (store/runners.py): secrets are found by their SHA-256.
RUNNER_SK = "RUNNER"
RUNNER_REGISTRATIONS_GSI2PK = "RUNNERREGS"
RUNNERS_GSI2PK = "RUNNERS"
RUNNER_JOBS_GSI2PK = "RUNNERJOBS"
RUNNER_JOBS_PROCESSING_GSI1PK = "RUNNERJOBS#processing"


def runner_registration_pk(token_hash: str) -> str:
    return f"RUNNERREG#{token_hash}"


def runner_pk(token_hash: str) -> str:
    return f"RUNNER#{token_hash}"


def runner_job_pk(job_uuid: str) -> str:
    return f"RUNNERJOB#{job_uuid}"


def runner_jobs_pending_gsi1pk(job_type: str) -> str:
    return f"RUNNERJOBS#pending#{job_type}"


def numbered_sk(number: int) -> str:
    """An id as a sort key that orders as the number does."""
    return f"{number:012d}"


# Account archives (docs/data-model.md, UA1-UA6; store/user_archives.py): in their user's partition.
USER_EXPORT_SK_PREFIX = "EXPORT#"
USER_IMPORT_SK_PREFIX = "IMPORT#"
USER_EXPORT_SLOT_SK = "EXPORTSLOT"


def user_export_sk(export_id: int) -> str:
    return f"{USER_EXPORT_SK_PREFIX}{export_id:012d}"


def user_import_sk(import_id: int) -> str:
    return f"{USER_IMPORT_SK_PREFIX}{import_id:012d}"


def video_import_pk(import_id: int) -> str:
    return f"IMPORT#{import_id}"


IMPORT_SLOTS_PK = "IMPORTSLOTS#instance"  # the imports downloading now (store/import_slots.py)
# The imports processing now, by the start of their download (gsi2, sparse: an import is on
# it while processing only), for the sweep of imports whose download died (I2).
PROCESSING_IMPORTS_GSI2PK = "IMPORTS#PROCESSING"
IMPORTS_BACKFILL_PK = "CONFIG#importsbackfill"  # the processing list's one-off backfill


def ownership_change_pk(change_id: int) -> str:
    return f"OWNERSHIP#{change_id}"


def account_sent_ownership_changes_gsi2pk(account_id: int) -> str:
    """The ownership changes an account offered, by creation (O2)."""
    return f"OWNERSHIPS#INITIATOR#{account_id}"


def account_ownership_changes_gsi1pk(account_id: int) -> str:
    """The ownership changes offered to an account, by creation (O1)."""
    return f"OWNERSHIPS#ACCOUNT#{account_id}"


VIDEO_AUTOTAGS_SK = "AUTOTAGS"  # before ENTITY: outside the Query that reads a video with its files (V8)
VIDEO_AUTOTAG_SK_PREFIX = "AUTOTAG#"


def video_autotag_sk(tag: str) -> str:
    return f"{VIDEO_AUTOTAG_SK_PREFIX}{tag}"


def autotagged_gsi1pk(tag: str) -> str:
    """The videos the instance's lists tagged with `tag` (AT2)."""
    return f"AUTOTAGGED#{tag}"


def channel_collaborators_pk(channel_id: int) -> str:
    """A channel's collaborators, one item each (CC1, CC2)."""
    return f"COLLABORATORS#CHANNEL#{channel_id}"


def channel_collaborator_sk(account_id: int) -> str:
    return f"ACCOUNT#{account_id:012d}"


def account_collaborations_gsi1pk(account_id: int) -> str:
    """The channels an account was invited to help run, by invitation (CC3)."""
    return f"COLLABORATIONS#ACCOUNT#{account_id}"


def user_imports_gsi1pk(user_id: int) -> str:
    """A user's video imports, newest last by creation (I1)."""
    return f"IMPORTS#USER#{user_id}"


# Moderation: watched words, automatic tag policies, the comment log (docs/data-model.md, MO1-MO6)

MODERATION_SK_PREFIX = "MODERATION#"  # an account's lists and policy: one key range
WATCHED_WORDS_SK_PREFIX = "MODERATION#WORDS#"
TAG_POLICY_SK = "MODERATION#POLICY"
COMMENT_LOG_PK = "COMMENTLOG"


def watched_words_sk(list_id: int) -> str:
    return f"{WATCHED_WORDS_SK_PREFIX}{list_id:012d}"


def comments_on_videos_of_gsi1pk(account_id: int) -> str:
    return f"ACTOR#{account_id}#VIDEOCOMMENTS"


# Channel synchronisations (docs/data-model.md, CS1-CS3; store/channel_syncs.py).
ALL_CHANNEL_SYNCS_GSI2PK = "CHANNELSYNCS"


def channel_sync_pk(sync_id: int) -> str:
    return f"CHANNELSYNC#{sync_id}"


def account_channel_syncs_gsi1pk(account_id: int) -> str:
    """An account's channel synchronisations, by creation (CS1)."""
    return f"CHANNELSYNCS#ACCOUNT#{account_id}"


def channel_imported_pk(channel_id: int) -> str:
    """The external videos a channel has imported, one mark each (CS3)."""
    return f"CHANNELIMPORTED#{channel_id}"


# The instance's appearance (docs/appearance.md): its logos and its homepage, one item; the
# player settings of a video or a channel (PeerTube 8), an item each.
APPEARANCE_PK = "CONFIG#appearance"

# The tracker's active shard set (TS1-TS2, docs/tracker.md): one item, written by the scaler.
TRACKER_SHARDS_PK = "CONFIG#trackershards"


def player_settings_pk(kind: str, target_id: int) -> str:
    """`kind` is "video" or "channel"."""
    return f"PLAYERSETTINGS#{kind}#{target_id}"
