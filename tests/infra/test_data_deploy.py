"""The stack's data resources, deployed by CloudFormation (moto's), come out as issue #9 asks.

template.yaml's table, buckets and queues (and the parameters they name) go into moto's
`cloudformation.create_stack`; boto3's describe calls then read back what a deployment
would have. moto's CloudFormation applies only part of the properties (keys, indexes,
billing, bucket encryption and names, every queue attribute). The rest it drops, and
`complete_what_moto_drops` applies those same template blocks with the service APIs, as
CloudFormation's own resource handlers do; `test_moto_still_drops_what_we_complete`
notices when moto learns one, so the step never hides a property moto would have refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import boto3
import pytest

from chalicelib.deploy_specs import DLQ_RETENTION_SECONDS, QueueSpec
from chalicelib.store.table import table_schema
from tests.infra.conftest import PARAMETERS
from tests.infra.iam import PSEUDO, Renderer
from tests.infra.test_template import SPECS, dead_letter_queue_id, queue_id

DATA_TYPES = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue")
STACK = "Cirrus"
# The properties moto's CloudFormation (moto 5.2) accepts but does not apply.
DROPPED_BY_MOTO = {
    "AWS::DynamoDB::Table": ("TimeToLiveSpecification", "PointInTimeRecoverySpecification"),
    "AWS::S3::Bucket": (
        "LifecycleConfiguration",
        "CorsConfiguration",
        "PublicAccessBlockConfiguration",
        "OwnershipControls",
    ),
}


def data_template(template: Mapping[str, Any]) -> dict[str, Any]:
    """The table, buckets and queues of template.yaml, and the parameters they use."""
    resources = {name: r for name, r in template["Resources"].items() if r["Type"] in DATA_TYPES}
    text = json.dumps(resources)
    parameters = {
        name: p for name, p in template["Parameters"].items() if f'"Ref": "{name}"' in text or f"${{{name}}}" in text
    }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": parameters, "Resources": resources}


def for_moto(template: dict[str, Any]) -> dict[str, Any]:
    """moto reads a table's SSESpecification with the API's key (Enabled), not CloudFormation's."""
    adapted = json.loads(json.dumps(template))
    for resource in adapted["Resources"].values():
        sse = resource["Properties"].get("SSESpecification")
        if resource["Type"] == "AWS::DynamoDB::Table" and sse:
            sse["Enabled"] = sse["SSEEnabled"]
    return adapted


def lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    api: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "ExpirationInDays" in rule:
        api["Expiration"] = {"Days": rule["ExpirationInDays"]}
    if "AbortIncompleteMultipartUpload" in rule:
        api["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return api


def cors_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
    return {renamed.get(key, key): value for key, value in rule.items()}


def complete_what_moto_drops(
    resources: Mapping[str, Any], physical: Mapping[str, str], render: Any, session: boto3.Session
) -> None:
    """Apply the DROPPED_BY_MOTO properties with the calls CloudFormation's handlers make."""
    dynamodb, s3 = session.client("dynamodb"), session.client("s3")
    for name, resource in resources.items():
        props = render(resource["Properties"])
        if resource["Type"] == "AWS::DynamoDB::Table":
            table = physical[name]
            dynamodb.update_time_to_live(TableName=table, TimeToLiveSpecification=props["TimeToLiveSpecification"])
            dynamodb.update_continuous_backups(
                TableName=table, PointInTimeRecoverySpecification=props["PointInTimeRecoverySpecification"]
            )
        elif resource["Type"] == "AWS::S3::Bucket":
            bucket = physical[name]
            s3.put_public_access_block(
                Bucket=bucket, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
            )
            s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=props["OwnershipControls"])
            if "LifecycleConfiguration" in props:
                rules = [lifecycle_rule(rule) for rule in props["LifecycleConfiguration"]["Rules"]]
                s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
            if "CorsConfiguration" in props:
                rules = [cors_rule(rule) for rule in props["CorsConfiguration"]["CorsRules"]]
                s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})


