"""The WebTorrent tracker on Fargate, for the CDK app (template.yaml's Tracker* resources).

Every resource exists only under the HasTracker condition (a TrackerImage is given), with
the logical ids of template.yaml; tests/infra/test_cdk.py compares them property by
property. Why each piece is there is told once, in template.yaml and infra/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns

from infra.cdk_fargate import add_public_network, assume_role

TRACKER_PORT = 8000
HEALTH_PATH = "/tracker/health"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LOG_RETENTION_DAYS = 30
# Shards 1-7 besides the first (template.yaml's TrackerMaxTasks goes up to 8).
EXTRA_SHARDS = range(1, 8)


@dataclass(frozen=True)
class TrackerInputs:
    """What the tracker takes from the rest of the stack."""

    has_tracker: cdk.CfnCondition
    has_certificate: cdk.CfnCondition
    image: cdk.CfnParameter
    certificate_arn: cdk.CfnParameter
    cpu: cdk.CfnParameter
    memory: cdk.CfnParameter
    max_tasks: cdk.CfnParameter
    origin_prefix_list: cdk.CfnParameter
    instance_host: cdk.CfnParameter
    table: dynamodb.CfnTable
    alarm_topic: sns.CfnTopic


def add_tracker(stack: cdk.Stack, inputs: TrackerInputs) -> elbv2.CfnLoadBalancer:
    """Declare the tracker's network, load balancer and service; return the load balancer."""
    return _Tracker(stack, inputs).load_balancer


