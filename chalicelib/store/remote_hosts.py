"""Access patterns of remote hosts' delivery health (H1-H3 in docs/data-model.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.store import keys
from chalicelib.store.models import RemoteHost


def get_hosts(hosts: Iterable[str]) -> dict[str, RemoteHost]:
    """H1: the hosts Cirrus has a record of (one BatchGetItem per 100)."""
    wanted = {(keys.remote_host_pk(h), keys.ENTITY_SK) for h in hosts}
    return {str(item.host): item for item in RemoteHost.batch_get(list(wanted)) if isinstance(item, RemoteHost)}


def record_failure(host: str, now: datetime, *, unreachable: bool) -> None:
    """H2: one more failure in a row; `unreachable` marks the host down (keeping the first date)."""
    item = RemoteHost(keys.remote_host_pk(host), keys.ENTITY_SK)
    actions: list[Any] = [
        RemoteHost.host.set(host),
        RemoteHost.kind.set(RemoteHost),
        RemoteHost.failures.add(1),
        RemoteHost.last_failure_at.set(now),
    ]
    if unreachable:
        actions.append(RemoteHost.unreachable_since.set(RemoteHost.unreachable_since | now))
    item.update(actions=actions)


def record_success(host: str, now: datetime) -> bool:
    """H3: the host answered: clear its failures. Writes only if it had any (False otherwise)."""
    item = RemoteHost(keys.remote_host_pk(host), keys.ENTITY_SK)
    try:
        item.update(
            actions=[
                RemoteHost.failures.set(0),
                RemoteHost.last_success_at.set(now),
                RemoteHost.unreachable_since.remove(),
            ],
            condition=RemoteHost.failures > 0,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
