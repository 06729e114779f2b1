"""The local speed-up of moto's index projection gives moto's own result."""

from __future__ import annotations

from moto.dynamodb.models.dynamo_type import DynamoType, Item

from local import moto_speedups


def test_projection_matches_motos_own() -> None:
    attrs = {
        "pk": {"S": "VIDEO#1"},
        "name": {"S": "A video"},
        "tags": {"SS": ["a", "b"]},
        "avatars": {"L": [{"M": {"path": {"S": "x.jpg"}, "width": {"N": "48"}}}]},
        "views": {"N": "12"},
        "plan": {"M": {"chunks": {"L": [{"N": "1"}]}}},
    }
    paths = [["name"], ["tags"], ["avatars"], ["views"], ["missing"]]
    item = Item(DynamoType({"S": "VIDEO#1"}), DynamoType({"S": "ENTITY"}), attrs)
    moto_speedups.apply()
    original = moto_speedups._original_project
    assert Item.project is not original
    # Sets compare as sets: moto's own round trip may reorder them.
    assert Item.project(item, paths).to_regular_json() == original(item, paths).to_regular_json()
    assert "plan" not in Item.project(item, paths).attrs
    nested = [["avatars"], ["plan", "chunks"]]  # a nested path still goes through moto's own code
    assert Item.project(item, nested).to_regular_json() == original(item, nested).to_regular_json()
