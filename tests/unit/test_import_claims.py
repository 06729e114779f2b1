"""What a URL download tells its quota claim (media/url_source.stream_into, through a real
CheckedProxy to a loopback server): the announced length once, before a byte is stored; a
file of unknown length as its parts fill; and a claim that refuses stops the download before
the refused part is stored."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib.media.checked_proxy import CheckedProxy
from chalicelib.media.url_source import PART_BYTES, FoundMedia, ImportFailed, stream_into

SIZE = 2 * PART_BYTES + 12345


class _File(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # without a length, the body ends with the connection

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        if self.path == "/announced.mp4":
            self.send_header("Content-Length", str(SIZE))
        self.end_headers()
        block = b"\x01" * (1024 * 1024)
        left = SIZE
        try:
            while left:
                self.wfile.write(block[: min(left, len(block))])
                left -= min(left, len(block))
        except OSError:
            pass  # a refused download hangs up


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _File)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _Parts:
    def __init__(self, events: list[tuple[str, int]]) -> None:
        self.events = events

    def write(self, data: bytes) -> None:
        self.events.append(("stored", len(data)))


def _fetch(url: str, claim: Any, events: list[tuple[str, int]] | None = None) -> tuple[int, list[tuple[str, int]]]:
    events = [] if events is None else events

    def claimed(size: int) -> None:
        events.append(("claim", size))
        claim(size)

    media = FoundMedia(url=url, headers={}, extension="mp4", title=None)
    with CheckedProxy(SIZE * 2, 30, allow_loopback=True) as proxy:
        size = stream_into(media, proxy, _Parts(events), SIZE * 2, "too large", None, claimed)
    return size, events


def test_an_announced_length_is_claimed_once_before_anything_is_stored(base: str) -> None:
    size, events = _fetch(f"{base}/announced.mp4", lambda _: None)
    assert size == SIZE
    assert events[0] == ("claim", SIZE)
    assert [kind for kind, _ in events[1:]] == ["stored"] * 3


def test_a_file_of_unknown_length_is_claimed_as_its_parts_fill(base: str) -> None:
    size, events = _fetch(f"{base}/unknown.mp4", lambda _: None)
    assert size == SIZE
    claims = [amount for kind, amount in events if kind == "claim"]
    assert len(claims) == 3 and claims[-1] == SIZE and claims == sorted(claims)
    assert claims[0] >= PART_BYTES
    # Each part is claimed before it is stored.
    assert [kind for kind, _ in events] == ["claim", "stored"] * 3


def test_a_refused_claim_stops_the_download_before_the_part_is_stored(base: str) -> None:
    def refuse_past_one_part(size: int) -> None:
        if size > PART_BYTES * 1.5:
            raise ImportFailed("The user video quota is exceeded with this video to import.")

    events: list[tuple[str, int]] = []
    with pytest.raises(ImportFailed, match="quota is exceeded"):
        _fetch(f"{base}/unknown.mp4", refuse_past_one_part, events)
    assert [kind for kind, _ in events] == ["claim", "stored", "claim"]  # the second part never stored
    events.clear()
    with pytest.raises(ImportFailed, match="quota is exceeded"):
        _fetch(f"{base}/announced.mp4", refuse_past_one_part, events)
    assert events == [("claim", SIZE)]  # nothing stored
