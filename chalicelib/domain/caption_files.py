"""Where a video's captions are and what names them (PeerTube's lib/video-captions.ts and
lib/hls.ts): their WebVTT files, one HLS media playlist per caption, the master playlist's
SUBTITLES group, and their place as the video's privacy changes. The use cases that change
captions are in captions.py.

A caption is a WebVTT file under `/lazy-static/video-captions/`; a video with HLS also gets one
media playlist per caption (`<caption name>.m3u8`, the whole file as one segment), and its
master playlist names them in a `SUBTITLES` group. A live's master playlist is left alone: its
ingest rewrites it continuously.

Cirrus keeps the caption of a video in the private directory (private, internal,
password-protected) beside its HLS files, under the private prefix, read with a video file
token like them (PeerTube leaves captions public under a random name); `place` moves them
with the rest of the video's files when its privacy changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import reference_data
from chalicelib.media import hls, layout
from chalicelib.store import captions as store
from chalicelib.store import media, videos
from chalicelib.store.models.video_stages import STAGE_DONE

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Video, VideoCaption, VideoFile


@dataclass(frozen=True)
class CaptionView:
    language: str
    automatic: bool
    updated_at: datetime | None
    label: str
    file_url: str
    caption_path: str | None  # PeerTube's deprecated path, for a caption CloudFront serves
    m3u8_url: str | None


def listing(video: Video) -> list[CaptionView]:
    """VC1: what `GET /videos/{id}/captions` shows, by language. A remote video's are its
    origin's, as its last Video object listed them (no read: they are on the video)."""
    if not video.is_local:
        return sorted((_remote_view(video, entry) for entry in video.remote_captions or []), key=lambda c: c.language)
    return [view(video, caption) for caption in sorted(store.list_captions(int(video.id)), key=lambda c: c.language)]


def _remote_view(video: Video, entry: dict[str, Any]) -> CaptionView:
    return CaptionView(
        language=str(entry["language"]),
        automatic=bool(entry.get("automatic")),
        updated_at=video.updated_at,
        label=label(str(entry["language"])),
        file_url=str(entry["fileUrl"]),
        caption_path=None,  # served by its origin only
        m3u8_url=str(entry["m3u8Url"]) if entry.get("m3u8Url") else None,
    )


def view(video: Video, caption: VideoCaption) -> CaptionView:
    instance = get_settings().instance_url
    private = is_private(video)
    m3u8 = None
    if caption.playlist_name and video.hls_prefix:
        m3u8 = f"{layout.hls_url_base(instance, video.uuid, private)}{caption.playlist_name}"
    return CaptionView(
        language=str(caption.language),
        automatic=bool(caption.automatically_generated),
        updated_at=caption.updated_at,
        label=label(caption.language),
        file_url=layout.caption_url(instance, video.uuid, caption.file_name, private),
        caption_path=None if private else f"/{layout.CAPTIONS_PATH}{caption.file_name}",
        m3u8_url=m3u8,
    )


def label(language: str) -> str:
    return reference_data.video_languages().get(language, "Unknown")


def refresh_playlists(video: Video) -> None:
    """Write each caption's media playlist and the master playlist naming them, for a
    published VOD video (before publication, `write_master` does it; a live's is its
    ingest's)."""
    if video.stage != STAGE_DONE or not video.hls_prefix:  # a live is never done
        return
    files = videos.list_files(int(video.id))
    if files:
        write_master(video, files, is_private(video))


def write_master(video: Video, files: Sequence[VideoFile], private: bool, cache_control: str | None = None) -> None:
    """The master playlist of a video's HLS files and captions, with a media playlist per
    caption (the transcoder's publication, and every caption change). `cache_control`: a
    short one while renditions are still being added (docs/transcoding.md); by default the
    playlists' cache policy (seconds at CloudFront)."""
    captions = store.list_captions(int(video.id))
    prefix = str(video.hls_prefix)
    instance = get_settings().instance_url
    entries: list[hls.Subtitle] = []
    for caption in captions:
        playlist = layout.caption_playlist_name(caption.file_name)
        # In the private directory the caption is beside its playlist: a relative name keeps
        # the token the player adds (or the API reinjects) on it.
        url = caption.file_name if private else layout.caption_url(instance, video.uuid, caption.file_name)
        text = hls.caption_playlist(int(video.duration or 0), url)
        media.put_file(
            layout.hls_key(video.uuid, playlist, private), text.encode(), hls.PLAYLIST_TYPE, cache_control=None
        )
        store.set_playlist_name(caption, playlist)
        entries.append(hls.Subtitle(caption.language, label(caption.language), playlist))
    shown = [f for f in files if int(f.resolution) != 0] or list(files)
    variants = [
        hls.Variant(f.playlist_name, int(f.bandwidth), int(f.width), int(f.height), int(f.fps), f.codecs) for f in shown
    ]
    media.put_file(
        layout.hls_key(video.uuid, f"{prefix}-master.m3u8", private),
        hls.master_playlist(variants, entries).encode(),
        hls.PLAYLIST_TYPE,
        cache_control=cache_control,
    )


def place(video: Video, private: bool) -> bool:
    """Move the video's caption files to the directory its privacy names (their playlists
    move with the HLS files; the caller rewrites them); whether any moved."""
    captions = store.list_captions(int(video.id))
    moved = False
    for caption in captions:
        right = layout.caption_key(video.uuid, caption.file_name, private)
        # Where it may be: the other side, or the public HLS directory, where the move of a
        # video's HLS files out of the private directory took it.
        for wrong in _places(video, caption.file_name) - {right}:
            if media.read_file(wrong) is not None:
                media.move_file(wrong, right)
                moved = True
    return moved


def _places(video: Video, name: str) -> set[str]:
    return {
        layout.caption_key(video.uuid, name, private=False),
        layout.caption_key(video.uuid, name, private=True),
        layout.hls_key(video.uuid, name, private=False),
    }


def delete_objects(video: Video, caption: VideoCaption) -> None:
    keys = sorted(_places(video, caption.file_name))
    playlist = layout.caption_playlist_name(caption.file_name)
    keys += [layout.hls_key(video.uuid, playlist, private) for private in (False, True)]
    media.delete_files(keys)


def is_private(video: Video) -> bool:
    return layout.in_private_directory(int(video.privacy))
