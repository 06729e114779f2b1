"""The processing list's one-off backfill: the dead-download sweep (video_imports.sweep)
finds its imports on a sparse list (I2) written when a download starts, so an import that was
already processing when that list was introduced is not on it, and would stay processing
until a message for it came. The hourly check walks the local users, a page at a time, and
puts each such import on the list under its download's start; the sweep then treats it as
any other. It keeps where it stands in one item (`CONFIG#importsbackfill`) and marks itself
done there after the last page: from then on it costs one read an hour. Each write is
conditioned on the import still processing and off the list, so a page seen twice (a run cut
short before it saved its place) changes nothing. See docs/imports.md."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chalicelib.observability import count, logger
from chalicelib.store import users, video_imports
from chalicelib.store.models.video_import import IMPORT_PROCESSING

if TYPE_CHECKING:
    from datetime import datetime

USERS_PER_RUN = 200  # one Query of the users list, then one of each user's imports


def run(now: datetime) -> int:
    """One page of the backfill, unless it is done; how many imports joined the list."""
    state = video_imports.get_backfill()
    if state is not None and state.done_at is not None:
        return 0
    cursor = json.loads(state.cursor) if state is not None and state.cursor else None
    ids, following = users.user_ids_page(cursor, USERS_PER_RUN)
    relisted = 0
    for user_id in ids:
        for item in video_imports.list_for_user(user_id):
            if int(item.state) == IMPORT_PROCESSING and item.gsi2pk is None and video_imports.relist_processing(item):
                relisted += 1
    seen = int(state.users_seen or 0) if state is not None else 0
    total = int(state.relisted or 0) if state is not None else 0
    done_at = now if following is None else None
    video_imports.save_backfill(
        json.dumps(following) if following is not None else None, seen + len(ids), total + relisted, done_at
    )
    if relisted:
        count("VideoImportsRelisted", relisted)
    if done_at is not None:
        logger.info("processing imports backfilled", extra={"users": seen + len(ids), "relisted": total + relisted})
    return relisted
