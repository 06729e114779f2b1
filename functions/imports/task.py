"""The import task: one video import's download, where the work function cannot run it (a
torrent: libtorrent is not in its layers; a download longer than its 15 minutes).

    python -m functions.imports.task <import id>

is the Fargate task's command (template.yaml ImportTaskDefinition; the work function starts
it with ecs:RunTask, store/import_tasks.py) and, under `make run`, a subprocess the stack
starts the same way. The code is the work function's (domain/video_imports.run_in_task):
the file streams into the uploads bucket's multipart upload, then a work message takes the
result back to the work function for the checks and the hand-over. Exits 0 whatever the
import's outcome (its state tells it); non-zero only when it could not run at all.
"""

from __future__ import annotations

import argparse

from chalicelib.config import get_settings
from chalicelib.domain import video_imports
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import logger
from chalicelib.store import table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Cirrus's import task: one video import's download")
    parser.add_argument("import_id", type=int)
    options = parser.parse_args(argv)
    # What every process running domain code does first (functions/entry.py): the table.
    # No event subscribers: the task only downloads and sends a work message.
    table.bind(get_settings())
    logger.info("import task started", extra={"import": options.import_id})
    video_imports.run_in_task(options.import_id, utcnow())
    logger.info("import task ended", extra={"import": options.import_id})


if __name__ == "__main__":
    main()
