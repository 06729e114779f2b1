"""Access patterns of users (U1-U4 in docs/data-model.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import ConflictError
from chalicelib.store import catalog, claims, keys
from chalicelib.store.actors import reserved_name
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Actor, Claim, User
from chalicelib.store.models.user import ROLE_ADMINISTRATOR, ROLE_MODERATOR
from chalicelib.store.pages import query_slice
from chalicelib.store.writes import NewClaim, connection, is_condition_failure, set_actions

USERNAME_TAKEN = "User with this username or email already exists."
EMAIL_TAKEN = "User with this email already exists."
EMAIL_CHANGED = "This user changed meanwhile; try again."
STAFF_ROLES = (ROLE_ADMINISTRATOR, ROLE_MODERATOR)


def role_stats(role: int, delta: int) -> dict[str, int]:
    if role == ROLE_ADMINISTRATOR:
        return {"admins": delta}
    if role == ROLE_MODERATOR:
        return {"moderators": delta}
    return {}


def get_user(user_id: int, consistent: bool = False) -> User | None:
    """U1: one GetItem; `consistent` where a block or a demotion made a moment ago must show."""
    try:
        return User.get(keys.user_pk(user_id), keys.ENTITY_SK, consistent_read=consistent)
    except User.DoesNotExist:
        return None


def get_users(user_ids: Iterable[int]) -> dict[int, User]:
    """U1 for many: one BatchGetItem per 100 ids."""
    found = User.batch_get([(keys.user_pk(i), keys.ENTITY_SK) for i in set(user_ids)])
    return {int(user.id): user for user in found if isinstance(user, User)}


def list_staff() -> list[User]:
    """U10: administrators and moderators, oldest first (one Query of a short sparse list);
    users being deleted are left out."""
    found = [user for user in User.by_gsi2.query(keys.staff_gsi2pk()) if isinstance(user, User)]
    return [user for user in found if user.deleting_at is None and int(user.role) in STAFF_ROLES]


def place_in_staff_list(user: User) -> None:
    """Put a user in the staff list (U10) if its role is one, take it out if not: set on the
    item, written by the caller with the role."""
    if int(user.role) in STAFF_ROLES:
        user.gsi2pk = keys.staff_gsi2pk()
        user.gsi2sk = keys.created_sort_key(user.created_at.isoformat(), int(user.id))
    else:
        user.gsi2pk = user.gsi2sk = None


def find_user_by_login(login: str) -> User | None:
    """U2: by username, else by email (PeerTube accepts either at login)."""
    namespace = keys.EMAIL if "@" in login else keys.USERNAME
    return claims.resolve(namespace, login, lambda target: get_user(int(target)))


def list_users(start: int, count: int, newest_first: bool) -> list[User]:
    """U3: local users by creation date."""
    return query_slice(User.by_gsi1, keys.users_gsi1pk(), start=start, count=count, newest_first=newest_first)


def search_users(text: str | None, blocked: bool | None, newest_first: bool) -> list[User]:
    """U3 filtered (GET /users' `search` and `blocked`): the local users whose username or
    email contains `text`, case ignored, as PeerTube's ILIKE. Reads the whole list (one Query
    of the users' partition, an administrator's page, not a hot path)."""
    needle = (text or "").lower()
    found = []
    for user in User.by_gsi1.query(keys.users_gsi1pk(), scan_index_forward=not newest_first):
        if not isinstance(user, User):
            continue
        if needle and needle not in user.username.lower() and needle not in (user.email or "").lower():
            continue
        if blocked is not None and bool(user.blocked) != blocked:
            continue
        found.append(user)
    return found


def count_active_since(moments: list[datetime]) -> list[int]:
    """U9: per moment, how many users logged in since then (reads the users list's logins)."""
    counts = [0] * len(moments)
    for user in User.by_gsi1.query(keys.users_gsi1pk(), attributes_to_get=["kind", "last_login_at"]):
        last = user.last_login_at if isinstance(user, User) else None
        if last is None:
            continue
        for position, moment in enumerate(moments):
            if last >= moment:
                counts[position] += 1
    return counts


def record_login(user: User, when: datetime, password_hash: str | None = None) -> None:
    """Update the last login (and a rehashed password) alone, so a login never overwrites a
    concurrent change to the rest of the user."""
    actions: list[Any] = [User.last_login_at.set(when)]
    if password_hash is not None:
        actions.append(User.password_hash.set(password_hash))
    user.update(actions=actions, condition=User.pk.exists())


def set_feed_token(user: User, token: str, *, only_if_none: bool = False) -> str:
    """U11: the user's feed token set alone; with `only_if_none`, only where none is set yet,
    so that two first requests agree on one token. Returns the token the user has."""
    condition = User.pk.exists()
    if only_if_none:
        condition &= User.feed_token.does_not_exist()
    try:
        user.update(actions=[User.feed_token.set(token)], condition=condition)
    except UpdateError as exc:
        if only_if_none and is_condition_failure(exc):
            fresh = get_user(int(user.id), consistent=True)
            if fresh is not None and fresh.feed_token:
                return str(fresh.feed_token)
        raise
    return token


def update_user(user: User, names: Iterable[str], *, same_role: bool = False) -> bool:
    """Write the named attributes of `user` alone (U5): a block, a role or a quota counter
    changed by another request since `user` was read stays as that request left it.
    `same_role`: only if the user still has the role read (what a moderator's right to
    manage the user was checked against); False if not."""
    condition = User.pk.exists()
    if same_role:
        condition &= User.role == int(user.role)
    try:
        user.update(actions=set_actions(user, names), condition=condition)
    except UpdateError as exc:
        if same_role and is_condition_failure(exc):
            return False
        raise
    return True


def change_role(user: User, role: int, also: Iterable[str] = ()) -> bool:
    """Give `user` another role (and write the attributes named in `also`), moving the
    role counters in the same transaction; False if its role changed since it was read."""
    old = int(user.role)
    deltas = role_stats(old, -1)
    for name, delta in role_stats(role, 1).items():
        deltas[name] = deltas.get(name, 0) + delta
    user.role = role
    place_in_staff_list(user)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                user,
                actions=set_actions(user, ["role", "gsi2pk", "gsi2sk", *also]),
                condition=User.pk.exists() & (User.role == old),
            )
            add_stats(transaction, deltas)
    except TransactWriteError as exc:
        user.role = old
        if is_condition_failure(exc):
            return False
        raise
    return True


