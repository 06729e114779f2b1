"""PeerTube's remote runners: registration tokens an administrator hands out, and the
runners that registered with one.

A runner proves itself with its runner token on every call; only the token's SHA-256 is
stored, and finding the runner is one GetItem. A registration token is also kept sealed
(store/sealed_keys.py), because PeerTube's administration lists it for copying.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequestError, NotFoundError, ValidationError
from chalicelib.store import counters, runners, sealed_keys

if TYPE_CHECKING:
    from chalicelib.store.models import Runner, RunnerRegistrationToken

REGISTRATION_PREFIX, RUNNER_PREFIX, JOB_PREFIX = "ptrrt-", "ptrt-", "ptrjt-"
# PeerTube writes a runner's last contact at most this often.
LAST_CONTACT_EVERY = timedelta(seconds=30)
NAME_MAX, DESCRIPTION_MAX = 100, 1000


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4()}"


def now() -> datetime:
    return datetime.now(UTC)


# Registration tokens


def generate_registration_token(at: datetime) -> RunnerRegistrationToken:
    token = new_token(REGISTRATION_PREFIX)
    token_id = counters.next_id("runner-registration")
    sealed = sealed_keys.seal_runner_secret(token, token_id)
    return runners.create_registration_token(token_hash(token), token_id, sealed, at)


def registration_token_value(item: RunnerRegistrationToken) -> str:
    return sealed_keys.unseal_runner_secret(str(item.sealed_token), int(item.id))


def delete_registration_token(token_id: int) -> None:
    """The token, and the runners that registered with it (as PeerTube does)."""
    item = runners.registration_token_by_id(token_id)
    if item is None:
        raise NotFoundError("Registration token not found")
    for runner in runners.runners_of_registration(token_id):
        runners.delete_item(runner)
    runners.delete_item(item)


# Runners


def register(body: dict[str, Any], ip: str, at: datetime) -> tuple[Runner, str]:
    """A runner registered with a registration token; it and its runner token (shown once)."""
    registration = _string(body, "registrationToken", 200)
    name = _string(body, "name", NAME_MAX)
    description = _optional_string(body, "description", DESCRIPTION_MAX)
    version = _optional_string(body, "version", 100)
    item = runners.find_registration_token(token_hash(registration))
    if item is None:
        raise NotFoundError("Registration token not found", code="unknown_registration_token")
    if any(r.name == name for r in runners.list_runners(0, 1000, newest_first=False)):
        raise BadRequestError("This runner name already exists on this instance")
    token = new_token(RUNNER_PREFIX)
    fields = {
        "name": name,
        "description": description,
        "ip": ip,
        "version": version,
        "registration_token_id": int(item.id),
    }
    runner = runners.create_runner(token_hash(token), counters.next_id("runner"), fields, at)
    return runner, token


def authenticate(body: dict[str, Any]) -> Runner:
    """The runner whose token the body carries; 404 as PeerTube answers an unknown one."""
    token = body.get("runnerToken")
    if not isinstance(token, str) or not token:
        raise ValidationError({"runnerToken": "Invalid value"})
    runner = runners.find_runner(token_hash(token))
    if runner is None:
        raise NotFoundError("Unknown runner token", code="unknown_runner_token")
    return runner


def name_for_token(token: str) -> str | None:
    """The registered runner a runner token names (its name), for the socket.io `/runners`
    namespace (domain/realtime.register_runner_lookup); None when unknown."""
    runner = runners.find_runner(token_hash(token))
    return None if runner is None else str(runner.name)


def contact(runner: Runner, ip: str, at: datetime, version: str | None = None) -> None:
    """Note the runner's contact, at most every LAST_CONTACT_EVERY (a write per call would
    double the cost of every poll)."""
    if at - runner.last_contact >= LAST_CONTACT_EVERY or (version and version != runner.version):
        runners.touch_runner(runner, at, ip, version)


def unregister(runner: Runner) -> None:
    runners.delete_item(runner)


def delete_runner(runner_id: int) -> None:
    runner = runners.runner_by_id(runner_id)
    if runner is None:
        raise NotFoundError("Runner not found")
    runners.delete_item(runner)


def _string(body: dict[str, Any], name: str, longest: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise ValidationError({name: "Invalid value"})
    return value


def _optional_string(body: dict[str, Any], name: str, longest: int) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > longest:
        raise ValidationError({name: "Invalid value"})
    return value
