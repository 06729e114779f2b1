"""The live ingest on Fargate, for the CDK app (template.yaml's Live* resources).

Every resource exists only under the HasLive condition (a LiveImage is given), the RTMPS
listener under HasLiveCertificate, with the logical ids of template.yaml;
tests/infra/test_cdk.py compares them property by property. Why each piece is there is told
once, in template.yaml, infra/README.md and docs/live.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs

from functions.live.ports import LIVE_HLS_PREFIXES
from infra.cdk_fargate import add_public_network, assume_role
from infra.cdk_tracker import TLS_POLICY

RTMP_PORT = 1935
RTMPS_PORT = 443
LOAD_BALANCER_ID = "LiveLoadBalancer"
LOG_RETENTION_DAYS = 30
# NLB's longest deregistration delay: a leaving task keeps its encoders this long.
DRAIN_SECONDS = 3600
# Fargate's longest stop timeout: the service's time to close its sessions after SIGTERM.
STOP_TIMEOUT_SECONDS = 120
RECONNECT_WINDOW_SECONDS = 60
WORK_VOLUME = "live-work"
WORK_DIR = "/tmp/cirrus-live"
METRICS_NAMESPACE = "Cirrus/Live"
# The table's partitions the ingest reaches, and how (docs/live.md, "On AWS").
STREAM_KEY_PARTITIONS = ["LIVEKEY#*", "CONFIG#custom"]  # the key's claim; live.maxDuration
VIDEO_PARTITIONS = ["VIDEO#*"]


def rtmp_url(has_host: cdk.CfnCondition, host: cdk.CfnParameter) -> str:
    """rtmp://<LiveHost, or the load balancer's name>:1935/live (the load balancer by its id:
    the functions' settings name it before it is declared)."""
    name = cdk.Fn.condition_if(
        has_host.logical_id, host.value_as_string, cdk.Fn.get_att(LOAD_BALANCER_ID, "DNSName").to_string()
    )
    return str(cdk.Fn.sub(f"rtmp://${{Host}}:{RTMP_PORT}/live", {"Host": cdk.Token.as_string(name)}))


def rtmps_url() -> str:
    return str(cdk.Fn.sub(f"rtmps://${{LiveHost}}:{RTMPS_PORT}/live"))


@dataclass(frozen=True)
class LiveInputs:
    """What the live ingest takes from the rest of the stack."""

    has_live: cdk.CfnCondition
    has_certificate: cdk.CfnCondition
    image: cdk.CfnParameter
    certificate_arn: cdk.CfnParameter
    cpu: cdk.CfnParameter
    memory: cdk.CfnParameter
    max_tasks: cdk.CfnParameter
    encoders_per_task: cdk.CfnParameter
    table: dynamodb.CfnTable
    transcode_queue: sqs.CfnQueue
    broadcast_queue: sqs.CfnQueue
    # The functions' settings, in their order, with CIRRUS_LIVE_RTMP_URL and CIRRUS_LIVE_ENABLED
    # unconditional (the task exists only with HasLive).
    environment: dict[str, str]


def add_live(stack: cdk.Stack, inputs: LiveInputs) -> elbv2.CfnLoadBalancer:
    """Declare the ingest's network, load balancer, service and scaling; return the load balancer."""
    return _Live(stack, inputs).load_balancer


