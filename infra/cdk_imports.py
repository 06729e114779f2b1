"""The import task on Fargate, for the CDK app (template.yaml's Import* resources and the
work function's WorkFunctionImportTaskPolicy).

Every resource exists only under the HasImportTask condition (an ImportImage is given), with
the logical ids of template.yaml; tests/infra/test_cdk.py compares them property by
property. Why each piece is there is told once, in template.yaml and docs/imports.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

from chalicelib.store.import_tasks import CONTAINER
from infra.cdk_fargate import add_public_network, assume_role

LOG_RETENTION_DAYS = 30
WORK_VOLUME = "import-work"
WORK_DIR = "/tmp/cirrus-import"
# The import's, its video's and its user's items (domain/video_imports.run_in_task).
READ_PARTITIONS = ["IMPORT#*", "VIDEO#*", "USER#*"]
# The download's quota reservation (store/import_quota.py): these attributes of the video and
# its owner only (keys, conditions and writes), never a role or a password.
RESERVATION_PARTITIONS = ["VIDEO#*", "USER#*"]
RESERVATION_ATTRIBUTES = [
    "pk",
    "sk",
    "stage",
    "quota_reserved",
    "video_quota_reserved",
    "daily_uploads",
    "quota_version",
    "video_quota",
    "video_quota_daily",
]


@dataclass(frozen=True)
class ImportInputs:
    """What the import task takes from the rest of the stack."""

    has_task: cdk.CfnCondition
    image: cdk.CfnParameter
    table: dynamodb.CfnTable
    uploads_bucket: s3.CfnBucket
    work_queue: sqs.CfnQueue
    instance_host: str
    import_max_bytes: str
    import_timeout_seconds: str
    import_proxies: str


def work_function_environment(has_task: cdk.CfnCondition) -> dict[str, str]:
    """The work function's CIRRUS_IMPORT_TASK_* settings (empty without the task)."""

    def when(value: Any) -> str:
        return str(cdk.Token.as_string(cdk.Fn.condition_if(has_task.logical_id, value, "")))

    return {
        "CIRRUS_IMPORT_TASK_CLUSTER": when(cdk.Fn.ref("ImportCluster")),
        "CIRRUS_IMPORT_TASK_DEFINITION": when(cdk.Fn.ref("ImportTaskDefinition")),
        "CIRRUS_IMPORT_TASK_SUBNETS": when(cdk.Fn.sub("${ImportSubnetA},${ImportSubnetB}")),
        "CIRRUS_IMPORT_TASK_SECURITY_GROUP": when(cdk.Fn.ref("ImportTaskSecurityGroup")),
    }