def change_email(user: User, new_email: str, *, same_role: bool = False) -> None:
    """Move the user's email claim to a new address, atomically. Only the email is written,
    and only if it is still the one read (the old claim is the one released); `same_role`
    as in `update_user`."""
    old = user.email
    condition = User.email == old
    if same_role:
        condition &= User.role == int(user.role)
    claim = NewClaim(keys.EMAIL, new_email, str(user.id), EMAIL_TAKEN)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(claim.to_item(), condition=Claim.pk.does_not_exist())
            transaction.delete(Claim(keys.claim_pk(keys.EMAIL, old), keys.CLAIM_SK))
            transaction.update(user, actions=[User.email.set(new_email)], condition=condition)
    except TransactWriteError as exc:
        # PynamoDB sends deletes, then puts, then updates: the user's update is the third.
        reasons = exc.cancellation_reasons or []
        if len(reasons) > 2 and reasons[2] is not None and reasons[2].code == "ConditionalCheckFailed":
            raise ConflictError(EMAIL_CHANGED) from exc
        raise ConflictError(EMAIL_TAKEN) from exc
    user.email = new_email


def delete_local_user(user: User, account: Actor, channels: Sequence[Actor]) -> None:
    """Remove a user with its account and channels (the counters moved when its deletion
    was asked for: store/deletions.py).

    The account and channel names stay reserved (PeerTube never reuses an actor name:
    remote servers may still hold its old activities); the username and email are freed.
    The caller revokes the user's tokens first: there can be any number of them, and one
    transaction holds at most 100 items (here 3 + 3 per actor, a user has at most 20 channels).
    """
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(user, condition=User.pk.exists())
        transaction.delete(Claim(keys.claim_pk(keys.USERNAME, user.username), keys.CLAIM_SK))
        transaction.delete(Claim(keys.claim_pk(keys.EMAIL, user.email), keys.CLAIM_SK))
        for actor in (account, *channels):
            transaction.delete(actor)
            transaction.save(reserved_name(actor))
            transaction.save(catalog.tombstone("Actor", int(actor.id)))


def user_ids_page(cursor: dict[str, Any] | None, limit: int) -> tuple[list[int], dict[str, Any] | None]:
    """U3 a page at a time for a batch job: `limit` local users' ids from `cursor` (None: the
    first), and the next page's cursor (None after the last)."""
    query = User.by_gsi1.query(
        keys.users_gsi1pk(), limit=limit, last_evaluated_key=cursor, attributes_to_get=["kind", "id"]
    )
    ids = [int(user.id) for user in query if isinstance(user, User)]
    return ids, query.last_evaluated_key
