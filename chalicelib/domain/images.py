"""Actor images (avatars and banners): checked, cropped to PeerTube's sizes, re-encoded.

Uploaded images are hostile: the format is checked from the content (not the file name),
decompression bombs are refused from the header's dimensions before anything is decoded
(check_pixels, for every path that opens an untrusted image), EXIF data is dropped (it can carry a location), and every
size is encoded anew, so nothing of the upload is served as is. Pillow is imported on first
use only, to keep it out of the API's cold start.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import ValidationError

AVATAR_SIZES = ((1500, 1500), (600, 600), (120, 120), (48, 48))
BANNER_SIZES = ((1920, 317), (600, 100))
MAX_BYTES = 8 * 1024 * 1024
# An image may not decode to more pixels than this: 4096 x 4096, above any avatar or banner
# source and most phone photos, and about 64 MB per RGBA copy in the API function (decoding,
# rotating and cropping make a few). Pillow's own check only warns up to twice its limit.
MAX_PIXELS = 4096 * 4096
FORMATS = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
ACCEPTED = ".png, .jpeg, .jpg, .gif, .webp"
QUALITY = 80


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    content_type: str
    extension: str
    data: bytes


def render(
    data: bytes,
    sizes: tuple[tuple[int, int], ...],
    field: str,
    output_format: str | None = None,
    formats: tuple[str, ...] = tuple(FORMATS),
) -> list[Rendition]:
    """Every size of an uploaded image, or a 400 naming `field` if it is not a usable image.
    `output_format` (a key of FORMATS) re-encodes into that format instead of the upload's;
    `formats` (keys of FORMATS) narrows what is accepted."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    refusal = ValidationError(
        {field: f"This file is not supported or too large. Please, make sure it is of the following type : {ACCEPTED}"}
    )
    if not data or len(data) > MAX_BYTES:
        raise refusal
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the accepted formats' decoders are tried: the content decides, not a name.
            source = Image.open(io.BytesIO(data), formats=list(formats))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError):
        raise refusal from None
    try:
        with source:
            check_pixels(source)
            if source.format not in formats:
                raise refusal
            content_type, extension = FORMATS[output_format or source.format]
            source.seek(0)  # animated GIF and WebP: the first frame
            image = ImageOps.exif_transpose(source)
            image.load()
            output_format = output_format or source.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        raise refusal from None
    return [
        Rendition(width, height, content_type, extension, _encode(ImageOps.fit(image, (width, height)), output_format))
        for width, height in sizes
    ]


def check_pixels(image: Any) -> None:
    """Refuse an opened, not yet loaded, image whose header announces more than MAX_PIXELS
    (raises PIL.Image.DecompressionBombError). Opening reads only the header: call this
    between Image.open and anything that decodes (load, convert, thumbnail, save)."""
    from PIL import Image

    width, height = image.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise Image.DecompressionBombError(f"{width} x {height} pixels is over the {MAX_PIXELS} pixel limit")


def _encode(image: Any, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=QUALITY, optimize=True)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=QUALITY)
    else:
        image.save(buffer, image_format, optimize=True)
    return buffer.getvalue()
