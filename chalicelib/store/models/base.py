"""The main table: keys, the generic secondary index, TTL, and the item kind."""

from __future__ import annotations

from pynamodb.attributes import DiscriminatorAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

DEFAULT_TABLE_NAME = "cirrus-main"
GSI1_NAME = "gsi1"
GSI2_NAME = "gsi2"
CATALOG_INDEX_NAME = "catalog"

# What the in-memory catalogue (chalicelib/store/catalog.py) needs of a video or an actor to
# filter, sort, search and render lists without reading the items themselves. Transcoding
# state (plans, steps) and keys stay out: they are large and change often.
CATALOG_ATTRIBUTES = [
    "kind",
    "id",
    "uuid",
    "name",
    "channel_id",
    "account_id",
    "user_id",
    "is_local",
    "url",
    "privacy",
    "state",
    "stage",
    "category",
    "licence",
    "language",
    "description",
    "support",
    "tags",
    "nsfw",
    "duration",
    "aspect_ratio",
    "views",
    "likes",
    "dislikes",
    "trending",
    "comments_count",
    "files_size",
    "comments_policy",
    "download_enabled",
    "wait_transcoding",
    "has_images",
    "image_name",
    "created_at",
    "updated_at",
    "published_at",
    "originally_published_at",
    "blacklist",
    "actor_type",
    "preferred_username",
    "host",
    "display_name",
    "avatars",
    "banners",
    "followers_count",
    "following_count",
    "target_kind",
    "target_id",
]


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


class CatalogIndex(GlobalSecondaryIndex["TableItem"]):
    """Every video and actor, ordered by when it last changed: the change feed the
    in-memory catalogue follows. Deleted ones leave a tombstone here for a while."""

    class Meta:
        index_name = CATALOG_INDEX_NAME
        projection = IncludeProjection(CATALOG_ATTRIBUTES)

    catalog_pk = UnicodeAttribute(hash_key=True)
    catalog_sk = UnicodeAttribute(range_key=True)


class TableItem(Model):
    """Every item of the main table; subclasses are told apart by `kind`."""

    def __copy__(self) -> TableItem:
        """A snapshot: PynamoDB keeps values in one dict per instance, which a shallow copy
        would share, so a `before` taken with copy.copy changed with the item it was taken
        from (a public video made private sent no Delete, as both sides looked private)."""
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone.attribute_values = dict(self.attribute_values)
        return clone

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
    catalog_pk = UnicodeAttribute(null=True)
    catalog_sk = UnicodeAttribute(null=True)  # when the item last changed (ISO, microseconds)
    by_catalog = CatalogIndex()
    # DynamoDB deletes an item some time (up to days) after this instant; readers of
    # expiring items (tokens, throttles, dedupe marks) still check it themselves.
    expires_at = TTLAttribute(null=True)
