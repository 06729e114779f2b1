"""PeerTube's notification types (UserNotificationType, with its numbers) and settings
(UserNotificationSetting: one bit field per kind, 1 web and 2 email), with PeerTube's defaults
for a new user (`createDefaultUserNotificationSettings`)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum


class NotificationType(IntEnum):
    NEW_VIDEO_FROM_SUBSCRIPTION = 1
    NEW_COMMENT_ON_MY_VIDEO = 2
    NEW_ABUSE_FOR_MODERATORS = 3
    BLACKLIST_ON_MY_VIDEO = 4
    UNBLACKLIST_ON_MY_VIDEO = 5
    MY_VIDEO_PUBLISHED = 6
    MY_VIDEO_IMPORT_SUCCESS = 7
    MY_VIDEO_IMPORT_ERROR = 8
    NEW_USER_REGISTRATION = 9
    NEW_FOLLOW = 10
    COMMENT_MENTION = 11
    VIDEO_AUTO_BLACKLIST_FOR_MODERATORS = 12
    NEW_INSTANCE_FOLLOWER = 13
    AUTO_INSTANCE_FOLLOWING = 14
    ABUSE_STATE_CHANGE = 15
    ABUSE_NEW_MESSAGE = 16
    NEW_PLUGIN_VERSION = 17
    NEW_PEERTUBE_VERSION = 18
    MY_VIDEO_STUDIO_EDITION_FINISHED = 19
    NEW_USER_REGISTRATION_REQUEST = 20
    NEW_LIVE_FROM_SUBSCRIPTION = 21
    MY_VIDEO_TRANSCRIPTION_GENERATED = 22
    INVITED_TO_COLLABORATE_TO_CHANNEL = 23
    ACCEPTED_TO_COLLABORATE_TO_CHANNEL = 24
    REFUSED_TO_COLLABORATE_TO_CHANNEL = 25
    VIDEO_OWNERSHIP_CHANGED_REQUEST = 26
    VIDEO_OWNERSHIP_CHANGED_ACCEPTED = 27
    VIDEO_OWNERSHIP_CHANGED_REJECTED = 28


# UserNotificationSettingValue: a sum of these.
NONE = 0
WEB = 1
EMAIL = 2

# PeerTube's defaults, in the order its UserNotificationSetting JSON lists them.
DEFAULT_SETTINGS: Mapping[str, int] = {
    "newCommentOnMyVideo": WEB,
    "newVideoFromSubscription": WEB,
    "abuseAsModerator": WEB | EMAIL,
    "videoAutoBlacklistAsModerator": WEB | EMAIL,
    "blacklistOnMyVideo": WEB | EMAIL,
    "myVideoPublished": WEB,
    "myVideoImportFinished": WEB,
    "newUserRegistration": WEB,
    "commentMention": WEB,
    "newFollow": WEB,
    "newInstanceFollower": WEB,
    "autoInstanceFollowing": WEB,
    "abuseNewMessage": WEB | EMAIL,
    "abuseStateChange": WEB | EMAIL,
    "newPeerTubeVersion": WEB | EMAIL,
    "myVideoStudioEditionFinished": WEB,
    "myVideoTranscriptionGenerated": WEB,
    "newPluginVersion": WEB,
}
SETTING_NAMES = tuple(DEFAULT_SETTINGS)

# Which setting governs each type (PeerTube's notifiers' getSetting). A type without one
# (the collaborators' three, the ownership changes' three) is always sent, on the web and by
# email, as PeerTube does.
SETTING_OF: Mapping[NotificationType, str] = {
    NotificationType.NEW_VIDEO_FROM_SUBSCRIPTION: "newVideoFromSubscription",
    NotificationType.NEW_LIVE_FROM_SUBSCRIPTION: "newVideoFromSubscription",
    NotificationType.NEW_COMMENT_ON_MY_VIDEO: "newCommentOnMyVideo",
    NotificationType.NEW_ABUSE_FOR_MODERATORS: "abuseAsModerator",
    NotificationType.BLACKLIST_ON_MY_VIDEO: "blacklistOnMyVideo",
    NotificationType.UNBLACKLIST_ON_MY_VIDEO: "blacklistOnMyVideo",
    NotificationType.MY_VIDEO_PUBLISHED: "myVideoPublished",
    NotificationType.MY_VIDEO_IMPORT_SUCCESS: "myVideoImportFinished",
    NotificationType.MY_VIDEO_IMPORT_ERROR: "myVideoImportFinished",
    NotificationType.NEW_USER_REGISTRATION: "newUserRegistration",
    NotificationType.NEW_USER_REGISTRATION_REQUEST: "newUserRegistration",
    NotificationType.NEW_FOLLOW: "newFollow",
    NotificationType.COMMENT_MENTION: "commentMention",
    NotificationType.VIDEO_AUTO_BLACKLIST_FOR_MODERATORS: "videoAutoBlacklistAsModerator",
    NotificationType.NEW_INSTANCE_FOLLOWER: "newInstanceFollower",
    NotificationType.AUTO_INSTANCE_FOLLOWING: "autoInstanceFollowing",
    NotificationType.ABUSE_STATE_CHANGE: "abuseStateChange",
    NotificationType.ABUSE_NEW_MESSAGE: "abuseNewMessage",
    NotificationType.NEW_PLUGIN_VERSION: "newPluginVersion",
    NotificationType.NEW_PEERTUBE_VERSION: "newPeerTubeVersion",
    NotificationType.MY_VIDEO_STUDIO_EDITION_FINISHED: "myVideoStudioEditionFinished",
    NotificationType.MY_VIDEO_TRANSCRIPTION_GENERATED: "myVideoTranscriptionGenerated",
}
