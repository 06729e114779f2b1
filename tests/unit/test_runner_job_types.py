"""The table of runner job types (chalicelib/domain/runner_jobs/registry.py): what each type
tells the one life cycle, as PeerTube's protocol and docs/runners.md have it."""

from __future__ import annotations

from chalicelib.domain.runner_jobs import registry


def test_the_types_are_offered_in_priority_order_and_peertube_s_others_are_known() -> None:
    assert registry.OFFERED_TYPES == (
        "vod-hls-transcoding",
        "video-studio-transcoding",
        "video-transcription",
        "generate-video-storyboard",
    )
    # A runner may name any of PeerTube's types; those Cirrus does not make read nothing.
    assert set(registry.JOB_TYPES) == {
        *registry.OFFERED_TYPES,
        "vod-web-video-transcoding",
        "vod-audio-merge-transcoding",
        "live-rtmp-hls-transcoding",
    }
    assert all(name == job_type.name for name, job_type in registry.TYPES.items())


def test_what_each_type_declares() -> None:
    types = registry.TYPES
    # Only a runner naming the type gets a transcription: one asking for anything may have
    # no speech-to-text engine.
    assert {name for name, t in types.items() if t.asked_for_only} == {"video-transcription"}
    # Lambda takes back transcoding and edits; it has no engine, and runners draw storyboards.
    assert {name for name, t in types.items() if t.fall_back is not None} == {
        "vod-hls-transcoding",
        "video-studio-transcoding",
    }
    # Jobs for a published video: its being settled does not end them at acceptance.
    assert {name for name, t in types.items() if t.after_publication} == {
        "video-transcription",
        "generate-video-storyboard",
    }
