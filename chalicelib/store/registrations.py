"""Access patterns of registration requests (R1-R3 in docs/data-model.md).

The instance counters behind /server/stats (`registrations`, `registrations_processed`,
`registration_response_ms`) move in the transactions that create, decide and delete them."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import claims, keys
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Claim, Registration
from chalicelib.store.models.registration import STATE_PENDING
from chalicelib.store.pages import query_slice
from chalicelib.store.writes import NewClaim, connection, create_items, is_condition_failure

TAKEN = "Registration with this username, channel name or email already exists."


def claims_of(registration: Registration) -> list[NewClaim]:
    target = str(registration.id)
    claims = [
        NewClaim(keys.REGISTRATION_NAME, registration.username, target, TAKEN),
        NewClaim(keys.REGISTRATION_EMAIL, registration.email, target, TAKEN),
    ]
    if registration.channel_handle:
        claims.append(NewClaim(keys.REGISTRATION_NAME, registration.channel_handle, target, TAKEN))
    return claims


def create_registration(registration: Registration) -> None:
    create_items([registration], claims_of(registration), stats={"registrations": 1})


def get_registration(registration_id: int) -> Registration | None:
    """R1."""
    try:
        return Registration.get(keys.registration_pk(registration_id), keys.ENTITY_SK)
    except Registration.DoesNotExist:
        return None


def find_by_login(login: str) -> Registration | None:
    """R2: the registration asked for under this username or email."""
    namespace = keys.REGISTRATION_EMAIL if "@" in login else keys.REGISTRATION_NAME
    return claims.resolve(namespace, login, lambda target: get_registration(int(target)))


def list_registrations(start: int, count: int, newest_first: bool) -> list[Registration]:
    """R3."""
    return query_slice(
        Registration.by_gsi1, keys.registrations_gsi1pk(), start=start, count=count, newest_first=newest_first
    )


def count_registrations() -> int:
    return int(Registration.by_gsi1.count(keys.registrations_gsi1pk()))


def save_registration(registration: Registration) -> None:
    registration.save(condition=Registration.pk.exists())


def decide_registration(registration: Registration) -> bool:
    """Save an accepted or rejected registration that was pending, counting its response
    time; False when it was decided meanwhile (or deleted)."""
    response_ms = _response_ms(registration)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(registration, condition=Registration.state == STATE_PENDING)
            add_stats(transaction, {"registrations_processed": 1, "registration_response_ms": response_ms})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def _response_ms(registration: Registration) -> int:
    if registration.processed_at is None:
        return 0
    return max(int((registration.processed_at - registration.created_at).total_seconds() * 1000), 0)


def delete_registration(registration: Registration) -> None:
    stats = {"registrations": -1}
    if registration.processed_at is not None and int(registration.state) != STATE_PENDING:
        stats.update({"registrations_processed": -1, "registration_response_ms": -_response_ms(registration)})
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(registration)
        add_stats(transaction, stats)
        for claim in claims_of(registration):
            transaction.delete(Claim(keys.claim_pk(claim.namespace, claim.value), keys.CLAIM_SK))