def add_import_task(stack: cdk.Stack, inputs: ImportInputs) -> None:
    """Declare the task's network, cluster, roles and definition, and the work function's right to start it."""

    def add(resource: Any, depends_on: cdk.CfnResource | None = None) -> Any:
        resource.override_logical_id(resource.node.id)
        resource.cfn_options.condition = inputs.has_task
        if depends_on is not None:
            resource.add_dependency(depends_on)
        return resource

    network = add_public_network(stack, "Import", 82, add, endpoints=("dynamodb", "s3"))
    group = add(
        ec2.CfnSecurityGroup(
            stack,
            "ImportTaskSecurityGroup",
            group_description="Cirrus import tasks (no inbound traffic)",
            vpc_id=network.vpc.ref,
        )
    )
    cluster = add(
        ecs.CfnCluster(stack, "ImportCluster", cluster_settings=[{"name": "containerInsights", "value": "disabled"}])
    )
    log_group = add(
        logs.CfnLogGroup(
            stack,
            "ImportLogGroup",
            log_group_name=cdk.Fn.sub("/ecs/${AWS::StackName}-import"),
            retention_in_days=LOG_RETENTION_DAYS,
        )
    )
    execution_role = add(
        iam.CfnRole(
            stack,
            "ImportExecutionRole",
            assume_role_policy_document=assume_role("ecs-tasks.amazonaws.com"),
            managed_policy_arns=[
                cdk.Fn.sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
            ],
        )
    )
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": inputs.table.attr_arn,
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": READ_PARTITIONS}},
        },
        {
            "Effect": "Allow",
            "Action": "dynamodb:UpdateItem",
            "Resource": inputs.table.attr_arn,
            "Condition": {
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": RESERVATION_PARTITIONS},
                "ForAllValues:StringEquals": {"dynamodb:Attributes": RESERVATION_ATTRIBUTES},
            },
        },
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"],
            "Resource": cdk.Fn.sub("${UploadsBucket.Arn}/work/*"),
        },
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"], "Resource": inputs.work_queue.attr_arn},
    ]
    task_role = add(
        iam.CfnRole(
            stack,
            "ImportTaskRole",
            assume_role_policy_document=assume_role(
                "ecs-tasks.amazonaws.com", StringEquals={"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}
            ),
            policies=[
                {"policyName": "import-task", "policyDocument": {"Version": "2012-10-17", "Statement": statements}}
            ],
        )
    )
    uploads_bucket = cdk.Fn.sub(
        "cirrus-uploads-${StackGuid}", {"StackGuid": cdk.Fn.select(2, cdk.Fn.split("/", cdk.Aws.STACK_ID))}
    )
    environment = {
        "CIRRUS_ENV": "production",
        "CIRRUS_HOST": inputs.instance_host,
        "CIRRUS_TABLE": inputs.table.ref,
        "CIRRUS_UPLOADS_BUCKET": uploads_bucket,
        "CIRRUS_WORK_QUEUE": inputs.work_queue.attr_queue_name,
        "CIRRUS_IMPORT_MAX_BYTES": inputs.import_max_bytes,
        "CIRRUS_IMPORT_TIMEOUT_SECONDS": inputs.import_timeout_seconds,
        "CIRRUS_IMPORT_PROXIES": inputs.import_proxies,
        "CIRRUS_FEDERATION_ALLOW_LOOPBACK": "false",
        "POWERTOOLS_SERVICE_NAME": "cirrus",
        "POWERTOOLS_METRICS_NAMESPACE": "Cirrus",
        "LOG_LEVEL": "INFO",
        "AWS_REGION": cdk.Aws.REGION,
    }
    task = add(
        ecs.CfnTaskDefinition(
            stack,
            "ImportTaskDefinition",
            family=cdk.Fn.sub("${AWS::StackName}-import"),
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu="512",
            memory="1024",
            runtime_platform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
            execution_role_arn=execution_role.attr_arn,
            task_role_arn=task_role.attr_arn,
            volumes=[{"name": WORK_VOLUME}],
            container_definitions=[
                {
                    "name": CONTAINER,
                    "image": inputs.image.value_as_string,
                    "essential": True,
                    "readonlyRootFilesystem": True,
                    "mountPoints": [{"sourceVolume": WORK_VOLUME, "containerPath": WORK_DIR, "readOnly": False}],
                    "environment": [{"name": name, "value": value} for name, value in environment.items()],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": log_group.ref,
                            "awslogs-region": cdk.Aws.REGION,
                            "awslogs-stream-prefix": "import",
                        },
                    },
                }
            ],
        )
    )
    add(
        iam.CfnPolicy(
            stack,
            "WorkFunctionImportTaskPolicy",
            policy_name="import-task",
            roles=[cdk.Fn.ref("WorkFunctionRole")],
            policy_document={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "ecs:RunTask",
                        "Resource": task.ref,
                        "Condition": {"ArnEquals": {"ecs:cluster": cluster.attr_arn}},
                    },
                    {
                        "Effect": "Allow",
                        "Action": "iam:PassRole",
                        "Resource": [execution_role.attr_arn, task_role.attr_arn],
                        "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                    },
                ],
            },
        )
    )
    del group
