"""The address filter of a torrent import's libtorrent session: public unicast only, loopback
only with the tests' allowance; and a download from a loopback seeder without that allowance
gets nowhere (the peer is refused, the import fails with its reason)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import torrents

lt = pytest.importorskip("libtorrent")


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("8.8.8.8", False),
        ("93.184.216.34", False),
        ("2606:4700::1111", False),
        ("10.1.2.3", True),
        ("172.20.0.1", True),
        ("192.168.1.10", True),
        ("100.64.0.1", True),
        ("169.254.169.254", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("255.255.255.255", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("::ffff:10.0.0.1", True),
        ("fc00::1", True),
        ("fe80::1", True),
        ("ff02::1", True),
    ],
)
def test_the_filter_lets_only_public_unicast_through(address: str, refused: bool) -> None:
    from chalicelib.media.torrent_source import address_filter

    assert address_filter(allow_loopback=False).access(address) == (1 if refused else 0)


def test_the_loopback_allowance_opens_loopback_alone() -> None:
    from chalicelib.media.torrent_source import address_filter

    allowing = address_filter(allow_loopback=True)
    assert allowing.access("127.0.0.1") == 0
    assert allowing.access("10.0.0.1") == 1 and allowing.access("::1") == 1


class _Parts:
    def __init__(self) -> None:
        self.written = 0

    def write(self, data: bytes) -> None:
        self.written += len(data)


def test_a_seeder_on_a_refused_address_is_never_reached(tmp_path: Path) -> None:
    from chalicelib.domain.torrent_files import check_file_name
    from chalicelib.media.torrent_source import download
    from chalicelib.media.url_source import ImportFailed

    data = b"\x00\x01" * 40_000
    (tmp_path / "clip.mp4").write_bytes(data)
    torrent = torrents.single_file("clip.mp4", data)
    with torrents.seeding(torrent, tmp_path) as (port, info_hash):
        magnet = f"magnet:?xt=urn:btih:{info_hash}&x.pe=127.0.0.1:{port}"
        parts = _Parts()
        with pytest.raises(ImportFailed, match="no reachable peer"):
            download(magnet, parts, 10**9, "too large", 3, allow_loopback=False, check_name=check_file_name)
        assert parts.written == 0
        # The same seeder, allowed: the file arrives whole.
        size, name = download(magnet, parts, 10**9, "too large", 30, allow_loopback=True, check_name=check_file_name)
        assert (size, name, parts.written) == (len(data), "clip.mp4", len(data))
        # Over the cap: refused once the metadata tells the size, before the file is fetched.
        with pytest.raises(ImportFailed, match="too large"):
            download(magnet, _Parts(), 1000, "too large", 30, allow_loopback=True, check_name=check_file_name)


def test_the_files_length_is_claimed_before_a_piece_is_fetched(tmp_path: Path) -> None:
    """The import's quota claim hears the file's length once the metadata tells it; a claim
    that refuses stops the download with nothing written."""
    from chalicelib.domain.torrent_files import check_file_name
    from chalicelib.media.torrent_source import download
    from chalicelib.media.url_source import ImportFailed

    data = b"\x02\x03" * 40_000
    (tmp_path / "clip.mp4").write_bytes(data)
    torrent = torrents.single_file("clip.mp4", data)
    with torrents.seeding(torrent, tmp_path) as (port, info_hash):
        magnet = f"magnet:?xt=urn:btih:{info_hash}&x.pe=127.0.0.1:{port}"
        parts = _Parts()
        claimed: list[tuple[int, int]] = []

        def claim(size: int) -> None:
            claimed.append((size, parts.written))

        size, _ = download(
            magnet, parts, 10**9, "too large", 30, allow_loopback=True, check_name=check_file_name, claim=claim
        )
        assert claimed == [(len(data), 0)] and size == len(data) == parts.written

        def refuse(size: int) -> None:
            raise ImportFailed("The user video quota is exceeded with this video to import.")

        refused = _Parts()
        with pytest.raises(ImportFailed, match="quota is exceeded"):
            download(
                magnet, refused, 10**9, "too large", 30, allow_loopback=True, check_name=check_file_name, claim=refuse
            )
        assert refused.written == 0
