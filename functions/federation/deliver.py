"""Lambda entry point of the deliver queue: one signed POST per message, retried with
exponential backoff through the message's visibility timeout, then dead-lettered.

A host whose messages exhaust their attempts is marked unreachable; while it is, new
deliveries to it get a single attempt (a probe), and the first success marks it reachable.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from chalicelib import caches, failpoints
from chalicelib.activitypub.delivery import sender
from chalicelib.activitypub.delivery.backoff import retry_delay
from chalicelib.activitypub.delivery.fanout import host_of
from chalicelib.activitypub.delivery.messages import Delivery
from chalicelib.activitypub.delivery.signer_keys import UnknownSigner, signer_key
from chalicelib.config import get_settings
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count, logger
from chalicelib.store import queues, remote_hosts
from functions.consumer import sqs_consumer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.consumer import Received

# After a success, a host is not written to again for this long (its record is clean).
HEALTHY_MEMORY_SECONDS = 300
_healthy_until: dict[str, float] = {}


class DeliveryFailed(Exception):
    """Reported to SQS as this record's failure: it comes back after its backoff delay."""


def _parse(record: SQSRecord) -> Delivery:
    return Delivery.from_json(json.loads(record.body))


def _deliver(received: Received[Delivery]) -> None:
    delivery, attempt = received.message, received.attempt
    try:
        key = signer_key(delivery.signer_id)
    except UnknownSigner:
        logger.warning("signer gone, delivery dropped", extra={"signer": delivery.signer_id})
        return
    outcome = sender.deliver(delivery, _signer(key.key_id, key.private_key_pem), _post)
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


handle_deliver = sqs_consumer(_parse, _deliver, what="a delivery message")


def _note_alive(host: str) -> None:
    now = time.monotonic()
    if _healthy_until.get(host, 0.0) > now:
        return
    if remote_hosts.record_success(host, utcnow()):
        logger.info("host reachable again", extra={"host": host})
    _healthy_until[host] = now + HEALTHY_MEMORY_SECONDS


def _signer(key_id: str, private_key_pem: str) -> sender.Sign:
    from chalicelib.activitypub.signatures import sign_request

    def sign(method: str, url: str, body: bytes) -> Mapping[str, str]:
        return sign_request(method, url, body, key_id, private_key_pem)

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