class _Live:
    def __init__(self, stack: cdk.Stack, inputs: LiveInputs) -> None:
        self.stack = stack
        self.inputs = inputs
        self._network()
        self.load_balancer = self._load_balancer()
        self._service()
        self._scaling()

    def _add(
        self, resource: Any, depends_on: cdk.CfnResource | None = None, condition: cdk.CfnCondition | None = None
    ) -> Any:
        resource.override_logical_id(resource.node.id)
        resource.cfn_options.condition = condition or self.inputs.has_live
        if depends_on is not None:
            resource.add_dependency(depends_on)
        return resource

    def _network(self) -> None:
        stack = self.stack
        network = add_public_network(stack, "Live", 81, self._add, endpoints=("dynamodb", "s3"))
        self.vpc, self.attachment, self.subnets = network.vpc, network.attachment, network.subnets
        self.balancer_group = self._add(
            ec2.CfnSecurityGroup(
                stack,
                "LiveLoadBalancerSecurityGroup",
                group_description="Cirrus live ingest load balancer (encoders, from anywhere)",
                vpc_id=self.vpc.ref,
                security_group_ingress=[
                    {
                        "ipProtocol": "tcp",
                        "fromPort": RTMP_PORT,
                        "toPort": RTMP_PORT,
                        "cidrIp": "0.0.0.0/0",
                        "description": "RTMP from encoders",
                    },
                    cdk.Fn.condition_if(
                        self.inputs.has_certificate.logical_id,
                        {
                            "IpProtocol": "tcp",
                            "FromPort": RTMPS_PORT,
                            "ToPort": RTMPS_PORT,
                            "CidrIp": "0.0.0.0/0",
                            "Description": "RTMPS from encoders",
                        },
                        cdk.Aws.NO_VALUE,
                    ),
                ],
            )
        )
        self.task_group = self._add(
            ec2.CfnSecurityGroup(
                stack,
                "LiveTaskSecurityGroup",
                group_description="Cirrus live ingest tasks (from the load balancer only)",
                vpc_id=self.vpc.ref,
                security_group_ingress=[
                    {
                        "ipProtocol": "tcp",
                        "fromPort": RTMP_PORT,
                        "toPort": RTMP_PORT,
                        "sourceSecurityGroupId": self.balancer_group.ref,
                    }
                ],
            )
        )

    def _load_balancer(self) -> elbv2.CfnLoadBalancer:
        stack = self.stack
        balancer: elbv2.CfnLoadBalancer = self._add(
            elbv2.CfnLoadBalancer(
                stack,
                LOAD_BALANCER_ID,
                type="network",
                scheme="internet-facing",
                subnets=[subnet.ref for subnet in self.subnets],
                security_groups=[self.balancer_group.ref],
                load_balancer_attributes=[{"key": "load_balancing.cross_zone.enabled", "value": "true"}],
            ),
            depends_on=self.attachment,
        )
        self.target_group = self._add(
            elbv2.CfnTargetGroup(
                stack,
                "LiveTargetGroup",
                vpc_id=self.vpc.ref,
                target_type="ip",
                protocol="TCP",
                port=RTMP_PORT,
                health_check_protocol="TCP",
                health_check_interval_seconds=10,
                healthy_threshold_count=2,
                unhealthy_threshold_count=2,
                target_group_attributes=[
                    {"key": "deregistration_delay.timeout_seconds", "value": str(DRAIN_SECONDS)},
                    {"key": "stickiness.enabled", "value": "true"},
                    {"key": "stickiness.type", "value": "source_ip"},
                    {"key": "preserve_client_ip.enabled", "value": "false"},
                ],
            )
        )
        forward = [{"type": "forward", "targetGroupArn": self.target_group.ref}]
        self.listener = self._add(
            elbv2.CfnListener(
                stack,
                "LiveRtmpListener",
                load_balancer_arn=balancer.ref,
                port=RTMP_PORT,
                protocol="TCP",
                default_actions=forward,
            )
        )
        self._add(
            elbv2.CfnListener(
                stack,
                "LiveRtmpsListener",
                load_balancer_arn=balancer.ref,
                port=RTMPS_PORT,
                protocol="TLS",
                ssl_policy=TLS_POLICY,
                certificates=[{"certificateArn": self.inputs.certificate_arn.value_as_string}],
                default_actions=forward,
            ),
            condition=self.inputs.has_certificate,
        )
        return balancer

    def _task_role(self) -> iam.CfnRole:
        inputs = self.inputs
        table = inputs.table.attr_arn
        statements: list[dict[str, Any]] = [
            {
                "Effect": "Allow",
                "Action": "dynamodb:GetItem",
                "Resource": table,
                "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": STREAM_KEY_PARTITIONS}},
            },
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                "Resource": table,
                "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": VIDEO_PARTITIONS}},
            },
            # The live's P2P swarms while it is on air (template.yaml).
            {
                "Effect": "Allow",
                "Action": ["dynamodb:PutItem", "dynamodb:DeleteItem"],
                "Resource": table,
                "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["INFOHASH#*"]}},
            },
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Resource": [cdk.Fn.sub(f"${{MediaBucket.Arn}}/{prefix}*") for prefix in LIVE_HLS_PREFIXES],
            },
            {
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
                "Resource": [inputs.transcode_queue.attr_arn, inputs.broadcast_queue.attr_arn],
            },
            {
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
            },
        ]
        role: iam.CfnRole = self._add(
            iam.CfnRole(
                self.stack,
                "LiveTaskRole",
                assume_role_policy_document=assume_role(
                    "ecs-tasks.amazonaws.com", StringEquals={"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}
                ),
                policies=[
                    {
                        "policyName": "live-ingest",
                        "policyDocument": {"Version": "2012-10-17", "Statement": statements},
                    }
                ],
            )
        )
        return role

    def _service(self) -> None:
        stack, inputs = self.stack, self.inputs
        self.cluster = self._add(
            ecs.CfnCluster(stack, "LiveCluster", cluster_settings=[{"name": "containerInsights", "value": "disabled"}])
        )
        log_group = self._add(
            logs.CfnLogGroup(
                stack,
                "LiveLogGroup",
                log_group_name=cdk.Fn.sub("/ecs/${AWS::StackName}-live"),
                retention_in_days=LOG_RETENTION_DAYS,
            )
        )
        execution_role = self._add(
            iam.CfnRole(
                stack,
                "LiveExecutionRole",
                assume_role_policy_document=assume_role("ecs-tasks.amazonaws.com"),
                managed_policy_arns=[
                    cdk.Fn.sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
                ],
            )
        )
        task_role = self._task_role()
        environment = {
            **inputs.environment,
            "AWS_REGION": cdk.Aws.REGION,
            "CIRRUS_RTMP_PORT": str(RTMP_PORT),
            "CIRRUS_LIVE_RECONNECT_WINDOW": str(RECONNECT_WINDOW_SECONDS),
            "CIRRUS_LIVE_WORK_DIR": WORK_DIR,
        }
        task = self._add(
            ecs.CfnTaskDefinition(
                stack,
                "LiveTaskDefinition",
                family=cdk.Fn.sub("${AWS::StackName}-live"),
                requires_compatibilities=["FARGATE"],
                network_mode="awsvpc",
                cpu=inputs.cpu.value_as_string,
                memory=inputs.memory.value_as_string,
                runtime_platform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
                execution_role_arn=execution_role.attr_arn,
                task_role_arn=task_role.attr_arn,
                volumes=[{"name": WORK_VOLUME}],
                container_definitions=[
                    {
                        "name": "live",
                        "image": inputs.image.value_as_string,
                        "essential": True,
                        "readonlyRootFilesystem": True,
                        "stopTimeout": STOP_TIMEOUT_SECONDS,
                        "portMappings": [{"containerPort": RTMP_PORT, "protocol": "tcp"}],
                        "mountPoints": [{"sourceVolume": WORK_VOLUME, "containerPath": WORK_DIR, "readOnly": False}],
                        "environment": [{"name": name, "value": value} for name, value in environment.items()],
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {
                                "awslogs-group": log_group.ref,
                                "awslogs-region": cdk.Aws.REGION,
                                "awslogs-stream-prefix": "live",
                            },
                        },
                    }
                ],
            )
        )
        # Both are parameters: the operator pairs them (infra/README.md), the validator cannot.
        cdk.Annotations.of(task).acknowledge_warning(
            "CloudFormation-Validate::E3047", "LiveCpu and LiveMemory form a Fargate pairing"
        )
        self.service = self._add(
            ecs.CfnService(
                stack,
                "LiveService",
                cluster=self.cluster.ref,
                task_definition=task.ref,
                launch_type="FARGATE",
                desired_count=1,
                health_check_grace_period_seconds=30,
                deployment_configuration={
                    "minimumHealthyPercent": 100,
                    "maximumPercent": 200,
                    "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                },
                network_configuration={
                    "awsvpcConfiguration": {
                        "assignPublicIp": "ENABLED",
                        "subnets": [subnet.ref for subnet in self.subnets],
                        "securityGroups": [self.task_group.ref],
                    }
                },
                load_balancers=[
                    {"containerName": "live", "containerPort": RTMP_PORT, "targetGroupArn": self.target_group.ref}
                ],
            ),
            depends_on=self.listener,
        )

    def _scaling(self) -> None:
        stack, inputs = self.stack, self.inputs
        load_balancer = {"name": "LoadBalancer", "value": self.load_balancer.attr_load_balancer_full_name}
        target = self._add(
            autoscaling.CfnScalableTarget(
                stack,
                "LiveScalableTarget",
                service_namespace="ecs",
                scalable_dimension="ecs:service:DesiredCount",
                resource_id=cdk.Fn.sub("service/${LiveCluster}/${LiveService.Name}"),
                min_capacity=1,
                max_capacity=inputs.max_tasks.value_as_number,
            )
        )

        def network_metric(query_id: str, name: str, *dimensions: dict[str, str]) -> dict[str, Any]:
            metric = {"namespace": "AWS/NetworkELB", "metricName": name, "dimensions": list(dimensions)}
            return {"id": query_id, "returnData": False, "metricStat": {"stat": "Average", "metric": metric}}

        self._add(
            autoscaling.CfnScalingPolicy(
                stack,
                "LiveEncoderScaling",
                policy_name=cdk.Fn.sub("${AWS::StackName}-live-encoders"),
                policy_type="TargetTrackingScaling",
                scaling_target_id=target.ref,
                target_tracking_scaling_policy_configuration={
                    "targetValue": inputs.encoders_per_task.value_as_number,
                    "disableScaleIn": True,
                    "scaleOutCooldown": 60,
                    "customizedMetricSpecification": {
                        "metrics": [
                            network_metric("flows", "ActiveFlowCount", load_balancer),
                            network_metric(
                                "tasks",
                                "HealthyHostCount",
                                load_balancer,
                                {"name": "TargetGroup", "value": self.target_group.attr_target_group_full_name},
                            ),
                            {
                                "id": "per_task",
                                "label": "Encoder connections per healthy task",
                                "expression": "flows / tasks",
                                "returnData": True,
                            },
                        ]
                    },
                },
            )
        )
        idle = self._add(
            autoscaling.CfnScalingPolicy(
                stack,
                "LiveIdleScaleIn",
                policy_name=cdk.Fn.sub("${AWS::StackName}-live-idle"),
                policy_type="StepScaling",
                scaling_target_id=target.ref,
                step_scaling_policy_configuration={
                    "adjustmentType": "ExactCapacity",
                    "cooldown": 300,
                    "metricAggregationType": "Maximum",
                    "stepAdjustments": [{"metricIntervalUpperBound": 0, "scalingAdjustment": 1}],
                },
            )
        )
        self._add(
            cloudwatch.CfnAlarm(
                stack,
                "LiveIdleAlarm",
                alarm_description="No encoder connected to the live ingest for 30 minutes (scales back to one task).",
                namespace="AWS/NetworkELB",
                metric_name="ActiveFlowCount",
                dimensions=[load_balancer],
                statistic="Maximum",
                period=300,
                evaluation_periods=6,
                datapoints_to_alarm=6,
                threshold=1,
                comparison_operator="LessThanThreshold",
                treat_missing_data="breaching",
                alarm_actions=[idle.ref],
            )
        )
