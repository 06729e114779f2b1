"""H3: password-protected videos (privacy 5) open only with one of their passwords, sent in
the x-peertube-video-password header, as in PeerTube; before, they were public by numeric id."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.members import Member
from tests.video_seed import add_video

HEADER = "x-peertube-video-password"


def _protected(api: ApiClient, owner: Member, passwords: list[str]) -> Any:
    video = add_video(owner.account_id, owner.channel_id, "locked", privacy=5)
    answer = api.put_json(f"/api/v1/videos/{video.id}/passwords", {"passwords": passwords}, owner.token)
    assert answer.status == 204, answer.body
    return video


def _get(api: ApiClient, url: str, token: str | None = None, password: str | None = None) -> ApiResponse:
    headers = {HEADER: password} if password is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.request("GET", url, headers=headers)


def _refused(answer: ApiResponse, code: str) -> None:
    assert answer.status == 403, answer.body
    problem = answer.json()
    assert problem["code"] == code
    assert problem["type"].endswith(f"#section/Errors/{code}")
    assert "name" not in problem and "uuid" not in problem


def test_anonymous_callers_need_the_password(api: ApiClient, people: dict[str, Member]) -> None:
    video = _protected(api, people["alice"], ["open sesame", "second one"])
    for reference in (str(video.id), video.uuid):
        _refused(_get(api, f"/api/v1/videos/{reference}"), "video_requires_password")
        _refused(_get(api, f"/api/v1/videos/{reference}/description"), "video_requires_password")
        _refused(_get(api, f"/api/v1/videos/{reference}", password="wrong"), "incorrect_video_password")
        shown = _get(api, f"/api/v1/videos/{reference}", password="second one")
        assert shown.status == 200, shown.body
        assert shown.json()["privacy"]["id"] == 5


def test_other_users_need_it_too_but_not_the_owner_nor_moderators(api: ApiClient, people: dict[str, Member]) -> None:
    video = _protected(api, people["alice"], ["open sesame"])
    _refused(_get(api, f"/api/v1/videos/{video.id}", people["bob"].token), "video_requires_password")
    assert _get(api, f"/api/v1/videos/{video.id}", people["bob"].token, "open sesame").status == 200
    assert _get(api, f"/api/v1/videos/{video.id}", people["alice"].token).status == 200
    assert _get(api, f"/api/v1/videos/{video.id}", people["mod"].token).status == 200


def test_comments_ratings_and_views_need_the_password(api: ApiClient, people: dict[str, Member]) -> None:
    video = _protected(api, people["alice"], ["open sesame"])
    bob = people["bob"].token
    _refused(_get(api, f"/api/v1/videos/{video.id}/comment-threads"), "video_requires_password")
    assert _get(api, f"/api/v1/videos/{video.id}/comment-threads", password="open sesame").status == 200

    def send(method: str, path: str, body: dict[str, Any], password: str | None) -> ApiResponse:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bob}"}
        if password is not None:
            headers[HEADER] = password
        return api.request(method, path, body=json.dumps(body).encode(), headers=headers)

    comment = {"text": "nice"}
    _refused(send("POST", f"/api/v1/videos/{video.id}/comment-threads", comment, None), "video_requires_password")
    posted = send("POST", f"/api/v1/videos/{video.id}/comment-threads", comment, "open sesame")
    assert posted.status == 200, posted.body
    thread = posted.json()["comment"]["id"]
    _refused(_get(api, f"/api/v1/videos/{video.id}/comment-threads/{thread}"), "video_requires_password")

    _refused(send("PUT", f"/api/v1/videos/{video.id}/rate", {"rating": "like"}, "nope"), "incorrect_video_password")
    assert send("PUT", f"/api/v1/videos/{video.id}/rate", {"rating": "like"}, "open sesame").status == 204

    view = {"currentTime": 1}
    _refused(send("POST", f"/api/v1/videos/{video.id}/views", view, None), "video_requires_password")
    assert send("POST", f"/api/v1/videos/{video.id}/views", view, "open sesame").status == 204


def test_never_listed_nor_searchable(api: ApiClient, people: dict[str, Member]) -> None:
    video = _protected(api, people["alice"], ["open sesame"])
    assert api.get("/api/v1/videos").json()["total"] == 0
    assert api.get("/api/v1/search/videos?search=locked").json()["total"] == 0
    by_url = api.get(f"/api/v1/search/videos?search={video.url}").json()
    assert by_url["total"] == 0
    # Not federated either (PeerTube federates only public and unlisted videos).
    document = api.request("GET", f"/videos/watch/{video.uuid}", headers={"Accept": "application/activity+json"})
    assert document.status == 404


def _init_upload(api: ApiClient, owner: Member, **extra: Any) -> ApiResponse:
    body = {"name": "Locked upload", "channelId": owner.channel_id, "filename": "v.mp4", **extra}
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {owner.token}",
        "X-Upload-Content-Length": "1000",
        "X-Upload-Content-Type": "video/mp4",
    }
    return api.request("POST", "/api/v1/videos/upload-resumable", body=json.dumps(body).encode(), headers=headers)


@pytest.mark.parametrize(
    ("passwords", "detail"),
    [
        (None, "Video passwords are missing."),
        ([], "At least one video password is required."),
        (["same", "same"], "Duplicate video passwords are not allowed."),
        (
            ["x"],
            "Invalid video password. Password length should be at least 2 characters and no more than 100 characters.",
        ),
        (
            ["y" * 100],
            "Invalid video password. Password length should be at least 2 characters and no more than 100 characters.",
        ),
        ([12], "Video password should be a string."),
    ],
)
def test_an_upload_refuses_bad_passwords(
    api: ApiClient, people: dict[str, Member], passwords: Any, detail: str
) -> None:
    extra = {"privacy": 5} if passwords is None else {"privacy": 5, "videoPasswords": passwords}
    answer = _init_upload(api, people["alice"], **extra)
    assert answer.status == 400, answer.body
    assert answer.json()["detail"] == detail
    assert api.get_as("/api/v1/users/me/videos", people["alice"].token).json()["total"] == 0


def test_an_upload_sets_its_passwords(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    answer = _init_upload(api, alice, privacy=5, videoPasswords=["open sesame", "other"])
    assert answer.status == 201, answer.body
    mine = api.get_as("/api/v1/users/me/videos", alice.token).json()["data"][0]
    listed = api.get_as(f"/api/v1/videos/{mine['id']}/passwords", alice.token).json()
    assert listed["total"] == 2
    assert sorted(p["password"] for p in listed["data"]) == ["open sesame", "other"]
    assert all(p["videoId"] == mine["id"] for p in listed["data"])
    _refused(_get(api, f"/api/v1/videos/{mine['uuid']}"), "video_requires_password")
    assert _get(api, f"/api/v1/videos/{mine['uuid']}", password="other").status == 200


def test_an_update_sets_and_clears_passwords(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "was public")
    path = f"/api/v1/videos/{video.id}"
    missing = api.put_json(path, {"privacy": 5}, alice.token)
    assert (missing.status, missing.json()["detail"]) == (400, "Video passwords are missing.")
    assert api.get(path).status == 200  # nothing changed

    assert api.put_json(path, {"privacy": 5, "videoPasswords": ["open sesame"]}, alice.token).status == 204
    _refused(_get(api, path), "video_requires_password")
    # Another edit keeps them.
    assert api.put_json(path, {"name": "renamed"}, alice.token).status == 204
    assert _get(api, path, password="open sesame").json()["name"] == "renamed"

    assert api.put_json(path, {"privacy": 1}, alice.token).status == 204
    assert api.get(path).status == 200
    gone = api.get_as(f"{path}/passwords", alice.token)
    assert (gone.status, gone.json()["detail"]) == (400, "Video is not password protected")


def test_only_the_owner_and_moderators_manage_passwords(api: ApiClient, people: dict[str, Member]) -> None:
    video = _protected(api, people["alice"], ["open sesame", "second"])
    path = f"/api/v1/videos/{video.id}/passwords"
    assert api.get(path).status == 401
    assert api.get_as(path, people["bob"].token).status == 403
    assert api.put_json(path, {"passwords": ["bob's"]}, people["bob"].token).status == 403
    listed = api.get_as(path, people["mod"].token).json()
    assert listed["total"] == 2
    first, second = (p["id"] for p in listed["data"])
    assert api.delete_as(f"{path}/{first}", people["bob"].token).status == 403
    assert api.delete_as(f"{path}/{first}", people["alice"].token).status == 204
    last = api.delete_as(f"{path}/{second}", people["alice"].token)
    assert (last.status, last.json()["detail"]) == (400, "Cannot delete the last password of the protected video")
    assert api.delete_as(f"{path}/999999", people["alice"].token).status == 404
    assert api.post_json(path, {"password": "third"}, people["alice"].token).status == 204
    assert api.post_json(path, {"password": "third"}, people["alice"].token).status == 400
    assert _get(api, f"/api/v1/videos/{video.id}", password="third").status == 200
    _refused(_get(api, f"/api/v1/videos/{video.id}", password="open sesame"), "incorrect_video_password")


def test_password_of_one_video_does_not_open_another(api: ApiClient, people: dict[str, Member]) -> None:
    _protected(api, people["alice"], ["alice's secret"])
    other = _protected(api, people["bob"], ["bob's secret"])
    _refused(_get(api, f"/api/v1/videos/{other.id}", password="alice's secret"), "incorrect_video_password")


def test_a_protected_video_is_not_public_by_its_numeric_id(api: ApiClient, people: dict[str, Member]) -> None:
    """The finding itself: no header, no password, sequential id."""
    video = add_video(people["alice"].account_id, people["alice"].channel_id, "locked", privacy=5)
    _refused(_get(api, f"/api/v1/videos/{video.id}"), "video_requires_password")
    _refused(_get(api, f"/api/v1/videos/{video.id}/comment-threads"), "video_requires_password")
