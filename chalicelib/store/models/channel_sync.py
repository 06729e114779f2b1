"""A channel synchronisation (PeerTube's VideoChannelSync): a local channel kept mirrored from
an external channel URL. Its own partition, `CHANNELSYNC#<id>`; listed for its account
through gsi1 (`CHANNELSYNCS#ACCOUNT#<id>`) and, for the hourly check, all together through
gsi2 (`CHANNELSYNCS`, one small partition: an instance has few). The external videos a
channel already imported are marks in the channel's own `CHANNELIMPORTED#<id>` partition."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

# PeerTube's VideoChannelSyncState.
SYNC_SYNCED, SYNC_PROCESSING, SYNC_FAILED, SYNC_WAITING_FIRST_RUN = 1, 2, 3, 4
SYNC_STATE_LABELS = {
    SYNC_SYNCED: "Synchronized",
    SYNC_PROCESSING: "Processing",
    SYNC_FAILED: "Failed",
    SYNC_WAITING_FIRST_RUN: "Waiting first run",
}


class ChannelSync(TableItem, discriminator="ChannelSync"):
    id = NumberAttribute()
    channel_id = NumberAttribute()
    account_id = NumberAttribute()
    external_channel_url = UnicodeAttribute()
    state = NumberAttribute(default=SYNC_WAITING_FIRST_RUN)
    error = UnicodeAttribute(null=True)  # why the last listing failed (logs and the owner)
    last_sync_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    # The running (or last) run, until its imports have all ended (domain/sync_runs.py): its
    # id, whether its listing has started all its imports, how many of them are still to
    # end (may dip below 0 while the listing runs: an import may end before it is counted)
    # and how many failed (or could not be started).
    run = UnicodeAttribute(null=True)
    listing_done = BooleanAttribute(null=True)
    imports_left = NumberAttribute(null=True)
    imports_failed = NumberAttribute(null=True)


class ChannelImportedUrl(TableItem, discriminator="ChannelImportedUrl"):
    """An external video a channel has imported (PeerTube's urlAlreadyImported): written
    with a condition before the import is made, so two checks never import it twice."""

    channel_id = NumberAttribute()
    target_url = UnicodeAttribute()
    import_id = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
