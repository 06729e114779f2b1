"""Storyboards for the videos published before Cirrus made them (what PeerTube's
`create-generate-storyboard-job` script does): one `storyboard` message on the transcode
queue for each local published video that should have one and has none. An operator runs it
once with the deployment's settings (the same environment as the functions):

    python -m functions.transcoder.backfill [--dry-run]

The videos come from the catalogue (one Query of its partition) and are read again in
batches of 100; drawing a sheet twice is harmless, so running it again is too.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from chalicelib.domain import storyboards
from chalicelib.store import catalog, queues, videos
from functions.entry import prepare

if TYPE_CHECKING:
    from chalicelib.store.models import Video

BATCH = 100


def lacking() -> list[Video]:
    """Local videos that want a storyboard and have none, by id."""
    local = sorted(video_id for video_id, video in catalog.current().videos.items() if video.is_local)
    found: list[Video] = []
    for start in range(0, len(local), BATCH):
        fresh = videos.get_videos(local[start : start + BATCH])
        found += [fresh[i] for i in sorted(fresh) if storyboards.wanted(fresh[i]) and not fresh[i].storyboard]
    return found


def ask(found: list[Video]) -> int:
    queues.send_transcode_steps([storyboards.step_message(video) for video in found])
    return len(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--dry-run", action="store_true", help="list the videos, send nothing")
    options = parser.parse_args(argv)
    prepare()
    found = lacking()
    for video in found:
        print(video.uuid, video.name)
    if not options.dry_run:
        ask(found)
    print(f"{len(found)} storyboard(s) {'to ask for' if options.dry_run else 'asked for'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
