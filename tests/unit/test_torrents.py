"""Bencoding and torrents (chalicelib/media/bencode.py, torrents.py): PeerTube's rules, checked
against values its libraries (create-torrent, piece-length, magnet-uri) produce."""

from __future__ import annotations

import hashlib
import os

import pytest

from chalicelib.media import bencode, layout, torrents

ANNOUNCE = ["ws://h:9/tracker/socket", "http://h:9/tracker/announce"]


def test_bencode_round_trips_canonically() -> None:
    value = {"b": [1, -2, b"\x00\xff"], "a": {"z": "é", "y": 0}}
    encoded = bencode.encode(value)
    assert encoded == b"d1:ad1:yi0e1:z2:\xc3\xa9e1:bli1ei-2e2:\x00\xffee"
    assert bencode.decode(encoded) == {b"a": {b"y": 0, b"z": "é".encode()}, b"b": [1, -2, b"\x00\xff"]}
    assert bencode.encode(bencode.decode(encoded)) == encoded


@pytest.mark.parametrize(
    "document",
    [b"i01e", b"i-0e", b"ie", b"i1", b"01:a", b"3:ab", b"d1:bi1e1:ai2ee", b"di1ei2ee", b"l", b"i1ei2e", b"x", b""],
)
def test_bencode_refuses_what_is_not_strictly_well_formed(document: bytes) -> None:
    with pytest.raises(bencode.BencodeError):
        bencode.decode(document)


def test_bencode_decoding_is_bounded_in_depth() -> None:
    with pytest.raises(bencode.BencodeError, match="deeply"):
        bencode.decode(b"l" * 100 + b"e" * 100)
    with pytest.raises(TypeError):
        bencode.encode(True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("size", "expected"),
    # create-torrent 6 (piece-length, capped at 4 MiB), as PeerTube makes its torrents.
    [
        (1, 16384),
        (1_048_576, 16384),
        (12_345_678, 16384),
        (200_000_000, 262144),
        (1_500_000_000, 1048576),
        (10_000_000_000, 4194304),
    ],
)
def test_piece_length_is_create_torrents(size: int, expected: int) -> None:
    assert torrents.piece_length(size) == expected


def test_pieces_do_not_depend_on_how_the_bytes_arrive() -> None:
    data = os.urandom(40_000)
    whole = torrents.PieceHasher(len(data))
    whole.update(data)
    sliced = torrents.PieceHasher(len(data))
    for start in range(0, len(data), 777):
        sliced.update(data[start : start + 777])
    expected = b"".join(hashlib.sha1(data[i : i + 16384]).digest() for i in range(0, len(data), 16384))
    assert whole.pieces() == sliced.pieces() == expected
    short = torrents.PieceHasher(len(data) + 1)
    short.update(data)
    with pytest.raises(ValueError, match="fed 40000 bytes"):
        short.pieces()


def test_a_torrent_is_peertubes_single_file_torrent() -> None:
    data = b"x" * 20_000
    hasher = torrents.PieceHasher(len(data))
    hasher.update(data)
    made = torrents.build(
        name=torrents.info_name('A/b\\c?d%e*f:g|h"i<j>k', 720, ".mp4"),
        length=len(data),
        pieces=hasher.pieces(),
        announce=ANNOUNCE,
        web_seeds=["http://h:9/static/web-videos/x.mp4"],
        created_at=1_700_000_000,
    )
    document = bencode.decode(made.content)
    assert set(document) == {
        b"announce",
        b"announce-list",
        b"created by",
        b"creation date",
        b"encoding",
        b"info",
        b"url-list",
    }
    assert document[b"info"][b"name"] == b"A-b-c-d-e-f-g-h-i-j-k 720p.mp4"
    assert set(document[b"info"]) == {b"length", b"name", b"piece length", b"pieces"}
    assert document[b"announce"] == ANNOUNCE[0].encode()
    assert document[b"announce-list"] == [[url.encode()] for url in ANNOUNCE]
    assert made.info_hash == hashlib.sha1(bencode.encode(document[b"info"])).hexdigest()


def test_rewriting_keeps_the_pieces_and_the_hash_unless_the_name_changes() -> None:
    data = os.urandom(50_000)
    hasher = torrents.PieceHasher(len(data))
    hasher.update(data)
    made = torrents.build(
        name="Old 240p.mp4", length=len(data), pieces=hasher.pieces(), announce=ANNOUNCE, web_seeds=[], created_at=1
    )
    seeded = torrents.rewrite(
        made.content, name="Old 240p.mp4", announce=ANNOUNCE, web_seeds=["http://h/f.mp4"], created_at=2
    )
    renamed = torrents.rewrite(made.content, name="New 240p.mp4", announce=ANNOUNCE, web_seeds=[], created_at=2)
    assert seeded.info_hash == made.info_hash != renamed.info_hash
    assert bencode.decode(seeded.content)[b"url-list"] == [b"http://h/f.mp4"]
    assert bencode.decode(renamed.content)[b"info"][b"pieces"] == hasher.pieces()
    with pytest.raises(ValueError, match="not a torrent"):
        torrents.read(bencode.encode({"announce": "x"}))


def test_the_magnet_uri_is_magnet_uris_encoding() -> None:
    # magnet-uri 7's encode({xs, announce, urlList, infoHash, name}), as PeerTube calls it.
    expected = (
        "magnet:?xs=http%3A%2F%2Fh%3A9000%2Flazy-static%2Ftorrents%2Fa%20b-720.torrent&xt=urn:btih:abcdef"
        "&dn=My+vid%C3%A9o+%26+co%2F1+(it's)+*~!&tr=http%3A%2F%2Fh%3A9000%2Ftracker%2Fannounce"
        "&tr=ws%3A%2F%2Fh%3A9000%2Ftracker%2Fsocket&ws=http%3A%2F%2Fh%3A9000%2Fstatic%2Fweb-videos%2Fx-720.mp4"
    )
    assert (
        torrents.magnet_uri(
            torrent_url="http://h:9000/lazy-static/torrents/a b-720.torrent",
            info_hash="abcdef",
            video_name="My vidéo & co/1 (it's) *~!",
            trackers=["http://h:9000/tracker/announce", "ws://h:9000/tracker/socket"],
            web_seeds=["http://h:9000/static/web-videos/x-720.mp4"],
        )
        == expected
    )
    private = torrents.magnet_uri(torrent_url="http://h/t", info_hash="ab", video_name="n", trackers=[], web_seeds=[])
    assert private == "magnet:?xs=http%3A%2F%2Fh%2Ft&xt=urn:btih:ab&dn=n"


def test_names_start_with_the_video_so_a_prefix_finds_them() -> None:
    video_uuid = "0f6b0c0e-1111-4222-8333-444455556666"
    name = layout.web_video_name(video_uuid, "1a2b3c4d", 720, ".webm")
    assert name == f"{video_uuid}-1a2b3c4d-720.webm"
    assert layout.web_video_key(name).startswith(layout.web_videos_prefix(video_uuid))
    assert layout.web_video_key(name, private=True) == f"private/web-videos/{name}"
    torrent = layout.torrent_name(video_uuid, "1a2b3c4d", 720, hls=True)
    assert torrent == f"{video_uuid}-1a2b3c4d-720-hls.torrent"
    assert layout.torrent_key(torrent).startswith(layout.torrents_prefix(video_uuid))
    assert layout.video_uuid_of_name(torrent) == video_uuid
    assert layout.video_uuid_of_name("short.torrent") is None
