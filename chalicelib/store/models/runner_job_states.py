"""A runner job's states (PeerTube's RunnerJobState, stored as its numbers) and the moves
between them, as data (chalicelib/state_graph.py), checked when this module is imported.

    pending ──accept──► processing ──success──► completing ──► completed
       ▲                   │  │
       └── error (< 5), ───┘  └── error (5th) ──► errored (the video fails)
           abort, stalled          cancel (administrator) ──► cancelled

store/runners.py `move_job` refuses a move this table does not declare, whoever asks (the
API, the sweeper, the transcoder); the domain (domain/runner_jobs/) decides which to ask for.
It lives under store/models for the reason video_stages.py gives: the store enforces it and
may not import the domain.
"""

from __future__ import annotations

from chalicelib.state_graph import StateGraph

# The stored values: PeerTube's numbers, never renumber one (items and runners hold them).
PENDING, PROCESSING, COMPLETED, ERRORED = 1, 2, 3, 4
WAITING_FOR_PARENT_JOB, CANCELLED, PARENT_ERRORED, PARENT_CANCELLED, COMPLETING = 5, 6, 7, 8, 9

STATE_LABELS = {
    PENDING: "Pending",
    PROCESSING: "Processing",
    COMPLETED: "Completed",
    ERRORED: "Errored",
    WAITING_FOR_PARENT_JOB: "Waiting for parent job",
    CANCELLED: "Cancelled",
    PARENT_ERRORED: "Parent had an error",
    PARENT_CANCELLED: "Parent has been cancelled",
    COMPLETING: "Completing",
}

# Cirrus makes no job with a parent, so the three parent states are labels only.
JOB_STATES = StateGraph(
    "runner jobs",
    start=PENDING,
    moves={
        # Accepted; cancelled (its video gone, the Lambda fallback, an administrator); a
        # stuck studio edit given up.
        PENDING: frozenset({PROCESSING, CANCELLED, ERRORED}),
        # Progress (the same state, a newer update); an error, an abort or a stall puts it
        # back; success; the fifth error; an administrator's cancel.
        PROCESSING: frozenset({PROCESSING, PENDING, COMPLETING, ERRORED, CANCELLED}),
        # The result in place; an administrator's cancel or a given-up edit meanwhile.
        COMPLETING: frozenset({COMPLETED, CANCELLED, ERRORED}),
        COMPLETED: frozenset(),
        ERRORED: frozenset(),
        CANCELLED: frozenset(),
    },
)

# The states a job may still move from: pending, processing and completing.
ACTIVE = JOB_STATES.pending
