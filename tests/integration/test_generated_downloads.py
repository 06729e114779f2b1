"""PeerTube 6.1+'s generated downloads (`/download/videos/generate/{id}?videoFileIds=`) and
`metadataUrl` (`/api/v1/videos/{id}/metadata/{videoFileId}`) through the API, over moto:
PeerTube's checks of the query (one or two ids; one video and at most one audio stream;
unknown files), the video's privacy and file tokens, `downloadEnabled`, the build queued
for the transcoder and the redirect once it is built. The build itself (real ffmpeg) is
tests/integration/test_generated_downloads_pipeline.py."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib import aws
from chalicelib.api import video_downloads, video_file_metadata
from chalicelib.config import get_settings
from chalicelib.domain import file_metadata, generated_downloads, rate_limits
from chalicelib.domain.video_file_ids import hls_file_id, web_file_id
from chalicelib.media import layout
from chalicelib.store import keys, queues, videos
from chalicelib.store.models import Video, VideoFile
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.security.private_media_support import HLS_NAME, published_video

PRIVATE = 3


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing builds here: the first request answers at once."""
    monkeypatch.setattr(video_downloads, "GENERATE_WAIT_SECONDS", 0.0)
    monkeypatch.setattr(video_file_metadata, "PROBE_WAIT_SECONDS", 0.0)


def _with_second_rendition(video: Video) -> None:
    videos.save_file(
        VideoFile(
            keys.video_pk(int(video.id)), keys.video_file_sk(144), video_id=int(video.id), resolution=144,
            width=256, height=144, fps=25, size=1000, duration=4, bandwidth=50000,
            codecs="avc1.64000c,mp4a.40.2", playlist_name=f"{HLS_NAME}-144.m3u8",
            media_name=f"{HLS_NAME}-144-fragmented.mp4",
        )
    )  # fmt: skip


def _queued() -> list[dict[str, Any]]:
    sqs = aws.sqs()
    url = queues.queue_url(get_settings().queues.transcode)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def _generate(video: Video, *ids: int | str, suffix: str = "") -> str:
    query = "&".join(f"videoFileIds={i}" for i in ids)
    return f"/download/videos/generate/{video.uuid}{suffix}?{query}"


def _built(video: Video, *ids: int) -> generated_downloads.Generated:
    """Stand in for the transcoder's build (its ffmpeg run is the pipeline test's)."""
    generated = generated_downloads.choose(videos.get_video(int(video.id)) or video, ids)
    aws.s3().put_object(Bucket=get_settings().media_bucket, Key=generated.key, Body=b"mp4", ContentType="video/mp4")
    return generated


def test_the_first_request_queues_the_build_then_the_mp4_is_redirected_to(
    api: ApiClient, people: dict[str, Member]
) -> None:
    video = published_video(people["alice"])
    file_id = hls_file_id(int(video.id), 240)
    first = api.get(_generate(video, file_id))
    assert first.status == 503 and first.content_type.startswith("application/problem+json")
    assert first.headers["retry-after"] == "10"
    assert _queued() == [{"kind": generated_downloads.GENERATE, "video": video.uuid, "files": [file_id]}]

    generated = _built(video, file_id)
    assert generated.key.startswith(f"generated/{video.uuid}/")  # never under a path CloudFront serves
    answer = api.get(_generate(video, file_id))
    assert answer.status == 302 and answer.headers["cache-control"] == "private, no-store"
    location = urlsplit(answer.headers["location"])
    assert location.path.endswith(generated.key)
    disposition = parse_qs(location.query)["response-content-disposition"][0]
    assert disposition.startswith('attachment; filename="Holiday.mp4"')
    # With the extension after the id, a plain file, as PeerTube answers it; by numeric id too.
    plain = api.get(_generate(video, file_id, suffix=".mp4"))
    assert plain.status == 302 and "response-content-disposition" not in plain.headers["location"]
    assert api.get(f"/download/videos/generate/{video.id}?videoFileIds={file_id}").status == 302


