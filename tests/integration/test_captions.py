"""Captions and chapters through the API (moto): PeerTube's validators and rights, SRT turned
into WebVTT (checked against ffmpeg's own reading of the same sample), the HLS master playlist
naming each caption in a SUBTITLES group, deletion, the ActivityPub Video's
`subtitleLanguage`, chapters from the description, and bad input refused with nothing stored
changed."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from chalicelib.domain import events
from chalicelib.media import layout
from chalicelib.store import keys, videos
from chalicelib.store.models import Video, VideoFile
from tests.api_client import ApiClient, ApiResponse
from tests.members import Member
from tests.openapi import assert_conforms
from tests.video_seed import add_video

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "captions" / "sample-fr.srt"
VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n\n00:00:03.000 --> 00:00:04.500\nWorld\n"
PREFIX = "a1b2c3d4e5"


def _put(api: ApiClient, video: Any, language: str, data: bytes, token: str | None, **kwargs: str) -> ApiResponse:
    boundary = uuid.uuid4().hex
    filename = kwargs.get("filename", "caption.srt")
    content_type = kwargs.get("content_type", "application/x-subrip")
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{kwargs.get("field", "captionfile")}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.request("PUT", f"/api/v1/videos/{video.uuid}/captions/{language}", body=body, headers=headers)


def _published(owner: Member, **fields: Any) -> Video:
    """A published video with two HLS resolutions (their items; the files are not needed)."""
    video = add_video(owner.account_id, owner.channel_id, "Captioned", hls_prefix=PREFIX, duration=3725, **fields)
    for height, width in ((240, 426), (480, 854)):
        videos.save_file(
            VideoFile(
                keys.video_pk(int(video.id)),
                keys.video_file_sk(height),
                video_id=int(video.id),
                resolution=height,
                width=width,
                height=height,
                fps=25,
                size=1000 * height,
                duration=3725,
                bandwidth=2000 * height,
                codecs="avc1.64001f,mp4a.40.2",
                playlist_name=f"{PREFIX}-{height}.m3u8",
                media_name=f"{PREFIX}-{height}-fragmented.mp4",
            )
        )
    return video


def _object(key: str) -> bytes | None:
    try:
        found = aws_clients.s3().get_object(Bucket=get_settings().media_bucket, Key=key)
    except aws_clients.s3().exceptions.NoSuchKey:
        return None
    return bytes(found["Body"].read())


def _media_keys(video: Video) -> dict[str, bytes | None]:
    """Every object the video's captions and playlists are made of, public or private."""
    s3 = aws_clients.s3()
    found: dict[str, bytes | None] = {}
    for prefix in (
        layout.captions_prefix(video.uuid),
        layout.hls_prefix(video.uuid),
        layout.hls_prefix(video.uuid, True),
    ):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=get_settings().media_bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = _object(item["Key"])
    return found


def _master(video: Video, private: bool = False) -> str:
    text = _object(layout.hls_key(video.uuid, f"{PREFIX}-master.m3u8", private))
    assert text is not None
    return text.decode()