class Deployed:
    """A CloudFormation stack in moto and its resources' physical ids."""

    def __init__(self, session: boto3.Session, template: dict[str, Any]) -> None:
        self.session = session
        self.absent_before_completion: set[str] = set()
        cloudformation = session.client("cloudformation")
        cloudformation.create_stack(
            StackName=STACK,
            TemplateBody=json.dumps(for_moto(template)),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in PARAMETERS.items()],
        )
        (stack,) = cloudformation.describe_stacks(StackName=STACK)["Stacks"]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        self.stack_id = stack["StackId"]
        self.physical = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cloudformation.describe_stack_resources(StackName=STACK)["StackResources"]
        }

    def render(self, value: Any) -> Any:
        """Resolve the intrinsics of a data resource's properties with this stack's ids."""
        return Renderer({}, {**PSEUDO, "AWS::StackId": self.stack_id}, PARAMETERS).render(value)

    def queue(self, logical_id: str) -> dict[str, str]:
        attributes: dict[str, str] = self.session.client("sqs").get_queue_attributes(
            QueueUrl=self.physical[logical_id], AttributeNames=["All"]
        )["Attributes"]
        return attributes


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    from moto import mock_aws

    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


@pytest.fixture(scope="module")
def stack_template(template: dict[str, Any]) -> dict[str, Any]:
    return data_template(template)


@pytest.fixture(scope="module")
def completed(session: boto3.Session, stack_template: dict[str, Any]) -> Deployed:
    stack = Deployed(session, stack_template)
    stack.absent_before_completion = absent_settings(stack)
    complete_what_moto_drops(stack_template["Resources"], stack.physical, stack.render, session)
    return stack


def absent_settings(stack: Deployed) -> set[str]:
    """Which DROPPED_BY_MOTO properties the table and the uploads bucket lack."""
    dynamodb, s3 = stack.session.client("dynamodb"), stack.session.client("s3")
    table, bucket = stack.physical["MainTable"], stack.physical["UploadsBucket"]
    absent = set()
    if dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED":
        absent.add("TimeToLiveSpecification")
    backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    if backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED":
        absent.add("PointInTimeRecoverySpecification")
    for setting, call in (
        ("LifecycleConfiguration", s3.get_bucket_lifecycle_configuration),
        ("CorsConfiguration", s3.get_bucket_cors),
        ("PublicAccessBlockConfiguration", s3.get_public_access_block),
        ("OwnershipControls", s3.get_bucket_ownership_controls),
    ):
        try:
            call(Bucket=bucket)
        except s3.exceptions.ClientError:
            absent.add(setting)
    return absent


def test_the_data_template_holds_every_table_bucket_and_queue(stack_template: dict[str, Any]) -> None:
    kinds = [resource["Type"] for resource in stack_template["Resources"].values()]
    assert kinds.count("AWS::DynamoDB::Table") == 1
    assert kinds.count("AWS::S3::Bucket") == 3
    assert kinds.count("AWS::SQS::Queue") == 2 * len(SPECS)
    assert set(stack_template["Parameters"]) == set(PARAMETERS)


def test_moto_still_drops_what_we_complete(completed: Deployed) -> None:
    """If moto starts applying one of them, take it out of DROPPED_BY_MOTO."""
    dropped = {setting for settings in DROPPED_BY_MOTO.values() for setting in settings}
    assert completed.absent_before_completion == dropped


# --- The table -----------------------------------------------------------------------------


def test_table_has_the_models_keys_and_indexes_on_demand(completed: Deployed) -> None:
    table = completed.session.client("dynamodb").describe_table(TableName=completed.physical["MainTable"])["Table"]
    schema = table_schema()

    def keys(key_schema: list[dict[str, str]]) -> list[tuple[str, str]]:
        return [(key["AttributeName"], key["KeyType"]) for key in key_schema]

    assert keys(table["KeySchema"]) == keys(schema["KeySchema"])
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert sorted(indexes) == sorted(schema["GlobalSecondaryIndexes"])
    for name, key_schema in schema["GlobalSecondaryIndexes"].items():
        assert keys(indexes[name]["KeySchema"]) == keys(key_schema), name
        assert indexes[name]["Projection"] == schema["Projections"][name], name


