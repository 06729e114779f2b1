"""Helpers of the authorisation tests (H3, H4): seeded videos with a miniature, playlists."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video

PLAYLISTS = "/api/v1/video-playlists"


def video_with_miniature(owner: Member, name: str, privacy: int) -> Any:
    """A published video whose thumbnail is in the media bucket, as the transcoder leaves it."""
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.media import layout

    video = add_video(owner.account_id, owner.channel_id, name, privacy=privacy, has_images=True)
    aws.s3().put_object(
        Bucket=get_settings().media_bucket, Key=layout.thumbnail_key(video.uuid), Body=b"\xff\xd8secret frame"
    )
    return video


def public_playlist(api: ApiClient, owner: Member, name: str = "Picks") -> dict[str, Any]:
    document = {"displayName": name, "privacy": 1, "videoChannelId": owner.channel_id}
    created = api.post_json(PLAYLISTS, document, owner.token)
    assert created.status == 200, created.body
    return dict(created.json()["videoPlaylist"])


def media_object(key: str) -> bytes | None:
    from chalicelib import aws
    from chalicelib.config import get_settings

    try:
        answer = aws.s3().get_object(Bucket=get_settings().media_bucket, Key=key.lstrip("/"))
    except Exception:
        return None
    return bytes(answer["Body"].read())
