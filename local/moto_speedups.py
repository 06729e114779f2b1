"""Speed-ups for moto's DynamoDB, where its cost grows faster than the work: the embedded
stack and the tests apply them; nothing here runs on AWS.

moto projects an item into an INCLUDE index by rebuilding the whole item as JSON once per
projected attribute, so a Query of the catalogue index (about 45 attributes) costs about
10 ms an item. For top-level attribute names, which are all an index projects, picking the
attributes is the same result.

moto 5.2 also serialises every DynamoDB answer by walking botocore's output shapes, member by
member: a sixth of a test's time. The data-plane answers are already in the wire's JSON form
(attribute-value maps of strings), so they are dumped as they are.
"""

from __future__ import annotations

from typing import Any

_applied = False
_original_project: Any = None
_original_execute_result: Any = None


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
    _apply_transaction_backups()
    _apply_plain_json_answers()
    _applied = True


def _apply_transaction_backups() -> None:
    """moto backs a transaction up by deep-copying every table it names, whole, and on a
    failure swaps the tables for those copies: each transaction costs the size of the table,
    and the local stack's memory grew by hundreds of MB a minute under a soak (bench/soak.py).
    DynamoDB's rule is simpler: a cancelled transaction changes none of its items. So back
    up those items only (small copies), and put them back when the transaction fails."""
    import copy
    import types

    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: Any = None) -> Any:
        # moto's transaction then "restores" the very table it holds: a no-op; ours restores.
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    original = DynamoDBBackend.transact_write_items
    original.__globals__["copy"] = types.SimpleNamespace(deepcopy=deepcopy)

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        backups = [_backup(self, entry) for entry in transact_items]
        try:
            original(self, transact_items)
        except BaseException:
            for backup in reversed(backups):
                if backup is not None:
                    _restore(*backup)
            raise

    DynamoDBBackend.transact_write_items = transact_write_items


# Operations whose answers hold only attribute values, counts and capacity: nothing the shape
# walk would change but binary values (base64) and absent members (omitted).
_DATA_PLANE = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def _apply_plain_json_answers() -> None:
    import base64
    import json

    from moto.dynamodb.responses import DynamoResult

    global _original_execute_result  # noqa: PLW0603 - kept so a test can compare the two
    original = _original_execute_result = _original_execute_result or DynamoResult.execute_result

    def wire_value(value: Any) -> Any:
        if isinstance(value, bytes):
            return base64.b64encode(value).decode("ascii")
        raise TypeError(f"{type(value).__name__} is not a DynamoDB wire value")

    def execute_result(self: Any, context: Any) -> Any:
        result = self.result
        if context.operation_model.name not in _DATA_PLANE or not isinstance(result, dict):
            return original(self, context)
        present = {name: value for name, value in result.items() if value is not None}
        body = json.dumps(present, default=wire_value)
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    DynamoResult.execute_result = execute_result


def _backup(backend: Any, entry: dict[str, Any]) -> tuple[Any, Any, Any, Any] | None:
    """(table, hash key, range key, a copy of the item or None) for one operation."""
    import copy

    from moto.dynamodb.models import dynamo_type

    _, operation = next(iter(entry.items()))
    table = backend.tables.get(operation.get("TableName")) if isinstance(operation, dict) else None
    key = (operation.get("Key") or operation.get("Item")) if table is not None else None
    if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
        return None
    range_value = None
    if table.range_key_attr:
        if table.range_key_attr not in key:
            return None  # moto refuses the operation
        range_value = dynamo_type.DynamoType(key[table.range_key_attr])
    hash_value = dynamo_type.DynamoType(key[table.hash_key_attr])
    return table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))


def _restore(table: Any, hash_value: Any, range_value: Any, item: Any) -> None:
    if item is None:
        table.delete_item(hash_value, range_value)
    elif range_value is not None:
        table.items[hash_value][range_value] = item
    else:
        table.items[hash_value] = item
