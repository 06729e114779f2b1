"""The local stack's moto speed-ups keep DynamoDB's semantics (local/moto_speedups.py)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def table() -> object:
    from moto import mock_aws

    from local import moto_speedups

    moto_speedups.apply()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "1"}})
        yield client


def test_a_cancelled_transaction_changes_none_of_its_items_and_copies_no_table(table: object) -> None:
    from moto.backends import get_backend

    client: object = table
    backend = get_backend("dynamodb")["123456789012"]["us-east-1"]
    before = backend.tables["t"]
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(  # type: ignore[attr-defined]
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}, "sk": {"S": "1"}}}},
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "missing"}, "sk": {"S": "1"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = client.scan(TableName="t")["Items"]  # type: ignore[attr-defined]
    assert items == [{"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "1"}}]
    assert backend.tables["t"] is before  # moto's own backup would have swapped in a whole copy

    client.transact_write_items(  # type: ignore[attr-defined]
        TransactItems=[{"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}, "sk": {"S": "1"}}}}]
    )
    assert len(client.scan(TableName="t")["Items"]) == 2  # type: ignore[attr-defined]
