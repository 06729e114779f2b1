"""A PeerTube resumable upload in progress: bytes received so far and the S3 parts made.

S3 multipart parts must be at least 5 MiB (but the last), while a chunk that crosses API
Gateway and Lambda is at most about 4 MiB: bytes that do not yet fill a part wait in a
`pending` object, and each chunk that completes a part sends it to S3. No invocation ever
holds more than one part (about 9 MiB), whatever the size of the file.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class UploadSession(TableItem, discriminator="UploadSession"):
    upload_id = UnicodeAttribute()
    user_id = NumberAttribute()
    video_id = NumberAttribute()  # 0 for an account archive (user_import_id says which)
    user_import_id = NumberAttribute(null=True)  # the user import this upload's archive is for
    size = NumberAttribute()
    received = NumberAttribute(default=0)
    pending = NumberAttribute(default=0)  # bytes waiting in the pending object
    s3_upload_id = UnicodeAttribute()
    parts = JSONAttribute(default=list)  # [{"PartNumber": n, "ETag": "..."}]
    # A replacement of an existing video's file (domain/video_replacements.py): the key the
    # new source is written to, and the name its client gave it.
    source_key = UnicodeAttribute(null=True)
    filename = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
