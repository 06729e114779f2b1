"""Helpers of L9 (private media): a published video with real objects in the media bucket,
and the local gateway (the front door that maps URLs to bucket objects, as CloudFront does)."""

from __future__ import annotations

import urllib.error
import urllib.request

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.media import layout
from chalicelib.store import keys, videos
from chalicelib.store.models import Video, VideoFile
from tests.members import Member
from tests.video_seed import add_video

HLS_NAME = "0f6b0c0e-1111-4222-8333-444455556666"
MEDIA_BYTES = bytes(range(256)) * 64
RESOLUTION_PLAYLIST = (
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
    f'#EXT-X-MAP:URI="{HLS_NAME}-240-fragmented.mp4",BYTERANGE="100@0"\n'
    f"#EXTINF:4.000000,\n#EXT-X-BYTERANGE:8000@100\n{HLS_NAME}-240-fragmented.mp4\n#EXT-X-ENDLIST\n"
)
MASTER_PLAYLIST = (
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=100000,RESOLUTION=426x240,CODECS="avc1.64001e,mp4a.40.2"\n'
    f"{HLS_NAME}-240.m3u8\n"
)


def hls_files(video_uuid: str) -> dict[str, bytes]:
    return {
        f"{HLS_NAME}-master.m3u8": MASTER_PLAYLIST.encode(),
        f"{HLS_NAME}-240.m3u8": RESOLUTION_PLAYLIST.encode(),
        f"{HLS_NAME}-240-fragmented.mp4": MEDIA_BYTES,
        f"{HLS_NAME}-segments-sha256.json": b'{"x": {}}',
    }


def published_video(owner: Member, privacy: int = 1) -> Video:
    """A published video of `owner` whose files sit where a public video's do."""
    video = add_video(
        owner.account_id, owner.channel_id, "Holiday", privacy=privacy, hls_prefix=HLS_NAME, has_images=True
    )
    videos.save_file(
        VideoFile(
            keys.video_pk(int(video.id)), keys.video_file_sk(240), video_id=int(video.id), resolution=240,
            width=426, height=240, fps=25, size=len(MEDIA_BYTES), duration=4, bandwidth=100000,
            codecs="avc1.64001e,mp4a.40.2", playlist_name=f"{HLS_NAME}-240.m3u8",
            media_name=f"{HLS_NAME}-240-fragmented.mp4",
        )
    )  # fmt: skip
    s3 = aws.s3()
    bucket = get_settings().media_bucket
    private = layout.in_private_directory(privacy)
    for name, body in hls_files(video.uuid).items():
        s3.put_object(Bucket=bucket, Key=layout.hls_key(video.uuid, name, private), Body=body)
    for key in (layout.thumbnail_key(video.uuid), layout.preview_key(video.uuid)):
        s3.put_object(Bucket=bucket, Key=key, Body=b"\xff\xd8jpeg", ContentType="image/jpeg")
    return video


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: status, headers, body."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
