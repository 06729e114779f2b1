"""PynamoDB declarations of the main table's items: schema only, no behaviour.

Access patterns live beside this package (store/users.py, store/counters.py, ...).
"""

from chalicelib.store.models.abuse import Abuse, AbuseMessage
from chalicelib.store.models.activity import ActiveDay, LastActive
from chalicelib.store.models.actor import Actor
from chalicelib.store.models.appearance import InstanceAppearance, PlayerSetting
from chalicelib.store.models.base import TableItem
from chalicelib.store.models.block import Block
from chalicelib.store.models.channel_collaborator import ChannelCollaborator
from chalicelib.store.models.channel_sync import ChannelImportedUrl, ChannelSync
from chalicelib.store.models.claim import Claim
from chalicelib.store.models.counter import Counter, InstanceStats
from chalicelib.store.models.custom_config import CustomConfig
from chalicelib.store.models.deletion import Deletion
from chalicelib.store.models.email_link import EmailLink, EmailSent
from chalicelib.store.models.follow import Follow
from chalicelib.store.models.history import HistoryEntry
from chalicelib.store.models.inbox_receipt import InboxReceipt
from chalicelib.store.models.live import LiveSession, LiveVideo
from chalicelib.store.models.moderation import CommentEntry, TagPolicy, WatchedWordsList
from chalicelib.store.models.notification import Notification, NotificationBox, NotificationMark
from chalicelib.store.models.oauth_client import OAuthClient
from chalicelib.store.models.oauth_token import OAuthToken
from chalicelib.store.models.ownership_change import OwnershipChange
from chalicelib.store.models.playlist import Playlist
from chalicelib.store.models.playlist_element import PlaylistElement
from chalicelib.store.models.plugin import PluginValue
from chalicelib.store.models.rate import Rate
from chalicelib.store.models.realtime import RealtimeConnection, RealtimeMember
from chalicelib.store.models.registration import Registration
from chalicelib.store.models.remote_host import RemoteHost
from chalicelib.store.models.runner import Runner, RunnerJob, RunnerRegistrationToken
from chalicelib.store.models.throttle import Throttle
from chalicelib.store.models.tombstone import Tombstone
from chalicelib.store.models.tracker_shards import TrackerShards
from chalicelib.store.models.two_factor import TwoFactorRequest
from chalicelib.store.models.upload_session import UploadSession
from chalicelib.store.models.user import User
from chalicelib.store.models.user_archive import UserExport, UserExportSlot, UserImport
from chalicelib.store.models.video import Video
from chalicelib.store.models.video_autotags import VideoAutoTag, VideoAutoTags
from chalicelib.store.models.video_caption import VideoCaption, VideoChapters
from chalicelib.store.models.video_comment import VideoComment
from chalicelib.store.models.video_file import VideoFile, WebVideoFile
from chalicelib.store.models.video_import import VideoImport
from chalicelib.store.models.video_password import VideoPassword
from chalicelib.store.models.video_redundancy import VideoRedundancy
from chalicelib.store.models.view import LiveViewers, StatsViewer, VideoStats, ViewBucket, ViewReceipt, Watch
from chalicelib.store.models.web_push import PushSent, PushSubscription, VapidKeys

__all__ = [
    "Abuse",
    "AbuseMessage",
    "ActiveDay",
    "Actor",
    "Block",
    "ChannelCollaborator",
    "ChannelImportedUrl",
    "ChannelSync",
    "Claim",
    "CommentEntry",
    "Counter",
    "CustomConfig",
    "Deletion",
    "EmailLink",
    "EmailSent",
    "Follow",
    "HistoryEntry",
    "InboxReceipt",
    "InstanceAppearance",
    "InstanceStats",
    "LastActive",
    "LiveSession",
    "LiveVideo",
    "LiveViewers",
    "Notification",
    "NotificationBox",
    "NotificationMark",
    "OAuthClient",
    "OAuthToken",
    "OwnershipChange",
    "PlayerSetting",
    "Playlist",
    "PlaylistElement",
    "PluginValue",
    "PushSent",
    "PushSubscription",
    "Rate",
    "RealtimeConnection",
    "RealtimeMember",
    "Registration",
    "RemoteHost",
    "Runner",
    "RunnerJob",
    "RunnerRegistrationToken",
    "StatsViewer",
    "TableItem",
    "TagPolicy",
    "Throttle",
    "Tombstone",
    "TrackerShards",
    "TwoFactorRequest",
    "UploadSession",
    "User",
    "UserExport",
    "UserExportSlot",
    "UserImport",
    "VapidKeys",
    "Video",
    "VideoAutoTag",
    "VideoAutoTags",
    "VideoCaption",
    "VideoChapters",
    "VideoComment",
    "VideoFile",
    "VideoImport",
    "VideoPassword",
    "VideoRedundancy",
    "VideoStats",
    "ViewBucket",
    "ViewReceipt",
    "Watch",
    "WatchedWordsList",
    "WebVideoFile",
]
