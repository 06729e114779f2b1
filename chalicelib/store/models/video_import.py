"""A video import by URL (PeerTube's VideoImport): its own partition, `IMPORT#<id>`, listed
for its user through gsi1 (`IMPORTS#USER#<id>`, by creation time)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.base import TableItem

# PeerTube's VideoImportState.
IMPORT_PENDING, IMPORT_SUCCESS, IMPORT_FAILED, IMPORT_REJECTED, IMPORT_CANCELLED, IMPORT_PROCESSING = 1, 2, 3, 4, 5, 6
IMPORT_STATE_LABELS = {
    IMPORT_PENDING: "Pending",
    IMPORT_SUCCESS: "Success",
    IMPORT_FAILED: "Failed",
    IMPORT_REJECTED: "Rejected",
    IMPORT_CANCELLED: "Cancelled",
    IMPORT_PROCESSING: "Processing",
}


class VideoImport(TableItem, discriminator="VideoImport"):
    id = NumberAttribute()
    user_id = NumberAttribute()
    video_id = NumberAttribute(null=True)  # None once the video is deleted
    target_url = UnicodeAttribute(null=True)  # None for a torrent import
    magnet_uri = UnicodeAttribute(null=True)  # a magnet import's link
    torrent_name = UnicodeAttribute(null=True)  # a torrent import's file name (a .torrent's, or the magnet's dn)
    state = NumberAttribute(default=IMPORT_PENDING)
    error = UnicodeAttribute(null=True)
    # No name was given: the video takes the title the source gives (PeerTube's behaviour).
    name_from_source = BooleanAttribute(default=False)
    channel_sync_id = NumberAttribute(null=True)  # made by this channel synchronisation
    channel_sync_run = UnicodeAttribute(null=True)  # ...in this run of it
    sync_counted = BooleanAttribute(null=True)  # its end was counted in that run (once)
    attempts = NumberAttribute(default=0)  # downloads started (each retry starts one)
    started_at = UTCDateTimeAttribute(null=True)  # the running download's start
    # Where the running download is: None in the work function, "task" handed to the import
    # task (Fargate, or a subprocess of the local stack), "finishing" back in the work
    # function for the checks and the hand-over.
    runner = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class ImportsBackfill(TableItem, discriminator="ImportsBackfill"):
    """The one-off backfill of the processing list (I2) for imports already processing when
    it was introduced (domain/import_backfill.py): one item, `CONFIG#importsbackfill`."""

    cursor = UnicodeAttribute(null=True)  # the users list's next page (its key, as JSON)
    users_seen = NumberAttribute(default=0)
    relisted = NumberAttribute(default=0)
    done_at = UTCDateTimeAttribute(null=True)  # set once every user has been seen


class ImportSlots(TableItem, discriminator="ImportSlots"):
    """The imports downloading now (PeerTube's import.videos.concurrency): one item,
    `IMPORTSLOTS#instance`, whose `holders` are import ids."""

    holders = UnicodeSetAttribute(null=True)
