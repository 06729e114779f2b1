"""Local users, their accounts and channels: creation, and the rules PeerTube applies.

A local user always comes with an account (a Person actor named like the user) and at least
one channel (a Group actor); each actor has its own RSA key pair from the start, so it can
federate later without a migration. Names of accounts and channels share one namespace, and
a name stays taken after its actor is deleted, as in PeerTube.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain import actor_keys, passwords
from chalicelib.domain.roles import Role
from chalicelib.errors import BadRequestError, ConflictError
from chalicelib.store import actors, counters, keys, playlists, sealed_keys, users
from chalicelib.store.models import Actor, User
from chalicelib.store.writes import NewClaim, create_items

if TYPE_CHECKING:
    from chalicelib.config import Settings

USER_TAKEN = "User with this username or email already exists."
ACTOR_TAKEN = "Another actor (account/channel) with this name on this instance already exists or has already existed."
SERVER_ACTOR_NAME = actors.SERVER_ACTOR_NAME
ROOT_USERNAME = "root"
# Names the instance gives itself: the root administrator, made at start-up once the operator
# sets its password, and the instance actor. Taken by anyone else first, they would lock the
# real root out for good (names are never freed), so nobody else may ever take them.
RESERVED_NAMES = frozenset({ROOT_USERNAME, SERVER_ACTOR_NAME})
# PeerTube tries <username>_channel, then -1 ... -29, before giving up.
DEFAULT_CHANNEL_ATTEMPTS = 30


@dataclass(frozen=True)
class ChannelRequest:
    name: str
    display_name: str


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    email: str
    role: Role = Role.USER
    display_name: str | None = None
    channel: ChannelRequest | None = None
    video_quota: int = -1
    video_quota_daily: int = -1
    email_verified: bool | None = None
    admin_flags: int = 0
    # An accepted registration request carries the hash made when it was submitted.
    password_hash: str | None = None


@dataclass(frozen=True)
class CreatedUser:
    user: User
    account: Actor
    channel: Actor


def actor_url(settings: Settings, actor_type: str, name: str) -> str:
    folder = "video-channels" if actor_type == "Group" else "accounts"
    return f"{settings.instance_url}/{folder}/{name}"


def new_local_actor(
    settings: Settings,
    actor_type: str,
    name: str,
    display_name: str,
    now: datetime,
    *,
    user_id: int | None = None,
    account_id: int | None = None,
    description: str | None = None,
    support: str | None = None,
) -> Actor:
    """A local actor with a fresh id, its ActivityPub URLs and its own key pair."""
    actor_id = counters.next_id("actor")
    url = actor_url(settings, actor_type, name)
    pair = actor_keys.generate_key_pair()
    sort_key = keys.created_sort_key(now.isoformat(), actor_id)
    actor = Actor(
        keys.actor_pk(actor_id),
        keys.ENTITY_SK,
        id=actor_id,
        actor_type=actor_type,
        preferred_username=name,
        url=url,
        inbox_url=f"{url}/inbox",
        shared_inbox_url=f"{settings.instance_url}/inbox",
        outbox_url=f"{url}/outbox",
        followers_url=f"{url}/followers",
        following_url=f"{url}/following",
        display_name=display_name,
        description=description,
        support=support,
        public_key_pem=pair.public_pem,
        private_key_pem=sealed_keys.seal(pair.private_pem, actor_id),
        user_id=user_id,
        account_id=account_id,
        created_at=now,
        updated_at=now,
    )
    if actor_type == "Group":
        actor.gsi1pk, actor.gsi1sk = keys.channels_gsi1pk(), sort_key
        actor.gsi2pk, actor.gsi2sk = keys.account_channels_gsi2pk(account_id or 0), sort_key
    else:
        actor.gsi1pk, actor.gsi1sk = keys.accounts_gsi1pk(), sort_key
    return actor


def check_not_reserved(*names: str | None) -> None:
    """409, as PeerTube answers for a name that its own root and instance actor always hold."""
    for name in names:
        if name is not None and name.lower() in RESERVED_NAMES:
            raise ConflictError(ACTOR_TAKEN)


def create_local_user(settings: Settings, request: NewUser, now: datetime, *, bootstrap: bool = False) -> CreatedUser:
    """Create a user with its account and channel in one transaction.

    The caller has validated the fields; this enforces uniqueness (409s) and PeerTube's
    channel rules. Only the bootstrap (`bootstrap=True`) may use a reserved name.
    """
    if not bootstrap:
        check_not_reserved(request.username, request.channel.name if request.channel else None)
    if request.channel is not None and request.channel.name == request.username:
        raise BadRequestError("Channel name cannot be the same as user username.")
    if users.find_user_by_login(request.username) or users.find_user_by_login(request.email):
        raise ConflictError(USER_TAKEN)
    if actors.name_taken(request.username):
        raise ConflictError(ACTOR_TAKEN)
    if request.channel is not None:
        channel_name, channel_display = request.channel.name, request.channel.display_name
        if actors.name_taken(channel_name):
            raise ConflictError(f"Channel with name {channel_name} already exists.")
    else:
        channel_name, channel_display = _available_channel_name(request.username), f"Main {request.username} channel"

    user_id = counters.next_id("user")
    account = new_local_actor(
        settings, "Person", request.username, request.display_name or request.username, now, user_id=user_id
    )
    channel = new_local_actor(settings, "Group", channel_name, channel_display, now, account_id=int(account.id))
    user = User(
        keys.user_pk(user_id),
        keys.ENTITY_SK,
        id=user_id,
        username=request.username,
        email=request.email,
        password_hash=request.password_hash or passwords.hash_password(request.password),
        role=int(request.role),
        account_id=account.id,
        video_quota=request.video_quota,
        video_quota_daily=request.video_quota_daily,
        email_verified=request.email_verified,
        admin_flags=request.admin_flags,
        created_at=now,
        gsi1pk=keys.users_gsi1pk(),
        gsi1sk=keys.created_sort_key(now.isoformat(), user_id),
    )
    users.place_in_staff_list(user)
    claims = [
        NewClaim(keys.USERNAME, user.username, str(user_id), USER_TAKEN),
        NewClaim(keys.EMAIL, user.email, str(user_id), USER_TAKEN),
        NewClaim(keys.ACTOR_NAME, account.preferred_username, str(account.id), ACTOR_TAKEN),
        NewClaim(
            keys.ACTOR_NAME,
            channel.preferred_username,
            str(channel.id),
            f"Channel with name {channel_name} already exists.",
        ),
    ]
    # Every user has a Watch later playlist from the start, as in PeerTube.
    watch_later, watch_later_claims = playlists.new_watch_later(settings.instance_url, int(account.id), now)
    user.watch_later_id = int(watch_later.id)
    stats = {"users": 1, "local_channels": 1, **users.role_stats(int(request.role), 1)}
    create_items([user, account, channel, watch_later], [*claims, *watch_later_claims], stats=stats)
    return CreatedUser(user, account, channel)


def create_server_actor(settings: Settings, now: datetime) -> Actor | None:
    """The instance's own Application actor (`peertube`), unless it exists."""
    if actors.name_taken(SERVER_ACTOR_NAME):
        return None
    actor = new_local_actor(settings, "Application", SERVER_ACTOR_NAME, SERVER_ACTOR_NAME, now)
    try:
        create_items([actor], [actors.name_claim(actor)])
    except ConflictError:
        return None
    return actor


def _available_channel_name(username: str) -> str:
    base = f"{username}_channel"
    for attempt in range(DEFAULT_CHANNEL_ATTEMPTS):
        candidate = base if attempt == 0 else f"{base}-{attempt}"
        if len(candidate) <= 50 and not actors.name_taken(candidate):
            return candidate
    raise ConflictError(f"Channel with name {base} already exists.")
