"""Blocklists as PeerTube manages them: the instance's (moderators with the blocklist rights)
and each user's, of accounts (local or remote, by `name@host`) and of whole servers.

Blocking what is already blocked changes nothing and succeeds, as in PeerTube; a block of
oneself or of this server is a conflict. What blocks hide is in `domain/muting.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.domain import muting
from chalicelib.domain.channels import ACCOUNT_NOT_FOUND, find_local_actor_by_handle
from chalicelib.domain.handles import is_host
from chalicelib.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.store import actors, blocklists, catalog

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Block, User

ACCOUNT_TYPES = ("Person", "Application", "Service", "Organization")
INVALID = "Invalid value"


@dataclass(frozen=True)
class AccountBlockRow:
    block: Block
    owner: Actor
    target: Actor


@dataclass(frozen=True)
class ServerBlockRow:
    block: Block
    owner: Actor


def find_account(settings: Settings, handle: str) -> Actor | None:
    """The account `name` or `name@host` names, local or remote (remote ones only when this
    instance knows them: PeerTube looks them up in its database, never by WebFinger)."""
    name, _, rest = handle.partition("@")
    host = rest.split("@", 1)[0]
    if not host or host.lower() == settings.instance_host.lower():
        return find_local_actor_by_handle(settings, name, ACCOUNT_TYPES)
    for actor in catalog.current().actors.values():
        if (
            actor.host is not None
            and str(actor.host).lower() == host.lower()
            and actor.preferred_username == name
            and actor.actor_type in ACCOUNT_TYPES
        ):
            return actor
    return None


def block_account(owner_id: int, user: User, body: dict[str, Any], settings: Settings, now: datetime) -> None:
    handle = body.get("accountName")
    if not isinstance(handle, str):
        raise ValidationError({"accountName": INVALID})
    target = _account_or_404(settings, handle)
    if int(target.id) == int(user.account_id):
        raise ConflictError("You cannot block yourself.")
    blocklists.add_account_block(owner_id, int(target.id), str(target.url) if target.url else None, now)
    _changed(owner_id)


def unblock_account(owner_id: int, handle: str, settings: Settings) -> None:
    target = _account_or_404(settings, handle)
    block = blocklists.get_account_block(owner_id, int(target.id))
    if block is None or not blocklists.remove_block(block):
        raise NotFoundError("Account block entry not found.")
    _changed(owner_id)


def block_server(owner_id: int, body: dict[str, Any], settings: Settings, now: datetime) -> None:
    host = body.get("host")
    if not isinstance(host, str) or not is_host(host):
        raise ValidationError({"host": INVALID})
    if host.lower() == settings.instance_host.lower():
        raise ConflictError("You cannot block your own server.")
    blocklists.add_server_block(owner_id, host, now)
    _changed(owner_id)


def unblock_server(owner_id: int, host: str) -> None:
    if not is_host(host):
        raise ValidationError({"host": INVALID}, location="params")
    block = blocklists.get_server_block(owner_id, host)
    if block is None or not blocklists.remove_block(block):
        raise NotFoundError("Server block entry not found.")
    _changed(owner_id)


def account_blocks(owner_id: int, search: str | None, newest_first: bool) -> list[AccountBlockRow]:
    """An owner's account blocks by date; `search` in the blocked account's display name or
    URL, case aside (PeerTube's ILIKE)."""
    blocks = [b for b in _blocks(owner_id, newest_first) if b.target_account_id is not None]
    people = _actors({owner_id} | {int(b.target_account_id) for b in blocks})
    owner = people.get(owner_id)
    needle = (search or "").lower()
    rows = []
    for block in blocks:
        target = people.get(int(block.target_account_id))
        if owner is None or target is None:
            continue  # the blocked account was deleted since
        if needle and needle not in str(target.display_name).lower() and needle not in str(target.url).lower():
            continue
        rows.append(AccountBlockRow(block, owner, target))
    return rows


def server_blocks(owner_id: int, search: str | None, newest_first: bool) -> list[ServerBlockRow]:
    blocks = [b for b in _blocks(owner_id, newest_first) if b.host is not None]
    owner = _actors({owner_id}).get(owner_id)
    needle = (search or "").lower()
    if owner is None:
        return []
    return [ServerBlockRow(b, owner) for b in blocks if needle in str(b.host)]


def status(
    viewer: User | None, handles: list[str], hosts: list[str], settings: Settings
) -> dict[str, dict[str, dict[str, bool]]]:
    """PeerTube's BlockStatus: for each account handle and host asked, whether the instance
    and the viewer block it (keys as asked)."""
    by_instance = muting.by_instance()
    by_viewer = (
        muting.Muted.of(blocklists.list_blocks(int(viewer.account_id))) if viewer is not None else muting.Muted()
    )
    accounts: dict[str, dict[str, bool]] = {}
    for handle in handles:
        account = find_account(settings, handle)
        account_id = int(account.id) if account is not None else None
        accounts[handle] = {
            "blockedByServer": account_id in by_instance.account_ids,
            "blockedByUser": account_id in by_viewer.account_ids,
        }
    servers = {
        host: {"blockedByServer": host.lower() in by_instance.hosts, "blockedByUser": host.lower() in by_viewer.hosts}
        for host in hosts
    }
    return {"accounts": accounts, "hosts": servers}


def _account_or_404(settings: Settings, handle: str) -> Actor:
    account = find_account(settings, handle)
    if account is None:
        raise NotFoundError(ACCOUNT_NOT_FOUND)
    return account


def _blocks(owner_id: int, newest_first: bool) -> list[Block]:
    blocks = sorted(blocklists.list_blocks(owner_id, consistent=True), key=lambda b: (b.created_at, b.sk))
    return blocks[::-1] if newest_first else blocks


def _actors(ids: set[int]) -> dict[int, Actor]:
    known = catalog.current().actors
    found = {i: known[i] for i in ids if i in known}
    missing = ids - set(found)
    if missing:
        found.update(actors.get_actors(missing))
    return found


def _changed(owner_id: int) -> None:
    if owner_id == muting.instance_owner_id():
        muting.instance_changed()
