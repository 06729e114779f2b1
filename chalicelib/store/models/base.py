"""The main table: keys, the generic secondary index, TTL, and the item kind."""

from __future__ import annotations

from pynamodb.attributes import DiscriminatorAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

DEFAULT_TABLE_NAME = "cirrus-main"
GSI1_NAME = "gsi1"
GSI2_NAME = "gsi2"


class Gsi1(GlobalSecondaryIndex["TableItem"]):
    """Generic inverted lists: `gsi1pk` names a list, `gsi1sk` orders it."""

    class Meta:
        index_name = GSI1_NAME
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex["TableItem"]):
    """A second generic list, for items that belong to two lists (a channel: all channels,
    and its account's channels)."""

    class Meta:
        index_name = GSI2_NAME
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class TableItem(Model):
    """Every item of the main table; subclasses are told apart by `kind`."""

    class Meta:
        table_name = DEFAULT_TABLE_NAME
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_gsi1 = Gsi1()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_gsi2 = Gsi2()
    # DynamoDB deletes an item some time (up to days) after this instant; readers of
    # expiring items (tokens, throttles, dedupe marks) still check it themselves.
    expires_at = TTLAttribute(null=True)
