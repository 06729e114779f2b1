"""The Cirrus stack as a CDK app: `cdk deploy` (from infra/) builds what `sam deploy` builds.

Written with CloudFormation-level constructs and the logical ids of template.yaml, from the
same sources of truth as the SAM template's tests: the queues and schedules of
chalicelib/deploy_specs.py, the table schema of the PynamoDB models, the routing lists of
infra/edge_routes.py. tests/infra/test_cdk.py synthesises it and compares it with the
translated SAM template, so the two cannot drift. Package first (`python infra/package.py`),
as for SAM: the functions and layers are the build/ directories (context `build` to change).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script by the CDK CLI
    sys.path.insert(0, str(ROOT))

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_cloudfront as cloudfront  # noqa: E402
from aws_cdk import aws_cloudwatch as cloudwatch  # noqa: E402
from aws_cdk import aws_dynamodb as dynamodb  # noqa: E402
from aws_cdk import aws_events as events  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from aws_cdk import aws_kms as kms  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402
from aws_cdk import aws_logs as logs  # noqa: E402
from aws_cdk import aws_s3 as s3  # noqa: E402
from aws_cdk import aws_s3_assets as assets  # noqa: E402
from aws_cdk import aws_scheduler as scheduler  # noqa: E402
from aws_cdk import aws_secretsmanager as secretsmanager  # noqa: E402
from aws_cdk import aws_sns as sns  # noqa: E402
from aws_cdk import aws_sqs as sqs  # noqa: E402

from chalicelib.config import load_settings  # noqa: E402
from chalicelib.deploy_specs import (  # noqa: E402
    DLQ_RETENTION_SECONDS,
    QueueSpec,
    queue_specs,
    schedule_specs,
)
from chalicelib.store.models.base import TableItem  # noqa: E402
from infra import edge_routes, security_headers  # noqa: E402
from infra.cdk_imports import ImportInputs, add_import_task, work_function_environment  # noqa: E402
from infra.cdk_live import LiveInputs, add_live, rtmp_url, rtmps_url  # noqa: E402
from infra.cdk_tracker import TrackerInputs, add_tracker  # noqa: E402
from infra.rest_api import IMAGE_UPLOADS, INBOX_POST, ROUTES  # noqa: E402

if TYPE_CHECKING:
    from constructs import Construct

RUNTIME = "python3.11"
ARCHITECTURE = "x86_64"
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600
LOG_RETENTION_DAYS = 30
# Every log group /api/v1/server/logs reads (CIRRUS_LOG_GROUPS; the functions' and the
# Fargate services', as their log groups name them).
LOG_GROUP_NAMES = [
    *(
        f"/aws/lambda/${{AWS::StackName}}-{name}"
        for name in (
            "api", "ingest", "transcoder", "views", "work", "trending", "sweeper",
            "broadcast", "deliver", "inbox", "inboxpost", "imageuploads", "realtime", "pinger", "runners",
            "transcription", "channelsync", "redundancy", "trackerscaler",
        )
    ),
    "/ecs/${AWS::StackName}-tracker",
    "/ecs/${AWS::StackName}-live",
    "/ecs/${AWS::StackName}-import",
]  # fmt: skip
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CORS_S3_ORIGIN = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
MEDIA_METHODS = ["GET", "HEAD", "OPTIONS"]
# An alarm on each of these AWS/Lambda metrics of every function (template.yaml, "Alarms").
FUNCTION_ALARMS = {
    "Errors": "failed (an unhandled error, a timeout or memory running out; see its log group)",
    "Throttles": "was throttled (the account's Lambda concurrency is used up)",
}
PLAYLIST_PATTERN = "/static/streaming-playlists/*.m3u8"
# What transcoding writes to the media bucket (chalicelib/media/layout.py), and the prefixes
# among them whose objects move with a privacy change or go with a deleted video by listing
# (generated downloads and file descriptions only go).
MOVED_MEDIA = (
    "static/streaming-playlists/*",
    "private/streaming-playlists/*",
    "static/web-videos/*",
    "private/web-videos/*",
    "torrents/*",
    "generated/*",
    "file-metadata/*",
)
TRANSCODED_MEDIA = (*MOVED_MEDIA, "lazy-static/thumbnails/*", "lazy-static/previews/*", "lazy-static/storyboards/*")
# Where a transcription's input, the video's sound, may be read (domain/transcriptions.py).
TRANSCRIBED_MEDIA = MOVED_MEDIA[:4]
# Chalice's default binary types, "/" escaped as API Gateway wants it.
BINARY_MEDIA_TYPES = [
    "application/octet-stream", "application/x-tar", "application/zip", "audio/basic", "audio/ogg",
    "audio/mp4", "audio/mpeg", "audio/wav", "audio/webm", "image/png", "image/jpg", "image/jpeg",
    "image/gif", "video/ogg", "video/mpeg", "video/webm", "multipart/form-data",
]  # fmt: skip
CRUD_ACTIONS = [
    "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query",
    "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable",
    "dynamodb:ConditionCheckItem",
]  # fmt: skip
S3_CRUD_ACTIONS = [
    "s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:PutObject",
    "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:DeleteObject",
]  # fmt: skip


def camel(value: Any) -> Any:
    """CloudFormation's PascalCase keys as jsii's struct keys (camelCase), recursively."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def sub(text: str, **variables: Any) -> str:
    return str(cdk.Fn.sub(text, variables) if variables else cdk.Fn.sub(text))


