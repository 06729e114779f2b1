"""Images copied from other servers (video thumbnails and previews, playlist thumbnails).

A remote image is hostile content served again from the instance's own origin, so nothing
of it is kept as sent: only JPEG, PNG and WebP are accepted (by the answer's media type, and
again by what Pillow finds in the bytes), images over the pixel cap are refused before they
are decoded, and each size is re-encoded as JPEG (domain/images.py, as avatars are). The
copies are stored under a fresh random name, never one the remote server chose (such as
its video's UUID, which may be a local video's), with a fixed content type.
"""

from __future__ import annotations

import uuid

from chalicelib.domain import images
from chalicelib.errors import ValidationError
from chalicelib.media import commands, layout
from chalicelib.observability import logger
from chalicelib.store import media

ACCEPT = "image/jpeg, image/png, image/webp"  # what fetch_bytes accepts, nothing else
FORMATS = ("JPEG", "PNG", "WEBP")  # what Pillow must find in the bytes
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = 10.0
CONTENT_TYPE = "image/jpeg"
FIELD = "icon"


def copy_video_images(image_url: str, owner_url: str) -> str | None:
    """The video's thumbnail and preview from `image_url`, stored under a new name (returned,
    to keep on the video), or None when the image cannot be used (PeerTube then shows none)."""
    renditions = _fetch_and_render(image_url, owner_url, (commands.THUMBNAIL_SIZE, commands.PREVIEW_SIZE))
    if renditions is None:
        return None
    name = str(uuid.uuid4())
    thumbnail, preview = renditions
    media.put_file(layout.thumbnail_key(name), thumbnail.data, CONTENT_TYPE)
    media.put_file(layout.preview_key(name), preview.data, CONTENT_TYPE)
    return name


def delete_video_images(name: str) -> None:
    media.delete_files([layout.thumbnail_key(name), layout.preview_key(name)])


def copy_playlist_thumbnail(image_url: str, owner_url: str) -> str | None:
    """The playlist's thumbnail under a new path (returned), or None."""
    renditions = _fetch_and_render(image_url, owner_url, (commands.THUMBNAIL_SIZE,))
    if renditions is None:
        return None
    path = layout.thumbnail_key(f"playlist-{uuid.uuid4()}")
    media.put_file(path, renditions[0].data, CONTENT_TYPE)
    return path


def _fetch_and_render(
    image_url: str, owner_url: str, sizes: tuple[tuple[int, int], ...]
) -> list[images.Rendition] | None:
    from chalicelib.activitypub.net.transport import fetch_bytes

    try:
        data, _media_type = fetch_bytes(image_url, accept=ACCEPT, timeout=TIMEOUT, max_bytes=MAX_BYTES)
        return images.render(data, sizes, FIELD, output_format="JPEG", formats=FORMATS)
    except ValidationError:
        logger.warning("remote image refused", extra={"owner": owner_url, "image": image_url})
    except Exception as exc:
        logger.info("remote image not copied", extra={"owner": owner_url, "image": image_url, "error": str(exc)})
    return None
