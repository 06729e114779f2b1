"""PeerTube's own clients against `make run`'s stack over HTTP:

- PeerTube's CLI (`@peertube/peertube-cli` 1.0.3, pinned in tests/tools/package.json):
  `auth add`, then `upload` with and without a channel (`-C`), with tags and a privacy. After
  its legacy multipart upload the CLI polls GET /api/v1/videos/{uuid} every 50 ms, with no
  time limit, until `files[0].torrentUrl` is set, and exits 255 if `files` is empty.
- Torrents as a BitTorrent client reads them: the .torrent behind `torrentUrl` parses, its
  info hash is the magnet URI's, its pieces hash to the bytes its web seed serves, and
  create-torrent (the library PeerTube makes its torrents with) makes the same torrent of
  those bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.media import bencode
from tests.conftest import ROOT, ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published

TOOLS = ROOT / "tests" / "tools"
CLI = TOOLS / "node_modules" / "@peertube" / "peertube-cli" / "dist" / "peertube.js"
CREATE_TORRENT = TOOLS / "node_modules" / "create-torrent"
CLI_SECONDS = 180  # the CLI itself never gives up waiting for the torrent

needs_tools = pytest.mark.skipif(
    shutil.which("node") is None or not CLI.is_file() or not CREATE_TORRENT.is_dir(),
    reason="needs node and tests/tools/node_modules (make test installs them)",
)
pytestmark = [needs_ffmpeg, needs_tools]

USER, PASSWORD = "clara", "clara-password-1"  # the CLI keeps it in .netrc, where spaces would split it


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """One stack for the module, with a user and a second channel of hers."""
    stack = RunningStack(tmp_path_factory.mktemp("cli") / "data")
    stack.start()
    try:
        client = Client(stack)
        client.register(USER, PASSWORD)
        token = client.login(USER, PASSWORD)["access_token"]
        channel = {"name": "clara_travels", "displayName": "Clara's travels"}
        response = client.send("POST", "/api/v1/video-channels", token, json=channel)
        assert response.status_code == 200, response.text
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def cli_home(running: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home directory where `peertube-cli auth add` remembered the account."""
    home = tmp_path_factory.mktemp("home")
    result = _cli(home, "auth", "add", "-u", running.url, "-U", USER, "--password", PASSWORD)
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def _cli(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env.pop("NODE_ENV", None)  # "test" would make the CLI look for PeerTube's own test files
    return subprocess.run(
        ["node", str(CLI), *arguments], env=env, capture_output=True, text=True, timeout=CLI_SECONDS, check=False
    )


def _my_video(client: Client, token: str, name: str) -> dict[str, Any]:
    listed = client.send("GET", "/api/v1/users/me/videos", token, params={"count": 100}).json()["data"]
    (found,) = [video for video in listed if video["name"] == name]
    details = client.send("GET", f"/api/v1/videos/{found['uuid']}", token)
    assert details.status_code == 200, details.text
    return dict(details.json())


@pytest.mark.parametrize(
    ("arguments", "channel", "privacy"),
    [
        (["-P", "1"], "clara_channel", 1),
        (["-C", "clara_travels", "-P", "2"], "clara_travels", 2),
        (["-C", "clara_travels", "-P", "3"], "clara_travels", 3),
    ],
    ids=["default-channel-public", "channel-unlisted", "channel-private"],
)
def test_the_peertube_cli_uploads_and_exits_0(
    running: RunningStack, cli_home: Path, tmp_path: Path, arguments: list[str], channel: str, privacy: int
) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4)
    name = f"From the CLI {privacy}"
    started = time.monotonic()
    result = _cli(cli_home, "upload", "-f", str(clip), "-n", name, "-t", "holiday,sea", *arguments)
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Video {name} uploaded." in result.stdout
    client = Client(running)
    token = client.login(USER, PASSWORD)["access_token"]
    video = _my_video(client, token, name)
    assert video["channel"]["name"] == channel
    assert video["privacy"]["id"] == privacy
    assert video["tags"] == ["holiday", "sea"]
    assert (video["downloadEnabled"], video["waitTranscoding"], video["nsfw"]) == (True, True, False)
    # What the CLI waited for: the original listed as a web video, with its torrent (until
    # transcoding replaces it: the first look, above, may come after publication).
    if video["state"]["id"] != 1:
        assert video["files"][0]["torrentUrl"].endswith(".torrent")
    print(f"peertube-cli upload ({'-C ' if '-C' in arguments else ''}privacy {privacy}): exit 0 in {elapsed:.1f} s")