class CirrusStack(cdk.Stack):  # type: ignore[misc]  # aws_cdk is not followed (pyproject.toml)
    def __init__(self, scope: Construct, construct_id: str, build: Path, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.build = build
        self.settings = load_settings({})
        self.specs = {spec.key: spec for spec in queue_specs(self.settings)}
        self._parameters()
        self._state()
        self._queues()
        self._code()
        self._realtime_api()
        self._functions()
        self._http()
        self._realtime()
        self.tracker_load_balancer = add_tracker(
            self,
            TrackerInputs(
                has_tracker=self.has_tracker,
                has_certificate=self.has_tracker_certificate,
                image=self.values["TrackerImage"],
                certificate_arn=self.values["TrackerCertificateArn"],
                cpu=self.values["TrackerCpu"],
                memory=self.values["TrackerMemory"],
                max_tasks=self.values["TrackerMaxTasks"],
                origin_prefix_list=self.values["TrackerOriginPrefixList"],
                instance_host=self.instance_host,
                table=self.table,
                alarm_topic=self.alarm_topic,
            ),
        )
        self._tracker_scaler()
        self.live_load_balancer = add_live(
            self,
            LiveInputs(
                has_live=self.has_live,
                has_certificate=self.has_live_certificate,
                image=self.values["LiveImage"],
                certificate_arn=self.values["LiveCertificateArn"],
                cpu=self.values["LiveCpu"],
                memory=self.values["LiveMemory"],
                max_tasks=self.values["LiveMaxTasks"],
                encoders_per_task=self.values["LiveEncodersPerTask"],
                table=self.table,
                transcode_queue=self.queues["transcode"],
                broadcast_queue=self.queues["broadcast"],
                environment={
                    **self._environment(),
                    "CIRRUS_LIVE_RTMP_URL": rtmp_url(self.has_live_host, self.values["LiveHost"]),
                    "CIRRUS_LIVE_ENABLED": "true",
                },
            ),
        )
        add_import_task(
            self,
            ImportInputs(
                has_task=self.has_import_task,
                image=self.values["ImportImage"],
                table=self.table,
                uploads_bucket=self.uploads_bucket,
                work_queue=self.queues["work"],
                instance_host=self.instance_host.value_as_string,
                import_max_bytes=self._environment()["CIRRUS_IMPORT_MAX_BYTES"],
                import_timeout_seconds=self._environment()["CIRRUS_IMPORT_TIMEOUT_SECONDS"],
                import_proxies=self._environment()["CIRRUS_IMPORT_PROXIES"],
            ),
        )
        self._edge()
        self._outputs()

    # --- Parameters (the same names, types and defaults as template.yaml) --------------------

    def _parameter(self, name: str, **options: Any) -> cdk.CfnParameter:
        parameter = cdk.CfnParameter(self, name, **options)
        parameter.override_logical_id(name)
        return parameter

    def _parameters(self) -> None:
        text, number, flag = "String", "Number", ["true", "false"]
        self.instance_host = self._parameter(
            "InstanceHost", type=text, allowed_pattern="^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$"
        )
        self.values: dict[str, cdk.CfnParameter] = {
            "InstanceName": self._parameter("InstanceName", type=text, default="Cirrus"),
            "OperatorEmail": self._parameter("OperatorEmail", type=text, default=""),
            "MailFromAddress": self._parameter(
                "MailFromAddress", type=text, default="", allowed_pattern="^([^@\\s]+@[^@\\s]+)?$"
            ),
            "InitialRootPassword": self._parameter("InitialRootPassword", type=text, default="", no_echo=True),
            "ImportProxies": self._parameter("ImportProxies", type=text, default="", no_echo=True),
            "TrackerUrl": self._parameter("TrackerUrl", type=text, default="", allowed_pattern="^(wss?://.+)?$"),
            "SignupEnabled": self._parameter("SignupEnabled", type=text, default="false", allowed_values=flag),
            "SignupRequiresApproval": self._parameter(
                "SignupRequiresApproval", type=text, default="true", allowed_values=flag
            ),
            "SignupRequiresEmailVerification": self._parameter(
                "SignupRequiresEmailVerification", type=text, default="false", allowed_values=flag
            ),
            "SignupLimit": self._parameter("SignupLimit", type=number, default=10, min_value=-1),
            "SignupMinimumAge": self._parameter("SignupMinimumAge", type=number, default=16, min_value=0),
            "UserVideoQuota": self._parameter("UserVideoQuota", type=number, default=-1, min_value=-1),
            "UserVideoQuotaDaily": self._parameter("UserVideoQuotaDaily", type=number, default=-1, min_value=-1),
            "MaxChannelsPerUser": self._parameter("MaxChannelsPerUser", type=number, default=20, min_value=1),
            "InstanceFollowersEnabled": self._parameter(
                "InstanceFollowersEnabled", type=text, default="true", allowed_values=flag
            ),
            "InstanceFollowersManualApproval": self._parameter(
                "InstanceFollowersManualApproval", type=text, default="false", allowed_values=flag
            ),
            "AutoFollowBack": self._parameter("AutoFollowBack", type=text, default="false", allowed_values=flag),
            "RedundancyAcceptFrom": self._parameter(
                "RedundancyAcceptFrom", type=text, default="anybody", allowed_values=["nobody", "anybody", "followings"]
            ),
            "CertificateArn": self._parameter(
                "CertificateArn",
                type=text,
                default="",
                allowed_pattern="^(arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+)?$",
            ),
            "PriceClass": self._parameter(
                "PriceClass",
                type=text,
                default="PriceClass_100",
                allowed_values=["PriceClass_100", "PriceClass_200", "PriceClass_All"],
            ),
            "TrackerImage": self._parameter("TrackerImage", type=text, default=""),
            "TrackerCertificateArn": self._parameter(
                "TrackerCertificateArn",
                type=text,
                default="",
                allowed_pattern="^(arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+)?$",
            ),
            "TrackerCpu": self._parameter(
                "TrackerCpu", type=text, default="512", allowed_values=["256", "512", "1024", "2048", "4096"]
            ),
            "TrackerMemory": self._parameter("TrackerMemory", type=text, default="1024"),
            "TrackerMaxTasks": self._parameter("TrackerMaxTasks", type=number, default=1, min_value=1, max_value=8),
            "TrackerOriginPrefixList": self._parameter(
                "TrackerOriginPrefixList", type=text, default="", allowed_pattern="^(pl-[0-9a-f]+)?$"
            ),
            "LiveImage": self._parameter("LiveImage", type=text, default=""),
            "LiveHost": self._parameter(
                "LiveHost", type=text, default="", allowed_pattern="^([a-z0-9]([a-z0-9.-]*[a-z0-9])?)?$"
            ),
            "LiveCertificateArn": self._parameter(
                "LiveCertificateArn",
                type=text,
                default="",
                allowed_pattern="^(arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+)?$",
            ),
            "LiveCpu": self._parameter(
                "LiveCpu", type=text, default="2048", allowed_values=["1024", "2048", "4096", "8192", "16384"]
            ),
            "LiveMemory": self._parameter("LiveMemory", type=text, default="4096"),
            "LiveMaxTasks": self._parameter("LiveMaxTasks", type=number, default=1, min_value=1, max_value=20),
            "LiveEncodersPerTask": self._parameter(
                "LiveEncodersPerTask", type=number, default=1, min_value=1, max_value=20
            ),
            "IngestConcurrency": self._parameter(
                "IngestConcurrency", type=number, default=5, min_value=1, max_value=1000
            ),
            "TranscoderConcurrency": self._parameter(
                "TranscoderConcurrency", type=number, default=20, min_value=2, max_value=1000
            ),
            "ImportImage": self._parameter("ImportImage", type=text, default=""),
            "TranscriptionEngine": self._parameter(
                "TranscriptionEngine", type=text, default="runners", allowed_values=["runners", "transcribe", "none"]
            ),
        }
        rule = cdk.CfnRule(
            self,
            "TrackerNeedsOriginPrefixList",
            rule_condition=cdk.Fn.condition_not(cdk.Fn.condition_equals(self.values["TrackerImage"], "")),
            assertions=[
                cdk.CfnRuleAssertion(
                    assert_=cdk.Fn.condition_not(cdk.Fn.condition_equals(self.values["TrackerOriginPrefixList"], "")),
                    assert_description=(
                        "With TrackerImage set, TrackerOriginPrefixList must name the CloudFront origin-facing"
                        " prefix list: the tracker's load balancer accepts no other source."
                    ),
                )
            ],
        )
        rule.override_logical_id("TrackerNeedsOriginPrefixList")
        live_rule = cdk.CfnRule(
            self,
            "LiveCertificateNeedsHost",
            rule_condition=cdk.Fn.condition_not(cdk.Fn.condition_equals(self.values["LiveCertificateArn"], "")),
            assertions=[
                cdk.CfnRuleAssertion(
                    assert_=cdk.Fn.condition_not(cdk.Fn.condition_equals(self.values["LiveHost"], "")),
                    assert_description=(
                        "With LiveCertificateArn set, LiveHost must name the host the certificate is for:"
                        " encoders check it, and the load balancer's own name is in no certificate."
                    ),
                )
            ],
        )
        live_rule.override_logical_id("LiveCertificateNeedsHost")
        self.has_operator_email = self._condition("HasOperatorEmail", "OperatorEmail")
        self.has_certificate = self._condition("HasCertificate", "CertificateArn")
        self.has_tracker = self._condition("HasTracker", "TrackerImage")
        self.has_tracker_certificate = self._named(
            cdk.CfnCondition(
                self,
                "HasTrackerCertificate",
                expression=cdk.Fn.condition_and(
                    self.has_tracker,
                    cdk.Fn.condition_not(cdk.Fn.condition_equals(self.values["TrackerCertificateArn"], "")),
                ),
            ),
            "HasTrackerCertificate",
        )
        self.has_live = self._condition("HasLive", "LiveImage")
        self.has_live_certificate = self._named(
            cdk.CfnCondition(
                self,
                "HasLiveCertificate",
                expression=cdk.Fn.condition_and(
                    self.has_live,
                    cdk.Fn.condition_not(cdk.Fn.condition_equals(self.values["LiveCertificateArn"], "")),
                ),
            ),
            "HasLiveCertificate",
        )
        self.has_live_host = self._condition("HasLiveHost", "LiveHost")
        self.has_import_task = self._condition("HasImportTask", "ImportImage")
        self.uses_transcribe = self._named(
            cdk.CfnCondition(
                self,
                "UsesTranscribe",
                expression=cdk.Fn.condition_equals(self.values["TranscriptionEngine"], "transcribe"),
            ),
            "UsesTranscribe",
        )

    def _condition(self, name: str, parameter: str) -> cdk.CfnCondition:
        condition = cdk.CfnCondition(
            self, name, expression=cdk.Fn.condition_not(cdk.Fn.condition_equals(self.values[parameter], ""))
        )
        condition.override_logical_id(name)
        return condition

    def _named(self, resource: cdk.CfnResource, logical_id: str) -> Any:
        resource.override_logical_id(logical_id)
        return resource

    # --- State ------------------------------------------------------------------------------

    def _state(self) -> None:
        schema = TableItem._get_schema()
        definitions = {d["AttributeName"]: d for d in schema["attribute_definitions"]}
        indexes = []
        for index in schema["global_secondary_indexes"]:
            for definition in index["attribute_definitions"]:
                definitions.setdefault(definition["AttributeName"], definition)
            indexes.append(
                {"IndexName": index["index_name"], "KeySchema": index["key_schema"], "Projection": index["projection"]}
            )
        self.table = self._named(
            dynamodb.CfnTable(
                self,
                "MainTable",
                billing_mode="PAY_PER_REQUEST",
                attribute_definitions=camel(list(definitions.values())),
                key_schema=camel(schema["key_schema"]),
                global_secondary_indexes=camel(indexes),
                time_to_live_specification={"attributeName": "expires_at", "enabled": True},
                point_in_time_recovery_specification={"pointInTimeRecoveryEnabled": True},
                sse_specification={"sseEnabled": True},
            ),
            "MainTable",
        )
        self.table.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        # Seals local actors' private keys in the table (template.yaml, ActorKey).
        self.actor_key = self._named(
            kms.CfnKey(
                self,
                "ActorKey",
                description="Cirrus actors' private keys (envelope encryption of the PEM in the table)",
                enable_key_rotation=True,
                key_policy={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ],
                },
            ),
            "ActorKey",
        )
        self.actor_key.apply_removal_policy(cdk.RemovalPolicy.RETAIN)

        self.media_bucket = self._bucket(
            "MediaBucket",
            # Generated downloads are rebuilt on request when gone (template.yaml).
            lifecycle_configuration={
                "rules": [
                    {
                        "id": "ExpireGeneratedDownloads",
                        "status": "Enabled",
                        "prefix": "generated/",
                        "expirationInDays": 7,
                    }
                ]
            },
            cors_configuration={
                "corsRules": [
                    {
                        "allowedOrigins": ["*"],
                        "allowedMethods": ["GET", "HEAD"],
                        "allowedHeaders": ["*"],
                        "exposedHeaders": ["Content-Length", "Content-Range", "ETag"],
                        "maxAge": 86400,
                    }
                ]
            },
        )
        self.media_bucket.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        self.uploads_bucket_name = cdk.Fn.sub(
            "cirrus-uploads-${StackGuid}",
            {"StackGuid": cdk.Fn.select(2, cdk.Fn.split("/", self.stack_id))},
        )
        self.uploads_bucket = self._bucket(
            "UploadsBucket",
            bucket_name=self.uploads_bucket_name,
            lifecycle_configuration={
                "rules": [
                    {
                        "id": "AbortIncompleteMultipartUploads",
                        "status": "Enabled",
                        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 1},
                    },
                    {"id": "ExpireAbandonedWork", "status": "Enabled", "prefix": "work/", "expirationInDays": 7},
                    # Account archives: an export lives 2 days, an import until restored (template.yaml).
                    {"id": "ExpireUserExports", "status": "Enabled", "prefix": "exports/", "expirationInDays": 2},
                    {"id": "ExpireUserImports", "status": "Enabled", "prefix": "imports/", "expirationInDays": 2},
                ]
            },
            cors_configuration={
                "corsRules": [
                    {
                        "allowedOrigins": [sub("https://${InstanceHost}")],
                        "allowedMethods": ["PUT", "POST"],
                        "allowedHeaders": ["*"],
                        "exposedHeaders": ["ETag"],
                        "maxAge": 3600,
                    }
                ]
            },
        )
        self.web_bucket = self._bucket("WebBucket")

    def _bucket(self, logical_id: str, **properties: Any) -> s3.CfnBucket:
        bucket: s3.CfnBucket = self._named(
            s3.CfnBucket(
                self,
                logical_id,
                bucket_encryption={
                    "serverSideEncryptionConfiguration": [{"serverSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
                },
                public_access_block_configuration={
                    "blockPublicAcls": True,
                    "blockPublicPolicy": True,
                    "ignorePublicAcls": True,
                    "restrictPublicBuckets": True,
                },
                ownership_controls={"rules": [{"objectOwnership": "BucketOwnerEnforced"}]},
                **properties,
            ),
            logical_id,
        )
        return bucket

    # --- Queues, dead letters, alarms ---------------------------------------------------------

    def _queues(self) -> None:
        self.alarm_topic = self._named(sns.CfnTopic(self, "AlarmTopic", display_name="Cirrus alarms"), "AlarmTopic")
        subscription = self._named(
            sns.CfnSubscription(
                self,
                "OperatorEmailSubscription",
                topic_arn=self.alarm_topic.ref,
                protocol="email",
                endpoint=self.values["OperatorEmail"].value_as_string,
            ),
            "OperatorEmailSubscription",
        )
        subscription.cfn_options.condition = self.has_operator_email
        self.queues: dict[str, sqs.CfnQueue] = {}
        self.dead_letter_queues: dict[str, sqs.CfnQueue] = {}
        for spec in self.specs.values():
            self.queues[spec.key] = self._queue(spec)

    def _queue(self, spec: QueueSpec) -> sqs.CfnQueue:
        name = spec.key.capitalize()
        dead_letters = self._named(
            sqs.CfnQueue(
                self,
                f"{name}DeadLetterQueue",
                message_retention_period=DLQ_RETENTION_SECONDS,
                sqs_managed_sse_enabled=True,
            ),
            f"{name}DeadLetterQueue",
        )
        self.dead_letter_queues[spec.key] = dead_letters
        queue: sqs.CfnQueue = self._named(
            sqs.CfnQueue(
                self,
                f"{name}Queue",
                visibility_timeout=spec.visibility_timeout,
                message_retention_period=QUEUE_RETENTION_SECONDS,
                sqs_managed_sse_enabled=True,
                redrive_policy={
                    "deadLetterTargetArn": dead_letters.attr_arn,
                    "maxReceiveCount": spec.max_receive_count,
                },
            ),
            f"{name}Queue",
        )
        self._alarm(
            f"{name}DeadLetterAlarm",
            f"{name} messages failed every attempt and wait in the dead-letter queue.",
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions=[{"name": "QueueName", "value": dead_letters.attr_queue_name}],
            statistic="Maximum",
        )
        return queue

    def _alarm(self, logical_id: str, description: str, **metric: Any) -> cloudwatch.CfnAlarm:
        """Above zero in any five minutes notifies the alarm topic; no data is no problem."""
        return self._named(
            cloudwatch.CfnAlarm(
                self,
                logical_id,
                alarm_description=description,
                period=300,
                evaluation_periods=1,
                threshold=0,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[self.alarm_topic.ref],
                **metric,
            ),
            logical_id,
        )

    # --- Code ---------------------------------------------------------------------------------

    def _code(self) -> None:
        self.function_code = assets.Asset(self, "FunctionCode", path=str(self.build / "function"))
        self.dependency_layer = self._layer(
            "DependencyLayer", "layers/dependencies", "Cirrus runtime dependencies (requirements.txt)"
        )
        self.federation_layer = self._layer(
            "FederationLayer", "layers/federation", "Cirrus JSON-LD dependencies (layers/federation/requirements.txt)"
        )
        self.work_layer = self._layer(
            "WorkLayer", "layers/work", "Cirrus work function dependencies (layers/work/requirements.txt)"
        )
        self.images_layer = self._layer(
            "ImagesLayer", "layers/images", "Cirrus image dependencies (layers/images/requirements.txt)"
        )
        self.ffmpeg_layer = self._layer(
            "FfmpegLayer",
            "layers/ffmpeg",
            "Static ffmpeg and ffprobe 6.0 (x86_64) for the Cirrus transcoder",
            license_info="GPL-3.0-or-later (static FFmpeg build by John Van Sickle; text in bin/GPLv3.txt)",
        )

    def _layer(self, logical_id: str, directory: str, description: str, **extra: Any) -> lambda_.CfnLayerVersion:
        content = assets.Asset(self, f"{logical_id}Content", path=str(self.build / directory))
        layer: lambda_.CfnLayerVersion = self._named(
            lambda_.CfnLayerVersion(
                self,
                logical_id,
                description=description,
                content={"s3Bucket": content.s3_bucket_name, "s3Key": content.s3_object_key},
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                **extra,
            ),
            logical_id,
        )
        layer.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        return layer

    # --- Functions ----------------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        value = {name: parameter.value_as_string for name, parameter in self.values.items()}
        queues = {key: queue.attr_queue_name for key, queue in self.queues.items()}
        return {
            "CIRRUS_ENV": "production",
            "CIRRUS_HOST": self.instance_host.value_as_string,
            "CIRRUS_SCHEME": "https",
            "CIRRUS_INSTANCE_NAME": value["InstanceName"],
            "CIRRUS_TABLE": self.table.ref,
            "CIRRUS_MEDIA_BUCKET": self.media_bucket.ref,
            "CIRRUS_UPLOADS_BUCKET": self.uploads_bucket_name,
            "CIRRUS_TRANSCODE_QUEUE": queues["transcode"],
            "CIRRUS_BROADCAST_QUEUE": queues["broadcast"],
            "CIRRUS_DELIVER_QUEUE": queues["deliver"],
            "CIRRUS_INBOX_QUEUE": queues["inbox"],
            "CIRRUS_VIEWS_QUEUE": queues["views"],
            "CIRRUS_WORK_QUEUE": queues["work"],
            "CIRRUS_SIGNUP_ENABLED": value["SignupEnabled"],
            "CIRRUS_SIGNUP_REQUIRES_APPROVAL": value["SignupRequiresApproval"],
            "CIRRUS_SIGNUP_REQUIRES_EMAIL_VERIFICATION": value["SignupRequiresEmailVerification"],
            "CIRRUS_SIGNUP_LIMIT": value["SignupLimit"],
            "CIRRUS_MAIL_FROM": value["MailFromAddress"],
            "CIRRUS_SIGNUP_MINIMUM_AGE": value["SignupMinimumAge"],
            "CIRRUS_USER_VIDEO_QUOTA": value["UserVideoQuota"],
            "CIRRUS_USER_VIDEO_QUOTA_DAILY": value["UserVideoQuotaDaily"],
            "CIRRUS_MAX_CHANNELS_PER_USER": value["MaxChannelsPerUser"],
            "CIRRUS_USER_IMPORT_MAX_BYTES": "12884901888",
            "CIRRUS_DELIVERY_ATTEMPTS": str(self.specs["deliver"].max_receive_count),
            "CIRRUS_DELIVERY_RETRY_SECONDS": "60",
            "CIRRUS_INSTANCE_FOLLOWERS_ENABLED": value["InstanceFollowersEnabled"],
            "CIRRUS_INSTANCE_FOLLOWERS_MANUAL_APPROVAL": value["InstanceFollowersManualApproval"],
            "CIRRUS_AUTO_FOLLOW_BACK": value["AutoFollowBack"],
            "CIRRUS_REDUNDANCY_ACCEPT_FROM": value["RedundancyAcceptFrom"],
            "CIRRUS_MAX_VIDEOS_PER_HOST": "5000",
            "CIRRUS_MAX_PLAYLISTS_PER_HOST": "1000",
            "CIRRUS_MAX_COMMENTS_PER_HOST": "20000",
            "CIRRUS_FEDERATION_ALLOW_LOOPBACK": "false",
            "CIRRUS_TRANSCODING_STALL_SECONDS": "7200",
            "CIRRUS_RUNNER_STALL_SECONDS": "120",
            "CIRRUS_STUDIO_CHUNKED_FROM_SECONDS": "300",
            "CIRRUS_STUDIO_CHUNK_SECONDS": "0",
            "CIRRUS_TRANSCRIPTION_ENGINE": value["TranscriptionEngine"],
            "CIRRUS_DELETION_GRACE_SECONDS": "900",
            "CIRRUS_IMPORT_MAX_BYTES": "4294967296",
            "CIRRUS_IMPORT_TIMEOUT_SECONDS": "7200",
            "CIRRUS_IMPORT_LAMBDA_BYTES_PER_SECOND": "8388608",
            "CIRRUS_IMPORT_PROXIES": value["ImportProxies"],
            "CIRRUS_TRACKER_URL": value["TrackerUrl"],
            # How many tracker shards run behind it (template.yaml).
            "CIRRUS_TRACKER_SHARDS": cdk.Token.as_string(
                cdk.Fn.condition_if(self.has_tracker.logical_id, value["TrackerMaxTasks"], "1")
            ),
            "CIRRUS_TRACKER_URLS": "",
            # Above one shard, the scaler sets how many are active (template.yaml).
            "CIRRUS_TRACKER_SCALED": cdk.Token.as_string(cdk.Fn.condition_if("HasTrackerShard1", "true", "false")),
            "CIRRUS_TRACKER_CLUSTER": cdk.Token.as_string(
                cdk.Fn.condition_if("HasTrackerShard1", cdk.Fn.ref("TrackerCluster"), "")
            ),
            "CIRRUS_TRACKER_SERVICE_PREFIX": sub("${AWS::StackName}-tracker-shard-"),
            # The live ingest's URLs (template.yaml); empty without it, or without RTMPS.
            "CIRRUS_LIVE_RTMP_URL": cdk.Token.as_string(
                cdk.Fn.condition_if(self.has_live.logical_id, rtmp_url(self.has_live_host, self.values["LiveHost"]), "")
            ),
            "CIRRUS_LIVE_RTMPS_URL": cdk.Token.as_string(
                cdk.Fn.condition_if(self.has_live_certificate.logical_id, rtmps_url(), "")
            ),
            # PeerTube's live section (template.yaml).
            "CIRRUS_LIVE_ENABLED": cdk.Token.as_string(cdk.Fn.condition_if(self.has_live.logical_id, "true", "false")),
            "CIRRUS_LIVE_ALLOW_REPLAY": "true",
            "CIRRUS_LIVE_LATENCY_SETTING": "true",
            "CIRRUS_LIVE_MAX_DURATION": "-1",
            "CIRRUS_LIVE_MAX_INSTANCE_LIVES": "20",
            "CIRRUS_LIVE_MAX_USER_LIVES": "3",
            "CIRRUS_LIVE_TRANSCODING": "true",
            "CIRRUS_LIVE_RESOLUTIONS": "240,360,480,720,1080",
            "CIRRUS_RTMP_PORT": "1935",
            "CIRRUS_REALTIME_ENDPOINT": self.realtime_endpoint,
            "CIRRUS_ACTOR_KEY_ID": self.actor_key.attr_arn,
            "POWERTOOLS_SERVICE_NAME": "cirrus",
            "POWERTOOLS_METRICS_NAMESPACE": "Cirrus",
            "LOG_LEVEL": "INFO",
        }

    def _function(
        self,
        logical_id: str,
        handler: str,
        *,
        description: str,
        timeout: int,
        memory: int = 1024,
        log_name: str,
        statements: list[dict[str, Any]],
        ffmpeg: bool = False,
        federation: bool = False,
        work: bool = False,
        images: bool = True,
        environment: dict[str, str] | None = None,
        condition: cdk.CfnCondition | None = None,
        **extra: Any,
    ) -> lambda_.CfnFunction:
        log_group = self._named(
            logs.CfnLogGroup(
                self,
                f"{logical_id}LogGroup",
                log_group_name=sub(f"/aws/lambda/${{AWS::StackName}}-{log_name}"),
                retention_in_days=LOG_RETENTION_DAYS,
            ),
            f"{logical_id}LogGroup",
        )
        managed = ["service-role/AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"]
        role = self._named(
            iam.CfnRole(
                self,
                f"{logical_id}Role",
                assume_role_policy_document={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                managed_policy_arns=[sub(f"arn:${{AWS::Partition}}:iam::aws:policy/{name}") for name in managed],
                policies=[
                    {
                        "policyName": f"{logical_id}Policy",
                        "policyDocument": {"Version": "2012-10-17", "Statement": statements},
                    }
                ],
            ),
            f"{logical_id}Role",
        )
        # As in template.yaml: every function's layer first, then ffmpeg's, JSON-LD's, the work
        # function's, Pillow's (every function's but the API's: infra/rest_api.py).
        layers = [self.dependency_layer.ref] + ([self.ffmpeg_layer.ref] if ffmpeg else [])
        layers += ([self.federation_layer.ref] if federation else []) + ([self.work_layer.ref] if work else [])
        layers += [self.images_layer.ref] if images else []
        function: lambda_.CfnFunction = self._named(
            lambda_.CfnFunction(
                self,
                logical_id,
                description=description,
                code={"s3Bucket": self.function_code.s3_bucket_name, "s3Key": self.function_code.s3_object_key},
                handler=handler,
                runtime=RUNTIME,
                architectures=[ARCHITECTURE],
                memory_size=memory,
                timeout=timeout,
                role=role.attr_arn,
                layers=layers,
                tracing_config={"mode": "Active"},
                logging_config={"logGroup": log_group.ref},
                environment={"variables": {**self._environment(), **(environment or {})}},
                **extra,
            ),
            logical_id,
        )
        alarms = [
            self._alarm(
                f"{logical_id}{metric}Alarm",
                f"{logical_id} {what}.",
                namespace="AWS/Lambda",
                metric_name=metric,
                dimensions=[{"name": "FunctionName", "value": function.ref}],
                statistic="Sum",
            )
            for metric, what in FUNCTION_ALARMS.items()
        ]
        if condition is not None:  # a function only some deployments have
            for resource in (log_group, role, function, *alarms):
                resource.cfn_options.condition = condition
        return function

    def _sqs_source(self, function: lambda_.CfnFunction, spec: QueueSpec, **extra: Any) -> None:
        name = f"{function.logical_id}{spec.key.capitalize()}Source"
        self._named(
            lambda_.CfnEventSourceMapping(
                self,
                name,
                function_name=function.ref,
                event_source_arn=self.queues[spec.key].attr_arn,
                batch_size=spec.batch_size,
                function_response_types=["ReportBatchItemFailures"],
                **extra,
            ),
            name,
        )

    def _table_crud(self) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": CRUD_ACTIONS,
            "Resource": [self.table.attr_arn, sub("${MainTable.Arn}/index/*")],
        }

    def _table_keys(self, actions: list[str], *partitions: str) -> dict[str, Any]:
        """`actions` on the table's items whose partition key matches one of `partitions`."""
        return {
            "Effect": "Allow",
            "Action": actions if len(actions) > 1 else actions[0],
            "Resource": self.table.attr_arn,
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(partitions)}},
        }

    def _quota_release(self) -> dict[str, Any]:
        """Failing a video gives its owner's reservation back in the same transaction
        (store/quotas.py release_actions): those counters of the user item only."""
        return {
            "Effect": "Allow",
            "Action": "dynamodb:UpdateItem",
            "Resource": self.table.attr_arn,
            "Condition": {
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["USER#*"]},
                "ForAllValues:StringEquals": {
                    "dynamodb:Attributes": ["pk", "sk", "video_quota_reserved", "daily_uploads", "quota_version"]
                },
                "StringEqualsIfExists": {"dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"]},
            },
        }

    def _actor_key(self, actions: list[str]) -> dict[str, Any]:
        """Use of the key that seals actors' private keys: signers and actor creation only."""
        return {
            "Effect": "Allow",
            "Action": actions if len(actions) > 1 else actions[0],
            "Resource": self.actor_key.attr_arn,
        }

    def _send(self, *keys: str) -> list[dict[str, Any]]:
        arns = [self.queues[key].attr_arn for key in keys]
        return [
            # SAM's SQSSendMessagePolicy, and the URL lookup boto3 needs before sending.
            {"Effect": "Allow", "Action": "sqs:SendMessage*", "Resource": arns},
            {"Effect": "Allow", "Action": "sqs:GetQueueUrl", "Resource": arns},
        ]

    def _job_administration(self) -> list[dict[str, Any]]:
        """The administrators' job list, pause and resume (store/job_queues.py) and the server
        logs (store/server_logs.py), as template.yaml grants them."""
        queues = [queue.attr_arn for queue in self.queues.values()]
        dead_letters = [queue.attr_arn for queue in self.dead_letter_queues.values()]
        return [
            {"Effect": "Allow", "Action": "sqs:GetQueueAttributes", "Resource": queues + dead_letters},
            {
                "Effect": "Allow",
                "Action": ["sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"],
                "Resource": dead_letters,
            },
            {"Effect": "Allow", "Action": "lambda:ListEventSourceMappings", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "lambda:UpdateEventSourceMapping",
                "Resource": sub("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:event-source-mapping:*"),
                "Condition": {
                    "ArnLike": {
                        "lambda:FunctionArn": sub(
                            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-*"
                        )
                    }
                },
            },
            {
                "Effect": "Allow",
                "Action": "logs:FilterLogEvents",
                "Resource": [
                    sub(
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-*"
                    ),
                    sub(
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/${AWS::StackName}-*"
                    ),
                ],
            },
        ]

    def _consume(self, key: str) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": self.queues[key].attr_arn,
        }

    def _functions(self) -> None:
        uploads_objects = sub("${Arn}/*", Arn=self.uploads_bucket.attr_arn)
        # What CloudFront sends the API in X-Cirrus-Edge: only then is X-Forwarded-For read
        # (chalicelib/api/request.py:source_ip). Generated once, never output.
        self._named(
            secretsmanager.CfnSecret(
                self,
                "EdgeSecret",
                description=sub("${AWS::StackName} CloudFront-to-API proof of origin"),
                generate_secret_string={"passwordLength": 48, "excludePunctuation": True},
            ),
            "EdgeSecret",
        )
        self.edge_secret = sub("{{resolve:secretsmanager:${EdgeSecret}:SecretString}}")
        self.api_function = self._function(
            "ApiFunction",
            "app.handler",
            description="Cirrus HTTP API (Chalice app)",
            timeout=29,
            # No JSON-LD, no Pillow: the inbox POSTs are the inbox POST function's, the image
            # uploads the image uploads function's (infra/rest_api.py).
            images=False,
            log_name="api",
            # The edge secret and the root password: this function's alone (template.yaml).
            environment={
                "CIRRUS_EDGE_SECRET": self.edge_secret,
                "PT_INITIAL_ROOT_PASSWORD": self.values["InitialRootPassword"].value_as_string,
                # Where /api/v1/server/logs reads: every function's log group and the Fargate
                # services' (template.yaml).
                "CIRRUS_LOG_GROUPS": sub(",".join(LOG_GROUP_NAMES)),
            },
            statements=[
                self._table_crud(),
                {
                    "Effect": "Allow",
                    "Action": S3_CRUD_ACTIONS,
                    "Resource": [
                        self.media_bucket.attr_arn,
                        sub("${MediaBucket.Arn}/*"),
                        self.uploads_bucket.attr_arn,
                        uploads_objects,
                    ],
                },
                {
                    "Effect": "Allow",
                    "Action": ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                    "Resource": uploads_objects,
                },
                *self._send("transcode", "broadcast", "deliver", "inbox", "views", "work"),
                self._actor_key(["kms:GenerateDataKey", "kms:Decrypt"]),
                # Publishing to real-time connections (store/realtime.py publish_to_*).
                self._manage_connections(),
                *self._job_administration(),
            ],
        )
        # The inbox POSTs, on their own REST API resources (template.yaml, infra/rest_api.py):
        # the only HTTP path that checks forwarded activities' LD signatures (JSON-LD).
        self.inbox_post_function = self._function(
            "InboxPostFunction",
            "functions.federation.inbox_post.handler",
            description="Cirrus inbox POSTs (signatures checked, activities queued)",
            timeout=29,
            federation=True,
            log_name="inboxpost",
            # The inbox rate limit counts per client address, read behind CloudFront only.
            environment={"CIRRUS_EDGE_SECRET": self.edge_secret},
            statements=[
                self._table_crud(),
                *self._send("inbox"),
                # Signed fetches of remote actors: the instance actor's sealed private key.
                self._actor_key(["kms:Decrypt"]),
            ],
        )
        # The image uploads (template.yaml, infra/rest_api.py): the API's own app, with Pillow.
        self.image_uploads_function = self._function(
            "ImageUploadsFunction",
            "app.handler",
            description="Cirrus image uploads (the Chalice app, with Pillow)",
            timeout=29,
            log_name="imageuploads",
            environment={"CIRRUS_EDGE_SECRET": self.edge_secret},
            statements=[
                self._table_crud(),
                {
                    "Effect": "Allow",
                    "Action": S3_CRUD_ACTIONS,
                    "Resource": [self.media_bucket.attr_arn, sub("${MediaBucket.Arn}/*")],
                },
                *self._send("broadcast", "work"),
            ],
        )
        uploads_arn = "arn:${AWS::Partition}:s3:::cirrus-uploads-${StackGuid}"
        guid = cdk.Fn.select(2, cdk.Fn.split("/", self.stack_id))
        # Remote runners (domain/runner_jobs/): whether chunk steps become runner jobs, and
        # the jobs created (template.yaml); the ingest, the transcoder and the sweeper send steps.
        runner_dispatch = [
            {
                "Effect": "Allow",
                "Action": "dynamodb:GetItem",
                "Resource": self.table.attr_arn,
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["CONFIG#custom"]}},
            },
            self._table_keys(["dynamodb:PutItem", "dynamodb:GetItem"], "RUNNERJOB#*"),
            *self._runner_pushes(),
        ]
        ingest = self._function(
            "IngestFunction",
            "functions.transcoder.handler.handle_upload",
            description="Cirrus ingest (probes an upload and plans its transcoding)",
            timeout=300,
            log_name="ingest",
            ffmpeg=True,
            reserved_concurrent_executions=self.values["IngestConcurrency"].value_as_number,
            statements=[
                # ffprobe reads hostile files here: the video items only (template.yaml).
                self._table_keys(["dynamodb:GetItem"], "VIDEO#*", "VIDEOUUID#*"),
                self._table_keys(["dynamodb:UpdateItem"], "VIDEO#*"),
                self._quota_release(),
                *runner_dispatch,
                *self._send("transcode"),
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": cdk.Fn.sub(f"{uploads_arn}/videos/*", {"StackGuid": guid}),
                },
                # Its on-failure destination (Lambda sends with the function's role), as SAM grants.
                {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": self.queues["transcode"].attr_arn},
            ],
        )
        permission = self._named(
            lambda_.CfnPermission(
                self,
                "IngestFunctionUploadPermission",
                action="lambda:InvokeFunction",
                function_name=ingest.ref,
                principal="s3.amazonaws.com",
                source_account=self.account,
            ),
            "IngestFunctionUploadPermission",
        )
        self.uploads_bucket.notification_configuration = {
            "lambdaConfigurations": [
                {
                    "event": "s3:ObjectCreated:*",
                    "function": ingest.attr_arn,
                    "filter": {"s3Key": {"rules": [{"name": "prefix", "value": "videos/"}]}},
                }
            ]
        }
        self.uploads_bucket.node.add_dependency(permission)
        # After Lambda's two retries of an S3 event, the event goes to the transcode queue,
        # whose consumer fails the video visibly.
        self._named(
            lambda_.CfnEventInvokeConfig(
                self,
                "IngestFunctionEventInvokeConfig",
                function_name=ingest.ref,
                qualifier="$LATEST",
                maximum_retry_attempts=2,
                destination_config={"onFailure": {"destination": self.queues["transcode"].attr_arn}},
            ),
            "IngestFunctionEventInvokeConfig",
        )

        # The sweeper probes a source whose ingest never ran and sends steps again (template.yaml).
        self.sweeper_statements = [
            *runner_dispatch,
            self._table_keys(["dynamodb:GetItem", "dynamodb:BatchGetItem"], "VIDEO#*", "VIDEOUUID#*"),
            self._table_keys(["dynamodb:UpdateItem"], "VIDEO#*"),
            self._quota_release(),
            {
                "Effect": "Allow",
                "Action": "dynamodb:Query",
                "Resource": sub("${MainTable.Arn}/index/gsi1"),
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["VIDEOS#pending"]}},
            },
            *self._send("transcode"),
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": sub("${UploadsBucket.Arn}/videos/*")},
            # A studio edit stuck in editing: the work function gives it up (template.yaml).
            *self._send("work"),
        ]
        transcoder = self._function(
            "TranscoderFunction",
            "functions.transcoder.handler.handle_step",
            description="Cirrus transcoder (one step of a video's HLS encoding per message)",
            timeout=self.specs["transcode"].function_timeout,
            memory=3008,
            log_name="transcoder",
            ffmpeg=True,
            ephemeral_storage={"size": 10240},
            reserved_concurrent_executions=self.values["TranscoderConcurrency"].value_as_number,
            statements=[
                # ffmpeg runs on hostile files here: the video's items, its info hash claims,
                # the counters and its owner's quota only (template.yaml).
                self._table_keys(
                    [
                        "dynamodb:GetItem",
                        "dynamodb:Query",
                        "dynamodb:UpdateItem",
                        "dynamodb:PutItem",
                        "dynamodb:DeleteItem",
                    ],
                    "VIDEO#*",
                ),
                # A permanent live's replay: its UUID's claim and its id (template.yaml).
                self._table_keys(["dynamodb:GetItem", "dynamodb:PutItem"], "VIDEOUUID#*"),
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:UpdateItem",
                    "Resource": self.table.attr_arn,
                    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["COUNTER#video"]}},
                },
                self._table_keys(["dynamodb:PutItem"], "INFOHASH#*"),
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:UpdateItem",
                    "Resource": self.table.attr_arn,
                    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["STATS#instance"]}},
                },
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:UpdateItem",
                    "Resource": self.table.attr_arn,
                    "Condition": {
                        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["USER#*"]},
                        "ForAllValues:StringEquals": {
                            "dynamodb:Attributes": [
                                "pk",
                                "sk",
                                "video_quota_used",
                                "video_quota_reserved",
                                "daily_uploads",
                                "quota_version",
                            ]
                        },
                        "StringEqualsIfExists": {"dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"]},
                    },
                },
                *runner_dispatch,
                # Steps queue further steps; a published video is announced (by the broadcast
                # function, which reads the actors) and notified (by the work function).
                *self._send("transcode", "broadcast", "work"),
                self._consume("transcode"),
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": [sub("${UploadsBucket.Arn}/videos/*"), sub("${UploadsBucket.Arn}/work/*")],
                },
                {
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"],
                    "Resource": sub("${UploadsBucket.Arn}/work/*"),
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": self.uploads_bucket.attr_arn,
                    "Condition": {"StringLike": {"s3:prefix": "work/*"}},
                },
                {
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                    "Resource": [sub(f"${{MediaBucket.Arn}}/{prefix}") for prefix in TRANSCODED_MEDIA],
                },
                # A video whose privacy changed while it was transcoded: finalize moves what the
                # steps wrote to the directory its privacy names (chalicelib/domain/media_privacy.py)
                # and rewrites its torrents; torrents are made from what was written; publication
                # deletes the original.
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:DeleteObject"],
                    "Resource": [sub(f"${{MediaBucket.Arn}}/{prefix}") for prefix in TRANSCODED_MEDIA],
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": self.media_bucket.attr_arn,
                    "Condition": {"StringLike": {"s3:prefix": list(MOVED_MEDIA)}},
                },
            ],
        )
        self._sqs_source(
            transcoder,
            self.specs["transcode"],
            scaling_config={"maximumConcurrency": self.values["TranscoderConcurrency"].value_as_number},
        )

        views = self._function(
            "ViewsFunction",
            "functions.views.handler.handle_views",
            description="Cirrus views (counted views added to their videos, a batch at a time)",
            timeout=self.specs["views"].function_timeout,
            memory=256,
            log_name="views",
            statements=[
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"],
                    "Resource": self.table.attr_arn,
                },
                self._consume("views"),
            ],
        )
        self._sqs_source(views, self.specs["views"], maximum_batching_window_in_seconds=30)

        work = self._function(
            "WorkFunction",
            "functions.work.handler.handle_work",
            description=(
                "Cirrus work (deletions of accounts and channels, remote subscriptions, moves, notifications,"
                " emails, web pushes, account archives)"
            ),
            timeout=self.specs["work"].function_timeout,
            memory=512,
            work=True,
            log_name="work",
            # Where torrent and long imports run: the import task, if any (template.yaml).
            environment=work_function_environment(self.has_import_task),
            statements=[
                # Videos and their partitions, claims, users, actors, playlists, tokens, follows.
                self._table_crud(),
                # A video's Delete, a Follow; a deletion's continuation, a fan-out's next page.
                *self._send("broadcast", "work"),
                self._consume("work"),
                # New notifications pushed live (store/realtime.py publish_to_user).
                self._manage_connections(),
                # Web Push: the instance's sealed VAPID key signs each push request.
                self._actor_key(["kms:Decrypt"]),
                # Emails through SES, from the identities verified in this account (template.yaml).
                {
                    "Effect": "Allow",
                    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                    "Resource": sub("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*"),
                },
                # A deleted video's files (and playlists' thumbnails): deleting only.
                {
                    "Effect": "Allow",
                    "Action": "s3:DeleteObject",
                    "Resource": [
                        *(sub(f"${{MediaBucket.Arn}}/{prefix}") for prefix in TRANSCODED_MEDIA),
                        sub("${UploadsBucket.Arn}/videos/*"),
                        sub("${UploadsBucket.Arn}/work/*"),
                        sub("${UploadsBucket.Arn}/imports/*"),
                    ],
                },
                # Account archives: sources read and written, exports written, imports read.
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                    "Resource": [sub("${UploadsBucket.Arn}/videos/*"), sub("${UploadsBucket.Arn}/exports/*")],
                },
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": sub("${UploadsBucket.Arn}/imports/*")},
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": self.media_bucket.attr_arn,
                    "Condition": {"StringLike": {"s3:prefix": list(MOVED_MEDIA)}},
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": self.uploads_bucket.attr_arn,
                    "Condition": {"StringLike": {"s3:prefix": ["videos/*", "work/*"]}},
                },
                # A video import: its file streamed into the work area, probed there, copied
                # to the video's source.
                {
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"],
                    "Resource": sub("${UploadsBucket.Arn}/work/*"),
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": sub("${UploadsBucket.Arn}/videos/*"),
                },
                # A mirror an administrator asked for or dropped: under the redundancy prefix.
                *self._redundancy_copies(),
            ],
            ffmpeg=True,
        )
        self._sqs_source(work, self.specs["work"])
        self._transcribe()

        broadcast = self._function(
            "BroadcastFunction",
            "functions.federation.broadcast.handle_broadcast",
            description="Cirrus broadcast (an activity's audience expanded into one delivery per inbox)",
            timeout=self.specs["broadcast"].function_timeout,
            memory=256,
            federation=True,
            log_name="broadcast",
            # Broadcasts sent by the transcoder's role are dropped (template.yaml).
            environment={"CIRRUS_TRANSCODER_ROLE_ID": self.node.find_child("TranscoderFunctionRole").attr_role_id},
            statements=[
                {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": sub("${MainTable.Arn}/index/gsi1")},
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"],
                    "Resource": self.table.attr_arn,
                },
                # A published video's announcements are broadcasts themselves; a live on air,
                # its subscribers' notifications (work).
                *self._send("deliver", "broadcast", "work"),
                self._consume("broadcast"),
                self._actor_key(["kms:Decrypt"]),
                # A live's state-change to its viewers (template.yaml).
                self._table_keys(["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"], "RTCONN#*", "RTROOM#*"),
                self._manage_connections(),
            ],
        )
        self._sqs_source(broadcast, self.specs["broadcast"])

        deliver = self._function(
            "DeliverFunction",
            "functions.federation.deliver.handle_deliver",
            description="Cirrus deliver (one signed POST per message, retried with exponential backoff)",
            timeout=self.specs["deliver"].function_timeout,
            memory=256,
            log_name="deliver",
            statements=[
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
                    "Resource": self.table.attr_arn,
                },
                {
                    "Effect": "Allow",
                    "Action": ["sqs:GetQueueUrl", "sqs:ChangeMessageVisibility"],
                    "Resource": self.queues["deliver"].attr_arn,
                },
                self._actor_key(["kms:Decrypt"]),
                self._consume("deliver"),
                # A delivery to a host already busy is put back, delayed (delivery/batch.py).
                *self._send("deliver"),
            ],
        )
        self._sqs_source(deliver, self.specs["deliver"])

        inbox = self._function(
            "InboxFunction",
            "functions.federation.inbox.handle_inbox",
            description="Cirrus inbox (received activities, each processed once)",
            timeout=self.specs["inbox"].function_timeout,
            memory=512,
            federation=True,
            log_name="inbox",
            statements=[
                self._table_crud(),
                # Answers and forwards go out through the delivery pipeline; remote views count;
                # remote comments, follows, videos and reports make notifications (work).
                *self._send("broadcast", "deliver", "views", "work"),
                self._consume("inbox"),
                # Remote videos' thumbnails and previews, copied as PeerTube copies them.
                {
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:DeleteObject"],
                    "Resource": [
                        sub("${MediaBucket.Arn}/lazy-static/thumbnails/*"),
                        sub("${MediaBucket.Arn}/lazy-static/previews/*"),
                    ],
                },
                self._actor_key(["kms:Decrypt"]),
            ],
        )
        self._sqs_source(inbox, self.specs["inbox"])

        statements = {
            "sweeper": self.sweeper_statements,
            "runners": [
                # RN7: processing jobs by their last news; RN6b: pending ones past the Lambda
                # fallback; RN9: one conditional move each; steps taken back to the transcoder.
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:Query",
                    "Resource": sub("${MainTable.Arn}/index/gsi1"),
                    "Condition": {
                        "ForAllValues:StringLike": {
                            "dynamodb:LeadingKeys": ["RUNNERJOBS#processing", "RUNNERJOBS#pending#*"]
                        }
                    },
                },
                self._table_keys(["dynamodb:UpdateItem"], "RUNNERJOB#*"),
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": self.table.attr_arn,
                    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["CONFIG#custom"]}},
                },
                *self._send("transcode"),
                *self._runner_pushes(),
            ],
            "channelsync": [
                # CS2: every channel synchronisation; whether synchronisation is enabled; a
                # work task for each; I2: the imports processing, one whose download died
                # gets a work task that fails it (template.yaml).
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:Query",
                    "Resource": sub("${MainTable.Arn}/index/gsi2"),
                    "Condition": {
                        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["CHANNELSYNCS", "IMPORTS#PROCESSING"]}
                    },
                },
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": self.table.attr_arn,
                    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["CONFIG#custom"]}},
                },
                *self._send("work"),
            ],
            "pinger": [
                # WS8: the connections, shard by shard; WS4: gone ones forgotten (template.yaml).
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:Query",
                    "Resource": sub("${MainTable.Arn}/index/gsi1"),
                    "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["RTCONNS#*"]}},
                },
                self._table_keys(["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"], "RTCONN#*", "RTROOM#*"),
                self._manage_connections(),
            ],
        }
        # Mirrors of followed instances' videos (functions/redundancy/handler.py).
        statements["redundancy"] = [self._table_crud(), *self._send("broadcast"), *self._redundancy_copies()]
        for schedule in schedule_specs():
            module, _, attribute = schedule.handler.partition(":")
            logical_id = f"{schedule.name.capitalize()}Function"
            function = self._function(
                logical_id,
                f"{module}.{attribute}",
                description=f"Cirrus {schedule.name} (scheduled every {schedule.rate_minutes} minutes)",
                timeout=schedule.timeout,
                memory=schedule.memory,
                log_name=schedule.name,
                ffmpeg=schedule.ffmpeg,
                statements=statements.get(schedule.name, [self._table_crud()]),
            )
            self._schedule(function, f"rate({schedule.rate_minutes} minutes)")

    def _transcribe(self) -> None:
        """Amazon Transcribe, with TranscriptionEngine `transcribe` only (template.yaml): the
        work function's right to extract the sound and start a job, and the function that
        stores the subtitles of the jobs that ended."""
        job_arn = sub("arn:${AWS::Partition}:transcribe:${AWS::Region}:${AWS::AccountId}:transcription-job/cirrus-*")
        io = [sub("${MediaBucket.Arn}/transcription/input/*"), sub("${MediaBucket.Arn}/transcription/output/*")]
        policy = self._named(
            iam.CfnPolicy(
                self,
                "WorkFunctionTranscribePolicy",
                policy_name="transcribe",
                roles=[cdk.Fn.ref("WorkFunctionRole")],
                policy_document={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": [
                                *(sub(f"${{MediaBucket.Arn}}/{prefix}") for prefix in TRANSCRIBED_MEDIA),
                                io[0],
                            ],
                        },
                        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": io},
                        {"Effect": "Allow", "Action": "transcribe:StartTranscriptionJob", "Resource": job_arn},
                    ],
                },
            ),
            "WorkFunctionTranscribePolicy",
        )
        policy.cfn_options.condition = self.uses_transcribe
        function = self._function(
            "TranscriptionFunction",
            "functions.transcription.handler.handle_job_state_change",
            description="Cirrus transcription (Amazon Transcribe's subtitles stored as captions)",
            timeout=60,
            memory=512,
            log_name="transcription",
            condition=self.uses_transcribe,
            statements=[
                self._table_crud(),
                *self._send("broadcast", "work"),
                {"Effect": "Allow", "Action": "transcribe:GetTranscriptionJob", "Resource": job_arn},
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": io},
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": [
                        sub("${MediaBucket.Arn}/lazy-static/video-captions/*"),
                        sub("${MediaBucket.Arn}/static/streaming-playlists/*"),
                        sub("${MediaBucket.Arn}/private/streaming-playlists/*"),
                    ],
                },
            ],
        )
        rule = self._named(
            events.CfnRule(
                self,
                "TranscriptionFunctionJobStateChange",
                event_pattern={
                    "source": ["aws.transcribe"],
                    "detail-type": ["Transcribe Job State Change"],
                    "detail": {
                        "TranscriptionJobStatus": ["COMPLETED", "FAILED"],
                        "TranscriptionJobName": [{"prefix": "cirrus-"}],
                    },
                },
                targets=[{"arn": function.attr_arn, "id": "TranscriptionFunctionJobStateChangeLambdaTarget"}],
            ),
            "TranscriptionFunctionJobStateChange",
        )
        permission = self._named(
            lambda_.CfnPermission(
                self,
                "TranscriptionFunctionJobStateChangePermission",
                action="lambda:InvokeFunction",
                function_name=function.ref,
                principal="events.amazonaws.com",
                source_arn=rule.attr_arn,
            ),
            "TranscriptionFunctionJobStateChangePermission",
        )
        for resource in (rule, permission):
            resource.cfn_options.condition = self.uses_transcribe

    def _redundancy_copies(self) -> list[dict[str, Any]]:
        """Writing and deleting the copies of remote videos' HLS files (docs/redundancy.md)."""
        return [
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Resource": sub("${MediaBucket.Arn}/static/redundancy/*"),
            },
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": self.media_bucket.attr_arn,
                "Condition": {"StringLike": {"s3:prefix": ["static/redundancy/*"]}},
            },
        ]

    def _tracker_scaler(self) -> None:
        """The tracker's active shards follow its connections, with TrackerMaxTasks above 1
        (template.yaml's TrackerScalerFunction): the shard set item, shards 1-7's services,
        and the tasks' metric."""
        scaled: cdk.CfnCondition = self.node.find_child("HasTrackerShard1")
        function = self._function(
            "TrackerScalerFunction",
            "functions.tracker_scaler.handler.handle_schedule",
            description="Cirrus tracker scaler (tracker shards started and stopped on connections)",
            timeout=60,
            memory=256,
            log_name="trackerscaler",
            condition=scaled,
            # The function exists only with shards to scale: the settings' conditions, settled.
            environment={
                "CIRRUS_TRACKER_SHARDS": self.values["TrackerMaxTasks"].value_as_string,
                "CIRRUS_TRACKER_SCALED": "true",
                "CIRRUS_TRACKER_CLUSTER": cdk.Fn.ref("TrackerCluster"),
            },
            statements=[
                self._table_keys(["dynamodb:GetItem", "dynamodb:PutItem"], "CONFIG#trackershards"),
                {
                    "Effect": "Allow",
                    "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
                    "Resource": sub(
                        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/${TrackerCluster}/"
                        "${AWS::StackName}-tracker-shard-*"
                    ),
                },
                {"Effect": "Allow", "Action": "cloudwatch:GetMetricData", "Resource": "*"},
            ],
        )
        self._schedule(function, "rate(1 minute)", condition=scaled, event="EveryMinute")

    def _schedule(
        self,
        function: lambda_.CfnFunction,
        expression: str,
        condition: cdk.CfnCondition | None = None,
        event: str = "Schedule",
    ) -> None:
        """`event`: the schedule's name in template.yaml's Events, which SAM's translation puts in
        the logical ids (compared by id where the resources are conditional)."""
        name = function.logical_id + event
        role = self._named(
            iam.CfnRole(
                self,
                f"{name}Role",
                assume_role_policy_document={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "scheduler.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                policies=[
                    {
                        "policyName": "invoke",
                        "policyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": function.attr_arn}
                            ],
                        },
                    }
                ],
            ),
            f"{name}Role",
        )
        schedule = self._named(
            scheduler.CfnSchedule(
                self,
                name,
                schedule_expression=expression,
                flexible_time_window={"mode": "OFF"},
                target={"arn": function.attr_arn, "roleArn": role.attr_arn},
            ),
            name,
        )
        if condition is not None:  # a function only some deployments have
            role.cfn_options.condition = schedule.cfn_options.condition = condition

    # --- Real time (template.yaml: RealtimeApi and what follows it) -------------------------

    def _realtime_api(self) -> None:
        from aws_cdk import aws_apigatewayv2 as apigatewayv2

        self.realtime_api = self._named(
            apigatewayv2.CfnApi(
                self,
                "RealtimeApi",
                name=sub("${AWS::StackName}-realtime"),
                description="Cirrus real time (socket.io over WebSocket)",
                protocol_type="WEBSOCKET",
                # socket.io frames are never JSON objects with an `action`: all go to $default.
                route_selection_expression="$request.body.action",
            ),
            "RealtimeApi",
        )
        self.realtime_endpoint = sub(
            f"https://${{RealtimeApi}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{edge_routes.REALTIME_STAGE}"
        )

    def _runner_pushes(self) -> list[dict[str, Any]]:
        """`available-jobs` to the runners on socket.io: the room's members (WS7), gone
        connections forgotten (WS4), the pushes (template.yaml)."""
        return [
            self._table_keys(["dynamodb:Query"], "RTROOM#*"),
            self._table_keys(["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"], "RTCONN#*", "RTROOM#*"),
            self._manage_connections(),
        ]

    def _manage_connections(self) -> dict[str, Any]:
        """Pushes to this WebSocket API's connections only."""
        return {
            "Effect": "Allow",
            "Action": "execute-api:ManageConnections",
            "Resource": sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RealtimeApi}/*"),
        }

    def _realtime(self) -> None:
        from aws_cdk import aws_apigatewayv2 as apigatewayv2

        own_name = "${AWS::StackName}-realtime"
        function = self._function(
            "RealtimeFunction",
            "functions.realtime.handler.handle_websocket",
            description="Cirrus real time (socket.io namespaces over the WebSocket API)",
            timeout=10,
            memory=512,
            log_name="realtime",
            # Fixed, so that its own policy names it (the deferred open packet) without a cycle.
            function_name=sub(own_name),
            statements=[
                self._table_keys(
                    ["dynamodb:GetItem", "dynamodb:Query"],
                    "TOKEN#*",
                    "RUNNER#*",
                    "USER#*",
                    "VIDEO#*",
                    "VIDEOUUID#*",
                    "RTCONN#*",
                    "RTROOM#*",
                ),
                self._table_keys(
                    ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
                    "RTCONN#*",
                    "RTROOM#*",
                ),
                self._manage_connections(),
                {
                    "Effect": "Allow",
                    "Action": "lambda:InvokeFunction",
                    "Resource": sub(
                        f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{own_name}"
                    ),
                },
            ],
        )
        # A failed deferred push is not tried again: its client reconnects by itself.
        self._named(
            lambda_.CfnEventInvokeConfig(
                self,
                "RealtimeFunctionEventInvokeConfig",
                function_name=function.ref,
                qualifier="$LATEST",
                maximum_retry_attempts=0,
                maximum_event_age_in_seconds=60,
                destination_config={},  # as SAM writes it
            ),
            "RealtimeFunctionEventInvokeConfig",
        )
        api = self.realtime_api.ref
        self._named(
            apigatewayv2.CfnIntegration(
                self,
                "RealtimeIntegration",
                api_id=api,
                integration_type="AWS_PROXY",
                integration_uri=sub(
                    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                    "${RealtimeFunction.Arn}/invocations"
                ),
            ),
            "RealtimeIntegration",
        )
        routes = []
        for logical_id, key in (
            ("RealtimeConnectRoute", "$connect"),
            ("RealtimeDisconnectRoute", "$disconnect"),
            ("RealtimeDefaultRoute", "$default"),
        ):
            extra = {"authorization_type": "NONE"} if key == "$connect" else {}
            routes.append(
                self._named(
                    apigatewayv2.CfnRoute(
                        self,
                        logical_id,
                        api_id=api,
                        route_key=key,
                        target=sub("integrations/${RealtimeIntegration}"),
                        **extra,
                    ),
                    logical_id,
                )
            )
        stage = self._named(
            apigatewayv2.CfnStage(
                self,
                "RealtimeStage",
                api_id=api,
                stage_name=edge_routes.REALTIME_STAGE,
                auto_deploy=True,
                default_route_settings={"throttlingRateLimit": 500, "throttlingBurstLimit": 1000},
            ),
            "RealtimeStage",
        )
        for route in routes:
            stage.add_dependency(route)
        self._named(
            lambda_.CfnPermission(
                self,
                "RealtimeInvokePermission",
                action="lambda:InvokeFunction",
                function_name=function.ref,
                principal="apigateway.amazonaws.com",
                source_arn=sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RealtimeApi}/*"),
            ),
            "RealtimeInvokePermission",
        )

    # --- HTTP ---------------------------------------------------------------------------------

    def _http(self) -> None:
        from aws_cdk import aws_apigateway as apigateway

        integration = sub(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
            "${ApiFunction.Arn}/invocations"
        )
        method = {
            "x-amazon-apigateway-any-method": {
                "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": integration}
            }
        }
        functions = {INBOX_POST: "InboxPostFunction", IMAGE_UPLOADS: "ImageUploadsFunction"}
        # The inbox POSTs' and the image uploads' own resources beside /{proxy+}, one method
        # each; the other methods fall through to the proxy (infra/rest_api.py).
        explicit: dict[str, dict[str, Any]] = {}
        for route in ROUTES:
            explicit.setdefault(route.resource, {})[route.method.lower()] = {
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "httpMethod": "POST",
                    "uri": sub(
                        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                        f"${{{functions[route.function]}.Arn}}/invocations"
                    ),
                },
                "responses": {},
            }
        self.rest_api = self._named(
            apigateway.CfnRestApi(
                self,
                "RestApi",
                description="Cirrus HTTP API",
                endpoint_configuration={"types": ["REGIONAL"]},
                binary_media_types=BINARY_MEDIA_TYPES,
                body={
                    "openapi": "3.0.1",
                    "info": {"title": "Cirrus", "version": "1.0"},
                    "paths": {"/": method, "/{proxy+}": method, **explicit},
                },
            ),
            "RestApi",
        )
        deployment = apigateway.CfnDeployment(self, "RestApiDeployment", rest_api_id=self.rest_api.ref)
        access_logs = self._named(
            logs.CfnLogGroup(self, "ApiAccessLogGroup", retention_in_days=LOG_RETENTION_DAYS), "ApiAccessLogGroup"
        )
        logging_role = self._named(
            iam.CfnRole(
                self,
                "ApiGatewayLoggingRole",
                assume_role_policy_document={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                managed_policy_arns=[
                    sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
                ],
            ),
            "ApiGatewayLoggingRole",
        )
        account = self._named(
            apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=logging_role.attr_arn),
            "ApiGatewayAccount",
        )
        stage = apigateway.CfnStage(
            self,
            "RestApiliveStage",
            rest_api_id=self.rest_api.ref,
            deployment_id=deployment.ref,
            stage_name="live",
            tracing_enabled=True,
            method_settings=[
                {
                    "resourcePath": "/*",
                    "httpMethod": "*",
                    "throttlingRateLimit": 200,
                    "throttlingBurstLimit": 400,
                }
            ],
            access_log_setting={
                "destinationArn": access_logs.attr_arn,
                "format": '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
                '"requestTime":"$context.requestTime","method":"$context.httpMethod",'
                '"path":"$context.path","status":"$context.status"}',
            },
        )
        stage.node.add_dependency(account)
        for name, path in (("Root", "/"), ("Proxy", "/*")):
            lambda_.CfnPermission(
                self,
                f"ApiFunction{name}Permission",
                action="lambda:InvokeFunction",
                function_name=self.api_function.ref,
                principal="apigateway.amazonaws.com",
                source_arn=sub(
                    f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{RestApi}}/*/*{path}"
                ),
            )
        targets = {INBOX_POST: self.inbox_post_function, IMAGE_UPLOADS: self.image_uploads_function}
        for route in ROUTES:
            path = re.sub(r"\{[^}]+\}", "*", route.resource)
            name = "".join(word.capitalize() for word in re.findall(r"[a-z0-9]+", route.resource.lower()))
            lambda_.CfnPermission(
                self,
                f"{functions[route.function]}{name}{route.method.capitalize()}Permission",
                action="lambda:InvokeFunction",
                function_name=targets[route.function].ref,
                principal="apigateway.amazonaws.com",
                source_arn=sub(
                    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*/"
                    f"{route.method}{path}"
                ),
            )

    # --- Edge ---------------------------------------------------------------------------------

    def _edge(self) -> None:
        viewer_request = self._named(
            cloudfront.CfnFunction(
                self,
                "ViewerRequestFunction",
                name=sub("${AWS::StackName}-viewer-request"),
                auto_publish=True,
                function_config={
                    "comment": "Cirrus content negotiation and single-page app fallback",
                    "runtime": "cloudfront-js-2.0",
                },
                function_code=edge_routes.viewer_request_code(),
            ),
            "ViewerRequestFunction",
        )
        realtime_request = self._named(
            cloudfront.CfnFunction(
                self,
                "RealtimeRequestFunction",
                name=sub("${AWS::StackName}-realtime-request"),
                auto_publish=True,
                function_config={
                    "comment": "Cirrus socket.io path to the WebSocket API stage",
                    "runtime": "cloudfront-js-2.0",
                },
                function_code=edge_routes.realtime_request_code(),
            ),
            "RealtimeRequestFunction",
        )
        oac = self._named(
            cloudfront.CfnOriginAccessControl(
                self,
                "OriginAccessControl",
                origin_access_control_config={
                    "name": sub("${AWS::StackName}-buckets"),
                    "description": "CloudFront reads the Cirrus web and media buckets",
                    "originAccessControlOriginType": "s3",
                    "signingBehavior": "always",
                    "signingProtocol": "sigv4",
                },
            ),
            "OriginAccessControl",
        )
        media_cache = self._cache_policy(
            "MediaCachePolicy", "media", "Cirrus media (HLS segments, images), immutable", 31536000, 31536000
        )
        playlist_cache = self._cache_policy(
            "PlaylistCachePolicy", "playlists", "Cirrus HLS playlists, briefly cached", 10, 60
        )
        # A live's files: the ingest's Cache-Control, 1 s without one (template.yaml).
        live_cache = self._cache_policy(
            "LiveMediaCachePolicy", "live", "Cirrus live HLS, the origin's Cache-Control or 1 s", 1, 31536000
        )
        cors = self._named(
            cloudfront.CfnResponseHeadersPolicy(
                self,
                "MediaCorsPolicy",
                response_headers_policy_config={
                    "name": sub("${AWS::StackName}-media-cors"),
                    "comment": "Cirrus media, readable from any origin",
                    "corsConfig": {
                        "accessControlAllowOrigins": {"items": ["*"]},
                        "accessControlAllowMethods": {"items": MEDIA_METHODS},
                        "accessControlAllowHeaders": {"items": ["*"]},
                        "accessControlExposeHeaders": {"items": ["Content-Length", "Content-Range", "ETag"]},
                        "accessControlAllowCredentials": False,
                        "accessControlMaxAgeSec": 86400,
                        "originOverride": True,
                    },
                    "securityHeadersConfig": security_headers.camel(
                        security_headers.security_headers_config(security_headers.MEDIA_CSP, deny_framing=True)
                    ),
                },
            ),
            "MediaCorsPolicy",
        )

        def security_policy(
            logical_id: str, name: str, comment: str, embed: bool
        ) -> cloudfront.CfnResponseHeadersPolicy:
            csp = security_headers.web_csp(embed=embed)
            config = security_headers.security_headers_config(csp, deny_framing=not embed)
            return self._named(
                cloudfront.CfnResponseHeadersPolicy(
                    self,
                    logical_id,
                    response_headers_policy_config={
                        "name": sub(f"${{AWS::StackName}}-{name}"),
                        "comment": comment,
                        "securityHeadersConfig": security_headers.camel(config),
                    },
                ),
                logical_id,
            )

        web_policy = security_policy("WebSecurityPolicy", "web-security", "Cirrus web client security headers", False)
        embed_policy = security_policy(
            "EmbedSecurityPolicy", "embed-security", "Cirrus embed page, frameable by any site", True
        )
        function_association = [{"eventType": "viewer-request", "functionArn": viewer_request.attr_function_arn}]

        def media(pattern: str, cache: cloudfront.CfnCachePolicy) -> dict[str, Any]:
            return {
                "pathPattern": pattern,
                "targetOriginId": edge_routes.MEDIA_ORIGIN_ID,
                "viewerProtocolPolicy": "redirect-to-https",
                "allowedMethods": MEDIA_METHODS,
                "cachedMethods": ["GET", "HEAD"],
                "compress": True,
                "cachePolicyId": cache.ref,
                "originRequestPolicyId": CORS_S3_ORIGIN,
                "responseHeadersPolicyId": cors.ref,
            }

        def uncached(
            pattern: str, origin: str, function: bool, headers: cloudfront.CfnResponseHeadersPolicy | None = None
        ) -> dict[str, Any]:
            behaviour: dict[str, Any] = {
                "pathPattern": pattern,
                "targetOriginId": origin,
                "viewerProtocolPolicy": "redirect-to-https",
                "allowedMethods": ALL_METHODS,
                "cachePolicyId": CACHING_DISABLED,
                "originRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
            }
            if headers is not None:
                behaviour["responseHeadersPolicyId"] = headers.ref
            if function:
                behaviour["functionAssociations"] = function_association
            return behaviour

        behaviours = [
            # Private videos' HLS: the API checks the video file token; first, since the media
            # patterns also match it.
            *(uncached(p, edge_routes.API_ORIGIN_ID, False) for p in edge_routes.private_media_path_patterns()),
            # Lives' HLS, before the VOD playlists whose pattern also matches theirs.
            *(media(p, live_cache) for p in edge_routes.live_media_path_patterns()),
            media(PLAYLIST_PATTERN, playlist_cache),
            *(media(edge_routes.path_pattern(prefix), media_cache) for prefix in edge_routes.MEDIA_PREFIXES),
            # Only with a tracker: its websocket, uncached, with every viewer header (Host for
            # the certificate check, the upgrade handshake's).
            cdk.Fn.condition_if(
                self.has_tracker.logical_id,
                {
                    "PathPattern": "/tracker/*",
                    "TargetOriginId": "tracker",
                    "ViewerProtocolPolicy": "https-only",
                    "AllowedMethods": ["GET", "HEAD"],
                    "CachePolicyId": CACHING_DISABLED,
                    "OriginRequestPolicyId": ALL_VIEWER,
                },
                cdk.Aws.NO_VALUE,
            ),
            # socket.io to the WebSocket API, its path rewritten to the stage by the Function.
            {
                "pathPattern": edge_routes.path_pattern(edge_routes.REALTIME_PREFIX),
                "targetOriginId": edge_routes.REALTIME_ORIGIN_ID,
                "viewerProtocolPolicy": "https-only",
                "allowedMethods": ["GET", "HEAD"],
                "cachePolicyId": CACHING_DISABLED,
                "originRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                "functionAssociations": [
                    {"eventType": "viewer-request", "functionArn": realtime_request.attr_function_arn}
                ],
            },
            *(uncached(pattern, edge_routes.API_ORIGIN_ID, False) for pattern in edge_routes.api_path_patterns()),
            *(
                behaviour
                for p in edge_routes.negotiated_path_patterns()
                for behaviour in (
                    # The embed page may be framed by any site; first match wins, so before /videos/*.
                    [
                        uncached(
                            edge_routes.path_pattern(security_headers.EMBED_PREFIX),
                            edge_routes.WEB_ORIGIN_ID,
                            True,
                            embed_policy,
                        )
                    ]
                    if edge_routes.path_pattern(security_headers.EMBED_PREFIX).startswith(p.rstrip("*"))
                    else []
                )
                + [uncached(p, edge_routes.WEB_ORIGIN_ID, True, web_policy)]
            ),
        ]

        def bucket_origin(origin_id: str, bucket: s3.CfnBucket) -> dict[str, Any]:
            return {
                "id": origin_id,
                "domainName": bucket.attr_regional_domain_name,
                "originAccessControlId": oac.attr_id,
                "s3OriginConfig": {"originAccessIdentity": ""},
            }

        distribution = self._named(
            cloudfront.CfnDistribution(
                self,
                "Distribution",
                distribution_config={
                    "comment": sub("Cirrus ${InstanceHost}"),
                    "enabled": True,
                    "httpVersion": "http2and3",
                    "ipv6Enabled": True,
                    "priceClass": self.values["PriceClass"].value_as_string,
                    "defaultRootObject": "index.html",
                    "aliases": cdk.Token.as_list(
                        cdk.Fn.condition_if(
                            self.has_certificate.logical_id, [self.instance_host.value_as_string], cdk.Aws.NO_VALUE
                        )
                    ),
                    "viewerCertificate": cdk.Fn.condition_if(
                        self.has_certificate.logical_id,
                        {
                            "AcmCertificateArn": self.values["CertificateArn"].value_as_string,
                            "SslSupportMethod": "sni-only",
                            "MinimumProtocolVersion": "TLSv1.2_2021",
                        },
                        {"CloudFrontDefaultCertificate": True},
                    ),
                    "origins": [
                        {
                            "id": edge_routes.API_ORIGIN_ID,
                            "domainName": sub("${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
                            "originPath": "/live",
                            # Proof that a request came through CloudFront (the execute-api
                            # host is public; a caller there could write any X-Forwarded-For).
                            "originCustomHeaders": [{"headerName": "X-Cirrus-Edge", "headerValue": self.edge_secret}],
                            "customOriginConfig": {
                                "originProtocolPolicy": "https-only",
                                "originSslProtocols": ["TLSv1.2"],
                            },
                        },
                        bucket_origin(edge_routes.WEB_ORIGIN_ID, self.web_bucket),
                        bucket_origin(edge_routes.MEDIA_ORIGIN_ID, self.media_bucket),
                        {
                            "id": edge_routes.REALTIME_ORIGIN_ID,
                            "domainName": sub("${RealtimeApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
                            "customOriginConfig": {
                                "originProtocolPolicy": "https-only",
                                "originSslProtocols": ["TLSv1.2"],
                            },
                        },
                        cdk.Fn.condition_if(
                            self.has_tracker.logical_id,
                            {
                                "Id": "tracker",
                                "DomainName": self.tracker_load_balancer.attr_dns_name,
                                "CustomOriginConfig": {
                                    "OriginProtocolPolicy": cdk.Fn.condition_if(
                                        self.has_tracker_certificate.logical_id, "https-only", "http-only"
                                    ),
                                    "OriginSSLProtocols": ["TLSv1.2"],
                                    "OriginReadTimeout": 60,
                                    "OriginKeepaliveTimeout": 60,
                                },
                            },
                            cdk.Aws.NO_VALUE,
                        ),
                    ],
                    "defaultCacheBehavior": {
                        "targetOriginId": edge_routes.WEB_ORIGIN_ID,
                        "viewerProtocolPolicy": "redirect-to-https",
                        "allowedMethods": ["GET", "HEAD"],
                        "compress": True,
                        "cachePolicyId": CACHING_OPTIMIZED,
                        "responseHeadersPolicyId": web_policy.ref,
                        "functionAssociations": function_association,
                    },
                    "cacheBehaviors": behaviours,
                },
            ),
            "Distribution",
        )
        # The validator reads the Fn::If of ViewerCertificate as neither certificate.
        cdk.Annotations.of(distribution).acknowledge_warning(
            "CloudFormation-Validate::F3014", "one certificate in each branch of HasCertificate"
        )
        for logical_id, bucket in (("WebBucketPolicy", self.web_bucket), ("MediaBucketPolicy", self.media_bucket)):
            self._bucket_policy(logical_id, bucket, distribution)
        cdk.CfnOutput(self, "DistributionDomainName", value=distribution.attr_domain_name)
        cdk.CfnOutput(self, "DistributionId", value=distribution.ref)
        cdk.CfnOutput(self, "WebBucketName", value=self.web_bucket.ref)
        cdk.CfnOutput(self, "InstanceUrl", value=sub("https://${InstanceHost}/"))
        tracker_output = cdk.CfnOutput(
            self, "TrackerLoadBalancerDnsName", value=self.tracker_load_balancer.attr_dns_name
        )
        tracker_output.condition = self.has_tracker

    def _outputs(self) -> None:
        cdk.CfnOutput(
            self, "ApiUrl", value=sub("https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/live/")
        )
        cdk.CfnOutput(self, "RealtimeEndpoint", value=self.realtime_endpoint)
        cdk.CfnOutput(self, "TableName", value=self.table.ref)
        cdk.CfnOutput(self, "MediaBucketName", value=self.media_bucket.ref)
        cdk.CfnOutput(self, "UploadsBucketName", value=self.uploads_bucket.ref)
        for key, queue in self.queues.items():
            cdk.CfnOutput(self, f"{key.capitalize()}QueueUrl", value=queue.ref)
        cdk.CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.ref)
        live_outputs = {
            "LiveLoadBalancerDnsName": (self.live_load_balancer.attr_dns_name, self.has_live),
            "LiveRtmpUrl": (rtmp_url(self.has_live_host, self.values["LiveHost"]), self.has_live),
            "LiveRtmpsUrl": (rtmps_url(), self.has_live_certificate),
        }
        for name, (value, condition) in live_outputs.items():
            cdk.CfnOutput(self, name, value=value).condition = condition

    def _cache_policy(
        self, logical_id: str, name: str, comment: str, default_ttl: int, max_ttl: int
    ) -> cloudfront.CfnCachePolicy:
        policy: cloudfront.CfnCachePolicy = self._named(
            cloudfront.CfnCachePolicy(
                self,
                logical_id,
                cache_policy_config={
                    "name": sub(f"${{AWS::StackName}}-{name}"),
                    "comment": comment,
                    "minTtl": 0,
                    "defaultTtl": default_ttl,
                    "maxTtl": max_ttl,
                    "parametersInCacheKeyAndForwardedToOrigin": {
                        "enableAcceptEncodingGzip": True,
                        "enableAcceptEncodingBrotli": True,
                        "headersConfig": {"headerBehavior": "none"},
                        "cookiesConfig": {"cookieBehavior": "none"},
                        "queryStringsConfig": {"queryStringBehavior": "none"},
                    },
                },
            ),
            logical_id,
        )
        return policy

    def _bucket_policy(self, logical_id: str, bucket: s3.CfnBucket, distribution: cloudfront.CfnDistribution) -> None:
        distribution_arn = sub(
            "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Id}", Id=distribution.ref
        )
        self._named(
            s3.CfnBucketPolicy(
                self,
                logical_id,
                bucket=bucket.ref,
                policy_document={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudFrontReads",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": sub("${Arn}/*", Arn=bucket.attr_arn),
                            "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
                        },
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [bucket.attr_arn, sub("${Arn}/*", Arn=bucket.attr_arn)],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            ),
            logical_id,
        )


def main() -> None:
    # aws-cdk-lib's built-in template validation (a WebAssembly rule engine run inside synth)
    # spent many minutes of GC-bound CPU on this template after writing it; the template is
    # linted with cfn-lint instead, as the SAM one is (tests/infra/test_cdk.py).
    app = cdk.App(builtin_cloud_formation_validation=False)
    build = Path(str(app.node.try_get_context("build") or ROOT / "build"))
    CirrusStack(app, str(app.node.try_get_context("stackName") or "Cirrus"), build=build)
    app.synth()


if __name__ == "__main__":
    main()
