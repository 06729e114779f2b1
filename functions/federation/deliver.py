"""Lambda entry point of the deliver queue: one signed POST per message, retried with
exponential backoff through the message's visibility timeout, then dead-lettered.

A batch's deliveries are sent at once (activitypub/delivery/batch.py: a bounded pool of
threads, a cap per host), over connections kept alive per origin (activitypub/net/pool.py);
each body's digest is computed once per batch, each signer's key read and parsed once per
container. Every delivery is still signed on its own: the signature covers its inbox's path
and the date. A delivery still running when the batch's patience ends (a slow host) is handed
off: its record is reported failed with its visibility stretched past the request's timeout,
and the delivery deletes its message itself when it ends; if the environment is frozen before
that, SQS hands the message out again (at least once, as ever: receivers deduplicate by
activity id). A delivery to a host at its cap is put back on the queue, delayed, unsent.

A host whose messages exhaust their attempts is marked unreachable; while it is, new
deliveries to it get a single attempt (a probe), and the first success marks it reachable.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from chalicelib import caches, failpoints
from chalicelib.activitypub.delivery import sender
from chalicelib.activitypub.delivery.backoff import retry_delay
from chalicelib.activitypub.delivery.batch import BatchSender, Result
from chalicelib.activitypub.delivery.fanout import host_of
from chalicelib.activitypub.delivery.messages import Delivery
from chalicelib.activitypub.delivery.signer_keys import SignerKey, UnknownSigner, signer_key
from chalicelib.activitypub.signatures.common import digest_header
from chalicelib.config import get_settings
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count, logger
from chalicelib.store import queues, remote_hosts
from functions.consumer import sqs_batch_consumer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.consumer import Received

# After a success, a host is not written to again for this long (its record is clean).
HEALTHY_MEMORY_SECONDS = 300
_healthy_until: dict[str, float] = {}
# A handed-off delivery's message stays hidden this long: past the request's own deadline.
HANDED_OFF_SECONDS = 15
# A delivery deferred (its host busy) waits this long, doubling with each deferral, to 15 min.
DEFER_SECONDS = 5
MAX_DEFER_SECONDS = 900


class DeliveryFailed(Exception):
    """Reported to SQS as this record's failure: it comes back after its backoff delay."""


def _parse(record: SQSRecord) -> Delivery:
    return Delivery.from_json(json.loads(record.body))


def _deliver_batch(batch: list[Received[Delivery]]) -> set[str]:
    """Send the batch's deliveries concurrently; the message ids SQS must hand out again."""
    # Once per batch, before any clock starts: each body's digest, each signer's key.
    digests = {body: digest_header(body.encode("utf-8")) for body in {r.message.body for r in batch}}
    keys = _signer_keys({received.message.signer_id for received in batch})
    jobs = []
    for received in batch:
        key = keys.get(received.message.signer_id)
        if key is None:
            logger.warning("signer gone, delivery dropped", extra={"signer": received.message.signer_id})
            continue
        jobs.append((_Job(received, digests[received.message.body], key), host_of(received.message.inbox)))
    failed: set[str] = set()
    deferred: list[Delivery] = []
    for (job, _), result in zip(jobs, _sender.run(jobs), strict=True):
        received = job.received
        if result is Result.RETRY:
            failed.add(received.record.message_id)
        elif result is Result.HANDED_OFF:
            failed.add(received.record.message_id)
            with contextlib.suppress(Exception):  # it may have ended, and deleted its message, already
                queues.postpone_delivery(received.record.receipt_handle, HANDED_OFF_SECONDS)
            count("DeliveriesHandedOff")
        elif result is Result.DEFERRED:
            deferred.append(received.message)
    if deferred:
        _defer(deferred)
    return failed


@dataclass(frozen=True)
class _Job:
    received: Received[Delivery]
    digest: str
    key: SignerKey


def _signer_keys(signer_ids: set[int]) -> dict[int, SignerKey]:
    from chalicelib.activitypub.signatures import crypto

    keys = {}
    for signer_id in signer_ids:
        try:
            key = signer_key(signer_id)
        except UnknownSigner:
            continue
        crypto.private_key(key.private_key_pem)  # parsed now, once, not in the first sending thread
        keys[signer_id] = key
    return keys


