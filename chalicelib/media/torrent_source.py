"""Fetching a torrent import's one video with libtorrent, then into the uploads bucket.

A session made for this import only: no DHT, local discovery, UPnP or NAT-PMP (they would
talk to the local network and to peers nobody checked); trackers and peers only, every one
judged by an ip_filter that refuses private, loopback, link-local, shared, multicast and
reserved ranges (IPv4 and IPv6), as the address policy refuses them for HTTP. libtorrent
applies the filter to tracker connections too (`apply_ip_filter_to_trackers`). In tests,
the federation's loopback allowance lets 127.0.0.0/8 through, and nothing else.

The torrent's metadata (from the .torrent, or the magnet's peers) must describe one file
with a plain video name and a size within the cap before a byte of it is fetched;
libtorrent checks every piece against its hash, so the file cannot grow past what the
metadata says. libtorrent writes what it fetches to its own storage, a temporary directory
removed at the end (Lambda's /tmp: the cap must fit in the function's ephemeral storage);
the finished file is then streamed into an S3 multipart upload, 8 MiB parts.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.media.url_source import PART_BYTES, ImportFailed

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.media.url_source import PartWriter

# Ranges no import may reach (first, last); loopback is the tests' allowance.
_LOOPBACK_V4 = ("127.0.0.0", "127.255.255.255")
_REFUSED_V4 = [
    ("0.0.0.0", "0.255.255.255"),
    ("10.0.0.0", "10.255.255.255"),
    ("100.64.0.0", "100.127.255.255"),
    ("169.254.0.0", "169.254.255.255"),
    ("172.16.0.0", "172.31.255.255"),
    ("192.0.0.0", "192.0.0.255"),
    ("192.0.2.0", "192.0.2.255"),
    ("192.168.0.0", "192.168.255.255"),
    ("198.18.0.0", "198.19.255.255"),
    ("198.51.100.0", "198.51.100.255"),
    ("203.0.113.0", "203.0.113.255"),
    ("224.0.0.0", "255.255.255.255"),
]
# IPv6: only global unicast (2000::/3) is allowed; everything else (loopback, mapped and
# embedded IPv4, unique local, link-local, multicast) is refused.
_REFUSED_V6 = [("::", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ("4000::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
_BLOCKED = 1
POLL_SECONDS = 0.2
UNAVAILABLE = "Torrent imports cannot run on this instance's workers (libtorrent is not installed)"


def address_filter(allow_loopback: bool) -> Any:
    import libtorrent as lt

    refused = lt.ip_filter()
    for first, last in [*_REFUSED_V4, *_REFUSED_V6]:
        refused.add_rule(first, last, _BLOCKED)
    if not allow_loopback:
        refused.add_rule(*_LOOPBACK_V4, _BLOCKED)
    else:
        refused.add_rule(*_LOOPBACK_V4, 0)
    return refused


def download(
    source: bytes | str,
    writer: PartWriter,
    max_bytes: int,
    too_large: str,
    seconds: float,
    *,
    allow_loopback: bool,
    check_name: Any,
    claim: Callable[[int], None] | None = None,
) -> tuple[int, str]:
    """The torrent's one file (a .torrent's bytes or a magnet URI), streamed into `writer`;
    its size and name. ImportFailed when it has several files, a name `check_name` refuses,
    is over `max_bytes`, or is not fetched in `seconds`. `claim` is told the file's size
    once the metadata gives it, before a piece is fetched (it raises ImportFailed to stop)."""
    try:
        import libtorrent as lt  # heavy: imported by the work function only
    except ImportError:
        raise ImportFailed(UNAVAILABLE) from None

    deadline = time.monotonic() + seconds
    session = lt.session(
        {
            "listen_interfaces": "0.0.0.0:0,[::]:0",
            "enable_dht": False,
            "enable_lsd": False,
            "enable_upnp": False,
            "enable_natpmp": False,
            "apply_ip_filter_to_trackers": True,
            "alert_mask": 0,
        }
    )
    session.set_ip_filter(address_filter(allow_loopback))
    try:
        with tempfile.TemporaryDirectory(prefix="cirrus-torrent-") as directory:
            params = _params(lt, source)
            params.save_path = directory
            handle = session.add_torrent(params)
            info = _metadata(handle, deadline)
            files = info.layout()
            if files.num_files() != 1:
                raise ImportFailed("Torrents with only 1 file are supported.")
            inside = files.file_path(0)
            name = inside.rsplit("/", 1)[-1]
            plain = inside in (name, f"{info.name()}/{name}")
            refusal = check_name(name) if plain else "The torrent's file name is not a plain file name"
            if refusal is not None:
                raise ImportFailed(refusal)
            size = int(files.file_size(0))
            if size > max_bytes:
                raise ImportFailed(too_large)
            if claim is not None:
                claim(size)
            _finish(handle, deadline)
            root = Path(directory).resolve()
            path = (root / inside).resolve()
            if root not in path.parents:
                raise ImportFailed("The torrent's file name is not a plain file name")
            session.remove_torrent(handle)
            return _copy(path, writer, size), name
    finally:
        del session


def _params(lt: Any, source: bytes | str) -> Any:
    try:
        if isinstance(source, str):
            return lt.parse_magnet_uri(source)
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(lt.bdecode(source))
        return params
    except RuntimeError as error:
        raise ImportFailed(f"This torrent cannot be read: {error}") from None


def _metadata(handle: Any, deadline: float) -> Any:
    while not handle.status().has_metadata:
        if time.monotonic() > deadline:
            raise ImportFailed("The torrent's metadata could not be fetched in time (no reachable peer)")
        time.sleep(POLL_SECONDS)
    return handle.torrent_file()


def _finish(handle: Any, deadline: float) -> None:
    while True:
        status = handle.status()
        if status.errc.value() != 0:
            raise ImportFailed(f"The torrent download failed: {status.errc.message()}")
        if status.is_seeding or status.is_finished:
            return
        if time.monotonic() > deadline:
            raise ImportFailed("The download took too long")
        time.sleep(POLL_SECONDS)


def _copy(path: Path, writer: PartWriter, size: int) -> int:
    total = 0
    with path.open("rb") as source:
        while chunk := source.read(PART_BYTES):
            total += len(chunk)
            writer.write(chunk)
    if total != size or total == 0:
        raise ImportFailed("The torrent's file is incomplete")
    return total