def test_bad_file_ids_are_refused_as_peertube_refuses_them(api: ApiClient, people: dict[str, Member]) -> None:
    video = published_video(people["alice"])
    _with_second_rendition(video)
    top, low = hls_file_id(int(video.id), 240), hls_file_id(int(video.id), 144)
    for path in (
        f"/download/videos/generate/{video.uuid}",  # no videoFileIds
        _generate(video, "abc"),
        _generate(video, "-3"),
        _generate(video, "0"),
        _generate(video, "1.5"),
        _generate(video, top, low, top),  # more than two
        _generate(video, "99999999999999999999"),
        _generate(video, "9" * 5000),
    ):
        answer = api.get(path)
        assert answer.status == 400 and answer.content_type.startswith("application/problem+json"), path
    two_videos = api.get(_generate(video, top, low))
    assert two_videos.status == 400
    assert "maximum of 1 audio and 1 video file" in two_videos.json()["detail"]
    for ids in ((hls_file_id(int(video.id), 720),), (web_file_id(int(video.id), 240, False),), (123,)):
        missing = api.get(_generate(video, *ids))
        assert missing.status == 404, ids
        assert missing.json()["detail"] == f"No files found ({ids[0]}) to download video {video.url}"
    assert api.get(f"/download/videos/generate/not-a-video?videoFileIds={top}").status == 400
    unknown = "0f6b0c0e-aaaa-4bbb-8ccc-444455556666"
    assert api.get(f"/download/videos/generate/{unknown}?videoFileIds={top}").status == 404
    assert _queued() == []  # nothing refused was queued


def test_private_files_need_a_token_and_downloads_can_be_disabled(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = published_video(alice, privacy=PRIVATE)
    file_id = hls_file_id(int(video.id), 240)
    _built(video, file_id)
    anonymous = api.get(_generate(video, file_id))
    assert anonymous.status == 403 and anonymous.content_type.startswith("application/problem+json")
    assert api.get_as(_generate(video, file_id), bob.token).status == 403
    assert api.get(_generate(video, file_id) + "&videoFileToken=not-a-token").status == 403
    token = api.post_json(f"/api/v1/videos/{video.uuid}/token", {}, alice.token).json()["files"]["token"]
    assert api.get(_generate(video, file_id) + f"&videoFileToken={token}").status == 302
    assert api.get_as(_generate(video, file_id), alice.token).status == 302

    stored = videos.get_video(int(video.id))
    assert stored is not None
    stored.download_enabled = False
    stored.save()
    refused = api.get_as(_generate(video, file_id), alice.token)
    assert refused.status == 403 and refused.json()["detail"] == video_downloads.DOWNLOAD_DISABLED
    assert _queued() == []


def test_file_metadata_is_read_from_the_bucket_or_probed_once(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = published_video(alice)
    file_id = hls_file_id(int(video.id), 240)
    path = f"/api/v1/videos/{video.uuid}/metadata/{file_id}"

    first = api.get(path)  # made before probes were kept: the transcoder is asked
    assert first.status == 503 and first.headers["retry-after"] == video_file_metadata.RETRY_AFTER
    assert _queued() == [{"kind": file_metadata.PROBE, "video": video.uuid, "files": [file_id]}]
    described = {"streams": [{"codec_type": "video"}], "format": {"format_name": "mov"}, "chapters": []}
    file_metadata.store(video.uuid, f"{HLS_NAME}-240-fragmented.mp4", described)
    answer = api.get(path)
    assert answer.status == 200 and answer.json() == described
    assert layout.file_metadata_key(video.uuid, f"{HLS_NAME}-240-fragmented.mp4").startswith("file-metadata/")

    for bad in ("abc", "0", "9" * 5000):
        assert api.get(f"/api/v1/videos/{video.uuid}/metadata/{bad}").status == 400, bad
    missing = api.get(f"/api/v1/videos/{video.uuid}/metadata/{file_id + 1}")
    assert missing.status == 404 and missing.json()["detail"] == file_metadata.NOT_FOUND

    private = published_video(alice, privacy=PRIVATE)
    private_path = f"/api/v1/videos/{private.uuid}/metadata/{hls_file_id(int(private.id), 240)}"
    assert api.get(private_path).status in (401, 403)
    assert api.get_as(private_path, people["bob"].token).status == 403


def test_generated_downloads_are_rate_limited_per_address(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PeerTube's rates_limit.download_generate_video: 5 answered requests per address in 5 s;
    refusals are not counted, and administrators are exempt."""
    assert rate_limits.Limit("download-generate", 5, 5) == rate_limits.DOWNLOAD_GENERATE
    # The same count over a window a loaded machine cannot outlast between two requests.
    monkeypatch.setattr(rate_limits, "DOWNLOAD_GENERATE", rate_limits.Limit("download-generate", 300, 5))
    video = published_video(people["alice"])
    file_id = hls_file_id(int(video.id), 240)
    _built(video, file_id)
    for _ in range(3):
        assert api.get(_generate(video, "abc"), source_ip="198.51.100.9").status == 400  # not counted
    for _ in range(5):
        assert api.get(_generate(video, file_id), source_ip="198.51.100.9").status == 302
    refused = api.get(_generate(video, file_id), source_ip="198.51.100.9")
    assert refused.status == 429 and int(refused.headers["retry-after"]) >= 1
    assert api.get(_generate(video, file_id), source_ip="198.51.100.10").status == 302  # another address
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert api.get_as(_generate(video, file_id), root).status == 302
