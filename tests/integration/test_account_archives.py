"""Account archives over the API (PeerTube's users/{id}/exports and imports): an export
made by the work queue holds the user's account in PeerTube's layout, with the video files;
an archive uploaded with the resumable protocol restores channels, videos (into the upload
pipeline), playlists, subscriptions, blocklists and settings; hostile archives leave the
import errored and nothing changed."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import urlsplit

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.store import actors, catalog, ratings, videos
from tests.api_client import ApiClient, ApiResponse
from tests.e2e.openapi_paths import assert_answers
from tests.members import Member, make_member
from tests.queue_runner import drain
from tests.video_seed import add_video

SOURCE = bytes(range(256)) * 4000  # "a video file", about 1 MB
PLAYLISTS = "/api/v1/video-playlists"


def handle(name: str) -> str:
    return f"{name}@{get_settings().instance_host}"


def user_id(api: ApiClient, member: Member) -> int:
    return int(api.get_as("/api/v1/users/me", member.token).json()["id"])


def ok(response: ApiResponse, status: int = 200) -> Any:
    assert response.status == status, response.body
    return response.json() if response.body else None


@pytest.fixture
def alice_home(api: ApiClient, people: dict[str, Member]) -> dict[str, Any]:
    """alice's account: a video with its file, a playlist, a subscription, blocks, a like."""
    alice, bob = people["alice"], people["bob"]
    source_key = "videos/alice-first/first.mp4"
    video = add_video(
        alice.account_id, alice.channel_id, "alice's first", source_key=source_key, input_filename="first.mp4"
    )
    aws.s3().put_object(Bucket=get_settings().uploads_bucket, Key=source_key, Body=SOURCE)
    bobs = add_video(bob.account_id, bob.channel_id, "bob's video")
    playlist = ok(
        api.post_json(
            PLAYLISTS, {"displayName": "Favourites", "privacy": 1, "videoChannelId": alice.channel_id}, alice.token
        )
    )["videoPlaylist"]
    for video_id in (video.id, bobs.id):
        ok(api.post_json(f"{PLAYLISTS}/{playlist['id']}/videos", {"videoId": video_id}, alice.token))
    ok(api.post_json("/api/v1/users/me/subscriptions", {"uri": handle(bob.channel_name)}, alice.token), 204)
    ok(api.post_json("/api/v1/users/me/blocklist/accounts", {"accountName": "moddy"}, alice.token), 204)
    ok(api.post_json("/api/v1/users/me/blocklist/servers", {"host": "spam.example"}, alice.token), 204)
    ok(api.put_json(f"/api/v1/videos/{bobs.id}/rate", {"rating": "like"}, alice.token), 204)
    ok(api.put_json("/api/v1/users/me", {"nsfwPolicy": "blur", "p2pEnabled": False}, alice.token), 204)
    return {"video": video, "bobs": bobs, "playlist": playlist}


def export_archive(api: ApiClient, member: Member, with_files: bool = True) -> bytes:
    me = user_id(api, member)
    requested = ok(api.post_json(f"/api/v1/users/{me}/exports/request", {"withVideoFiles": with_files}, member.token))
    export_id = requested["export"]["id"]
    assert drain("work") >= 1
    listed = ok(api.get_as(f"/api/v1/users/{me}/exports", member.token))
    assert listed["total"] == 1
    export = listed["data"][0]
    assert export["id"] == export_id and export["state"] == {"id": 3, "label": "Completed"}
    url = urlsplit(export["privateDownloadUrl"])
    key = url.path.split("/", 2)[2] if url.path.startswith(f"/{get_settings().uploads_bucket}/") else url.path[1:]
    assert "Signature=" in url.query and "Expires=" in url.query  # presigned, for 15 minutes
    data = aws.s3().get_object(Bucket=get_settings().uploads_bucket, Key=key)["Body"].read()
    assert export["size"] == len(data)
    return bytes(data)