def _defer(deliveries: list[Delivery]) -> None:
    by_delay: dict[int, list[dict[str, object]]] = {}
    for delivery in deliveries:
        delay = min(DEFER_SECONDS << min(delivery.deferrals, 16), MAX_DEFER_SECONDS)
        by_delay.setdefault(delay, []).append(replace(delivery, deferrals=delivery.deferrals + 1).to_json())
    for delay, bodies in by_delay.items():
        queues.defer_deliveries(bodies, delay)
    count("DeliveriesDeferred", len(deliveries))


def _send_one(job: _Job) -> bool:
    """Whether the delivery is done with (delivered or refused), or must come back."""
    try:
        _deliver(job)
    except DeliveryFailed as failure:
        logger.info("delivery to try again", extra={"detail": str(failure)})
        return False
    except Exception:
        logger.exception("delivery failed unexpectedly", extra={"inbox": job.received.message.inbox})
        return False
    return True


def _settle_handed_off(job: _Job, done: bool) -> None:
    """A handed-off delivery ended: done, its message goes; failed, its backoff is already set."""
    if done:
        with contextlib.suppress(Exception):  # SQS hands it out again if this fails: at least once
            queues.settle_delivery(job.received.record.receipt_handle)


# Deliveries to one inbox keep their order within a batch (a Follow, then its Undo).
_sender: BatchSender[_Job] = BatchSender(_send_one, _settle_handed_off, lambda job: job.received.message.inbox)


def settled(timeout: float) -> bool:
    """Wait up to `timeout` seconds for the deliveries this instance still runs, handed-off
    ones included; whether they all ended (the local stack's and the tests' drains use it)."""
    return _sender.settled(timeout)


def _deliver(job: _Job) -> None:
    received = job.received
    delivery, attempt = received.message, received.attempt
    outcome = sender.deliver(delivery, _signer(job.key.key_id, job.key.private_key_pem, job.digest), _post)
    if outcome.delivered:
        failpoints.reached(failpoints.DELIVER_POSTED)
    host = host_of(delivery.inbox)
    settings = get_settings().federation
    if outcome.delivered or not outcome.retry:
        # An answer, even a refusal, proves the host is up.
        _note_alive(host)
        count("Delivered" if outcome.delivered else "DeliveryRefused")
        if not outcome.delivered:
            logger.warning("inbox refused the activity", extra={"inbox": delivery.inbox, "detail": outcome.detail})
        return
    last = delivery.single_attempt or attempt >= settings.delivery_attempts
    remote_hosts.record_failure(host, utcnow(), unreachable=last)
    _healthy_until.pop(host, None)
    count("DeliveryFailed")
    logger.info(
        "delivery failed", extra={"inbox": delivery.inbox, "attempt": attempt, "last": last, "detail": outcome.detail}
    )
    if delivery.single_attempt:
        return
    delay = retry_delay(attempt, settings.retry_base_seconds)
    queues.postpone_delivery(received.record.receipt_handle, delay)
    raise DeliveryFailed(f"{delivery.inbox}: {outcome.detail}; next attempt in {delay} s")


# A batch whose deliveries all come back later (handed off, or failed) is not the function's error.
handle_deliver = sqs_batch_consumer(
    _parse, _deliver_batch, what="a delivery message", whole_batch_failure_is_error=False
)


def _note_alive(host: str) -> None:
    now = time.monotonic()
    if _healthy_until.get(host, 0.0) > now:
        return
    if remote_hosts.record_success(host, utcnow()):
        logger.info("host reachable again", extra={"host": host})
    _healthy_until[host] = now + HEALTHY_MEMORY_SECONDS


def _signer(key_id: str, private_key_pem: str, digest: str) -> sender.Sign:
    from chalicelib.activitypub.signatures import sign_request

    def sign(method: str, url: str, body: bytes) -> Mapping[str, str]:
        return sign_request(method, url, body, key_id, private_key_pem, digest=digest)

    return sign


def _post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    from chalicelib.activitypub.errors import RemoteFetchError
    from chalicelib.activitypub.net.transport import post_activity

    try:
        return post_activity(url, body, dict(headers))
    except RemoteFetchError as exc:
        if exc.retryable:
            raise sender.TransientFailure(str(exc)) from exc
        raise sender.PermanentFailure(str(exc)) from exc


@caches.register
def reset() -> None:
    _healthy_until.clear()
