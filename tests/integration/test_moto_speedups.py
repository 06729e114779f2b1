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


def test_data_plane_answers_are_those_of_motos_shape_walk(table: object) -> None:
    """The plain-JSON answers parse to what moto's own serialiser gives, for every kind of
    value (binary and sets included) and every data-plane operation."""
    from moto.dynamodb.responses import DynamoResult

    from local import moto_speedups

    client: object = table
    item = {
        "pk": {"S": "b"},
        "sk": {"S": "2"},
        "blob": {"B": b"\x00\xffbytes"},
        "blobs": {"BS": [b"one", b"two"]},
        "numbers": {"NS": ["1", "2.5"]},
        "strings": {"SS": ["x", "y"]},
        "nested": {"M": {"list": {"L": [{"N": "3"}, {"NULL": True}, {"BOOL": False}]}}},
    }

    def answers() -> list[object]:
        c: object = client
        c.delete_item(TableName="t", Key={"pk": {"S": "b"}, "sk": {"S": "2"}})  # type: ignore[attr-defined]
        return [
            c.put_item(TableName="t", Item=item, ReturnValues="ALL_OLD"),  # type: ignore[attr-defined]
            c.put_item(TableName="t", Item=item, ReturnValues="ALL_OLD"),  # type: ignore[attr-defined]
            c.get_item(TableName="t", Key={"pk": {"S": "b"}, "sk": {"S": "2"}}),  # type: ignore[attr-defined]
            c.query(  # type: ignore[attr-defined]
                TableName="t",
                KeyConditionExpression="pk = :b",
                ExpressionAttributeValues={":b": {"S": "b"}},
                Limit=1,
                ReturnConsumedCapacity="TOTAL",
            ),
            c.scan(TableName="t", Limit=1),  # type: ignore[attr-defined]
            c.update_item(  # type: ignore[attr-defined]
                TableName="t",
                Key={"pk": {"S": "b"}, "sk": {"S": "2"}},
                UpdateExpression="SET n = :n",
                ExpressionAttributeValues={":n": {"N": "7"}},
                ReturnValues="ALL_NEW",
            ),
            c.batch_get_item(  # type: ignore[attr-defined]
                RequestItems={
                    "t": {"Keys": [{"pk": {"S": "b"}, "sk": {"S": "2"}}, {"pk": {"S": "a"}, "sk": {"S": "1"}}]}
                }
            ),
            c.transact_get_items(  # type: ignore[attr-defined]
                TransactItems=[{"Get": {"TableName": "t", "Key": {"pk": {"S": "b"}, "sk": {"S": "2"}}}}]
            ),
            c.delete_item(  # type: ignore[attr-defined]
                TableName="t", Key={"pk": {"S": "b"}, "sk": {"S": "2"}}, ReturnValues="ALL_OLD"
            ),
            c.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": item}}]}),  # type: ignore[attr-defined]
            c.transact_write_items(TransactItems=[{"Put": {"TableName": "t", "Item": item}}]),  # type: ignore[attr-defined]
        ]

    def comparable(answer: object) -> object:
        assert isinstance(answer, dict)
        answer.pop("ResponseMetadata")
        if "Responses" in answer and isinstance(answer["Responses"], dict):  # batch order is free
            for rows in answer["Responses"].values():
                rows.sort(key=repr)
        return answer

    fast = [comparable(answer) for answer in answers()]
    patched = DynamoResult.execute_result
    DynamoResult.execute_result = moto_speedups._original_execute_result  # type: ignore[method-assign]
    try:
        walked = [comparable(answer) for answer in answers()]
    finally:
        DynamoResult.execute_result = patched  # type: ignore[method-assign]
    assert fast == walked
    assert fast[2]["Item"]["blob"] == {"B": b"\x00\xffbytes"}  # type: ignore[index]
