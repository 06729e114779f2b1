"""The ActivityPub side of account archives: the `activity-pub/` folder of an export (the
account's actor, its outbox, likes, dislikes and following, as collections), and finding a
remote account an import names by handle (WebFinger, then the actor is fetched and kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.documents.actors import actor_document
from chalicelib.activitypub.documents.common import ap_date, with_context
from chalicelib.activitypub.net import discovery
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.config import get_settings
from chalicelib.domain.archives import layout
from chalicelib.domain.blocklists import ACCOUNT_TYPES
from chalicelib.observability import logger
from chalicelib.store import actors, catalog, follows, ratings, videos
from chalicelib.store.models.follow import STATE_ACCEPTED

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, User

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def documents(user: User, account: Actor) -> dict[str, Any]:
    """activity-pub/actor.json, outbox.json, likes.json, dislikes.json and following.json."""
    instance_url = get_settings().instance_url
    base = str(account.url)
    public_videos = sorted(
        (v for v in catalog.current().videos.values() if int(v.account_id) == int(account.id) and v.is_local),
        key=lambda v: int(v.id),
    )[: layout.MAX_ITEMS]
    outbox = [
        {
            "type": "Create",
            "id": f"{v.url}/activity",
            "actor": base,
            "to": [PUBLIC] if int(v.privacy) == 1 else [],
            "published": ap_date(v.published_at),
            "object": str(v.url),
        }
        for v in public_videos
        if int(v.privacy) in (1, 2)
    ]
    following = [f for f in follows.list_following(int(account.id)) if f.state == STATE_ACCEPTED]
    targets = actors.get_actors({int(f.target_id) for f in following})
    return {
        f"{layout.ACTIVITYPUB_DIR}actor.json": actor_document(account, instance_url),
        f"{layout.ACTIVITYPUB_DIR}outbox.json": _collection(f"{base}/outbox", outbox),
        f"{layout.ACTIVITYPUB_DIR}likes.json": _collection(f"{base}/likes", _rates(account, "like")),
        f"{layout.ACTIVITYPUB_DIR}dislikes.json": _collection(f"{base}/dislikes", _rates(account, "dislike")),
        f"{layout.ACTIVITYPUB_DIR}following.json": _collection(
            f"{base}/following", [str(targets[int(f.target_id)].url) for f in following if int(f.target_id) in targets]
        ),
    }


def resolve_account(handle: str) -> Actor | None:
    """A remote account or channel this instance does not know yet, by `name@host`."""
    try:
        actor = remote_actors.resolve(discovery.resolve_handle(handle))
    except Exception as exc:
        logger.info("archive: remote account not found", extra={"handle": handle, "error": str(exc)})
        return None
    return actor if actor.actor_type in ACCOUNT_TYPES else None


def _rates(account: Actor, rating: str) -> list[dict[str, Any]]:
    rates = ratings.list_account_rates(int(account.id), rating, newest_first=False, limit=layout.MAX_ITEMS)
    linked = videos.get_videos(sorted({int(r.video_id) for r in rates}))
    kind = "Like" if rating == "like" else "Dislike"
    return [
        {
            "type": kind,
            "id": r.url or f"{account.url}/{rating}s/{r.video_id}",
            "actor": str(account.url),
            "object": str(linked[int(r.video_id)].url),
        }
        for r in rates
        if int(r.video_id) in linked
    ]


def _collection(url: str, items: list[Any]) -> dict[str, Any]:
    return with_context(
        context_for("Collection"),
        {"id": url, "type": "OrderedCollection", "totalItems": len(items), "orderedItems": items},
    )
