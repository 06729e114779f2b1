"""What remains of a deleted video or actor in the catalogue's change feed, so that readers
following the feed drop it too. It expires; a reader that has not looked for longer than
that reloads the whole catalogue instead (chalicelib/store/catalog.py)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.store.models.catalogued import Catalogued


class Tombstone(Catalogued, discriminator="Tombstone"):
    target_kind = UnicodeAttribute()  # "Video" or "Actor"
    target_id = NumberAttribute()
