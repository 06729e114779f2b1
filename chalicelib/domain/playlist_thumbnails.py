"""Playlist thumbnails: an uploaded image (checked and re-encoded by domain/images.py), or a
copy of the first video's miniature. Each gets a new random name, as in PeerTube."""

from __future__ import annotations

import uuid

from chalicelib.domain import images
from chalicelib.errors import ValidationError
from chalicelib.media import layout
from chalicelib.store import media

FIELD = "thumbnailfile"
SIZE = ((280, 157),)  # PeerTube's THUMBNAILS_SIZE
REFUSAL = (
    "This thumbnail file is not supported or too large. Please, make sure it is of the following type: .jpg, .jpeg"
)


def check_upload(data: bytes) -> images.Rendition:
    """The thumbnail to store, or PeerTube's 400 for an unusable file (before any write)."""
    try:
        (rendition,) = images.render(data, SIZE, FIELD, output_format="JPEG")
    except ValidationError:
        raise ValidationError({FIELD: REFUSAL}) from None
    return rendition


def store(rendition: images.Rendition) -> str:
    path = _new_path()
    media.put_file(path, rendition.data, "image/jpeg")
    return path


def copy_from_video(images_name: str) -> str | None:
    """A copy of a video's miniature, or None if it has none (yet)."""
    path = _new_path()
    return path if media.copy_file(layout.thumbnail_key(images_name), path, "image/jpeg") else None


def remove(path: str | None) -> None:
    if path:
        media.delete_files([path])


def _new_path() -> str:
    return f"lazy-static/thumbnails/playlist-{uuid.uuid4()}.jpg"