def upload_archive(api: ApiClient, member: Member, archive: bytes, *, chunk: int = 300_000) -> int:
    """The resumable protocol, in several chunks; the import's id."""
    me = user_id(api, member)
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {member.token}",
        "X-Upload-Content-Length": str(len(archive)),
        "X-Upload-Content-Type": "application/zip",
    }
    body = json.dumps({"filename": "user-export.zip"}).encode()
    started = api.request("POST", f"/api/v1/users/{me}/imports/import-resumable", body=body, headers=headers)
    assert started.status == 201, started.body
    path = "/" + started.headers["location"].split("//", 1)[1].split("/", 1)[1]
    answer = None
    for first in range(0, len(archive), chunk):
        piece = archive[first : first + chunk]
        answer = api.request(
            "PUT",
            path,
            body=piece,
            headers={
                "Content-Type": "application/octet-stream",
                "Authorization": f"Bearer {member.token}",
                "Content-Range": f"bytes {first}-{first + len(piece) - 1}/{len(archive)}",
            },
        )
        assert answer.status in (200, 308), answer.body
    assert answer is not None and answer.status == 200
    return int(answer.json()["userImport"]["id"])


def rewrite(archive: bytes, change: dict[str, Any]) -> bytes:
    """The archive with some documents replaced (a user editing their archive, or forging one)."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in change:
                target.writestr(info.filename, json.dumps(change[info.filename]))
            else:
                target.writestr(info, source.read(info))
    return out.getvalue()


def document(archive: bytes, name: str) -> Any:
    return json.loads(zipfile.ZipFile(io.BytesIO(archive)).read(name))


def watch_words(api: ApiClient, member: Member, name: str) -> None:
    """A watched-words list ("spam") of account `name` that holds the comments it tags for review."""
    lists = f"/api/v1/watched-words/accounts/{name}/lists"
    assert api.post_json(lists, {"listName": "spam", "words": ["casino"]}, member.token).status == 200
    policy = f"/api/v1/automatic-tags/policies/accounts/{name}/comments"
    assert api.put_json(policy, {"review": ["spam"]}, member.token).status == 204


def assert_words_restored(api: ApiClient, member: Member, stats: dict[str, Any]) -> None:
    assert stats["watchedWordsLists"] == {"success": 1, "duplicates": 0, "errors": 0}
    assert stats["commentAutoTagPolicies"] == {"success": 1, "duplicates": 0, "errors": 0}
    lists = ok(api.get_as("/api/v1/watched-words/accounts/carol/lists", member.token))["data"]
    assert [(w["listName"], w["words"]) for w in lists] == [("spam", ["casino"])]
    policy = ok(api.get_as("/api/v1/automatic-tags/policies/accounts/carol/comments", member.token))
    assert policy == {"review": ["spam"]}


def test_an_export_holds_the_account_in_peertubes_layout(
    api: ApiClient, people: dict[str, Member], alice_home: Any
) -> None:
    alice, bob = people["alice"], people["bob"]
    watch_words(api, alice, "alice")
    archive = export_archive(api, alice)
    names = set(zipfile.ZipFile(io.BytesIO(archive)).namelist())
    for name in ("account", "user-settings", "channels", "videos", "video-playlists", "likes", "dislikes",
                 "following", "follower", "blocklist", "video-history", "watched-words-lists",
                 "automatic-tag-policies"):  # fmt: skip
        assert f"peertube/{name}.json" in names
    watched = document(archive, "peertube/watched-words-lists.json")["watchedWordLists"]
    assert [(w["listName"], w["words"]) for w in watched] == [("spam", ["casino"])]
    assert document(archive, "peertube/automatic-tag-policies.json") == {"reviewComments": [{"name": "spam"}]}
    for name in ("actor", "outbox", "likes", "dislikes", "following"):
        assert f"activity-pub/{name}.json" in names
    video = alice_home["video"]
    videos = document(archive, "peertube/videos.json")["videos"]
    assert [v["name"] for v in videos] == ["alice's first"]
    assert videos[0]["channel"] == {"name": alice.channel_name}
    # As PeerTube writes them: relative to the peertube/ folder.
    assert videos[0]["archiveFiles"]["videoFile"] == f"../files/videos/video-files/{video.uuid}.mp4"
    assert zipfile.ZipFile(io.BytesIO(archive)).read(f"files/videos/video-files/{video.uuid}.mp4") == SOURCE
    playlists = document(archive, "peertube/video-playlists.json")["videoPlaylists"]
    favourites = next(p for p in playlists if p["displayName"] == "Favourites")
    assert [e["videoUrl"] for e in favourites["elements"]] == [video.url, alice_home["bobs"].url]
    assert document(archive, "peertube/following.json")["following"][0]["targetHandle"] == handle(bob.channel_name)
    blocklist = document(archive, "peertube/blocklist.json")
    assert blocklist["instances"] == [{"host": "spam.example"}]
    assert blocklist["actors"] == [{"handle": handle("moddy")}]
    assert document(archive, "peertube/likes.json")["likes"][0]["videoUrl"] == alice_home["bobs"].url
    settings = document(archive, "peertube/user-settings.json")
    assert settings["nsfwPolicy"] == "blur" and settings["p2pEnabled"] is False
    actor = document(archive, "activity-pub/actor.json")
    assert actor["type"] == "Person" and actor["preferredUsername"] == "alice"

    # Without the files: the same documents, no files/.
    me = user_id(api, alice)
    listed = ok(api.get_as(f"/api/v1/users/{me}/exports", alice.token))
    ok(api.delete_as(f"/api/v1/users/{me}/exports/{listed['data'][0]['id']}", alice.token), 204)
    bare = export_archive(api, alice, with_files=False)
    assert not any(n.startswith("files/") for n in zipfile.ZipFile(io.BytesIO(bare)).namelist())


def test_exports_follow_peertubes_rules(api: ApiClient, people: dict[str, Member], alice_home: Any) -> None:
    alice, bob = people["alice"], people["bob"]
    me = user_id(api, alice)
    path = f"/api/v1/users/{me}/exports"
    assert api.post_json(f"{path}/request", {"withVideoFiles": "yes"}, alice.token).status == 400
    assert api.post_json(f"{path}/request", {"withVideoFiles": False}, bob.token).status == 403
    assert api.get_as(path, bob.token).status == 403
    assert api.get_as(path, None).status == 401
    requested = ok(api.post_json(f"{path}/request", {"withVideoFiles": False}, alice.token))
    assert_answers("POST", "/api/v1/users/{userId}/exports/request", requested)
    first = requested["export"]["id"]
    listed = ok(api.get_as(path, alice.token))
    # PeerTube's file describes one export where the answer is a page of them ({total, data});
    # until completed, an export has neither size nor link (null, as PeerTube's).
    nulls = (r"size: None", r"privateDownloadUrl: None")
    assert_answers("GET", "/api/v1/users/{userId}/exports", listed["data"][0], known_deviations=nulls)
    pending = listed["data"][0]
    assert pending["state"] == {"id": 1, "label": "Pending"} and pending["privateDownloadUrl"] is None
    # One at a time, and a pending one cannot be deleted.
    assert api.post_json(f"{path}/request", {"withVideoFiles": False}, alice.token).status == 400
    assert api.delete_as(f"{path}/{first}", alice.token).status == 409
    drain("work")
    assert api.delete_as(f"{path}/{first}", bob.token).status == 403
    assert api.delete_as(f"{path}/999999", alice.token).status == 404
    # An administrator manages anyone's.
    root = api.login("root", "root-password-for-tests")["access_token"]
    assert ok(api.get_as(path, root))["total"] == 1
    assert api.delete_as(f"{path}/{first}", root).status == 204
    assert ok(api.get_as(path, alice.token))["total"] == 0
    assert api.get_as("/api/v1/users/999999/exports", alice.token).status == 404


def test_an_archive_restores_an_account_for_another_user(
    api: ApiClient, people: dict[str, Member], alice_home: Any
) -> None:
    alice, bob = people["alice"], people["bob"]
    watch_words(api, alice, "alice")
    archive = export_archive(api, alice)
    # carol moves in with alice's archive, her channel renamed (alice's name is taken here).
    renamed = {}
    for name in ("peertube/channels.json", "peertube/videos.json", "peertube/video-playlists.json"):
        text = json.dumps(document(archive, name)).replace(f'"{alice.channel_name}"', '"carol_studio"')
        renamed[name] = json.loads(text)
    root = api.login("root", "root-password-for-tests")["access_token"]
    carol = make_member(api, root, "carol")
    import_id = upload_archive(api, carol, rewrite(archive, renamed))
    me = user_id(api, carol)
    latest = ok(api.get_as(f"/api/v1/users/{me}/imports/latest", carol.token))
    assert latest["id"] == import_id and latest["state"] == {"id": 1, "label": "Pending"}
    assert_answers("GET", "/api/v1/users/{userId}/imports/latest", latest)
    drain("work")
    latest = ok(api.get_as(f"/api/v1/users/{me}/imports/latest", carol.token))
    assert latest["state"]["id"] == 3, latest
    stats = latest["resultSummary"]["stats"]
    assert stats["videos"] == {"success": 1, "duplicates": 0, "errors": 0}
    assert stats["channels"]["success"] == 1

    channel = ok(api.get_as("/api/v1/video-channels/carol_studio", carol.token))
    assert channel["ownerAccount"]["name"] == "carol"
    imported = [v for v in catalog.current().videos.values() if v.channel_id == channel["id"]]
    assert [v.name for v in imported] == ["alice's first"]
    stored = videos.get_video(int(imported[0].id))
    assert stored is not None and stored.user_id == me and stored.state == 2  # waiting for its transcoding
    source = aws.s3().get_object(Bucket=get_settings().uploads_bucket, Key=stored.source_key)["Body"].read()
    assert source == SOURCE  # the upload pipeline takes it from here (ObjectCreated)

    playlists = ok(api.get_as("/api/v1/accounts/carol/video-playlists", carol.token))["data"]
    favourites = next(p for p in playlists if p["displayName"] == "Favourites")
    elements = ok(api.get_as(f"{PLAYLISTS}/{favourites['id']}/videos", carol.token))["data"]
    assert [e["video"]["id"] for e in elements] == [imported[0].id, alice_home["bobs"].id]
    subscriptions = ok(api.get_as("/api/v1/users/me/subscriptions", carol.token))["data"]
    assert [s["name"] for s in subscriptions] == [bob.channel_name]
    blocked = ok(api.get_as("/api/v1/users/me/blocklist/accounts", carol.token))["data"]
    assert [b["blockedAccount"]["name"] for b in blocked] == ["moddy"]
    servers = ok(api.get_as("/api/v1/users/me/blocklist/servers", carol.token))["data"]
    assert [s["blockedServer"]["host"] for s in servers] == ["spam.example"]
    mine = ok(api.get_as("/api/v1/users/me", carol.token))
    assert mine["nsfwPolicy"] == "blur" and mine["p2pEnabled"] is False
    rating = ok(api.get_as(f"/api/v1/users/me/videos/{alice_home['bobs'].id}/rating", carol.token))
    assert rating["rating"] == "like"
    assert_words_restored(api, carol, stats)
    # The archive is gone from S3 once restored.
    listed = aws.s3().list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix="imports/")
    assert listed.get("KeyCount", 0) == 0

    # The same archive again: what is there already is a duplicate, nothing doubles.
    upload_archive(api, carol, rewrite(archive, renamed), chunk=10_000_000)
    drain("work")
    again = ok(api.get_as(f"/api/v1/users/{me}/imports/latest", carol.token))["resultSummary"]["stats"]
    sections = ("channels", "videos", "videoPlaylists", "watchedWordsLists", "commentAutoTagPolicies")
    assert [again[section]["duplicates"] for section in sections] == [1] * len(sections)
    assert len([v for v in catalog.current().videos.values() if v.channel_id == channel["id"]]) == 1


def test_an_archive_naming_another_users_objects_changes_nothing_of_theirs(
    api: ApiClient, people: dict[str, Member], alice_home: Any
) -> None:
    alice = people["alice"]
    archive = export_archive(api, alice)
    private = add_video(alice.account_id, alice.channel_id, "alice's secret", privacy=3)
    forged = rewrite(
        archive,
        {
            "peertube/video-playlists.json": {
                "videoPlaylists": [
                    {"displayName": "Loot", "privacy": 3, "elements": [{"videoUrl": private.url}]},
                    {"displayName": "Squat", "privacy": 1, "channel": {"name": alice.channel_name}, "elements": []},
                ]
            },
            "peertube/likes.json": {"likes": [{"videoUrl": private.url}, "not an object", {"videoUrl": 42}]},
        },
    )
    root = api.login("root", "root-password-for-tests")["access_token"]
    carol = make_member(api, root, "carol")
    before = {v.id: (v.name, v.channel_id) for v in catalog.current().videos.values()}
    channel_before = actors.get_actor(alice.channel_id)
    upload_archive(api, carol, forged)
    drain("work")
    latest = ok(api.get_as(f"/api/v1/users/{user_id(api, carol)}/imports/latest", carol.token))
    assert latest["state"]["id"] == 3
    stats = latest["resultSummary"]["stats"]
    # alice's channel is alice's: it is a duplicate (as PeerTube counts it), left alone, and
    # the video the archive puts in it is refused.
    assert stats["channels"] == {"success": 0, "duplicates": 1, "errors": 0}
    assert stats["videos"] == {"success": 0, "duplicates": 0, "errors": 1}
    assert stats["videoPlaylists"]["errors"] == 1  # "Squat", in alice's channel
    assert stats["likes"]["errors"] == 3
    after = {v.id: (v.name, v.channel_id) for v in catalog.current().videos.values()}
    assert after == before
    assert actors.get_actor(alice.channel_id).updated_at == channel_before.updated_at  # type: ignore[union-attr]
    loot = next(p for p in ok(api.get_as("/api/v1/accounts/carol/video-playlists", carol.token))["data"]
                if p["displayName"] == "Loot")  # fmt: skip
    assert loot["videosLength"] == 0  # alice's private video is not carol's to list
    assert ratings.get_rate(carol.account_id, int(private.id)) is None


def test_hostile_archives_leave_the_import_errored_and_nothing_changed(
    api: ApiClient, people: dict[str, Member]
) -> None:
    root = api.login("root", "root-password-for-tests")["access_token"]
    carol = make_member(api, root, "carol")
    me = user_id(api, carol)

    def imported(archive: bytes) -> dict[str, Any]:
        upload_archive(api, carol, archive)
        drain("work")
        return dict(ok(api.get_as(f"/api/v1/users/{me}/imports/latest", carol.token)))

    def zipped(entries: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
        return out.getvalue()

    channels = {"channels": [{"name": "bomb_channel", "displayName": "Bomb"}]}
    bomb = zipped({
        "peertube/channels.json": json.dumps(channels).encode(),
        "files/videos/video-files/x.mp4": b"\0" * (30 * 1024 * 1024),
    })  # fmt: skip
    answer = imported(bomb)
    assert answer["state"] == {"id": 4, "label": "Errored"} and "zip bomb" in answer["error"]
    traversal = zipped({"peertube/channels.json": json.dumps(channels).encode(), "../../etc/cron.d/x": b"* * * * *"})
    assert "forbidden name" in imported(traversal)["error"]
    wrong = zipped({"peertube/channels.json": json.dumps(channels).encode(), "peertube/videos.json": b'"videos"'})
    assert "should hold a JSON object" in imported(wrong)["error"]
    assert "Not a readable zip" in imported(b"PK\x03\x04" + b"\0" * 5000)["error"]
    # Nothing of any of them was restored.
    assert api.get_as("/api/v1/video-channels/bomb_channel", carol.token).status == 404

    # Requests that are bad in themselves are refused at once.
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {carol.token}",
               "X-Upload-Content-Length": "100", "X-Upload-Content-Type": "application/zip"}  # fmt: skip
    path = f"/api/v1/users/{me}/imports/import-resumable"
    assert api.request("POST", path, body=b'{"filename": "a.tar"}', headers=headers).status == 400
    assert api.request("POST", path, body=b'{"filename": 7}', headers=headers).status == 400
    alice = people["alice"]
    headers["Authorization"] = f"Bearer {alice.token}"
    assert api.request("POST", path, body=b'{"filename": "a.zip"}', headers=headers).status == 403
    assert api.get_as(f"/api/v1/users/{me}/imports/latest", alice.token).status == 403


def test_a_task_that_finds_its_work_interrupted_leaves_it_errored(api: ApiClient, people: dict[str, Member]) -> None:
    """A delivery after a crash or a timeout never loops, and never restores twice."""
    from chalicelib.activitypub import archive_documents
    from chalicelib.domain.archives import jobs
    from chalicelib.domain.oauth import utcnow
    from chalicelib.store import user_archives

    alice = people["alice"]
    me = user_id(api, alice)
    export_id = ok(api.post_json(f"/api/v1/users/{me}/exports/request", {"withVideoFiles": False}, alice.token))[
        "export"
    ]["id"]
    export = user_archives.get_export(me, export_id)
    assert export is not None
    user_archives.set_export_state(export, jobs.PROCESSING)  # as a first attempt leaves it
    jobs.run_export({"user": me, "export": export_id}, get_settings(), utcnow(), archive_documents.documents)
    found = ok(api.get_as(f"/api/v1/users/{me}/exports", alice.token))["data"][0]
    assert found["state"]["id"] == 4 and found["error"] == "The export was interrupted."
    # ... and the user may ask again.
    assert api.post_json(f"/api/v1/users/{me}/exports/request", {"withVideoFiles": False}, alice.token).status == 200

    archive = export_archive_bytes_for_import()
    import_id = upload_archive(api, alice, archive)
    user_import = user_archives.get_import(me, import_id)
    assert user_import is not None
    user_archives.set_import_state(user_import, jobs.PROCESSING)
    jobs.run_import({"user": me, "import": import_id}, get_settings(), utcnow(), archive_documents.resolve_account)
    latest = ok(api.get_as(f"/api/v1/users/{me}/imports/latest", alice.token))
    assert latest["state"]["id"] == 4 and latest["error"] == "The import was interrupted."
    assert api.get_as("/api/v1/video-channels/never_restored", alice.token).status == 404


def export_archive_bytes_for_import() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "peertube/channels.json", json.dumps({"channels": [{"name": "never_restored", "displayName": "N"}]})
        )
    return out.getvalue()


def test_two_export_requests_racing_start_one_export(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two racing requests read the user's exports before the first wrote: it
    is refused all the same (the slot it read has moved), and one export is made."""
    from chalicelib.domain.archives import jobs
    from chalicelib.store import user_archives

    alice = people["alice"]
    me = user_id(api, alice)
    path = f"/api/v1/users/{me}/exports"
    stale = user_archives.last_export_id(me)
    assert ok(api.post_json(f"{path}/request", {"withVideoFiles": False}, alice.token))["export"]["id"]
    with monkeypatch.context() as racing:
        # What the second request read, before the first one's write.
        racing.setattr(user_archives, "last_export_id", lambda user: stale)
        racing.setattr(jobs, "live_exports", lambda target, now: [])
        refused = api.post_json(f"{path}/request", {"withVideoFiles": False}, alice.token)
    assert refused.status == 400, refused.body
    assert ok(api.get_as(path, alice.token))["total"] == 1
    assert drain("work") == 1
