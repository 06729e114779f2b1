"""Accounts: the list, one account, its channels."""

from __future__ import annotations

from typing import Any

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import pagination
from chalicelib.api.shapes import account_json, channel_json
from chalicelib.config import get_settings
from chalicelib.domain.channels import get_account_or_404
from chalicelib.store import actors, counters

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
    if page.sort.startswith("-"):
        channels.reverse()
    selected = channels[page.start : page.start + page.count]
    return {"total": len(channels), "data": [channel_json(c, settings, owner=account) for c in selected]}
