"""PeerTube's user roles and rights (UserRole, UserRight) and who may manage whom."""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    ADMINISTRATOR = 0
    MODERATOR = 1
    USER = 2

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Right(IntEnum):
    ALL = 0
    MANAGE_USERS = 1
    MANAGE_SERVER_FOLLOW = 2
    MANAGE_LOGS = 3
    MANAGE_DEBUG = 4
    MANAGE_SERVER_REDUNDANCY = 5
    MANAGE_ABUSES = 6
    MANAGE_JOBS = 7
    MANAGE_CONFIGURATION = 8
    MANAGE_INSTANCE_CUSTOM_PAGE = 9
    MANAGE_ACCOUNTS_BLOCKLIST = 10
    MANAGE_SERVERS_BLOCKLIST = 11
    MANAGE_VIDEO_BLACKLIST = 12
    MANAGE_ANY_VIDEO_CHANNEL = 13
    REMOVE_ANY_VIDEO = 14
    REMOVE_ANY_VIDEO_PLAYLIST = 15
    MANAGE_ANY_VIDEO_COMMENT = 16
    UPDATE_ANY_VIDEO = 17
    UPDATE_ANY_VIDEO_PLAYLIST = 18
    GET_ANY_LIVE = 19
    SEE_ALL_VIDEOS = 20
    SEE_ALL_COMMENTS = 21
    CHANGE_VIDEO_OWNERSHIP = 22
    MANAGE_PLUGINS = 23
    MANAGE_VIDEOS_REDUNDANCIES = 24
    MANAGE_VIDEO_FILES = 25
    RUN_VIDEO_TRANSCODING = 26
    MANAGE_VIDEO_IMPORTS = 27
    MANAGE_REGISTRATIONS = 28
    MANAGE_RUNNERS = 29
    MANAGE_USER_EXPORTS = 30
    MANAGE_USER_IMPORTS = 31
    MANAGE_INSTANCE_WATCHED_WORDS = 32
    MANAGE_INSTANCE_AUTO_TAGS = 33


MODERATOR_RIGHTS = frozenset(
    {
        Right.MANAGE_VIDEO_BLACKLIST,
        Right.MANAGE_ABUSES,
        Right.MANAGE_ANY_VIDEO_CHANNEL,
        Right.REMOVE_ANY_VIDEO,
        Right.REMOVE_ANY_VIDEO_PLAYLIST,
        Right.MANAGE_ANY_VIDEO_COMMENT,
        Right.UPDATE_ANY_VIDEO,
        Right.SEE_ALL_VIDEOS,
        Right.MANAGE_ACCOUNTS_BLOCKLIST,
        Right.MANAGE_SERVERS_BLOCKLIST,
        Right.MANAGE_USERS,
        Right.SEE_ALL_COMMENTS,
        Right.MANAGE_REGISTRATIONS,
        Right.MANAGE_INSTANCE_WATCHED_WORDS,
        Right.MANAGE_INSTANCE_AUTO_TAGS,
    }
)


def has_right(role: Role, right: Right) -> bool:
    if role == Role.ADMINISTRATOR:
        return True
    if role == Role.MODERATOR:
        return right in MODERATOR_RIGHTS
    return False


def can_manage(actor_role: Role, target_role: Role) -> bool:
    """Administrators manage anyone; moderators manage plain users only."""
    if actor_role == Role.ADMINISTRATOR:
        return True
    return actor_role == Role.MODERATOR and target_role == Role.USER
