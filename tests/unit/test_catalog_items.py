"""The catalogue's fast reading of index items makes the same models as PynamoDB's own
reading (`TableItem.from_raw_data`), for every kind the catalogue index holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.store import catalog_items
from chalicelib.store.models import Actor, Deletion, TableItem, Tombstone, Video
from chalicelib.store.models.actor import new_actor_image
from chalicelib.store.models.base import CATALOG_ATTRIBUTES

WHEN = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def index_item(model: TableItem) -> dict[str, Any]:
    """The item as the catalogue index returns it: the write's attributes, projected."""
    kept = {"pk", "sk", "catalog_pk", "catalog_sk", *CATALOG_ATTRIBUTES}
    return {name: value for name, value in model.serialize(null_check=False).items() if name in kept}


def catalogued(model: TableItem) -> TableItem:
    model.catalog_pk, model.catalog_sk = "CATALOG", "2025-03-04T05:06:07.890123"
    return model


ITEMS = [
    catalogued(
        Video(
            "VIDEO#7",
            "ENTITY",
            id=7,
            uuid="9b1d2c6e-3f5a-4c1b-8d7e-0a1b2c3d4e5f",
            name="Pâtes à la maison",
            description="Une recette, pas à pas",
            support="Merci",
            tags={"cuisine", "Pâtes"},
            category=13,
            licence=2,
            language="fr",
            channel_id=3,
            account_id=2,
            user_id=1,
            url="https://cirrus.example/videos/watch/9b1d2c6e-3f5a-4c1b-8d7e-0a1b2c3d4e5f",
            privacy=1,
            state=1,
            stage="done",
            nsfw=True,
            is_local=False,
            wait_transcoding=False,
            duration=754,
            aspect_ratio=1.7778,
            views=12345678901,
            likes=0,
            dislikes=3,
            trending=-2,
            comments_count=10,
            files_size=123456789,
            blacklist="spam",
            created_at=WHEN,
            updated_at=WHEN + timedelta(seconds=1),
            published_at=WHEN + timedelta(hours=1),
            originally_published_at=WHEN - timedelta(days=400),
            expires_at=WHEN + timedelta(days=1),
        )
    ),
    # Only what a minimal write sets: the defaults come from the model.
    catalogued(
        Video(
            "VIDEO#8",
            "ENTITY",
            id=8,
            uuid="u",
            name="n",
            channel_id=3,
            account_id=2,
            url="x",
            created_at=WHEN,
            updated_at=WHEN,
        )
    ),
    catalogued(
        Actor(
            "ACTOR#3",
            "ENTITY",
            id=3,
            actor_type="Group",
            preferred_username="cuisine",
            display_name="Cuisine",
            host="peer.example",
            url="https://peer.example/video-channels/cuisine",
            account_id=2,
            followers_count=4,
            avatars=[new_actor_image(48, 48, "a.png", WHEN)],
            created_at=WHEN,
            updated_at=WHEN,
        )
    ),
    catalogued(
        Actor(
            "ACTOR#2", "ENTITY", id=2, actor_type="Person", preferred_username="chef", created_at=WHEN, updated_at=WHEN
        )
    ),
    catalogued(Deletion("DELETION#ACTOR#2", "ENTITY", target_kind="Account", target_id=2, requested_at=WHEN)),
    catalogued(Tombstone("TOMBSTONE#Video#9", "ENTITY", target_kind="Video", target_id=9, expires_at=WHEN)),
]


@pytest.mark.parametrize("model", ITEMS, ids=lambda m: f"{type(m).__name__}#{m.pk}")
def test_an_index_item_reads_as_pynamodb_reads_it(model: TableItem) -> None:
    raw = index_item(model)
    expected = TableItem.from_raw_data(raw)
    read = catalog_items.read(raw)
    assert type(read) is type(expected)
    assert read.attribute_values.keys() == expected.attribute_values.keys()
    for name, value in expected.attribute_values.items():
        assert type(read.attribute_values[name]) is type(value), name
        if name not in ("avatars", "banners"):  # maps compare by identity; serialised below
            assert read.attribute_values[name] == value, name
    assert read.serialize(null_check=False) == expected.serialize(null_check=False)


def test_numbers_read_as_json_reads_them() -> None:
    for text in ("0", "7", "-3", "12345678901234567890", "1.5", "1e3", "-0.25"):
        raw = index_item(ITEMS[1])
        raw["duration"] = {"N": text}
        read, expected = catalog_items.read(raw), TableItem.from_raw_data(raw)
        assert isinstance(read, Video) and isinstance(expected, Video)
        assert read.duration == expected.duration and type(read.duration) is type(expected.duration)


def test_defaults_are_not_shared_between_items() -> None:
    raw = index_item(ITEMS[3])
    first, second = catalog_items.read(raw), catalog_items.read(raw)
    assert first.avatars == [] and first.avatars is not second.avatars  # type: ignore[union-attr]


def test_a_kind_no_model_has_is_left_out() -> None:
    assert catalog_items.read({"pk": {"S": "X"}, "sk": {"S": "Y"}, "kind": {"S": "NoSuchKind"}}) is None
    assert catalog_items.read({"pk": {"S": "X"}, "sk": {"S": "Y"}}) is None
