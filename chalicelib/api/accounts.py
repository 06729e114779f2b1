"""Accounts: the list, one account, its channels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import pagination
from chalicelib.api.shapes import account_json, channel_json
from chalicelib.api.video_filters import QueryParams
from chalicelib.config import get_settings
from chalicelib.domain import collaborators
from chalicelib.domain.channels import get_account_or_404
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.store import actors, counters

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.store.models import Actor

accounts_api = ApiBlueprint(__name__)


@accounts_api.route("/api/v1/accounts", methods=["GET"])
def list_accounts() -> dict[str, Any]:
    page = pagination(accounts_api.current_request, ("createdAt",), "-createdAt")
    settings = get_settings()
    accounts = actors.list_local_accounts(page.start, page.count, newest_first=page.sort.startswith("-"))
    # Local accounts: one per user, plus the instance's own.
    total = counters.read_stats_counts().users + 1
    return {"total": total, "data": [account_json(account, settings) for account in accounts]}


@accounts_api.route("/api/v1/accounts/{name}", methods=["GET"])
def get_account(name: str) -> dict[str, Any]:
    settings = get_settings()
    return account_json(get_account_or_404(settings, name), settings)


@accounts_api.route("/api/v1/accounts/{name}/video-channels", methods=["GET"])
def list_account_channels(name: str) -> dict[str, Any]:
    request = accounts_api.current_request
    settings = get_settings()
    account = get_account_or_404(settings, name)
    page = pagination(request, ("createdAt", "id"), "createdAt")
    channels = actors.list_account_channels(int(account.id))
    owners = {int(account.id): account}
    if QueryParams(request).boolean("includeCollaborations"):
        collaborated = _collaborated_channels(request, account)
        channels = sorted([*channels, *collaborated], key=lambda c: (c.created_at, int(c.id)))
        owners |= actors.get_actors({int(c.account_id or 0) for c in collaborated})
    if page.sort.startswith("-"):
        channels.reverse()
    selected = channels[page.start : page.start + page.count]
    data = [channel_json(c, settings, owner=owners.get(int(c.account_id or 0))) for c in selected]
    return {"total": len(channels), "data": data}


def _collaborated_channels(request: Request, account: Actor) -> list[Actor]:
    """PeerTube 8's includeCollaborations: the channels the account helps run, shown to that
    account's own user (and to whoever may manage users), not to anyone else."""
    current = optional_session(request)
    if current is None:
        return []
    user = current.user
    if int(user.account_id) != int(account.id) and not has_right(Role(int(user.role)), Right.MANAGE_USERS):
        return []
    found = actors.get_actors(set(collaborators.collaborated_channel_ids(int(account.id))))
    return [c for c in found.values() if c.actor_type == "Group" and c.deleting_at is None]
