"""What an administrator changes of the instance's look (docs/appearance.md): its avatar and
banner (the instance actor's, so they show in its ActivityPub document too), its logos and
its homepage.

The images are checked and re-encoded as users' avatars are (domain/images.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import custom_config, images
from chalicelib.domain.actor_images import Kind, remove_images, replace_images
from chalicelib.errors import NotFoundError, PayloadTooLargeError, ValidationError
from chalicelib.store import actors, media
from chalicelib.store import appearance as store
from chalicelib.store.models.actor import ActorImage, new_actor_image
from chalicelib.store.models.appearance import LOGO_ATTRIBUTES

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.domain.instance import InstanceSettings
    from chalicelib.store.models import Actor, InstanceAppearance

LOGO_TYPES = tuple(LOGO_ATTRIBUTES)
LOGO_FIELD = "logofile"
# Sizes kept for each logo type: the favicon as browsers ask for it, the header logos at
# twice the 34 px the header shows (sharp on dense screens), the wide one 4:1 at most, and
# the OpenGraph image at the 1200 x 630 the social networks crop to.
LOGO_SIZES: dict[str, tuple[tuple[int, int], ...]] = {
    "favicon": ((32, 32), (192, 192)),
    "header-square": ((68, 68),),
    "header-wide": ((272, 68),),
    "opengraph": ((1200, 630),),
}
# A homepage is Markdown the web client renders: up to 100 000 characters (far beyond any
# real page, well inside a DynamoDB item).
HOMEPAGE_MAX_CHARS = 100_000


def server_actor() -> Actor:
    actor = actors.get_actor(actors.server_actor_id())
    if actor is None:
        raise NotFoundError("The instance actor does not exist")
    return actor


def pick_image(kind: Kind, upload: bytes | None, now: datetime) -> list[ActorImage]:
    return replace_images(server_actor(), kind, upload, now)


def remove_image(kind: Kind, now: datetime) -> None:
    remove_images(server_actor(), kind, now)


def check_logo_type(logo_type: str) -> None:
    if logo_type not in LOGO_TYPES:
        raise ValidationError({"logoType": "Should have a valid logo type"}, location="params")


def pick_logo(logo_type: str, upload: bytes | None, now: datetime) -> list[ActorImage]:
    """Every size of the new logo first, then the item, then the old files (as avatars)."""
    check_logo_type(logo_type)
    renditions = images.render(upload or b"", LOGO_SIZES[logo_type], LOGO_FIELD)
    new_images = []
    for rendition in renditions:
        path = f"lazy-static/logos/{uuid.uuid4()}{rendition.extension}"
        media.put_file(path, rendition.data, rendition.content_type)
        new_images.append(new_actor_image(rendition.width, rendition.height, path, now))
    try:
        old_paths = store.replace_logo(logo_type, new_images, now)
    except Exception:
        media.delete_files(image.path for image in new_images)
        raise
    if old_paths:
        media.delete_files(old_paths)
    return new_images


def remove_logo(logo_type: str, now: datetime) -> None:
    check_logo_type(logo_type)
    old_paths = store.replace_logo(logo_type, [], now)
    if old_paths:
        media.delete_files(old_paths)


def homepage() -> str | None:
    """The homepage's Markdown, None when none is set (PeerTube answers 404 then)."""
    item = store.get_appearance()
    return item.homepage if item is not None and item.homepage is not None else None


def set_homepage(body: dict[str, Any], now: datetime) -> None:
    """PUT: `content` is the whole page; an empty string (or null) clears it."""
    content = body.get("content")
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise ValidationError({"content": "Should have a valid content"})
    if len(content) > HOMEPAGE_MAX_CHARS:
        raise PayloadTooLargeError(f"The homepage may not be longer than {HOMEPAGE_MAX_CHARS} characters.")
    store.set_homepage(content, now)


def current(settings: Settings) -> tuple[InstanceSettings, InstanceAppearance | None, Actor | None]:
    """The settings in force, the appearance item and the instance actor, in one read."""
    try:
        actor_id: int | None = actors.server_actor_id()
    except LookupError:  # before the first start made it
        actor_id = None
    stored, item, actor = store.read_with_config(actor_id)
    document = stored.document if stored is not None and isinstance(stored.document, dict) else None
    return custom_config.from_stored(settings, document), item, actor


def logos(item: InstanceAppearance | None) -> list[tuple[str, ActorImage]]:
    """Every stored logo image with its type, in PeerTube's order of types."""
    return [
        (logo_type, image)
        for logo_type, attribute in LOGO_ATTRIBUTES.items()
        for image in (getattr(item, attribute, None) or [])
    ]
