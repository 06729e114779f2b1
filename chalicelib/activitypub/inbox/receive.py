"""An inbox POST, checked as PeerTube checks it, before anything is queued:

1. the body is at most the queue's size and its Digest matches it (403 "Invalid digest");
2. it is JSON and looks like an activity or a collection of them (400 "Incorrect activity");
3. its HTTP signature parses and covers what PeerTube requires (403), and holds against the
   signer's key, fetched when unknown and fetched again when the check fails and the key is
   older than a few minutes, so that a rotated key is followed (403 "Invalid signature");
4. each activity's actor is the signer, or else the activity carries an LD signature by its
   actor (a forwarded activity), which must hold and be recent (403 "Signature could not be
   verified"); at most MAX_FORWARDED_AUTHORS authors are resolved for one POST (400);
5. each activity's id is on the host of the actor vouching for it (403), so that no server
   can take the id another will use (its receipt would make the real one a duplicate);
6. a signer of this very instance is refused (409), an unreachable one too (403), except
   an actor deleting itself, whose document is gone by then (accepted, 204).

A forwarded activity is queued in its signed form only (signatures.ld.signed_form): what its
LD signature covers, read in Cirrus's own context, never the JSON as the forwarder wrote it.
An activity that its own actor HTTP-signed is covered byte for byte and is queued as sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.errors import SignatureError
from chalicelib.activitypub.inbox.message import MAX_ACTIVITY_BYTES
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, host, reference
from chalicelib.activitypub.signatures import InboundRequest, check_digest, parse_signature, verify_signature
from chalicelib.domain.oauth import utcnow
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, PayloadTooLargeError
from chalicelib.observability import logger

COLLECTION_TYPES = {"Collection": "items", "CollectionPage": "items"}
ORDERED_TYPES = {"OrderedCollection": "orderedItems", "OrderedCollectionPage": "orderedItems"}
MAX_ACTIVITIES_PER_POST = 50
# Each forwarded activity's author is looked up (and maybe fetched): a POST may not make us
# fetch more than this many documents on its behalf.
MAX_FORWARDED_AUTHORS = 5


@dataclass(frozen=True)
class Received:
    # Each activity with the actor whose signature vouches for it: the HTTP signer, or for a
    # forwarded activity its own actor, whose LD signature held (the activity is then its
    # signed form).
    activities: list[tuple[dict[str, Any], str]]
    signer_url: str  # the HTTP signer, who may have forwarded some of the activities


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
    if local_objects.is_ours(signer_url):
        raise ConflictError("Cannot process an activity signed by this instance")
    try:
        signer = remote_actors.resolve(signer_url)
        verified = verify_signature(parsed, str(signer.public_key_pem))
        if not verified and (refreshed := remote_actors.refreshed(signer)) is not None:
            signer = refreshed
            verified = verify_signature(parsed, str(signer.public_key_pem))
    except Exception as exc:  # the signer's document could not be had
        if _deletes_itself(activities, signer_url):
            logger.info("self-delete of an unreachable actor accepted", extra={"actor": signer_url})
            return Received([], signer_url)
        logger.info("signer not resolved", extra={"actor": signer_url, "error": str(exc)})
        raise ForbiddenError("ActivityPub signature could not be checked") from None
    if not verified:
        raise ForbiddenError("Invalid signature")
    authors: set[str] = set()
    vouched = [_vouched(activity, str(signer.url), authors) for activity in activities]
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
        from chalicelib.activitypub.net.discovery import resolve_handle

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


def _vouched(activity: dict[str, Any], signer_url: str, authors: set[str]) -> tuple[dict[str, Any], str]:
    """The activity as it is to be handled, and the actor vouching for it (its id must be on
    that actor's host)."""
    actor_url = _id(activity.get("actor"))
    if actor_url == signer_url or actor_url is None:
        handled, vouching = activity, signer_url
    else:
        handled, vouching = _check_forwarded(activity, actor_url, authors), actor_url
    if host(str(handled.get("id"))) != host(vouching) and not _names_its_object(handled):
        raise ForbiddenError("Activity id is not on the host of its actor")
    return handled, vouching


def _names_its_object(activity: dict[str, Any]) -> bool:
    """PeerTube's Delete of a comment made here (a remote video's owner moderating one of our
    users' comments) takes its id from the comment's URL (`<comment>/delete`), on our host, not
    its actor's: the id says nothing the object does not, and the handler checks who may delete.
    Only for our own objects: an id on a third server's host is the one its origin will use, and
    its receipt would make the origin's genuine Delete a duplicate (M2)."""
    target = _id(activity.get("object"))
    return (
        activity.get("type") == "Delete"
        and target is not None
        and activity.get("id") == f"{target}/delete"
        and local_objects.is_ours(target)
    )


def _check_forwarded(activity: dict[str, Any], actor_url: str, authors: set[str]) -> dict[str, Any]:
    """The signed form of an activity forwarded by another server than its actor's: its LD
    signature by that actor must hold, be recent, and say what the JSON says."""
    signature = activity.get("signature")
    if not isinstance(signature, dict) or not isinstance(signature.get("creator"), str):
        raise ForbiddenError("Object and creator signature do not match")
    creator, _ = urldefrag(signature["creator"])
    if creator != actor_url:
        raise ForbiddenError("Object and creator signature do not match")
    authors.add(actor_url)
    if len(authors) > MAX_FORWARDED_AUTHORS:
        raise BadRequestError("Too many forwarded activities of different actors")
    from chalicelib.activitypub.signatures.ld import signed_form

    now = utcnow()
    try:
        author = remote_actors.resolve(actor_url)
        signed = signed_form(activity, str(author.public_key_pem), now)
        if signed is None and (refreshed := remote_actors.refreshed(author)) is not None:
            signed = signed_form(activity, str(refreshed.public_key_pem), now)  # the author may have rotated its key
    except Exception:
        raise ForbiddenError("Signature could not be verified") from None
    if signed is None:
        raise ForbiddenError("Signature could not be verified")
    # The signed form is what gets handled; a JSON that says something else was rewritten
    # under the signature (a context that renames or drops terms): refused outright.
    if any(_id(signed.get(key)) != _id(activity.get(key)) for key in ("id", "type", "actor")):
        raise ForbiddenError("The activity is not what its signature covers")
    return signed


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None
