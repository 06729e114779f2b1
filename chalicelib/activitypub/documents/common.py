"""What every ActivityPub document of Cirrus shares: the public address, dates, images."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.store.models.actor import ActorImage

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"


def ap_date(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds, as PeerTube writes every date."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def image_objects(images: Sequence[ActorImage], instance_url: str) -> list[dict[str, Any]]:
    """Avatars or banners as Image objects, smallest useful first: PeerTube puts the 120 px
    avatar first because many servers read only `icon[0]`."""
    ordered = sorted(images, key=lambda image: (int(image.width) != 120, int(image.width)))
    return [
        {
            "type": "Image",
            "mediaType": mimetypes.guess_type(str(image.path))[0] or "image/jpeg",
            "height": int(image.height),
            "width": int(image.width),
            "url": f"{instance_url}/{image.path}",
        }
        for image in ordered
    ]


def with_context(context: list[Any], document: dict[str, Any]) -> dict[str, Any]:
    return {"@context": context, **document}
