"""Torrents for tests, made by hand (bencode, SHA-1 pieces: the format is small, and a
hand-made file can break the rules on purpose), a loopback HTTP tracker that names one
peer, and a libtorrent session seeding a file on loopback."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PIECE = 16 * 1024


def bencode(value: Any) -> bytes:
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(item) for item in value) + b"e"
    items = sorted((key.encode() if isinstance(key, str) else key, item) for key, item in value.items())
    return b"d" + b"".join(bencode(key) + bencode(item) for key, item in items) + b"e"


def pieces(data: bytes) -> bytes:
    return b"".join(hashlib.sha1(data[at : at + PIECE]).digest() for at in range(0, len(data), PIECE))


def single_file(name: str, data: bytes, announce: str | None = None) -> bytes:
    info = {"name": name, "length": len(data), "piece length": PIECE, "pieces": pieces(data)}
    return bencode({"info": info, **({"announce": announce} if announce else {})})


def several_files(names: list[str], size: int = 1000) -> bytes:
    files = [{"path": [name], "length": size} for name in names]
    info = {"name": "folder", "files": files, "piece length": PIECE, "pieces": pieces(b"\0" * size * len(names))}
    return bencode({"info": info})


def with_path(path: list[str], size: int = 1000) -> bytes:
    info = {"name": "folder", "files": [{"path": path, "length": size}], "piece length": PIECE, "pieces": b"\0" * 20}
    return bencode({"info": info})


@contextmanager
def tracker(peer_port: int) -> Iterator[str]:
    """An HTTP tracker on loopback whose every announce names 127.0.0.1:`peer_port`."""
    peers = bytes([127, 0, 0, 1]) + peer_port.to_bytes(2, "big")

    class Announce(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = bencode({"interval": 60, "peers": peers})
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Announce)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/announce"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def seeding(torrent: bytes, directory: Path) -> Iterator[tuple[int, str]]:
    """A libtorrent session seeding `torrent` from `directory` on loopback: its port and the
    torrent's info-hash."""
    import libtorrent as lt

    session = lt.session(
        {
            "listen_interfaces": "127.0.0.1:0",
            "enable_dht": False,
            "enable_lsd": False,
            "enable_upnp": False,
            "enable_natpmp": False,
        }
    )
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(lt.bdecode(torrent))
    params.save_path = str(directory)
    handle = session.add_torrent(params)
    deadline = time.monotonic() + 30
    while not handle.status().is_seeding:
        assert time.monotonic() < deadline, "the seeder never checked its file"
        time.sleep(0.1)
    try:
        yield session.listen_port(), str(handle.info_hashes().v1)
    finally:
        session.remove_torrent(handle)
        del session
