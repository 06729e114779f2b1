"""Local actors as ActivityPub documents: accounts (Person), channels (Group) and the
instance actor (Application), with the public key remote servers verify us with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.common import ap_date, image_objects, with_context

if TYPE_CHECKING:
    from chalicelib.store.models import Actor

# activitystreams defines `alsoKnownAs` but not `movedTo`; Mastodon's context maps it so.
MOVED_TO_TERM = {"movedTo": {"@id": "as:movedTo", "@type": "@id"}}


def actor_document(actor: Actor, instance_url: str, *, owner: Actor | None = None) -> dict[str, Any]:
    """`owner` is a channel's account (it goes in the channel's `attributedTo`)."""
    url = str(actor.url)
    body: dict[str, Any] = {
        "type": actor.actor_type,
        "id": url,
        "following": actor.following_url or f"{url}/following",
        "followers": actor.followers_url or f"{url}/followers",
        "playlists": f"{url}/playlists",
        "inbox": actor.inbox_url,
        "outbox": actor.outbox_url or f"{url}/outbox",
        "preferredUsername": actor.preferred_username,
        "name": actor.display_name,
        "endpoints": {"sharedInbox": actor.shared_inbox_url or f"{instance_url}/inbox"},
        "publicKey": {"id": f"{url}#main-key", "owner": url, "publicKeyPem": actor.public_key_pem},
        "published": ap_date(actor.created_at),
    }
    if actor.avatars:
        body["icon"] = image_objects(actor.avatars, instance_url)
    if actor.banners:
        body["image"] = image_objects(actor.banners, instance_url)
    body["url"] = url
    body["summary"] = actor.description
    context = context_for("Actor")
    if actor.also_known_as:
        body["alsoKnownAs"] = list(actor.also_known_as)
    if actor.moved_to:
        body["movedTo"] = actor.moved_to
        context.append(MOVED_TO_TERM)
    if actor.actor_type == "Group":
        body["support"] = actor.support
        body["postingRestrictedToMods"] = True
        # PeerTube 6 and 7 read objects here; newer ones read both forms.
        body["attributedTo"] = [{"type": "Person", "id": str(owner.url)}] if owner is not None else []
    return with_context(context, body)
