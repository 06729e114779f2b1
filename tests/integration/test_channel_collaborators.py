"""Channel collaborators through the API, over moto (domain/collaborators.py): PeerTube 8's
routes, statuses and shapes; the rights an accepted collaborator gains (and those only the
owner keeps); the notifications of an invitation and of its answer."""

from __future__ import annotations

import json
from typing import Any

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member, make_member
from tests.openapi import assert_conforms
from tests.queue_runner import drain
from tests.security.private_media_support import published_video

INVITED, ACCEPTED, REFUSED = 23, 24, 25


def _base(member: Member) -> str:
    return f"/api/v1/video-channels/{member.channel_name}/collaborators"


def _invite(api: ApiClient, owner: Member, handle: str) -> Any:
    return api.post_json(f"{_base(owner)}/invite", {"accountHandle": handle}, owner.token)


def _start_upload(api: ApiClient, member: Member, channel_id: int) -> Any:
    body = {"name": "Shared upload", "channelId": channel_id, "filename": "clip.mp4"}
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {member.token}",
        "X-Upload-Content-Length": "1000",
        "X-Upload-Content-Type": "video/mp4",
    }
    return api.request("POST", "/api/v1/videos/upload-resumable", body=json.dumps(body).encode(), headers=headers)


def _notifications(api: ApiClient, member: Member) -> list[dict[str, Any]]:
    drain("work")
    answer = api.get_as("/api/v1/users/me/notifications?count=50", member.token)
    assert answer.status == 200, answer.body
    return list(answer.json()["data"])


