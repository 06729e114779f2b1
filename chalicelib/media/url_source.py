"""Fetching a video from a URL for an import: yt-dlp finds the media, Cirrus streams it into
the uploads bucket, every byte through a CheckedProxy (checked_proxy.py).

yt-dlp is used as a library for what it is good at, finding the media behind a page (its
generic extractor reads a direct file URL or an HTML page's <video>), with
`download=False`: its own downloader writes to a file, which in Lambda would mean /tmp,
whole. The file is then read here with urllib3 through the same proxy, in parts of 8 MiB
sent to an S3 multipart upload as they fill, so a worker holds one part at a time and
nothing touches /tmp. The price: only formats that are one file over HTTP(S) are chosen
(`FORMAT`); sites that only offer separate audio and video, or HLS/DASH manifests, are
refused with a clear error rather than merged with ffmpeg on disk.

yt-dlp's own requests (the page, the HEAD of a direct file) and the file's (redirects
included) all go through the proxy, which applies the address-safety policy to each
connection; the proxy cuts past the byte cap and at the deadline, and this module checks the
exact byte count as it streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.media.checked_proxy import CheckedProxy

PART_BYTES = 8 * 1024 * 1024  # S3's parts must be 5 MiB at least, the last excepted
MAX_REDIRECTS = 5
# One file, both tracks, over plain HTTP(S); the best such one.
FORMAT = "best[protocol=https]/best[protocol=http]"
_READ = 1024 * 1024


class ImportFailed(Exception):
    """The import cannot go on; the message is what its owner sees (PeerTube's `error`)."""


class NotHere(Exception):
    """The download would not finish in this worker's time (its announced size, or the
    worker's clock ran out first): the import task should take it."""


@dataclass(frozen=True)
class FoundMedia:
    url: str
    headers: dict[str, str]
    extension: str
    title: str | None
    size: int | None = None  # as yt-dlp announces it (filesize, or filesize_approx)
    exact_size: int | None = None  # yt-dlp's filesize only: the file's, not an estimate
    duration: float | None = None  # seconds


def find_media(page_url: str, proxy: CheckedProxy) -> FoundMedia:
    """What yt-dlp finds at `page_url`: one video file's URL and the headers to ask it with."""

    info = _extract(page_url, proxy, {"format": FORMAT, "noplaylist": True})
    if not isinstance(info, dict) or info.get("_type") in ("playlist", "multi_video"):
        raise ImportFailed("This URL is a playlist, not a video")
    url = info.get("url")
    if not isinstance(url, str) or info.get("protocol") not in ("http", "https"):
        raise ImportFailed("No format of this video is a single file over HTTP(S)")
    headers = {str(k): str(v) for k, v in (info.get("http_headers") or {}).items()}
    title = info.get("title") if isinstance(info.get("title"), str) else None
    exact = info.get("filesize")
    size = exact or info.get("filesize_approx")
    duration = info.get("duration")
    return FoundMedia(
        url=url,
        headers=headers,
        extension=str(info.get("ext") or "mp4"),
        title=title,
        size=int(size) if isinstance(size, int | float) and size > 0 else None,
        exact_size=int(exact) if isinstance(exact, int) and exact > 0 else None,
        duration=float(duration) if isinstance(duration, int | float) and duration > 0 else None,
    )


def _extract(url: str, proxy: CheckedProxy, wanted: dict[str, Any]) -> Any:
    """yt-dlp's facts about `url`, read through the checked proxy only, quietly, within the
    proxy's time left; its error as an ImportFailed with the reason."""
    import yt_dlp

    options: dict[str, Any] = {
        **wanted,
        "proxy": proxy.url,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "cachedir": False,
        "socket_timeout": max(1.0, min(30.0, proxy.remaining())),
        "extractor_retries": 0,
        "logger": _SilentLogger(),
        "color": {"stdout": "never", "stderr": "never"},
    }
    try:
        with yt_dlp.YoutubeDL(options) as extractor:
            return extractor.extract_info(url, download=False)
    except yt_dlp.utils.YoutubeDLError as error:
        raise ImportFailed(_reason(proxy, _clean(str(error)))) from None


@dataclass(frozen=True)
class ListedVideo:
    url: str
    published: float | None  # a POSIX time, when the listing tells it


def list_channel(channel_url: str, proxy: CheckedProxy, limit: int) -> list[ListedVideo]:
    """The latest `limit` videos yt-dlp lists at `channel_url` (a channel, a playlist, a feed),
    newest first as the source orders them, without fetching each one (a flat playlist, as
    PeerTube's channel synchronisation lists them)."""

    info = _extract(channel_url, proxy, {"extract_flat": "in_playlist", "playlistend": limit})
    if not isinstance(info, dict):
        raise ImportFailed("Nothing could be listed at this URL")
    entries = info.get("entries") if info.get("_type") in ("playlist", "multi_video") else [info]
    found: list[ListedVideo] = []
    for entry in list(entries or [])[:limit]:
        if not isinstance(entry, dict):
            continue
        url = entry.get("webpage_url") or entry.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            continue
        stamp = entry.get("timestamp")
        found.append(ListedVideo(url=url, published=float(stamp) if isinstance(stamp, int | float) else None))
    return found


def stream_into(
    media: FoundMedia,
    proxy: CheckedProxy,
    bucket_writer: PartWriter,
    max_bytes: int,
    too_large: str,
    fits: Callable[[int], bool] | None = None,
    claim: Callable[[int], None] | None = None,
) -> int:
    """The file at `media.url`, streamed through `proxy` into `bucket_writer`; its size.
    ImportFailed past `max_bytes` (with the `too_large` text), at the deadline, or on any
    answer but 200; NotHere, before a byte is read, when `fits` refuses the size the server
    declares. `claim` is told the file's size as soon as it is known: the declared length
    before a byte is read, else the bytes arrived so far at each part; it raises
    ImportFailed to stop the download."""
    import urllib3

    manager = urllib3.ProxyManager(
        proxy.base_url,
        proxy_headers={"Proxy-Authorization": proxy.authorization},
        cert_reqs="CERT_REQUIRED",
        retries=urllib3.Retry(total=MAX_REDIRECTS, connect=0, read=0, status=0, redirect=MAX_REDIRECTS),
        timeout=urllib3.Timeout(connect=max(0.5, min(30.0, proxy.remaining())), read=30.0),
    )
    try:
        response = manager.request("GET", media.url, headers=media.headers, preload_content=False, redirect=True)
    except urllib3.exceptions.HTTPError as error:
        raise ImportFailed(_reason(proxy, f"Cannot download the video: {type(error).__name__}")) from None
    try:
        if response.status != 200:
            raise ImportFailed(_reason(proxy, f"The video's server answered {response.status}"))
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise ImportFailed(too_large)
        if declared and declared.isdigit() and fits is not None and not fits(int(declared)):
            raise NotHere(f"{declared} bytes")
        known = int(declared) if declared and declared.isdigit() else None
        if known is not None and claim is not None:
            claim(known)
        return _copy(response, proxy, bucket_writer, max_bytes, too_large, None if known is not None else claim)
    finally:
        response.release_conn()
        manager.clear()


def _copy(
    response: Any,
    proxy: CheckedProxy,
    writer: PartWriter,
    max_bytes: int,
    too_large: str,
    claim: Callable[[int], None] | None,
) -> int:
    total = 0
    part = bytearray()
    try:
        for chunk in response.stream(_READ):
            total += len(chunk)
            if total > max_bytes:
                raise ImportFailed(too_large)
            if proxy.remaining() <= 0:
                raise ImportFailed("The download took too long")
            part += chunk
            if len(part) >= PART_BYTES:
                _store(writer, part, claim, total)
    except ImportFailed:
        raise
    except Exception as error:
        if proxy.over_size:
            raise ImportFailed(too_large) from None
        if proxy.timed_out:
            raise ImportFailed("The download took too long") from None
        raise ImportFailed(f"The download broke off: {type(error).__name__}") from None
    if proxy.timed_out:
        raise ImportFailed("The download took too long")
    if total == 0:
        raise ImportFailed("The video's server sent an empty file")
    if part:
        _store(writer, part, claim, total)
    return total


def _store(writer: PartWriter, part: bytearray, claim: Callable[[int], None] | None, total: int) -> None:
    """A full part (or the last) goes to the writer; a file of unknown size is claimed as
    its bytes arrive, before they are stored."""
    if claim is not None:
        claim(total)
    writer.write(bytes(part))
    part.clear()


class PartWriter(Protocol):
    """Where the parts go as they fill (store/uploads_bucket.MultipartWriter: one S3
    multipart upload); media sits below the store and only names what it needs."""

    def write(self, data: bytes) -> None: ...


def _reason(proxy: CheckedProxy, fallback: str) -> str:
    """The proxy's refusal when there was one (what really stopped the import), else `fallback`."""
    if proxy.refusals:
        return f"The URL leads to an address Cirrus may not fetch: {proxy.refusals[0]}"
    if proxy.upstream_failures:
        return f"The import could not go through the instance's proxy: {proxy.upstream_failures[0]}"
    if proxy.over_size:
        return "The video is too large"
    if proxy.timed_out:
        return "The download took too long"
    return fallback


def _clean(message: str) -> str:
    return message.removeprefix("ERROR: ")[:300]


class _SilentLogger:
    """yt-dlp writes to stdout and stderr by default: nothing of it belongs in Lambda's logs."""

    def debug(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        pass

    def warning(self, message: str) -> None:
        pass

    def error(self, message: str) -> None:
        pass