def test_table_expires_items_keeps_backups_and_encrypts(completed: Deployed) -> None:
    dynamodb = completed.session.client("dynamodb")
    table = completed.physical["MainTable"]

    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
    backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    sse = dynamodb.describe_table(TableName=table)["Table"]["SSEDescription"]
    assert (sse["Status"], sse["SSEType"]) == ("ENABLED", "KMS")


# --- The buckets ---------------------------------------------------------------------------


@pytest.mark.parametrize("bucket", ["MediaBucket", "UploadsBucket", "WebBucket"])
def test_bucket_is_private_and_encrypted(completed: Deployed, bucket: str) -> None:
    s3, name = completed.session.client("s3"), completed.physical[bucket]

    (rule,) = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    ownership = s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_uploads_bucket_is_named_by_the_stack_and_cleans_up(completed: Deployed) -> None:
    s3, name = completed.session.client("s3"), completed.physical["UploadsBucket"]
    guid = completed.stack_id.split("/")[2]

    assert name == f"cirrus-uploads-{guid}"
    rules = {rule["ID"]: rule for rule in s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]}
    abort = rules["AbortIncompleteMultipartUploads"]
    assert abort["Status"] == "Enabled"
    assert abort["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert abort["Filter"] == {"Prefix": ""}  # every upload
    work = rules["ExpireAbandonedWork"]
    assert (work["Filter"], work["Expiration"]["Days"]) == ({"Prefix": "work/"}, 7)


def test_uploads_bucket_takes_browser_parts_from_the_instance_only(completed: Deployed) -> None:
    s3 = completed.session.client("s3")
    (rule,) = s3.get_bucket_cors(Bucket=completed.physical["UploadsBucket"])["CORSRules"]

    assert rule["AllowedOrigins"] == [f"https://{PARAMETERS['InstanceHost']}"]
    assert sorted(rule["AllowedMethods"]) == ["POST", "PUT"]
    assert rule["ExposeHeaders"] == ["ETag"]  # the browser completes the upload with each part's ETag


def test_media_bucket_answers_preflights_from_anywhere(completed: Deployed) -> None:
    s3 = completed.session.client("s3")
    (rule,) = s3.get_bucket_cors(Bucket=completed.physical["MediaBucket"])["CORSRules"]

    assert rule["AllowedOrigins"] == ["*"]
    assert sorted(rule["AllowedMethods"]) == ["GET", "HEAD"]
    # Media is kept; only generated downloads, which the route rebuilds, expire.
    (expiring,) = s3.get_bucket_lifecycle_configuration(Bucket=completed.physical["MediaBucket"])["Rules"]
    assert (expiring["ID"], expiring["Status"]) == ("ExpireGeneratedDownloads", "Enabled")
    assert (expiring["Filter"], expiring["Expiration"]["Days"]) == ({"Prefix": "generated/"}, 7)


# --- The queues ----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=[spec.key for spec in SPECS])
def test_queue_retries_then_dead_letters(completed: Deployed, spec: QueueSpec) -> None:
    queue = completed.queue(queue_id(spec))
    dead_letters = completed.queue(dead_letter_queue_id(spec))

    assert int(queue["VisibilityTimeout"]) == spec.visibility_timeout == 6 * spec.function_timeout
    assert json.loads(queue["RedrivePolicy"]) == {
        "deadLetterTargetArn": dead_letters["QueueArn"],
        "maxReceiveCount": spec.max_receive_count,
    }
    assert int(dead_letters["MessageRetentionPeriod"]) == DLQ_RETENTION_SECONDS
    assert int(dead_letters["MessageRetentionPeriod"]) > int(queue["MessageRetentionPeriod"])
    assert queue["SqsManagedSseEnabled"] == dead_letters["SqsManagedSseEnabled"] == "true"
