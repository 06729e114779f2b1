"""A local video's transcoding stages, and a live's (its `stage` attribute), and the moves
between them, as data: the one table the store enforces and the domain reads.

    uploaded ──► encoding ──► packaging ──► done
        │            │ └──────────────────────► (progressive publication)
        │            │            │
        └────────────┴────────────┴──────► failed
        ▲
        │ (a non-permanent live's replay: the live becomes its own VOD)
    live-ended ◄── live-on ◄──► live-waiting      (a live is created waiting)
        ▲                            │
        └────────────────────────────┘

- uploaded → encoding: the ingest probed the source and planned it (an ingest the sweeper
  starts again for a source whose event was lost, too);
- encoding → packaging: the last encoding step was counted (or the sweeper found it counted);
- packaging → done: the last packaging step was counted and the video published;
- encoding → done: a plan made for progressive publication (every plan since it came,
  domain/transcoding.py) packages each rendition as soon as its chunks are done, within
  the encoding stage, and publishes the video (PUBLISHED) at the first of them; the last
  one moves it to done. `packaging` is left for plans made before (videos in flight);
- done → editing → uploaded: a studio edit (docs/studio.md) makes a new source from the
  published video, which then goes through the pipeline again (editing → done when the
  edit fails: the video stays as it was);
- any of them → failed: not media, too long, a step's last attempt, an ingest Lambda gave up
  on, an upload never completed, a video the sweeper resumed too often;
- done, failed → uploaded: its owner replaced its file (PeerTube's replace-resumable,
  domain/video_replacements.py): the new source goes through the pipeline again. Both stay
  ends (`rests`): nothing moves a video on from them by itself, steps of such a video are
  dropped, and it is off the sweeper's pending list until a replacement puts it back.

A live (docs/live.md) is created in `live-waiting` (PeerTube's WAITING_FOR_LIVE): its first
playable segments move it to `live-on` (PUBLISHED), the end of a session to `live-ended`
(LIVE_ENDED), or back to `live-waiting` for a permanent live; a session that ends before it
was ever playable moves a non-permanent live from `live-waiting` to `live-ended`. A
non-permanent live whose replay is saved becomes that replay: `live-ended` → `uploaded`,
and the transcoding pipeline from there. A video in a live stage is a live (`isLive`).

Finer than PeerTube's state, which stays TO_TRANSCODE until published. Each move is one
conditional write naming the stage it leaves (store/videos.py `transition`), which refuses
any move this table does not declare, so a duplicated event or message never runs a stage
twice, and no code path can invent a move.

Why the table lives here, under store/models, and domain/transcoding.py re-exports it:
the store must refuse an undeclared move whoever writes (the transcoder, the sweeper, the
API), and the store may not import the domain. Passing the allowed moves into each store
call instead would leave the check to every caller to remember. The table is plain data
about a stored attribute, like the model's other constants; it is checked when this module
is imported (chalicelib/state_graph.py), so no function can start with a bad one.
"""

from __future__ import annotations

from chalicelib.state_graph import StateGraph

# The stored values: never rename one (items hold them).
STAGE_UPLOADED = "uploaded"  # the source is (or is about to be) in the uploads bucket
STAGE_ENCODING = "encoding"  # audio, images and chunks are being encoded
STAGE_PACKAGING = "packaging"  # each rendition is being joined into HLS
STAGE_DONE = "done"  # published
STAGE_FAILED = "failed"  # the owner sees why (Video.failure)
STAGE_LIVE_WAITING = "live-waiting"  # a live nobody streams to (WAITING_FOR_LIVE)
STAGE_LIVE_ON = "live-on"  # streaming, playable (PUBLISHED)
STAGE_LIVE_ENDED = "live-ended"  # over (LIVE_ENDED); its replay, if saved, starts from here
STAGE_IMPORTING = "importing"  # its source is being fetched from a URL (TO_IMPORT)
STAGE_EDITING = "editing"  # a studio edit is making its new source (TO_EDIT), docs/studio.md

STAGES = StateGraph(
    "video transcoding",
    start=STAGE_UPLOADED,
    # A saveAsNewVideo studio copy is created editing (docs/studio.md).
    entries=frozenset({STAGE_LIVE_WAITING, STAGE_IMPORTING, STAGE_EDITING}),
    rests=frozenset({STAGE_DONE, STAGE_FAILED}),
    moves={
        STAGE_UPLOADED: frozenset({STAGE_ENCODING, STAGE_FAILED}),
        STAGE_ENCODING: frozenset({STAGE_PACKAGING, STAGE_DONE, STAGE_FAILED}),
        STAGE_PACKAGING: frozenset({STAGE_DONE, STAGE_FAILED}),
        STAGE_DONE: frozenset({STAGE_UPLOADED, STAGE_EDITING}),
        STAGE_EDITING: frozenset({STAGE_UPLOADED, STAGE_DONE}),
        STAGE_FAILED: frozenset({STAGE_UPLOADED}),
        STAGE_LIVE_WAITING: frozenset({STAGE_LIVE_ON, STAGE_LIVE_ENDED}),
        STAGE_LIVE_ON: frozenset({STAGE_LIVE_WAITING, STAGE_LIVE_ENDED}),
        STAGE_LIVE_ENDED: frozenset({STAGE_UPLOADED}),
        STAGE_IMPORTING: frozenset({STAGE_UPLOADED}),
    },
)

# Stages a live is in: such a video is a live (PeerTube's isLive).
LIVE_STAGES = frozenset({STAGE_LIVE_WAITING, STAGE_LIVE_ON, STAGE_LIVE_ENDED})
# Stages a video is still on its way to publication in (the sweeper's pending list, V10): a
# live waits for its encoder, not for a transcoder, and is no business of the sweeper's.
# An import is no business of the sweeper's either until its file is in: the work task that
# fetches it has its own time cap, and a failed import waits for its owner's retry.
# Done and failed are settled: a video there is off the pending list and transcoding steps
# still queued for it are dropped. Done and failed are rests (a studio edit or a replaced
# file leaves them), and no step ever runs for a video in one.
SETTLED_STAGES = frozenset({STAGE_DONE, STAGE_FAILED})
# An edit is no business of the sweeper's either until its new source is made: the
# transcoder's studio message has its own attempts, and a failed edit puts the video back.
PENDING_STAGES = tuple(
    stage
    for stage in STAGES.pending
    if stage not in LIVE_STAGES and stage not in SETTLED_STAGES and stage not in (STAGE_IMPORTING, STAGE_EDITING)
)
