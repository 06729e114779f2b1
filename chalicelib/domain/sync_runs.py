"""A channel synchronisation's run ends with its imports, as PeerTube's: its
`after-video-channel-import` job runs once every import job of the run has ended, and
leaves the sync FAILED if any of them failed (or could not be built), else SYNCED; until
then the sync is PROCESSING. Here the run is counted on the sync item (store/channel_syncs,
CS4-CS6): the listing adds the imports it started once it is done, each import's end takes
one away once (the import keeps a mark), and whichever write brings the count to 0 with the
listing done moves the sync, by a write conditioned on that. A run replaced by another (a
manual sync, or the hourly check taking over a run gone stale) ignores the old run's ends.
See docs/imports.md, "Channel synchronisation"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.observability import count, logger
from chalicelib.store import channel_syncs
from chalicelib.store.models.channel_sync import SYNC_FAILED, SYNC_SYNCED

if TYPE_CHECKING:
    from chalicelib.store.models import ChannelSync, VideoImport


def listing_ended(sync_id: int, run: str, started: int, refused: int) -> None:
    """The run's listing has started `started` imports (`refused` could not be)."""
    written = channel_syncs.end_listing(sync_id, run, started, refused)
    if written is not None:
        _finish_if_done(sync_id, run, written)


def import_ended(item: VideoImport, *, failed: bool) -> None:
    """An import ended (succeeded, failed, was rejected or cancelled): counted in its run,
    once, if it belongs to one."""
    if item.channel_sync_id is None or not item.channel_sync_run:
        return
    if not channel_syncs.count_import_end(item, failed):
        return
    sync = channel_syncs.get_sync(int(item.channel_sync_id), consistent=True)
    if sync is not None:
        _finish_if_done(int(item.channel_sync_id), str(item.channel_sync_run), sync)


def _finish_if_done(sync_id: int, run: str, sync: ChannelSync) -> None:
    if sync.run != run or not sync.listing_done or int(sync.imports_left or 0) != 0:
        return
    to = SYNC_FAILED if int(sync.imports_failed or 0) > 0 else SYNC_SYNCED
    if channel_syncs.finish_run(sync_id, run, to):
        logger.info("channel sync run ended", extra={"sync": sync_id, "failed": int(sync.imports_failed or 0)})
        count("ChannelSyncRunsEnded")
