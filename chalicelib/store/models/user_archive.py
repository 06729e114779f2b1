"""A user's account archives (PeerTube's user exports and imports): one item each in the
user's partition, its state, its S3 object and, for an import, what was restored or refused."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class UserExport(TableItem, discriminator="UserExport"):
    id = NumberAttribute()
    user_id = NumberAttribute()
    state = NumberAttribute(default=1)  # PeerTube's UserExportState: 1 pending ... 4 errored
    with_video_files = BooleanAttribute(default=False)
    object_key = UnicodeAttribute(null=True)  # in the uploads bucket, once completed
    size = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    completed_at = UTCDateTimeAttribute(null=True)


class UserImport(TableItem, discriminator="UserImport"):
    id = NumberAttribute()
    user_id = NumberAttribute()
    state = NumberAttribute(default=1)  # PeerTube's UserImportState: 1 pending ... 4 errored
    object_key = UnicodeAttribute()  # the uploaded archive, in the uploads bucket
    error = UnicodeAttribute(null=True)
    summary = JSONAttribute(null=True)  # per section: {"success": n, "duplicates": n, "errors": n}
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)


class UserExportSlot(TableItem, discriminator="UserExportSlot"):
    """The user's latest export request: a new one is written only if this still names the
    one its caller saw, so two requests racing cannot both start an export."""

    last_export_id = NumberAttribute()
