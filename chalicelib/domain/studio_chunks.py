"""A studio edit in chunks (docs/studio.md, "Long videos"): its steps' messages, names and
counting. The transcoder (functions/transcoder/studio_chunks.py) plans the edit as pieces
(media/studio_chunks.py), encodes each in a step of its own, the audio in another, and
joins them in a final step; this module is what those steps share with the store.

The steps are counted on the target video (the edited one, or a saveAsNewVideo copy), in
the `editing` stage, by the same conditional ADD to a set the transcoding pipeline counts its
steps with (store/videos.record_step): the plan starts the set again holding only the
edit's marker, each step adds its name once, and the one write that completes the count
sends the join, once. A step of another edit (its marker gone from the set) or of a video
no longer editing counts for nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.domain.studio_results import CHUNKS_FOLDER
from chalicelib.store import queues, uploads_bucket, videos
from chalicelib.store.models.video_stages import STAGE_EDITING

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Video

PIECE, AUDIO, JOIN = "studio-piece", "studio-audio", "studio-join"  # transcode queue kinds
KINDS = (PIECE, AUDIO, JOIN)
AUDIO_STEP = "studio-audio"


def is_chunked(duration: float, settings: Settings) -> bool:
    """Whether an edit of a video of `duration` seconds runs in chunks. Shorter ones keep the
    single pass: one invocation does them well within its 15 minutes (about 7 minutes of
    1080p, docs/studio.md), without the chunks' extra encodes, messages and join."""
    return duration > settings.studio_chunked_from_seconds


def folder(edit: str) -> str:
    """The edit's work files, in its target's work area."""
    return f"{CHUNKS_FOLDER}{edit}/"


def plan_name(edit: str) -> str:
    return f"{folder(edit)}plan.json"


def piece_name(edit: str, index: int) -> str:
    return f"{folder(edit)}piece-{index:05d}.mp4"


def audio_name(edit: str) -> str:
    return f"{folder(edit)}audio.m4a"


def piece_step(index: int) -> str:
    return f"studio-piece-{index}"


def _marker(edit: str) -> str:
    return f"studio-edit-{edit}"


def message(kind: str, video_uuid: str, target_uuid: str, edit: str, piece: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "video": video_uuid, "target": target_uuid, "edit": edit}
    if piece is not None:
        body["piece"] = piece
    return body


def begin(video_uuid: str, target: Video, edit: str, plan: dict[str, Any]) -> bool:
    """The planned edit's work starts: its plan stored, its counter started, a message per
    piece (and one for the audio) sent. False if the target left the editing stage."""
    pieces = len(plan["pieces"])
    total = pieces + (1 if plan["audio"] else 0)
    uploads_bucket.put_work_file(target.uuid, plan_name(edit), json.dumps(plan).encode())
    if not videos.start_counting(target, STAGE_EDITING, _marker(edit), total):
        uploads_bucket.delete_work_prefix(target.uuid, folder(edit))
        return False
    messages = [message(PIECE, video_uuid, target.uuid, edit, index) for index in range(pieces)]
    if plan["audio"]:
        messages.append(message(AUDIO, video_uuid, target.uuid, edit))
    queues.send_transcode_steps(messages)
    return True


def read_plan(target_uuid: str, edit: str) -> dict[str, Any] | None:
    """The edit's plan, or None once the edit is over (joined, failed) or never was."""
    if uploads_bucket.work_file_size(target_uuid, plan_name(edit)) is None:
        return None
    plan: dict[str, Any] = json.loads(uploads_bucket.read_work_file(target_uuid, plan_name(edit)))
    return plan


def is_due(target: Video, edit: str, step: str) -> bool:
    """Whether `step` of this edit still has to run: the target editing, counting this edit's
    steps, and this one not counted (a redelivered step, once counted, changes nothing)."""
    done = set(target.done_steps or ())
    return target.stage == STAGE_EDITING and _marker(edit) in done and step not in done


def step_done(video_uuid: str, target: Video, edit: str, step: str) -> None:
    """Count a finished step; the count that completes the edit's sends its join. A step
    counted already (its run died before sending the join) sends it again if the count is
    complete: the join is idempotent."""
    counts = videos.record_step(target, STAGE_EDITING, step, within=_marker(edit))
    if counts is None:
        current = videos.get_video(int(target.id))
        if current is None or not {_marker(edit), step} <= set(current.done_steps or ()):
            return
        counts = int(current.steps_done), int(current.steps_total)
    done, total = counts
    if done >= total:
        queues.send_transcode_steps([message(JOIN, video_uuid, target.uuid, edit)])


def is_counting(target: Video, edit: str) -> bool:
    """Whether the target is editing and counting this edit's steps (the join's check)."""
    return target.stage == STAGE_EDITING and _marker(edit) in set(target.done_steps or ())