def test_an_invitation_is_listed_answered_and_notified_as_peertube_does(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    assert _invite(api, alice, "").status == 400
    assert api.post_json(f"{_base(alice)}/invite", {}, alice.token).status == 400
    assert _invite(api, alice, "nobody").status == 404
    assert _invite(api, alice, "alice").json()["detail"].startswith("Cannot invite the account owner")
    assert _invite(api, alice, "moddy").status == 200
    refused_by_bob = api.post_json(f"{_base(alice)}/invite", {"accountHandle": "alice"}, bob.token)
    assert refused_by_bob.status == 403  # not the owner

    invited = _invite(api, alice, "bob")
    assert invited.status == 200, invited.body
    collaborator = invited.json()["collaborator"]
    assert_conforms("VideoChannelCollaborator", collaborator)
    assert collaborator["state"] == {"id": 1, "label": "Pending"}
    assert collaborator["account"]["name"] == "bob"
    assert _invite(api, alice, "bob").status == 409  # already invited

    listed = api.get_as(_base(alice), alice.token)
    assert listed.status == 200
    assert {c["account"]["name"] for c in listed.json()["data"]} == {"bob", "moddy"}
    assert listed.json()["total"] == 2
    assert api.get_as(_base(alice), bob.token).status == 403  # pending: not a collaborator yet
    assert api.get_as(_base(alice), None).status == 401

    (invitation,) = [n for n in _notifications(api, bob) if n["type"] == INVITED]
    shown = invitation["videoChannelCollaborator"]
    assert shown["id"] == collaborator["id"] and shown["state"]["id"] == 1
    assert (shown["channel"]["name"], shown["channelOwner"]["name"], shown["account"]["name"]) == (
        alice.channel_name,
        "alice",
        "bob",
    )

    accept = f"{_base(alice)}/{collaborator['id']}/accept"
    assert api.post_json(accept, {}, alice.token).status == 400  # not hers to answer
    assert api.post_json(f"{_base(alice)}/99999999/accept", {}, bob.token).status == 404
    assert api.post_json(f"{_base(alice)}/abc/accept", {}, bob.token).status == 400
    assert api.post_json(accept, {}, bob.token).status == 204
    assert api.post_json(accept, {}, bob.token).status == 400  # no longer pending
    assert api.get_as(_base(alice), bob.token).status == 200  # a collaborator may list

    (accepted,) = [n for n in _notifications(api, alice) if n["type"] == ACCEPTED]
    assert accepted["videoChannelCollaborator"]["account"]["name"] == "bob"

    moddy = next(c for c in listed.json()["data"] if c["account"]["name"] == "moddy")
    assert api.post_json(f"{_base(alice)}/{moddy['id']}/reject", {}, mod.token).status == 204
    assert [n for n in _notifications(api, alice) if n["type"] == REFUSED]
    names = {c["account"]["name"] for c in api.get_as(_base(alice), alice.token).json()["data"]}
    assert names == {"bob"}  # a refused invitation is not listed
    assert _invite(api, alice, "moddy").status == 200  # and may be made again


def test_an_accepted_collaborator_manages_the_channel_and_its_videos_but_not_its_ownership(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    carol = make_member(api, root, "carol")
    video = published_video(alice)
    update = f"/api/v1/videos/{video.uuid}"
    channel = f"/api/v1/video-channels/{alice.channel_name}"

    assert api.put_json(update, {"name": "By bob"}, bob.token).status == 403
    assert api.put_json(channel, {"displayName": "Shared"}, bob.token).status == 403
    assert _start_upload(api, bob, alice.channel_id).status == 403

    collaborator_id = _invite(api, alice, "bob").json()["collaborator"]["id"]
    assert api.put_json(update, {"name": "By bob"}, bob.token).status == 403  # pending only
    assert api.post_json(f"{_base(alice)}/{collaborator_id}/accept", {}, bob.token).status == 204

    assert api.put_json(update, {"name": "By bob"}, bob.token).status == 204
    assert api.get_as(update, None).json()["name"] == "By bob"
    assert api.put_json(channel, {"displayName": "Shared"}, bob.token).status == 204
    assert _start_upload(api, bob, alice.channel_id).status == 201  # uploads into the channel
    assert api.get_as(channel, None).json()["displayName"] == "Shared"
    assert api.put_json(update, {"name": "By carol"}, carol.token).status == 403

    # Only the owner invites, and deletes the channel.
    assert _invite(api, alice, "carol").status == 200
    assert api.post_json(f"{_base(alice)}/invite", {"accountHandle": "carol"}, bob.token).status == 403
    assert api.delete_as(channel, bob.token).status == 403

    # The collaborator may leave; then the rights are gone.
    assert api.delete_as(f"{_base(alice)}/{collaborator_id}", carol.token).status == 403
    assert api.delete_as(f"{_base(alice)}/{collaborator_id}", bob.token).status == 204
    assert api.delete_as(f"{_base(alice)}/{collaborator_id}", bob.token).status == 404
    assert api.put_json(update, {"name": "Again"}, bob.token).status == 403
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", bob.token).status == 403


def test_collaborated_channels_and_their_videos_are_listed_on_request_for_the_collaborator_only(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice, bob = people["alice"], people["bob"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    carol = make_member(api, root, "carol")
    video = published_video(alice)
    collaborator_id = _invite(api, alice, "bob").json()["collaborator"]["id"]
    assert api.post_json(f"{_base(alice)}/{collaborator_id}/accept", {}, bob.token).status == 204

    def channels(viewer: str | None, flag: str = "?includeCollaborations=true") -> set[str]:
        answer = api.get_as(f"/api/v1/accounts/bob/video-channels{flag}", viewer)
        assert answer.status == 200, answer.body
        return {c["name"] for c in answer.json()["data"]}

    assert channels(bob.token) == {bob.channel_name, alice.channel_name}
    assert channels(bob.token, "") == {bob.channel_name}
    assert channels(carol.token) == {bob.channel_name}  # who collaborates where is not public
    assert channels(None) == {bob.channel_name}

    def my_videos(flag: str) -> set[str]:
        answer = api.get_as(f"/api/v1/users/me/videos{flag}", bob.token)
        assert answer.status == 200, answer.body
        return {v["uuid"] for v in answer.json()["data"]}

    assert video.uuid in my_videos("?includeCollaborations=true")
    assert video.uuid not in my_videos("")
