"""A remote actor's document, checked: what Cirrus keeps of a Person, Group or Application.

As PeerTube, every URL the actor names for itself must be on the actor's own host, the key
must belong to the actor, and a channel (Group) must name its owner account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.activitypub.remote.parse.checks import (
    InvalidDocument,
    as_list,
    optional_text,
    optional_url,
    same_host,
    text,
    url,
)

ACTOR_TYPES = ("Person", "Group", "Application", "Service", "Organization")
NAME = re.compile(r"^[\w.\-]{1,50}$")  # PeerTube's actor names: letters, digits, _ . -
MAX_DISPLAY_NAME = 120
MAX_DESCRIPTION = 1000
MAX_KEY_LENGTH = 16_384
# Mastodon lets an account name a handful of aliases; more is no account moving house.
MAX_ALIASES = 20


@dataclass(frozen=True)
class RemoteActorDocument:
    url: str
    actor_type: str
    preferred_username: str
    display_name: str
    inbox_url: str
    shared_inbox_url: str | None
    outbox_url: str | None
    followers_url: str | None
    following_url: str | None
    public_key_pem: str
    description: str | None
    support: str | None
    owner_url: str | None  # a Group's account
    avatar_url: str | None
    also_known_as: tuple[str, ...] = ()  # the actors it says it also is (any host)
    moved_to: str | None = None  # the actor it moved to

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox_url or self.inbox_url


def parse_actor(document: Any, *, expected_url: str | None = None) -> RemoteActorDocument:
    if not isinstance(document, dict):
        raise InvalidDocument("an actor must be an object")
    actor_url = url(document.get("id"), "id")
    if expected_url is not None and actor_url != expected_url:
        raise InvalidDocument("the document is not the actor it was fetched for")
    actor_type = document.get("type")
    if actor_type not in ACTOR_TYPES:
        raise InvalidDocument("type is not an actor type")
    name = document.get("preferredUsername")
    if not isinstance(name, str) or not NAME.match(name):
        raise InvalidDocument("preferredUsername is invalid")
    inbox = url(document.get("inbox"), "inbox")
    raw_endpoints = document.get("endpoints")
    endpoints: dict[str, Any] = raw_endpoints if isinstance(raw_endpoints, dict) else {}
    shared_inbox = optional_url(endpoints.get("sharedInbox"), "endpoints.sharedInbox")
    fields = {
        "inbox": inbox,
        "sharedInbox": shared_inbox,
        "outbox": optional_url(document.get("outbox"), "outbox"),
        "followers": optional_url(document.get("followers"), "followers"),
        "following": optional_url(document.get("following"), "following"),
    }
    for field, value in fields.items():
        same_host(actor_url, value, field)
    key = document.get("publicKey")
    if not isinstance(key, dict):
        raise InvalidDocument("publicKey is missing")
    pem = text(key.get("publicKeyPem"), "publicKey.publicKeyPem", minimum=1, maximum=MAX_KEY_LENGTH)
    if "PUBLIC KEY" not in pem:
        raise InvalidDocument("publicKey.publicKeyPem is not a PEM public key")
    owner = key.get("owner")
    if owner is not None and owner != actor_url:
        raise InvalidDocument("publicKey belongs to another actor")
    display = document.get("name")
    display_name = display[:MAX_DISPLAY_NAME] if isinstance(display, str) and display.strip() else name
    return RemoteActorDocument(
        url=actor_url,
        actor_type=actor_type,
        preferred_username=name,
        display_name=display_name,
        inbox_url=inbox,
        shared_inbox_url=shared_inbox,
        outbox_url=fields["outbox"],
        followers_url=fields["followers"],
        following_url=fields["following"],
        public_key_pem=pem,
        description=optional_text(document.get("summary"), "summary", maximum=MAX_DESCRIPTION),
        support=optional_text(document.get("support"), "support", maximum=MAX_DESCRIPTION),
        owner_url=_owner(document, actor_url) if actor_type == "Group" else None,
        avatar_url=_avatar(document.get("icon")),
        also_known_as=_aliases(document.get("alsoKnownAs")),
        moved_to=_moved_to(document.get("movedTo")),
    )


def _aliases(value: Any) -> tuple[str, ...]:
    """`alsoKnownAs`: URLs (or objects with an id); anything else in the list is skipped."""
    found: list[str] = []
    for entry in as_list(value)[:MAX_ALIASES]:
        try:
            alias = url(entry.get("id") if isinstance(entry, dict) else entry, "alsoKnownAs")
        except InvalidDocument:
            continue
        if alias not in found:
            found.append(alias)
    return tuple(found)


def _moved_to(value: Any) -> str | None:
    try:
        return url(value.get("id") if isinstance(value, dict) else value, "movedTo") if value is not None else None
    except InvalidDocument:
        return None


def _owner(document: dict[str, Any], actor_url: str) -> str:
    """A channel's account: the first Person of `attributedTo` (a URL or `{type, id}`), on the
    channel's host."""
    for entry in as_list(document.get("attributedTo")):
        candidate: Any
        if isinstance(entry, str):
            candidate = entry
        elif isinstance(entry, dict) and entry.get("type") == "Person":
            candidate = entry.get("id")
        else:
            continue
        try:
            owner = url(candidate, "attributedTo")
        except InvalidDocument:
            continue
        same_host(actor_url, owner, "attributedTo")
        return owner
    raise InvalidDocument("a Group must be attributed to an account")


def _avatar(icon: Any) -> str | None:
    images = [i for i in as_list(icon) if isinstance(i, dict)]
    for image in images:
        try:
            return url(image.get("url"), "icon.url")
        except InvalidDocument:
            continue
    return None
