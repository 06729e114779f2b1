"""A video's storyboard: the sprite sheet players show over the seek bar (PeerTube's
`generate-video-storyboard` job, `GET /api/v1/videos/{id}/storyboards`, and the Video
object's `preview` with `rel: ["storyboard"]`).

It is made after publication, as PeerTube's job runs after its transcoding: publication sends
one `storyboard` step to the transcode queue (it never holds publication back), and the
transcoder draws it from the smallest published rendition at least as large as a tile
(decoding 240p instead of 1080p makes a long video's sheet several times faster; the tiles
are 192 px anyway).

The sheet is public under `/lazy-static/storyboards/`, as PeerTube serves it, named as the
video's images: a video entering the private directory has both renamed to a random name
(domain/media_privacy.py), told only to those who may see it. Drawing it again (a redelivered
step, or a backfill) overwrites the same object and the same facts.

A remote video's sheet stays at its origin: the `preview` of its Video object
(activitypub/remote/parse/videos.py) is kept as facts naming the origin's URL, which the
listing gives; nothing is fetched or copied, as for its segments and captions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.media import layout
from chalicelib.media import storyboard as sheets
from chalicelib.store import media, videos
from chalicelib.store.models.video_stages import STAGE_DONE

if TYPE_CHECKING:
    from chalicelib.media.storyboard import Grid
    from chalicelib.store.models import Video, VideoFile, WebVideoFile

STEP_KIND = "storyboard"
DEFAULT_ENABLED = True  # PeerTube's storyboard.enabled
URL_SECONDS = 3600


@dataclass(frozen=True)
class Source:
    """The published file a storyboard is drawn from: its media bucket key and dimensions."""

    key: str
    width: int
    height: int


def wanted(video: Video) -> bool:
    """Whether the video gets a storyboard: a published local video with pictures, long
    enough, uploaded while the administrator's setting was on."""
    enabled = DEFAULT_ENABLED if video.make_storyboard is None else bool(video.make_storyboard)
    return (
        enabled
        and bool(video.is_local)
        and video.stage == STAGE_DONE
        and int(video.duration or 0) >= sheets.MIN_DURATION_SECONDS
    )


def step_message(video: Video) -> dict[str, Any]:
    """The transcode queue's message that has the transcoder draw the video's storyboard."""
    return {"video": video.uuid, "kind": STEP_KIND, "resolution": None, "chunk": None}


def choose_source(video: Video, files: list[VideoFile], web_files: list[WebVideoFile]) -> Source | None:
    """The smallest published file whose picture is at least a tile's size (else the
    largest); None when the video has no picture."""
    private = layout.in_private_directory(int(video.privacy))
    candidates: list[Source] = []
    for file in files:
        if int(file.resolution or 0) > 0 and file.width and file.height and file.media_name:
            key = layout.hls_key(video.uuid, str(file.media_name), private)
            candidates.append(Source(key, int(file.width), int(file.height)))
    for web in web_files:
        if not web.original and int(web.resolution or 0) > 0 and web.width and web.height and web.file_name:
            key = layout.web_video_key(str(web.file_name), private)
            candidates.append(Source(key, int(web.width), int(web.height)))
    if not candidates:
        return None
    candidates.sort(key=lambda s: s.width * s.height)
    tile_w, tile_h = sheets.sprite_size(candidates[-1].width, candidates[-1].height)
    return next((s for s in candidates if s.width >= tile_w and s.height >= tile_h), candidates[-1])


def plan(video: Video, source: Source) -> Grid | None:
    return sheets.plan(source.width, source.height, int(video.duration or 0))


def source_url(source: Source) -> str:
    return media.presigned_url(source.key, URL_SECONDS)


def drawing(video: Video) -> tuple[Video, Source, Grid] | None:
    """The video as stored now, what its storyboard is drawn from and its grid; None when it
    has none to have (too short, no picture, turned off, deleted meanwhile)."""
    current, files, web_files = videos.get_video_with_all_files(int(video.id))
    if current is None or not wanted(current):
        return None
    source = choose_source(current, files, web_files)
    grid = plan(current, source) if source else None
    return (current, source, grid) if source is not None and grid is not None else None


def sheet_size(jpeg: bytes, grid: Grid) -> tuple[int, int] | None:
    """A sheet's width and height from its JPEG header (nothing decoded, no Pillow: the API
    function checks runners' sheets and carries none), when it is a JPEG that fits `grid`'s
    tiles; None otherwise (it is not this storyboard's sheet)."""
    from chalicelib.media.jpeg_size import jpeg_size

    size = jpeg_size(jpeg)
    if size is None:
        return None
    width, height = size
    fits = 0 < width <= grid.columns * grid.sprite_width and 0 < height <= grid.rows * grid.sprite_height
    return (width, height) if fits else None


def store(video: Video, jpeg: bytes, grid: Grid, width: int, height: int) -> bool:
    """Put the sheet where the video's images are named now and record its facts; False when
    the video was deleted meanwhile. A rename of its images while this ran (it became
    private) is followed: the sheet is written again under the new name and the one under
    the old name removed."""
    facts = {
        "total_width": width,
        "total_height": height,
        "sprite_width": grid.sprite_width,
        "sprite_height": grid.sprite_height,
        "sprite_duration": grid.sprite_duration,
    }
    current: Video | None = video
    for _ in range(3):
        if current is None:
            return False
        name = current.images_name
        media.put_file(layout.storyboard_key(name), jpeg, "image/jpeg", cache_control=None)
        if videos.set_storyboard(current, facts, str(current.image_name or current.uuid)):
            return True
        current = videos.get_video(int(video.id))
        if current is None or current.images_name != name:
            media.delete_files([layout.storyboard_key(name)])
    return False


def listing(video: Video) -> list[dict[str, Any]]:
    """PeerTube's `GET /api/v1/videos/{id}/storyboards` entries (none or one). A remote
    video's sheet is its origin's, named by the URL its Video object gave: `fileUrl` (PeerTube
    7.1+) and the deprecated `storyboardPath` are both that URL, as nothing is copied."""
    facts = video.storyboard
    if not facts:
        return []
    if video.is_local:
        path = f"/{layout.storyboard_key(video.images_name)}"
        file_url = f"{get_settings().instance_url}{path}"
    elif facts.get("file_url"):
        path = file_url = str(facts["file_url"])
    else:
        return []
    return [
        {
            "storyboardPath": path,
            "fileUrl": file_url,
            "totalHeight": int(facts["total_height"]),
            "totalWidth": int(facts["total_width"]),
            "spriteHeight": int(facts["sprite_height"]),
            "spriteWidth": int(facts["sprite_width"]),
            "spriteDuration": int(facts["sprite_duration"]),
        }
    ]


def activitypub_preview(video: Video) -> list[dict[str, Any]] | None:
    """The Video object's `preview`: the storyboard as PeerTube federates it."""
    found = listing(video)
    if not found:
        return None
    entry = found[0]
    if not video.is_local:
        return None  # the origin federates its own
    return [
        {
            "type": "Image",
            "rel": ["storyboard"],
            "url": [
                {
                    "mediaType": "image/jpeg",
                    "href": entry["fileUrl"],
                    "width": entry["totalWidth"],
                    "height": entry["totalHeight"],
                    "tileWidth": entry["spriteWidth"],
                    "tileHeight": entry["spriteHeight"],
                    "tileDuration": f"PT{entry['spriteDuration']}S",
                }
            ],
        }
    ]
