"""Remote actors as Cirrus knows them: looked up by URL, fetched when unknown or stale, kept
as Actor items with their host. A channel brings its owner account along."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.net.fetch import fetch_document
from chalicelib.activitypub.remote.parse.actors import RemoteActorDocument, parse_actor
from chalicelib.activitypub.remote.parse.checks import InvalidDocument
from chalicelib.domain.oauth import utcnow
from chalicelib.store import counters, keys, remote_actors
from chalicelib.store.models import Actor

# PeerTube's ACTOR_REFRESH_INTERVAL.
REFRESH_AFTER = timedelta(days=2)
# A signature that fails against a key fetched this recently is wrong, not signed with a newer
# key: fetching the actor again would only let any POST make us send more requests.
KEY_REFETCH_AFTER = timedelta(minutes=5)


def resolve(url: str, *, refresh: bool = False) -> Actor:
    """The remote actor at `url`, fetched when unknown, stale or `refresh` is asked for.
    Raises InvalidDocument or RemoteFetchError."""
    if local_objects.is_ours(url):
        raise InvalidDocument("a local URL is not a remote actor")
    return _resolve(url, refresh=refresh, owner_allowed=True)


def refreshed(actor: Actor) -> Actor | None:
    """`actor` fetched again because a signature failed against its key (which it may have
    rotated), or None when its document is too fresh for that. Raises as `resolve`."""
    fetched_at = actor.fetched_at
    if fetched_at is not None and utcnow() - fetched_at < KEY_REFETCH_AFTER:
        return None
    return resolve(str(actor.url), refresh=True)


def _resolve(url: str, *, refresh: bool, owner_allowed: bool) -> Actor:
    now = utcnow()
    existing = remote_actors.find_by_url(url)
    if existing is not None and not refresh and not _stale(existing, now):
        return existing
    document = parse_actor(fetch_document(url), expected_url=url)
    owner_id = None
    if document.owner_url is not None:
        if not owner_allowed:
            raise InvalidDocument("an account cannot be owned by another actor")
        owner_id = int(_resolve(document.owner_url, refresh=False, owner_allowed=False).id)
    if existing is not None:
        _apply(existing, document, owner_id, now)
        remote_actors.save(existing, DOCUMENT_FIELDS)
        return existing
    return remote_actors.create(_new_actor(document, owner_id, now))


def _stale(actor: Actor, now: datetime) -> bool:
    return actor.fetched_at is None or now - actor.fetched_at > REFRESH_AFTER


def _new_actor(document: RemoteActorDocument, owner_id: int | None, now: datetime) -> Actor:
    actor_id = counters.next_id("actor")
    actor = Actor(
        keys.actor_pk(actor_id),
        keys.ENTITY_SK,
        id=actor_id,
        host=urlsplit(document.url).netloc.lower(),
        url=document.url,
        created_at=now,
    )
    _apply(actor, document, owner_id, now)
    return actor


# What `_apply` sets: a refresh writes these alone.
DOCUMENT_FIELDS = (
    "actor_type",
    "preferred_username",
    "display_name",
    "inbox_url",
    "shared_inbox_url",
    "outbox_url",
    "followers_url",
    "following_url",
    "public_key_pem",
    "description",
    "support",
    "account_id",
    "remote_avatar_url",
    "also_known_as",
    "moved_to",
    "fetched_at",
    "updated_at",
)


def _apply(actor: Actor, document: RemoteActorDocument, owner_id: int | None, now: datetime) -> None:
    actor.actor_type = document.actor_type
    actor.preferred_username = document.preferred_username
    actor.display_name = document.display_name
    actor.inbox_url = document.inbox_url
    actor.shared_inbox_url = document.shared_inbox_url
    actor.outbox_url = document.outbox_url
    actor.followers_url = document.followers_url
    actor.following_url = document.following_url
    actor.public_key_pem = document.public_key_pem
    actor.description = _plain(document.description)
    actor.support = _plain(document.support)
    actor.account_id = owner_id
    actor.remote_avatar_url = document.avatar_url
    actor.also_known_as = list(document.also_known_as)
    actor.moved_to = document.moved_to
    actor.fetched_at = now
    actor.updated_at = now


def _plain(html: str | None) -> str | None:
    """Remote summaries are HTML; Cirrus keeps their text only (PeerTube's are plain text)."""
    if html is None:
        return None
    import nh3

    return nh3.clean(html, tags=set()).strip() or None
