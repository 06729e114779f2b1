"""The tracker shard of a video (chalicelib/tracker_shards.py): the same for every viewer,
and moved for few videos when shards are added or removed."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from chalicelib import tracker_shards
from chalicelib.config import load_settings
from chalicelib.domain.tracker_urls import tracker_url_for

SHARDS = [f"wss://video.example.org:443/tracker/{k}/socket" for k in range(4)]
VIDEOS = [str(uuid.UUID(int=n * 7919 + 12345)) for n in range(4000)]


def test_a_fixed_list_gives_every_video_the_same_shard_every_time() -> None:
    # Fixed figures: a change of the hash would send every viewer elsewhere after a deploy.
    assert tracker_shards.choose("0c5f1b0e-8a6a-4c3e-9a8f-1d2b3c4d5e6f", SHARDS) == SHARDS[2]
    assert tracker_shards.choose("9b2e4f7a-1111-4222-8333-944455566677", SHARDS) == SHARDS[3]
    first = [tracker_shards.choose(video, SHARDS) for video in VIDEOS]
    assert [tracker_shards.choose(video, list(SHARDS)) for video in VIDEOS] == first
    # Nor does the choice depend on the order the shards are listed in.
    assert [tracker_shards.choose(video, SHARDS[::-1]) for video in VIDEOS] == first


def test_videos_spread_evenly_over_the_shards() -> None:
    counts = Counter(tracker_shards.choose(video, SHARDS) for video in VIDEOS)
    assert set(counts) == set(SHARDS)
    for count in counts.values():
        assert abs(count - len(VIDEOS) / 4) < len(VIDEOS) * 0.05


def test_adding_a_shard_moves_only_the_videos_it_takes() -> None:
    before = {video: tracker_shards.choose(video, SHARDS) for video in VIDEOS}
    grown = [*SHARDS, "wss://video.example.org:443/tracker/4/socket"]
    after = {video: tracker_shards.choose(video, grown) for video in VIDEOS}
    moved = [video for video in VIDEOS if after[video] != before[video]]
    # Every moved video went to the new shard, and about 1/5 of them moved (mod N: ~4/5).
    assert {after[video] for video in moved} == {grown[4]}
    assert abs(len(moved) / len(VIDEOS) - 1 / 5) < 0.03
    # Removing it again puts them back where they were.
    assert {video: tracker_shards.choose(video, SHARDS) for video in VIDEOS} == before


def test_removing_a_shard_moves_only_its_videos() -> None:
    before = {video: tracker_shards.choose(video, SHARDS) for video in VIDEOS}
    shrunk = SHARDS[:2] + SHARDS[3:]
    for video in VIDEOS:
        if before[video] != SHARDS[2]:
            assert tracker_shards.choose(video, shrunk) == before[video]


def test_no_shard_is_an_error() -> None:
    with pytest.raises(ValueError):
        tracker_shards.choose("x", [])


def test_settings_list_the_shards_behind_the_tracker_url_or_as_given() -> None:
    production = {"CIRRUS_ENV": "production", "CIRRUS_HOST": "video.example.org"}
    single = load_settings(production)
    assert single.tracker_shards == ("wss://video.example.org:443/tracker/socket",)
    assert tracker_url_for(VIDEOS[0], single) == "wss://video.example.org:443/tracker/socket"

    sharded = load_settings({**production, "CIRRUS_TRACKER_SHARDS": "4"})
    assert list(sharded.tracker_shards) == SHARDS
    assert tracker_url_for(VIDEOS[0], sharded) == tracker_shards.choose(VIDEOS[0], SHARDS)

    listed = load_settings({**production, "CIRRUS_TRACKER_URLS": "wss://t1.example.org/s, wss://t2.example.org/s"})
    assert listed.tracker_shards == ("wss://t1.example.org/s", "wss://t2.example.org/s")
    for bad in ({"CIRRUS_TRACKER_SHARDS": "0"}, {"CIRRUS_TRACKER_SHARDS": "9"}, {"CIRRUS_TRACKER_URLS": "https://x/"}):
        with pytest.raises(ValueError, match="CIRRUS_TRACKER"):
            load_settings({**production, **bad})
