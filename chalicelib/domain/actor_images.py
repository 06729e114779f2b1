"""Replacing and removing the avatar or banner of a local actor."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from chalicelib.domain import images
from chalicelib.store import actors, media
from chalicelib.store.models.actor import ActorImage, new_actor_image

if TYPE_CHECKING:
    from chalicelib.store.models import Actor

Kind = Literal["avatars", "banners"]
SIZES = {"avatars": images.AVATAR_SIZES, "banners": images.BANNER_SIZES}
FIELDS = {"avatars": "avatarfile", "banners": "bannerfile"}


def replace_images(actor: Actor, kind: Kind, upload: bytes | None, now: datetime) -> list[ActorImage]:
    """Store every size of the new image, point the actor at them, then drop the old files.

    The new files are written first and the old ones deleted last, so the actor never points
    at a missing file, whatever fails in between. Only the images are written: a concurrent
    change to the rest of the actor stays, and the files removed are those the table pointed
    at just before (a concurrent image change's too), not those of the copy read earlier.
    """
    renditions = images.render(upload or b"", SIZES[kind], FIELDS[kind])
    new_images = []
    for rendition in renditions:
        path = f"lazy-static/{kind}/{uuid.uuid4()}{rendition.extension}"
        media.put_file(path, rendition.data, rendition.content_type)
        new_images.append(new_actor_image(rendition.width, rendition.height, path, now))
    try:
        old_paths = actors.replace_images(actor, kind, new_images, now)
    except Exception:
        media.delete_files(image.path for image in new_images)
        raise
    if old_paths:
        media.delete_files(old_paths)
    return new_images


def remove_images(actor: Actor, kind: Kind, now: datetime) -> None:
    old_paths = actors.replace_images(actor, kind, [], now)
    if old_paths:
        media.delete_files(old_paths)