class _Tracker:
    def __init__(self, stack: cdk.Stack, inputs: TrackerInputs) -> None:
        self.stack = stack
        self.inputs = inputs
        self._network()
        self.load_balancer = self._load_balancer()
        self._service()

    def _add(
        self, resource: Any, depends_on: cdk.CfnResource | None = None, condition: cdk.CfnCondition | None = None
    ) -> Any:
        resource.override_logical_id(resource.node.id)
        resource.cfn_options.condition = condition or self.inputs.has_tracker
        if depends_on is not None:
            resource.add_dependency(depends_on)
        return resource

    def _with_tls(self, secure: Any, plain: Any) -> Any:
        return cdk.Fn.condition_if(self.inputs.has_certificate.logical_id, secure, plain)

    def _network(self) -> None:
        stack = self.stack
        network = add_public_network(stack, "Tracker", 80, self._add, endpoints=("dynamodb",))
        self.vpc, self.attachment, self.subnets = network.vpc, network.attachment, network.subnets
        listener_port = cdk.Token.as_number(self._with_tls(443, 80))
        self.balancer_group = self._add(
            ec2.CfnSecurityGroup(
                stack,
                "TrackerLoadBalancerSecurityGroup",
                group_description="Cirrus tracker load balancer (from CloudFront)",
                vpc_id=self.vpc.ref,
                security_group_ingress=[
                    # CloudFront's origin-facing addresses only (template.yaml).
                    {
                        "ipProtocol": "tcp",
                        "fromPort": listener_port,
                        "toPort": listener_port,
                        "sourcePrefixListId": self.inputs.origin_prefix_list.value_as_string,
                    }
                ],
            )
        )
        self.task_group = self._add(
            ec2.CfnSecurityGroup(
                stack,
                "TrackerTaskSecurityGroup",
                group_description="Cirrus tracker tasks (from the load balancer only)",
                vpc_id=self.vpc.ref,
                security_group_ingress=[
                    {
                        "ipProtocol": "tcp",
                        "fromPort": TRACKER_PORT,
                        "toPort": TRACKER_PORT,
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
                "TrackerLoadBalancer",
                type="application",
                scheme="internet-facing",
                subnets=[subnet.ref for subnet in self.subnets],
                security_groups=[self.balancer_group.ref],
                load_balancer_attributes=[
                    {"key": "idle_timeout.timeout_seconds", "value": "120"},
                    {"key": "routing.http.drop_invalid_header_fields.enabled", "value": "true"},
                ],
            ),
            depends_on=self.attachment,
        )
        self.target_group = self._add(self._target_group("TrackerTargetGroup"))
        self.listener = self._add(
            elbv2.CfnListener(
                stack,
                "TrackerListener",
                load_balancer_arn=balancer.ref,
                port=cdk.Token.as_number(self._with_tls(443, 80)),
                protocol=cdk.Token.as_string(self._with_tls("HTTPS", "HTTP")),
                ssl_policy=cdk.Token.as_string(self._with_tls(TLS_POLICY, cdk.Aws.NO_VALUE)),
                certificates=self._with_tls(
                    [{"CertificateArn": self.inputs.certificate_arn.value_as_string}], cdk.Aws.NO_VALUE
                ),
                default_actions=[{"type": "forward", "targetGroupArn": self.target_group.ref}],
            )
        )
        return balancer

    def _target_group(self, logical_id: str) -> elbv2.CfnTargetGroup:
        return elbv2.CfnTargetGroup(
            self.stack,
            logical_id,
            vpc_id=self.vpc.ref,
            target_type="ip",
            protocol="HTTP",
            port=TRACKER_PORT,
            health_check_path=HEALTH_PATH,
            health_check_interval_seconds=15,
            healthy_threshold_count=2,
            unhealthy_threshold_count=3,
            matcher={"httpCode": "200"},
            target_group_attributes=[{"key": "deregistration_delay.timeout_seconds", "value": "30"}],
        )

    def _service(self) -> None:
        stack, inputs = self.stack, self.inputs
        cluster = self._add(
            ecs.CfnCluster(
                stack, "TrackerCluster", cluster_settings=[{"name": "containerInsights", "value": "disabled"}]
            )
        )
        log_group = self._add(
            logs.CfnLogGroup(
                stack,
                "TrackerLogGroup",
                log_group_name=cdk.Fn.sub("/ecs/${AWS::StackName}-tracker"),
                retention_in_days=LOG_RETENTION_DAYS,
            )
        )
        execution_role = self._add(
            iam.CfnRole(
                stack,
                "TrackerExecutionRole",
                assume_role_policy_document=assume_role("ecs-tasks.amazonaws.com"),
                managed_policy_arns=[
                    cdk.Fn.sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
                ],
            )
        )
        task_role = self._add(
            iam.CfnRole(
                stack,
                "TrackerTaskRole",
                assume_role_policy_document=assume_role(
                    "ecs-tasks.amazonaws.com", StringEquals={"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}
                ),
                policies=[
                    {
                        "policyName": "read-info-hashes",
                        "policyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "dynamodb:GetItem",
                                    "Resource": inputs.table.attr_arn,
                                    "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["INFOHASH#*"]}},
                                }
                            ],
                        },
                    }
                ],
            )
        )
        environment = {
            "CIRRUS_ENV": "production",
            "CIRRUS_HOST": inputs.instance_host.value_as_string,
            "CIRRUS_SCHEME": "https",
            "CIRRUS_TABLE": inputs.table.ref,
            "AWS_REGION": cdk.Aws.REGION,
        }
        task = self._add(
            ecs.CfnTaskDefinition(
                stack,
                "TrackerTaskDefinition",
                family=cdk.Fn.sub("${AWS::StackName}-tracker"),
                requires_compatibilities=["FARGATE"],
                network_mode="awsvpc",
                cpu=inputs.cpu.value_as_string,
                memory=inputs.memory.value_as_string,
                runtime_platform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
                execution_role_arn=execution_role.attr_arn,
                task_role_arn=task_role.attr_arn,
                container_definitions=[
                    {
                        "name": "tracker",
                        "image": inputs.image.value_as_string,
                        "essential": True,
                        "readonlyRootFilesystem": True,
                        "portMappings": [{"containerPort": TRACKER_PORT, "protocol": "tcp"}],
                        "environment": [{"name": name, "value": value} for name, value in environment.items()],
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {
                                "awslogs-group": log_group.ref,
                                "awslogs-region": cdk.Aws.REGION,
                                "awslogs-stream-prefix": "tracker",
                            },
                        },
                    }
                ],
            )
        )
        # Both are parameters: the operator pairs them (infra/README.md), the validator cannot.
        cdk.Annotations.of(task).acknowledge_warning(
            "CloudFormation-Validate::E3047", "TrackerCpu and TrackerMemory form a Fargate pairing"
        )
        self.cluster, self.task = cluster, task
        self._add(self._ecs_service("TrackerService", self.target_group), depends_on=self.listener)
        self._shards()
        self._connections_alarm()

    def _ecs_service(self, logical_id: str, target_group: elbv2.CfnTargetGroup, shard: int = 0) -> ecs.CfnService:
        # Shards above 0 start with no task and a name the scaler's role names (template.yaml).
        return ecs.CfnService(
            self.stack,
            logical_id,
            service_name=cdk.Fn.sub(f"${{AWS::StackName}}-tracker-shard-{shard}") if shard else None,
            cluster=self.cluster.ref,
            task_definition=self.task.ref,
            launch_type="FARGATE",
            desired_count=0 if shard else 1,
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
                {"containerName": "tracker", "containerPort": TRACKER_PORT, "targetGroupArn": target_group.ref}
            ],
        )

    def _shards(self) -> None:
        """Shard k (1-7) when TrackerMaxTasks is above k: its target group, the listener rule
        for /tracker/<k>/*, and a service of one task (shard 0 is the service above)."""
        previous = self.inputs.has_tracker
        for shard in EXTRA_SHARDS:
            condition = cdk.CfnCondition(
                self.stack,
                f"HasTrackerShard{shard}",
                expression=cdk.Fn.condition_and(
                    previous,
                    cdk.Fn.condition_not(cdk.Fn.condition_equals(self.inputs.max_tasks.value_as_string, str(shard))),
                ),
            )
            condition.override_logical_id(f"HasTrackerShard{shard}")
            group = self._add(self._target_group(f"TrackerShard{shard}TargetGroup"), condition=condition)
            rule = self._add(
                elbv2.CfnListenerRule(
                    self.stack,
                    f"TrackerShard{shard}ListenerRule",
                    listener_arn=self.listener.ref,
                    priority=shard,
                    conditions=[{"field": "path-pattern", "pathPatternConfig": {"values": [f"/tracker/{shard}/*"]}}],
                    actions=[{"type": "forward", "targetGroupArn": group.ref}],
                ),
                condition=condition,
            )
            self._add(
                self._ecs_service(f"TrackerShard{shard}Service", group, shard), depends_on=rule, condition=condition
            )
            previous = condition

    def _connections_alarm(self) -> None:
        one_shard = cdk.CfnCondition(
            self.stack,
            "HasOneTrackerShard",
            expression=cdk.Fn.condition_and(
                self.inputs.has_tracker, cdk.Fn.condition_equals(self.inputs.max_tasks.value_as_string, "1")
            ),
        )
        one_shard.override_logical_id("HasOneTrackerShard")
        self._add(
            cloudwatch.CfnAlarm(
                self.stack,
                "TrackerConnectionsHigh",
                alarm_description=(
                    "A tracker shard holds more than 8,000 connections; raise TrackerMaxTasks to add shards."
                ),
                namespace="Cirrus",
                metric_name="TrackerConnections",
                dimensions=[{"name": "service", "value": "tracker"}],
                statistic="Maximum",
                period=300,
                evaluation_periods=3,
                threshold=8000,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[self.inputs.alarm_topic.ref],
            ),
            condition=one_shard,
        )
        self._add(
            cloudwatch.CfnAlarm(
                self.stack,
                "TrackerShardsSaturated",
                alarm_description=(
                    "Every tracker shard is active and still over 7,000 connections a task; raise TrackerMaxTasks."
                ),
                namespace="Cirrus",
                metric_name="TrackerShardsSaturated",
                dimensions=[{"name": "service", "value": "cirrus"}],
                statistic="Minimum",
                period=60,
                evaluation_periods=15,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[self.inputs.alarm_topic.ref],
            ),
            condition=self.stack.node.find_child("HasTrackerShard1"),
        )