def _parse_master(text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The master playlist's subtitle renditions and streams, as attribute maps."""
    attribute = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')

    def attributes(line: str) -> dict[str, str]:
        return {name: value.strip('"') for name, value in attribute.findall(line.split(":", 1)[1])}

    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    media = [attributes(line) for line in lines if line.startswith("#EXT-X-MEDIA:")]
    streams = []
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            streams.append({**attributes(line), "URI": lines[index + 1]})
    return media, streams


def _ffmpeg_srt(path: Path) -> str:
    """ffmpeg's reading of a subtitle file, written back as SRT (the comparison's oracle)."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "srt", "-"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout.decode()


def test_an_srt_caption_is_converted_listed_and_named_in_the_master_playlist(
    api: ApiClient, people: dict[str, Member], tmp_path: Path
) -> None:
    alice = people["alice"]
    video = _published(alice)
    with events.recording() as seen:
        answer = _put(api, video, "fr", SAMPLE.read_bytes(), alice.token)
    assert answer.status == 204, answer.body
    assert [type(e) for e in seen] == [events.VideoChanged], "an Update federates the caption"

    listed = api.get(f"/api/v1/videos/{video.uuid}/captions").json()
    assert listed["total"] == 1
    (caption,) = listed["data"]
    assert_conforms("VideoCaption", caption)
    instance = get_settings().instance_url
    name = caption["fileUrl"].rsplit("/", 1)[-1]
    assert re.fullmatch(rf"{video.uuid}-[0-9a-f]{{8}}-fr\.vtt", name)
    assert caption["language"] == {"id": "fr", "label": "French"}
    assert caption["fileUrl"] == f"{instance}/lazy-static/video-captions/{name}"
    assert caption["captionPath"] == f"/lazy-static/video-captions/{name}"
    assert caption["automaticallyGenerated"] is False
    playlist = name.removesuffix(".vtt") + ".m3u8"
    assert caption["m3u8Url"] == f"{instance}/static/streaming-playlists/hls/{video.uuid}/{playlist}"

    # The stored WebVTT says what ffmpeg reads in the SRT it came from.
    stored = _object(f"lazy-static/video-captions/{name}")
    assert stored is not None and stored.startswith(b"WEBVTT\n")
    (tmp_path / "ours.vtt").write_bytes(stored)
    assert _ffmpeg_srt(tmp_path / "ours.vtt") == _ffmpeg_srt(SAMPLE)

    subtitles, streams = _parse_master(_master(video))
    assert subtitles == [
        {
            "TYPE": "SUBTITLES",
            "GROUP-ID": "subtitles",
            "NAME": "French",
            "DEFAULT": "NO",
            "AUTOSELECT": "NO",
            "FORCED": "NO",
            "LANGUAGE": "fr",
            "URI": playlist,
        }
    ]
    assert [s["URI"] for s in streams] == [f"{PREFIX}-480.m3u8", f"{PREFIX}-240.m3u8"]
    assert all(s["SUBTITLES"] == "subtitles" for s in streams)
    media_playlist = _object(layout.hls_key(video.uuid, playlist))
    assert media_playlist is not None
    lines = media_playlist.decode().splitlines()
    assert "#EXT-X-TARGETDURATION:3725" in lines and "#EXTINF:3725," in lines and "#EXT-X-ENDLIST" in lines
    assert caption["fileUrl"] in lines


def test_replacing_and_deleting_captions_rewrites_the_master_playlist(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice = people["alice"]
    video = _published(alice)
    assert _put(api, video, "fr", SAMPLE.read_bytes(), alice.token).status == 204
    (caption,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    name = caption["fileUrl"].rsplit("/", 1)[-1]
    playlist = name.removesuffix(".vtt") + ".m3u8"

    # Replaced: a new file under a new name, the old one gone; the list still has one.
    assert _put(api, video, "fr", VTT, alice.token, filename="c.vtt", content_type="text/vtt").status == 204
    (replaced,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    assert replaced["fileUrl"] != caption["fileUrl"]
    assert _object(f"lazy-static/video-captions/{name}") is None
    assert _object(layout.hls_key(video.uuid, playlist)) is None
    new_name = replaced["fileUrl"].rsplit("/", 1)[-1]
    assert _object(f"lazy-static/video-captions/{new_name}") == VTT

    # A second language: both in the group, sorted.
    assert _put(api, video, "en", VTT, alice.token, content_type="text/vtt").status == 204
    subtitles, _ = _parse_master(_master(video))
    assert [(s["LANGUAGE"], s["NAME"]) for s in subtitles] == [("en", "English"), ("fr", "French")]

    # Deleted: out of the list, the master and the bucket.
    with events.recording() as seen:
        assert api.delete_as(f"/api/v1/videos/{video.uuid}/captions/fr", alice.token).status == 204
    assert [type(e) for e in seen] == [events.VideoChanged]
    assert [c["language"]["id"] for c in api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]] == ["en"]
    subtitles, streams = _parse_master(_master(video))
    assert [s["LANGUAGE"] for s in subtitles] == ["en"]
    assert _object(f"lazy-static/video-captions/{new_name}") is None
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/captions/en", alice.token).status == 204
    subtitles, streams = _parse_master(_master(video))
    assert subtitles == [] and all("SUBTITLES" not in s for s in streams)
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/captions/en", alice.token).status == 404


def test_the_activitypub_video_lists_its_captions(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = _published(alice)
    assert _put(api, video, "fr", SAMPLE.read_bytes(), alice.token).status == 204
    (caption,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    document = api.get(f"/videos/watch/{video.uuid}", headers={"Accept": "application/activity+json"}).json()
    assert document["subtitleLanguage"] == [
        {
            "identifier": "fr",
            "name": "French",
            "automaticallyGenerated": False,
            "url": [
                {"type": "Link", "mediaType": "text/vtt", "href": caption["fileUrl"]},
                {"type": "Link", "mediaType": "application/x-mpegURL", "href": caption["m3u8Url"]},
            ],
        }
    ]


def test_rights_are_peertubes(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = _published(alice)
    assert _put(api, video, "fr", VTT, None).status == 401
    assert _put(api, video, "fr", VTT, bob.token).status == 403
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/captions/fr", bob.token).status == 403
    assert api.get(f"/api/v1/videos/{video.uuid}/captions").json()["total"] == 0
    assert _put(api, video, "fr", VTT, mod.token).status == 204, "UPDATE_ANY_VIDEO"
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/captions/fr", bob.token).status == 403
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/captions/fr", mod.token).status == 204

    hidden = _published(alice, privacy=3)
    assert _put(api, hidden, "fr", VTT, alice.token).status == 204
    assert api.get(f"/api/v1/videos/{hidden.uuid}/captions").status == 401
    assert api.get_as(f"/api/v1/videos/{hidden.uuid}/captions", bob.token).status == 403
    assert api.get_as(f"/api/v1/videos/{hidden.uuid}/captions", alice.token).json()["total"] == 1

    missing = Video(uuid=str(uuid.uuid4()))
    assert _put(api, missing, "fr", VTT, alice.token).status == 404
    assert api.get(f"/api/v1/videos/{missing.uuid}/captions").status == 404

    # Transcription needs runners or Amazon Transcribe: PeerTube's answer when it is off.
    generated = api.request(
        "POST", f"/api/v1/videos/{video.uuid}/captions/generate", headers={"Authorization": f"Bearer {alice.token}"}
    )
    assert generated.status == 400
    assert generated.json()["detail"] == "Video transcription is disabled on this instance"
    assert api.request("POST", f"/api/v1/videos/{video.uuid}/captions/generate").status == 401


BOMB = b"WEBVTT\n\n" + b"".join(
    f"00:00:{i % 60:02d}.000 --> 00:00:{i % 60:02d}.500\nx\n\n".encode() for i in range(36_001)
)


@pytest.mark.parametrize(
    ("language", "data", "options", "field"),
    [
        ("xx", VTT, {}, "captionLanguage"),
        ("fr", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), {}, "captionfile"),
        ("fr", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nbad\x00byte\n", {}, "captionfile"),
        ("fr", b"\xff\xfeW\x00E\x00B\x00", {}, "captionfile"),
        ("fr", BOMB, {}, "captionfile"),
        ("fr", b"WEBVTT\n\n" + b"x" * (20 * 1024 * 1024), {}, "captionfile"),
        ("fr", b"1\nnot a timing\nhello\n", {}, "captionfile"),
        ("fr", b"WEBVTT\n\n00:01.000 --> soon\nhello\n", {}, "captionfile"),
        ("fr", b"1\n00:00:01,000 --> 00:00:02,000\nhello\n", {"content_type": "image/png"}, "captionfile"),
        ("fr", VTT, {"field": "videofile"}, "captionfile"),
    ],
    ids=["language", "binary", "nul", "utf16", "bomb", "too-large", "not-srt", "bad-timing", "type", "no-file"],
)
def test_bad_captions_are_refused_and_change_nothing(
    api: ApiClient, people: dict[str, Member], language: str, data: bytes, options: dict[str, str], field: str
) -> None:
    alice = people["alice"]
    video = _published(alice)
    assert _put(api, video, "en", VTT, alice.token).status == 204
    before = (api.get(f"/api/v1/videos/{video.uuid}/captions").json(), _media_keys(video))

    answer = _put(api, video, language, data, alice.token, **options)
    assert answer.status == 400, answer.body
    assert answer.content_type.startswith("application/problem+json")
    assert field in answer.json()["invalid-params"]
    assert (api.get(f"/api/v1/videos/{video.uuid}/captions").json(), _media_keys(video)) == before


def test_captions_move_with_a_private_video(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = _published(alice)
    assert _put(api, video, "fr", VTT, alice.token).status == 204
    (public,) = api.get(f"/api/v1/videos/{video.uuid}/captions").json()["data"]
    name = public["fileUrl"].rsplit("/", 1)[-1]
    playlist = name.removesuffix(".vtt") + ".m3u8"

    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"privacy": 3}, alice.token).status == 204
    (private,) = api.get_as(f"/api/v1/videos/{video.uuid}/captions", alice.token).json()["data"]
    base = f"{get_settings().instance_url}/static/streaming-playlists/hls/private/{video.uuid}/"
    assert private["fileUrl"] == base + name and private["captionPath"] is None
    assert private["m3u8Url"] == base + playlist
    assert _object(f"lazy-static/video-captions/{name}") is None, "no longer public"
    assert _object(layout.hls_key(video.uuid, name, private=True)) == VTT
    moved = _object(layout.hls_key(video.uuid, playlist, private=True))
    assert moved is not None and name in moved.decode().splitlines(), "named beside it, for the token"
    subtitles, _ = _parse_master(_master(video, private=True))
    assert [s["URI"] for s in subtitles] == [playlist]

    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"privacy": 1}, alice.token).status == 204
    assert _object(f"lazy-static/video-captions/{name}") == VTT
    assert _object(layout.hls_key(video.uuid, name, private=True)) is None
    again = _object(layout.hls_key(video.uuid, playlist))
    assert again is not None and public["fileUrl"] in again.decode().splitlines()


def test_reading_captions_and_chapters_costs_the_same_whatever_their_number(
    api: ApiClient, people: dict[str, Member], dynamodb_calls: Any
) -> None:
    alice = people["alice"]
    video = _published(alice)
    counts = []
    for language in ("en", "fr", "de"):
        assert _put(api, video, language, VTT, alice.token, content_type="text/vtt").status == 204
        dynamodb_calls.clear()
        assert api.get(f"/api/v1/videos/{video.uuid}/captions").status == 200
        assert api.get(f"/api/v1/videos/{video.uuid}/chapters").status == 200
        counts.append(dict(dynamodb_calls))
    assert counts[0] == counts[1] == counts[2]
    assert "Scan" not in counts[0] and sum(counts[0].values()) <= 6


# --- Chapters ---------------------------------------------------------------------------

DESCRIPTION = "My trip.\n\n00:00 Intro\n1:05 The lake\n1:02:03 Back home\nThanks for watching\n00:10 not a chapter"


def test_chapters_come_from_the_description_until_set(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = _published(alice, description=DESCRIPTION)
    answer = api.get(f"/api/v1/videos/{video.uuid}/chapters")
    assert answer.status == 200
    assert answer.json() == {
        "chapters": [
            {"timecode": 0, "title": "Intro"},
            {"timecode": 65, "title": "The lake"},
            {"timecode": 3723, "title": "Back home"},
        ]
    }
    single = _published(alice, description="00:00 Only one")
    assert api.get(f"/api/v1/videos/{single.uuid}/chapters").json() == {"chapters": []}, "one line is no list"

    wanted = [{"timecode": 30, "title": "Later"}, {"timecode": 0, "title": "Start"}]
    assert api.put_json(f"/api/v1/videos/{video.uuid}/chapters", {"chapters": wanted}, alice.token).status == 204
    assert api.get(f"/api/v1/videos/{video.uuid}/chapters").json()["chapters"] == [
        {"timecode": 0, "title": "Start"},
        {"timecode": 30, "title": "Later"},
    ]
    assert api.put_json(f"/api/v1/videos/{video.uuid}/chapters", {"chapters": []}, alice.token).status == 204
    assert api.get(f"/api/v1/videos/{video.uuid}/chapters").json() == {"chapters": []}, "set to none"


@pytest.mark.parametrize(
    "body",
    [
        {"chapters": [{"timecode": 0, "title": "A"}, {"timecode": 0, "title": "B"}]},
        {"chapters": [{"timecode": 0, "title": "x" * 101}]},
        {"chapters": [{"timecode": 0, "title": ""}]},
        {"chapters": [{"timecode": -1, "title": "A"}]},
        {"chapters": [{"timecode": 1.5, "title": "A"}]},
        {"chapters": [{"timecode": True, "title": "A"}]},
        {"chapters": [{"timecode": 3726, "title": "After the end"}]},
        {"chapters": {"timecode": 0, "title": "A"}},
        {"chapters": ["0 A"]},
        {},
    ],
    ids=["duplicate", "long-title", "empty-title", "negative", "fraction", "bool", "past-end", "object", "str", "none"],
)
def test_bad_chapters_are_refused_and_change_nothing(
    api: ApiClient, people: dict[str, Member], body: dict[str, Any]
) -> None:
    alice = people["alice"]
    video = _published(alice, description=DESCRIPTION)
    before = api.get(f"/api/v1/videos/{video.uuid}/chapters").json()
    answer = api.put_json(f"/api/v1/videos/{video.uuid}/chapters", body, alice.token)
    assert answer.status == 400, answer.body
    assert "chapters" in answer.json()["invalid-params"]
    assert api.get(f"/api/v1/videos/{video.uuid}/chapters").json() == before


def test_chapter_rights_and_lives(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = _published(alice)
    body = {"chapters": [{"timecode": 0, "title": "Start"}]}
    assert api.put_json(f"/api/v1/videos/{video.uuid}/chapters", body, None).status == 401
    assert api.put_json(f"/api/v1/videos/{video.uuid}/chapters", body, bob.token).status == 403
    assert api.put_json(f"/api/v1/videos/{video.uuid}/chapters", body, mod.token).status == 204
    hidden = _published(alice, privacy=3)
    assert api.get(f"/api/v1/videos/{hidden.uuid}/chapters").status == 401
    live = _published(alice, stage="live-waiting")
    refused = api.put_json(f"/api/v1/videos/{live.uuid}/chapters", body, alice.token)
    assert refused.status == 400 and refused.json()["detail"] == "You cannot add chapters to a live video"


def test_the_activitypub_video_names_its_chapters(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = _published(alice, description=DESCRIPTION)
    accept = {"Accept": "application/activity+json"}
    document = api.get(f"/videos/watch/{video.uuid}", headers=accept).json()
    assert document["hasParts"] == f"{video.url}/chapters"
    answer = api.get(f"/videos/watch/{video.uuid}/chapters", headers=accept)
    assert answer.status == 200 and answer.content_type.startswith("application/activity+json")
    chapters = answer.json()
    assert chapters["id"] == f"{video.url}/chapters"
    assert chapters["hasPart"] == [
        {"name": "Intro", "startOffset": 0, "endOffset": 65},
        {"name": "The lake", "startOffset": 65, "endOffset": 3723},
        {"name": "Back home", "startOffset": 3723, "endOffset": 3725},
    ]
    assert chapters["@context"][-1]["startOffset"] == "sc:startOffset", "PeerTube's Chapters context"
    hidden = _published(alice, privacy=3, description=DESCRIPTION)
    assert api.get(f"/videos/watch/{hidden.uuid}/chapters", headers=accept).status == 404
