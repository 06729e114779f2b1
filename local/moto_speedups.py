"""Speed-ups for moto's DynamoDB, where its cost grows faster than the work: the embedded
stack and the tests apply them; nothing here runs on AWS.

moto projects an item into an INCLUDE index by rebuilding the whole item as JSON once per
projected attribute, so a Query of the catalogue index (about 45 attributes) costs about
10 ms an item. For top-level attribute names, which are all an index projects, picking the
attributes is the same result.
"""

from __future__ import annotations

from typing import Any

_applied = False
_original_project: Any = None


def apply() -> None:
    global _applied, _original_project  # noqa: PLW0603 - patch once per process
    if _applied:
        return
    from moto.dynamodb.models.dynamo_type import Item, LimitedSizeDict

    original = _original_project = _original_project or Item.project

    def project(self: Any, projection_expressions: list[list[str]]) -> Any:
        if not all(len(path) == 1 for path in projection_expressions):
            return original(self, projection_expressions)
        names = {path[0] for path in projection_expressions}
        projected = Item.__new__(Item)
        projected.hash_key, projected.range_key = self.hash_key, self.range_key
        # The values are shared, not copied: a projection is only read and serialised.
        attrs = LimitedSizeDict.__new__(LimitedSizeDict)
        dict.__init__(attrs, {name: value for name, value in self.attrs.items() if name in names})
        projected.attrs = attrs
        return projected

    Item.project = project
    _applied = True
