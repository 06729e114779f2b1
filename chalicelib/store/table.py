"""Binding the models to the configured table, and creating that table.

The table's schema has one source, the PynamoDB models: the tests and the embedded stack
create it from them, and tests/infra checks that template.yaml declares the same keys.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from chalicelib import aws
from chalicelib.store.models import TableItem

if TYPE_CHECKING:
    from chalicelib.config import Settings

TTL_ATTRIBUTE = "expires_at"


def bind(settings: Settings) -> None:
    """Point every model at the configured table, region and endpoint."""
    meta: Any = TableItem.Meta
    meta.table_name = settings.table_name
    meta.region = settings.aws_region
    meta.host = settings.aws_endpoint_url
    _share_one_connection()


def create_table(*, wait: bool = True) -> None:
    """Create the main table (if missing) and turn on TTL expiry."""
    client = TableItem._get_connection().connection.client
    if not TableItem.exists():
        TableItem.create_table(wait=wait)
    else:
        _add_missing_indexes(client)
    ttl = client.describe_time_to_live(TableName=TableItem.Meta.table_name)
    if ttl["TimeToLiveDescription"].get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(
            TableName=TableItem.Meta.table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )


def table_schema() -> dict[str, Any]:
    """The key schema the models declare, in CloudFormation's shape (for tests/infra)."""
    schema = TableItem._get_schema()
    return {
        "KeySchema": sorted(schema["key_schema"], key=lambda key: key["KeyType"]),
        "GlobalSecondaryIndexes": {
            index["index_name"]: sorted(index["key_schema"], key=lambda key: key["KeyType"])
            for index in schema["global_secondary_indexes"]
        },
        "Projections": {index["index_name"]: index["projection"] for index in schema["global_secondary_indexes"]},
        "TimeToLiveAttribute": TTL_ATTRIBUTE,
    }


def _add_missing_indexes(client: Any) -> None:
    """An existing table (a local data directory from an older version) gains new indexes."""
    name = TableItem.Meta.table_name
    existing = {
        i["IndexName"] for i in client.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes", [])
    }
    schema = TableItem._get_schema()
    for index in schema["global_secondary_indexes"]:
        if index["index_name"] in existing:
            continue
        client.update_table(
            TableName=name,
            AttributeDefinitions=index["attribute_definitions"],
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": index["index_name"],
                        "KeySchema": index["key_schema"],
                        "Projection": index["projection"],
                    }
                }
            ],
        )


def _share_one_connection() -> None:
    # PynamoDB caches a connection (and its botocore client, ~100 ms to build) per model
    # class. Every model lives in the same table, so they all share the base class's:
    # subclasses inherit `_connection` as long as they have none of their own.
    _drop_own_connections(TableItem)
    TableItem._connection = None
    connection = TableItem._get_connection().connection
    # PynamoDB would make a botocore session of its own (per thread), parsing the models again;
    # it takes the process's instead, when it first needs one (not at import: boto3 is heavy).
    connection._local = _ProcessSession()


class _ProcessSession(threading.local):
    """What PynamoDB keeps per thread (its botocore session): the process's, made on first use."""

    @property
    def session(self) -> Any:
        return aws.botocore_session()


def _drop_own_connections(cls: type) -> None:
    sub: type
    for sub in cls.__subclasses__():
        if "_connection" in sub.__dict__:
            delattr(sub, "_connection")
        _drop_own_connections(sub)