def test_torrents_parse_and_hash_to_the_bytes_their_web_seeds_serve(running: RunningStack, tmp_path: Path) -> None:
    client = Client(running)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    _enable_web_videos(client, root)
    assert running.get("/api/v1/config").json()["transcoding"]["web_videos"] == {"enabled": True}

    token = client.login(USER, PASSWORD)["access_token"]
    me = client.send("GET", "/api/v1/users/me", token).json()
    clip = make_clip(tmp_path / "clip.mp4", seconds=4)
    with open(clip, "rb") as body:
        form = {"name": "Torrents", "channelId": str(me["videoChannels"][0]["id"]), "privacy": "1"}
        response = client.send(
            "POST", "/api/v1/videos/upload", token, data=form, files={"videofile": ("clip.mp4", body, "video/mp4")}
        )
    assert response.status_code == 200, response.text
    video = wait_published(client, token, response.json()["video"]["uuid"])

    web_files, hls_files = video["files"], video["streamingPlaylists"][0]["files"]
    assert [f["resolution"]["id"] for f in web_files] == [180, 144], "MP4 renditions replaced the original"
    assert len(hls_files) == 2
    for file in [*web_files, *hls_files]:
        torrent = requests.get(file["torrentUrl"], timeout=10)
        assert torrent.status_code == 200 and torrent.content.startswith(b"d"), file["torrentUrl"]
        document = bencode.decode(torrent.content)
        info_hash = hashlib.sha1(bencode.encode(document[b"info"])).hexdigest()
        assert info_hash == hashlib.sha1(_raw_info(torrent.content)).hexdigest(), "canonical bencoding"
        assert parse_qs(urlsplit(file["magnetUri"]).query)["xt"] == [f"urn:btih:{info_hash}"]
        (web_seed,) = [url.decode() for url in document[b"url-list"]]
        assert web_seed == file["fileUrl"]
        served = requests.get(web_seed, timeout=30).content  # over HTTP, from the stack
        info = document[b"info"]
        assert info[b"length"] == len(served) == file["size"]
        size = info[b"piece length"]
        pieces = b"".join(hashlib.sha1(served[i : i + size]).digest() for i in range(0, len(served), size))
        assert info[b"pieces"] == pieces, file["fileUrl"]
        # As PeerTube would make it: create-torrent, given the same bytes and options.
        assert _create_torrent(served, tmp_path, document) == torrent.content, file["fileUrl"]


def _enable_web_videos(client: Client, root: str) -> None:
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    custom["transcoding"]["web_videos"]["enabled"] = True
    response = client.send("PUT", "/api/v1/config/custom", root, json=custom)
    assert response.status_code == 200, response.text


def _raw_info(content: bytes) -> bytes:
    """The bytes of the `info` value as they are in the file (not re-encoded)."""
    start = content.index(b"4:infod") + len(b"4:info")
    return content[start : start + len(bencode.encode(bencode.decode(content)[b"info"]))]


CREATE_TORRENT_SCRIPT = """
import createTorrent from 'create-torrent'
const [path, options] = [process.argv[1], JSON.parse(process.argv[2])]
createTorrent(path, options, (err, torrent) => {
  if (err) throw err
  process.stdout.write(Buffer.from(torrent).toString('base64'))
})
"""


def _create_torrent(data: bytes, directory: Path, document: dict[bytes, Any]) -> bytes:
    path = directory / "seeded"
    path.write_bytes(data)
    options = {
        "name": document[b"info"][b"name"].decode(),
        "createdBy": document[b"created by"].decode(),
        "creationDate": document[b"creation date"] * 1000,
        "announceList": [[url.decode() for url in tier] for tier in document[b"announce-list"]],
        "urlList": [url.decode() for url in document[b"url-list"]],
    }
    made = subprocess.run(
        ["node", "--input-type=module", "-e", CREATE_TORRENT_SCRIPT, str(path), json.dumps(options)],
        cwd=TOOLS,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return base64.b64decode(made.stdout)
