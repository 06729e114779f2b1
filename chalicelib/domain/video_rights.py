"""Who may manage a video (PeerTube 8's checkCanManageVideo), apart from the video use cases
so that a function that only reads (the views function's statistics) need not import them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.store import channel_collaborators

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video


def owns(user: User, video: Video) -> bool:
    return int(video.account_id) == int(user.account_id)


def manages(user: User, video: Video, right: Right) -> bool:
    """Its owner, whoever holds `right`, or an accepted collaborator of its channel (one
    GetItem, only when the first two fail)."""
    return (
        owns(user, video)
        or has_right(Role(int(user.role)), right)
        or channel_collaborators.is_accepted(int(video.channel_id), int(user.account_id))
    )
