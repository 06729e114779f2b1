"""PeerTube 8's player settings of videos and channels (/api/v1/player-settings/...)."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member, make_member
from tests.openapi import assert_conforms
from tests.video_seed import add_video

VIDEOS = "/api/v1/player-settings/videos"
CHANNELS = "/api/v1/player-settings/video-channels"


@pytest.fixture
def people(api: ApiClient) -> tuple[str, Member, Member]:
    root = str(api.login("root", ROOT_PASSWORD)["access_token"])
    return root, make_member(api, root, "alice"), make_member(api, root, "bob")


def test_settings_resolve_video_then_channel_then_instance(api: ApiClient, people: tuple[str, Member, Member]) -> None:
    root, alice, _ = people
    video = add_video(alice.account_id, alice.channel_id, "Clouds")
    shown = api.get(f"{VIDEOS}/{video.uuid}")
    assert shown.status == 200, shown.body
    assert_conforms("PlayerVideoSettings", shown.json())
    assert shown.json() == {"theme": "galaxy"}  # the instance's defaults.player.theme
    assert api.get_as(f"{VIDEOS}/{video.id}?raw=true", alice.token).json() == {"theme": "channel-default"}

    channel = api.put_json(f"{CHANNELS}/{alice.channel_name}", {"theme": "lucide"}, alice.token)
    assert channel.status == 200, channel.body
    assert_conforms("PlayerChannelSettings", channel.json())
    assert channel.json() == {"theme": "lucide"}
    assert api.get(f"{CHANNELS}/{alice.channel_name}").json() == {"theme": "lucide"}
    assert api.get(f"{VIDEOS}/{video.id}").json() == {"theme": "lucide"}  # from its channel

    own = api.put_json(f"{VIDEOS}/{video.id}", {"theme": "instance-default"}, alice.token)
    assert own.status == 200, own.body
    assert own.json() == {"theme": "instance-default"}
    assert api.get(f"{VIDEOS}/{video.id}").json() == {"theme": "galaxy"}

    # The administrator's default player theme applies where nothing else is chosen.
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["defaults"]["player"]["theme"] = "lucide"
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    assert api.get(f"{VIDEOS}/{video.id}").json() == {"theme": "lucide"}
    custom["defaults"]["player"]["theme"] = "neon"
    assert api.put_json("/api/v1/config/custom", custom, root).status == 400


def test_only_those_who_manage_change_or_read_raw(api: ApiClient, people: tuple[str, Member, Member]) -> None:
    root, alice, bob = people
    video = add_video(alice.account_id, alice.channel_id, "Rain")
    assert api.put_json(f"{VIDEOS}/{video.id}", {"theme": "lucide"}, None).status == 401
    assert api.put_json(f"{VIDEOS}/{video.id}", {"theme": "lucide"}, bob.token).status == 403
    assert api.put_json(f"{CHANNELS}/{alice.channel_name}", {"theme": "lucide"}, None).status == 401
    assert api.put_json(f"{CHANNELS}/{alice.channel_name}", {"theme": "lucide"}, bob.token).status == 403
    assert api.get(f"{VIDEOS}/{video.id}?raw=true").status == 401
    assert api.get_as(f"{VIDEOS}/{video.id}?raw=true", bob.token).status == 403
    assert api.get_as(f"{CHANNELS}/{alice.channel_name}?raw=true", bob.token).status == 403
    assert api.get(f"{VIDEOS}/{video.id}?raw=maybe").status == 400
    # Bad values change nothing.
    for bad in ({"theme": "neon"}, {}, {"theme": None}):
        assert api.put_json(f"{VIDEOS}/{video.id}", bad, alice.token).status == 400
    assert api.put_json(f"{CHANNELS}/{alice.channel_name}", {"theme": "channel-default"}, alice.token).status == 400
    assert api.get_as(f"{VIDEOS}/{video.id}?raw=true", alice.token).json() == {"theme": "channel-default"}
    # Moderators and administrators may (PeerTube's UPDATE_ANY_VIDEO / MANAGE_ANY_VIDEO_CHANNEL).
    assert api.put_json(f"{VIDEOS}/{video.id}", {"theme": "lucide"}, root).status == 200
    # Unknown videos and channels, and private videos for strangers.
    assert api.get(f"{VIDEOS}/999999").status == 404
    assert api.get(f"{CHANNELS}/nobody_channel").status == 404
    private = add_video(alice.account_id, alice.channel_id, "Secret", privacy=3)
    assert api.get(f"{VIDEOS}/{private.id}").status == 401
    assert api.get_as(f"{VIDEOS}/{private.id}", bob.token).status == 403
    assert api.get_as(f"{VIDEOS}/{private.id}", alice.token).status == 200
