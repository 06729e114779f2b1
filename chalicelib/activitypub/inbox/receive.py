"""An inbox POST, checked as PeerTube checks it, before anything is queued:

1. the body is at most the queue's size and its Digest matches it (403 "Invalid digest");
2. it is JSON and looks like an activity or a collection of them (400 "Incorrect activity");
3. its HTTP signature parses and covers what PeerTube requires (403), and holds against the
   signer's key, fetched when unknown and fetched again once when the check fails, so that
   a rotated key is followed (403 "Invalid signature");
4. each activity's actor is the signer, or else the activity carries an LD signature by its
   actor (a forwarded activity), which must hold (403 "Signature could not be verified");
5. a signer of this very instance is refused (409), an unreachable one too (403), except
   an actor deleting itself, whose document is gone by then (accepted, 204).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag

from chalicelib.activitypub import remote_actors
from chalicelib.activitypub.errors import SignatureError
from chalicelib.activitypub.http_signatures import InboundRequest, check_digest, parse_signature, verify_signature
from chalicelib.activitypub.inbound.checks import InvalidDocument, reference
from chalicelib.activitypub.inbox.message import MAX_ACTIVITY_BYTES
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, PayloadTooLargeError
from chalicelib.observability import logger

COLLECTION_TYPES = {"Collection": "items", "CollectionPage": "items"}
ORDERED_TYPES = {"OrderedCollection": "orderedItems", "OrderedCollectionPage": "orderedItems"}
MAX_ACTIVITIES_PER_POST = 50


@dataclass(frozen=True)
class Received:
    # Each activity with the actor whose signature vouches for it: the HTTP signer, or for a
    # forwarded activity its own actor, whose LD signature held.
    activities: list[tuple[dict[str, Any], str]]
    signer_url: str


def receive(request: InboundRequest) -> Received:
    if len(request.body) > MAX_ACTIVITY_BYTES:
        raise PayloadTooLargeError("Activity too large")
    try:
        check_digest(request)
    except SignatureError as error:
        raise ForbiddenError(error.message) from None
    activities = _activities(request.body)
    try:
        parsed = parse_signature(request)
    except SignatureError as error:
        raise ForbiddenError(error.message) from None
    signer_url = _key_owner(parsed.key_id)
    if remote_actors.is_local_url(signer_url):
        raise ConflictError("Cannot process an activity signed by this instance")
    try:
        signer = remote_actors.resolve(signer_url)
        verified = verify_signature(parsed, str(signer.public_key_pem))
        if not verified:
            signer = remote_actors.resolve(signer_url, refresh=True)
            verified = verify_signature(parsed, str(signer.public_key_pem))
    except Exception as exc:  # the signer's document could not be had
        if _deletes_itself(activities, signer_url):
            logger.info("self-delete of an unreachable actor accepted", extra={"actor": signer_url})
            return Received([], signer_url)
        logger.info("signer not resolved", extra={"actor": signer_url, "error": str(exc)})
        raise ForbiddenError("ActivityPub signature could not be checked") from None
    if not verified:
        raise ForbiddenError("Invalid signature")
    vouched = [(activity, _check_forwarded(activity, str(signer.url))) for activity in activities]
    return Received(vouched, str(signer.url))


def _activities(body: bytes) -> list[dict[str, Any]]:
    try:
        document = json.loads(body)
    except ValueError:
        raise BadRequestError("Incorrect activity") from None
    if not isinstance(document, dict):
        raise BadRequestError("Incorrect activity")
    kind = document.get("type")
    field = COLLECTION_TYPES.get(str(kind)) or ORDERED_TYPES.get(str(kind))
    items = document.get(field) if field else [document]
    if not isinstance(items, list) or len(items) > MAX_ACTIVITIES_PER_POST:
        raise BadRequestError("Incorrect activity")
    activities = [item for item in items if isinstance(item, dict)]
    for activity in activities:
        try:
            reference(activity.get("id"), "id")
            reference(activity.get("actor"), "actor")
        except InvalidDocument:
            raise BadRequestError("Incorrect activity") from None
    return activities


def _key_owner(key_id: str) -> str:
    """The actor a key id names: `<actor>#main-key` (or `acct:name@host`, via WebFinger)."""
    if key_id.startswith("acct:"):
        from chalicelib.activitypub.webfinger_client import resolve_handle

        try:
            return resolve_handle(key_id[len("acct:") :])
        except Exception:
            raise ForbiddenError("Invalid key ID") from None
    owner, _ = urldefrag(key_id)
    try:
        return reference(owner, "keyId")
    except InvalidDocument:
        raise ForbiddenError("Invalid key ID") from None


def _deletes_itself(activities: list[dict[str, Any]], signer_url: str) -> bool:
    return bool(activities) and all(
        a.get("type") == "Delete" and _id(a.get("actor")) == signer_url == _id(a.get("object")) for a in activities
    )


def _check_forwarded(activity: dict[str, Any], signer_url: str) -> str:
    """The actor vouching for the activity (its LD signature is checked when forwarded)."""
    actor_url = _id(activity.get("actor"))
    if actor_url == signer_url or actor_url is None:
        return signer_url
    signature = activity.get("signature")
    if not isinstance(signature, dict) or not isinstance(signature.get("creator"), str):
        raise ForbiddenError("Object and creator signature do not match")
    creator, _ = urldefrag(signature["creator"])
    if creator != actor_url:
        raise ForbiddenError("Object and creator signature do not match")
    from chalicelib.activitypub.ld_signatures import verify_document

    try:
        author = remote_actors.resolve(actor_url)
    except Exception:
        raise ForbiddenError("Signature could not be verified") from None
    if verify_document(activity, str(author.public_key_pem)):
        return actor_url
    try:  # the author may have rotated its key
        author = remote_actors.resolve(actor_url, refresh=True)
    except Exception:
        raise ForbiddenError("Signature could not be verified") from None
    if not verify_document(activity, str(author.public_key_pem)):
        raise ForbiddenError("Signature could not be verified")
    return actor_url


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None
