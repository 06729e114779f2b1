"""M3: a write of a user, an account or a channel changes only what it means to change.

Each request reads the item, works for a while (a password hash, an image to render), then
writes. The tests reproduce the interleaving two Lambda environments produce: right after
this request has read the item, the other environment's change runs to completion (driven
through the same domain call its request makes, as one environment serves one request at a
time). Whatever this request then writes must leave the other change in place.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member


def _image() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def _pick_avatar(api: ApiClient, path: str, token: str) -> ApiResponse:
    boundary = "m3boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="avatarfile"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + _image()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {token}"}
    return api.request("POST", path, body=body, headers=headers)


def _once(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, meanwhile: Callable[[], None]) -> list[bool]:
    """Make `owner.name` run `meanwhile` once, after the real call (so after the request's read)."""
    real = getattr(owner, name)
    ran: list[bool] = []

    def then_the_other_request(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not ran:
            ran.append(True)
            meanwhile()
        return result

    monkeypatch.setattr(owner, name, then_the_other_request)
    return ran


def _user(user_id: int) -> Any:
    from chalicelib.store import users

    found = users.get_user(user_id, consistent=True)
    assert found is not None
    return found


def _publish_one_video(api: ApiClient, member: Member, size: int) -> Callable[[], None]:
    """A video of `member` at its last transcoding stage; the returned call publishes it, as the
    transcoder's last step does (counting its largest file, `size`, against the quota)."""
    from chalicelib.store import videos

    started = api.post_json(
        "/api/v1/videos/upload-s3",
        {"name": "Quota", "channelId": member.channel_id, "filename": "a.mp4", "size": size, "mimeType": "video/mp4"},
        member.token,
    )
    assert started.status == 200, started.body
    video = videos.get_video(started.json()["video"]["id"])
    assert video is not None
    source = {"duration": 1, "width": 16, "height": 9}
    assert videos.start_encoding(video, {"source": source}, 1, "hls")
    assert videos.start_packaging(video, 1)

    def publish() -> None:
        from chalicelib.domain.oauth import utcnow

        assert videos.publish(video, utcnow(), size, size)

    return publish


def test_a_password_change_keeps_a_concurrent_block_and_quota_increment(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import passwords
    from chalicelib.domain import users as user_cases

    alice = people["alice"]
    alice_id = api.get_as("/api/v1/users/me", alice.token).json()["id"]
    publish = _publish_one_video(api, alice, 700)
    root = _user(1)

    def block_and_publish() -> None:
        user_cases.set_blocked(root, _user(alice_id), True, {"reason": "spam"})
        publish()

    # Hashing the new password is the slow part between this request's read and its write.
    ran = _once(monkeypatch, passwords, "hash_password", block_and_publish)
    changed = api.put_json(
        "/api/v1/users/me", {"currentPassword": "alice password", "password": "a new password"}, alice.token
    )

    assert changed.status == 204, changed.body
    assert ran
    after = _user(alice_id)
    assert after.blocked is True
    assert after.blocked_reason == "spam"
    assert int(after.video_quota_used) == 700
    # The password change itself is kept too.
    assert passwords.verify_password("a new password", after.password_hash)


def test_a_self_email_change_keeps_a_concurrent_demotion(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import passwords
    from chalicelib.domain import users as user_cases

    moddy = people["mod"]
    moddy_id = api.get_as("/api/v1/users/me", moddy.token).json()["id"]
    root = _user(1)

    def demote() -> None:
        user_cases.admin_update(root, _user(moddy_id), {"role": 2})

    # Checking the current password comes after the read and before the write.
    ran = _once(monkeypatch, passwords, "verify_password", demote)
    changed = api.put_json(
        "/api/v1/users/me", {"currentPassword": "moddy password", "email": "moddy@example.net"}, moddy.token
    )

    assert changed.status == 204, changed.body
    assert ran
    after = _user(moddy_id)
    assert int(after.role) == 2
    assert after.email == "moddy@example.net"
    root_token = api.login("root", ROOT_PASSWORD)["access_token"]
    # The moderator counter moved once, with the role.
    assert api.get_as("/api/v1/server/stats", root_token).json()["totalModerators"] == 0


def test_an_admin_email_change_keeps_a_concurrent_block(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import passwords
    from chalicelib.domain import users as user_cases

    bob_id = api.get_as("/api/v1/users/me", people["bob"].token).json()["id"]
    moddy = _user(api.get_as("/api/v1/users/me", people["mod"].token).json()["id"])
    root = _user(1)

    def moderator_blocks() -> None:
        user_cases.set_blocked(moddy, _user(bob_id), True, {})

    ran = _once(monkeypatch, passwords, "hash_password", moderator_blocks)
    root_token = api.login("root", ROOT_PASSWORD)["access_token"]
    changed = api.put_json(
        f"/api/v1/users/{bob_id}", {"email": "bob@example.net", "password": "bob reset password"}, root_token
    )

    assert changed.status == 204, changed.body
    assert ran and root is not None
    after = _user(bob_id)
    assert after.blocked is True
    assert after.email == "bob@example.net"


def test_a_channel_update_keeps_a_concurrent_avatar_change(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import actor_images
    from chalicelib.domain import channels as channel_cases
    from chalicelib.domain.oauth import utcnow
    from chalicelib.store import actors

    alice = people["alice"]

    def new_avatar() -> None:
        channel = actors.find_local_actor(alice.channel_name)
        assert channel is not None
        actor_images.replace_images(channel, "avatars", _image(), utcnow())

    ran = _once(monkeypatch, channel_cases, "check_can_manage", new_avatar)
    updated = api.put_json(f"/api/v1/video-channels/{alice.channel_name}", {"displayName": "Renamed"}, alice.token)

    assert updated.status == 204, updated.body
    assert ran
    channel = api.get(f"/api/v1/video-channels/{alice.channel_name}").json()
    assert channel["displayName"] == "Renamed"
    assert channel["avatars"], "the avatar set meanwhile was lost"


def test_an_avatar_change_keeps_a_concurrent_channel_update(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.domain import channels as channel_cases
    from chalicelib.domain import images
    from chalicelib.domain.oauth import utcnow
    from chalicelib.store import actors

    alice = people["alice"]
    first = _pick_avatar(api, f"/api/v1/video-channels/{alice.channel_name}/avatar/pick", alice.token)
    assert first.status == 200, first.body

    def rename() -> None:
        channel = actors.find_local_actor(alice.channel_name)
        assert channel is not None
        channel_cases.update_channel(_user(1), channel, {"displayName": "Renamed meanwhile"}, utcnow())

    # Rendering the image sizes is the slow part between the read and the write.
    ran = _once(monkeypatch, images, "render", rename)
    picked = _pick_avatar(api, f"/api/v1/video-channels/{alice.channel_name}/avatar/pick", alice.token)

    assert picked.status == 200, picked.body
    assert ran
    channel = api.get(f"/api/v1/video-channels/{alice.channel_name}").json()
    assert channel["displayName"] == "Renamed meanwhile"
    assert [a["path"] for a in channel["avatars"]] == [a["path"] for a in picked.json()["avatars"]]
    # The replaced files are gone, the new ones are there.
    bucket = get_settings().media_bucket
    for old in first.json()["avatars"]:
        assert aws.s3().list_objects_v2(Bucket=bucket, Prefix=old["path"].lstrip("/")).get("KeyCount", 0) == 0
