"""Video quotas (PeerTube's rules): an upload is refused when what the user's videos use plus
the new file reaches the quota, or when what the uploads of the last 24 hours use plus the new
file reaches the daily quota. Uploads reserve their declared size when they start, so parallel
uploads cannot pass on the same figures; a failed, cancelled or deleted upload gives it back,
and publication turns it into the video's largest file."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member, make_member

KINDS = ("legacy", "resumable", "direct")


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


@pytest.fixture
def uma(api: ApiClient, root: str) -> Member:
    return make_member(api, root, "uma")


def _user_id(api: ApiClient, member: Member) -> int:
    return int(api.get_as("/api/v1/users/me", member.token).json()["id"])


def _set_quotas(api: ApiClient, root: str, member: Member, quota: int, daily: int) -> None:
    changed = api.put_json(
        f"/api/v1/users/{_user_id(api, member)}", {"videoQuota": quota, "videoQuotaDaily": daily}, root
    )
    assert changed.status == 204, changed.body


def _start(api: ApiClient, member: Member, size: int, kind: str = "direct") -> ApiResponse:
    """Start an upload of `size` bytes the way a client does (the legacy upload sends them)."""
    name = f"Upload {uuid.uuid4().hex[:8]}"
    if kind == "direct":
        body = {
            "name": name,
            "channelId": member.channel_id,
            "filename": "a.mp4",
            "size": size,
            "mimeType": "video/mp4",
        }
        return api.post_json("/api/v1/videos/upload-s3", body, member.token)
    if kind == "resumable":
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {member.token}",
            "X-Upload-Content-Length": str(size),
            "X-Upload-Content-Type": "video/mp4",
        }
        document = {"name": name, "channelId": member.channel_id, "filename": "a.mp4"}
        return api.request(
            "POST", "/api/v1/videos/upload-resumable", body=json.dumps(document).encode(), headers=headers
        )
    boundary = uuid.uuid4().hex
    fields = {"name": name, "channelId": str(member.channel_id)}
    body_bytes = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    )
    body_bytes += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="videofile"; filename="a.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        + b"\x00" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {member.token}"}
    return api.request("POST", "/api/v1/videos/upload", body=body_bytes, headers=headers)


def _video_id(api: ApiClient, started: ApiResponse) -> int:
    if started.status == 201:  # resumable: the video is the session's
        from chalicelib.store import upload_sessions

        upload_id = started.headers["location"].split("upload_id=", 1)[1]
        session = upload_sessions.get_session(upload_id)
        assert session is not None
        return int(session.video_id)
    return int(started.json()["video"]["id"])


def _quota_used(api: ApiClient, member: Member) -> dict[str, int]:
    return dict(api.get_as("/api/v1/users/me/video-quota-used", member.token).json())


def _meanwhile(
    monkeypatch: pytest.MonkeyPatch, member: Member, size: int, username: str = "uma"
) -> list[Exception | None]:
    """Another upload of `size` bytes by `member`, started in another API environment, runs
    to completion after this upload has checked the quota and before it writes: the two run
    in parallel. (It is driven through the domain call its request makes: one environment
    serves one request at a time.) What it ended with: None, or the error it raised."""
    from chalicelib.config import get_settings
    from chalicelib.domain import oauth
    from chalicelib.domain import videos as video_cases
    from chalicelib.store import users, videos

    create = videos.create_video
    outcome: list[Exception | None] = []

    def other_upload() -> None:
        user = users.find_user_by_login(username)
        assert user is not None
        form = video_cases.read_form({"name": "The other upload", "channelId": member.channel_id})
        try:
            video_cases.create_local_video(get_settings(), user, form, size, "b.mp4", oauth.utcnow())
        except Exception as error:
            outcome.append(error)
        else:
            outcome.append(None)

    started: list[bool] = []

    def create_after_the_other(*args: Any, **kwargs: Any) -> Any:
        if not started:
            started.append(True)
            other_upload()
        return create(*args, **kwargs)

    monkeypatch.setattr(videos, "create_video", create_after_the_other)
    return outcome


def _publish(video_id: int, largest: int) -> None:
    """What the transcoder's last step does, for a video whose renditions are ready."""
    from chalicelib.store import keys, videos
    from chalicelib.store.models import VideoFile

    video = videos.get_video(video_id)
    assert video is not None
    assert videos.start_encoding(video, {"source": {"duration": 1, "width": 16, "height": 9}}, 1, "hls")
    assert videos.start_packaging(video, 1)
    sizes = {240: largest // 2, 480: largest}
    for resolution, size in sizes.items():
        videos.save_file(
            VideoFile(
                keys.video_pk(video_id),
                keys.video_file_sk(resolution),
                video_id=video_id,
                resolution=resolution,
                width=resolution * 16 // 9,
                height=resolution,
                fps=25,
                size=size,
                duration=1,
                bandwidth=1000,
                codecs="avc1.64001f,mp4a.40.2",
                playlist_name=f"x-{resolution}.m3u8",
                media_name=f"x-{resolution}-fragmented.mp4",
            )
        )
    # As the transcoder's publication: every file in the instance's size, the largest in the quota.
    assert videos.publish(video, datetime.now(UTC), sum(sizes.values()), max(sizes.values()))


@pytest.mark.parametrize("kind", KINDS)
def test_parallel_uploads_cannot_exceed_the_quota(
    api: ApiClient, root: str, uma: Member, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    _set_quotas(api, root, uma, quota=1000, daily=-1)
    other = _meanwhile(monkeypatch, uma, 600)

    this = _start(api, uma, 600, kind)

    assert other == [None]
    assert (this.status, this.json()["code"]) == (413, "quota_reached"), this.body
    assert _quota_used(api, uma) == {"videoQuotaUsed": 600, "videoQuotaUsedDaily": 600}


@pytest.mark.parametrize("kind", KINDS)
def test_parallel_uploads_cannot_exceed_the_daily_quota(
    api: ApiClient, root: str, uma: Member, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    _set_quotas(api, root, uma, quota=-1, daily=1000)
    other = _meanwhile(monkeypatch, uma, 600)

    this = _start(api, uma, 600, kind)

    assert other == [None]
    assert (this.status, this.json()["code"]) == (413, "quota_reached"), this.body


def test_parallel_uploads_that_fit_both_pass(
    api: ApiClient, root: str, uma: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_quotas(api, root, uma, quota=1000, daily=1000)
    other = _meanwhile(monkeypatch, uma, 400)

    this = _start(api, uma, 400, "resumable")

    assert other == [None]
    assert this.status == 201, this.body
    assert _quota_used(api, uma) == {"videoQuotaUsed": 800, "videoQuotaUsedDaily": 800}


def test_the_daily_quota_is_a_rolling_24_hours(api: ApiClient, root: str, uma: Member) -> None:
    from chalicelib.store import quotas, users
    from chalicelib.store.models import User

    _set_quotas(api, root, uma, quota=-1, daily=1000)
    first = _start(api, uma, 600)
    assert first.status == 200
    _publish(_video_id(api, first), 600)
    refused = _start(api, uma, 600)
    assert (refused.status, refused.json()["code"]) == (413, "quota_reached")

    # A day passes: the first upload leaves the window (its entry is dated 24 h 1 min back).
    user = users.get_user(_user_id(api, uma), consistent=True)
    assert user is not None
    aged = {}
    for key, value in quotas._entries(user).items():
        seconds, _, video_id = key.partition(":")
        aged[f"{int(seconds) - 24 * 3600 - 60}:{video_id}"] = value
    user.update(actions=[User.daily_uploads.set(aged), User.quota_version.add(1)])

    assert _quota_used(api, uma) == {"videoQuotaUsed": 600, "videoQuotaUsedDaily": 0}
    assert _start(api, uma, 600).status == 200
    assert _quota_used(api, uma) == {"videoQuotaUsed": 1200, "videoQuotaUsedDaily": 600}


def test_publication_counts_the_largest_file_and_ends_the_reservation(api: ApiClient, root: str, uma: Member) -> None:
    _set_quotas(api, root, uma, quota=5000, daily=4000)
    started = _start(api, uma, 600, "legacy")
    assert started.status == 200, started.body
    assert _quota_used(api, uma) == {"videoQuotaUsed": 600, "videoQuotaUsedDaily": 600}

    _publish(_video_id(api, started), 700)

    assert _quota_used(api, uma) == {"videoQuotaUsed": 700, "videoQuotaUsedDaily": 700}
    me = api.get_as("/api/v1/users/me", uma.token).json()
    assert (me["videoQuotaUsed"], me["videoQuotaUsedDaily"]) == (700, 700)
    shown = api.get_as(f"/api/v1/users/{me['id']}", root).json()
    assert (shown["videoQuotaUsed"], shown["videoQuotaUsedDaily"]) == (700, 700)
    listed = api.get_as("/api/v1/users?count=100", root).json()["data"]
    assert [(u["videoQuotaUsed"], u["videoQuotaUsedDaily"]) for u in listed if u["id"] == me["id"]] == [(700, 700)]
    from chalicelib.store import users

    user = users.get_user(int(me["id"]), consistent=True)
    assert user is not None
    assert (int(user.video_quota_used), int(user.video_quota_reserved)) == (700, 0)


def test_a_failed_transcoding_gives_the_reservation_back(api: ApiClient, root: str, uma: Member) -> None:
    from chalicelib.store import videos

    _set_quotas(api, root, uma, quota=1000, daily=1000)
    started = _start(api, uma, 600)
    assert _start(api, uma, 600).status == 413
    video = videos.get_video(_video_id(api, started))
    assert video is not None

    assert videos.fail(video, "The uploaded file cannot be played: nothing in it")
    assert not videos.fail(video, "twice")  # a repeated failure gives nothing back twice

    assert _quota_used(api, uma) == {"videoQuotaUsed": 0, "videoQuotaUsedDaily": 0}
    assert _start(api, uma, 600).status == 200


def test_an_abandoned_upload_is_failed_by_the_sweeper_and_gives_its_reservation_back(
    api: ApiClient, root: str, uma: Member
) -> None:
    from functions.transcoder.sweeper import sweep

    _set_quotas(api, root, uma, quota=1000, daily=-1)
    assert _start(api, uma, 600).status == 200
    assert _quota_used(api, uma)["videoQuotaUsed"] == 600

    outcomes = sweep(datetime.now(UTC) + timedelta(days=2))

    assert outcomes == {"failed": 1}
    assert _quota_used(api, uma) == {"videoQuotaUsed": 0, "videoQuotaUsedDaily": 0}


@pytest.mark.parametrize("how", ["delete-video", "cancel-direct", "cancel-resumable"])
def test_deleting_an_upload_before_publication_gives_its_reservation_back(
    api: ApiClient, root: str, uma: Member, how: str
) -> None:
    _set_quotas(api, root, uma, quota=1000, daily=1000)
    started = _start(api, uma, 600, "resumable" if how == "cancel-resumable" else "direct")
    video_id = _video_id(api, started)
    if how == "delete-video":
        gone = api.delete_as(f"/api/v1/videos/{video_id}", uma.token)
    elif how == "cancel-direct":
        gone = api.delete_as(f"/api/v1/videos/upload-s3/{video_id}", uma.token)
    else:
        location = started.headers["location"]
        gone = api.delete_as("/" + location.split("//", 1)[1].split("/", 1)[1], uma.token)
    assert gone.status == 204, gone.body

    assert _quota_used(api, uma) == {"videoQuotaUsed": 0, "videoQuotaUsedDaily": 0}
    assert _start(api, uma, 600).status == 200


def test_deleting_a_published_video_gives_back_what_it_used(api: ApiClient, root: str, uma: Member) -> None:
    _set_quotas(api, root, uma, quota=1000, daily=1000)
    started = _start(api, uma, 600)
    _publish(_video_id(api, started), 650)
    assert _quota_used(api, uma) == {"videoQuotaUsed": 650, "videoQuotaUsedDaily": 650}

    assert api.delete_as(f"/api/v1/videos/{_video_id(api, started)}", uma.token).status == 204

    # PeerTube counts only the videos that exist, in both figures.
    assert _quota_used(api, uma) == {"videoQuotaUsed": 0, "videoQuotaUsedDaily": 0}


def test_a_direct_upload_larger_than_declared_is_refused(api: ApiClient, root: str, uma: Member) -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.store import videos

    _set_quotas(api, root, uma, quota=-1, daily=-1)
    started = _start(api, uma, 500).json()
    stored = videos.get_video(started["video"]["id"])
    assert stored is not None
    part = aws.s3().upload_part(
        Bucket=get_settings().uploads_bucket,
        Key=stored.source_key,
        UploadId=started["upload"]["uploadId"],
        PartNumber=1,
        Body=b"\x00" * 501,
    )
    done = api.post_json(
        f"/api/v1/videos/upload-s3/{stored.id}/complete",
        {"parts": [{"partNumber": 1, "etag": part["ETag"]}]},
        uma.token,
    )
    assert (done.status, done.json()["code"]) == (413, "quota_reached"), done.body
    assert videos.get_video(int(stored.id)) is None
    assert _quota_used(api, uma) == {"videoQuotaUsed": 0, "videoQuotaUsedDaily": 0}
