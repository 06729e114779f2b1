"""What the CDK app's two Fargate services (the tracker, the live ingest) build alike: a
public VPC of two subnets with gateway endpoints for DynamoDB (and S3), and the trust policy
of their roles. Each service names its resources with its own prefix (template.yaml's
logical ids) and puts them under its own condition, through the `add` it passes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2

# Declares a resource in the stack: its logical id, its condition, an optional dependency.
Add = Callable[..., Any]


@dataclass(frozen=True)
class PublicNetwork:
    vpc: ec2.CfnVPC
    attachment: ec2.CfnVPCGatewayAttachment
    subnets: list[ec2.CfnSubnet]
    routes: ec2.CfnRouteTable


def add_public_network(
    stack: cdk.Stack, prefix: str, second_octet: int, add: Add, endpoints: Sequence[str] = ("dynamodb",)
) -> PublicNetwork:
    """`<prefix>Vpc` (10.<second_octet>.0.0/16), its internet gateway, two public subnets in
    the first two zones, their route table, and a gateway endpoint per service in `endpoints`
    (`<prefix>DynamoDbEndpoint`, `<prefix>S3Endpoint`): table and bucket traffic stays off
    the internet gateway."""
    vpc = add(
        ec2.CfnVPC(
            stack,
            f"{prefix}Vpc",
            cidr_block=f"10.{second_octet}.0.0/16",
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=[cdk.CfnTag(key="Name", value=cdk.Fn.sub(f"${{AWS::StackName}}-{prefix.lower()}"))],
        )
    )
    gateway = add(ec2.CfnInternetGateway(stack, f"{prefix}InternetGateway"))
    attachment = add(
        ec2.CfnVPCGatewayAttachment(
            stack, f"{prefix}GatewayAttachment", vpc_id=vpc.ref, internet_gateway_id=gateway.ref
        )
    )
    subnets = [
        add(
            ec2.CfnSubnet(
                stack,
                f"{prefix}Subnet{letter}",
                vpc_id=vpc.ref,
                cidr_block=f"10.{second_octet}.{16 * index}.0/20",
                availability_zone=cdk.Fn.select(index, cdk.Fn.get_azs("")),
            )
        )
        for index, letter in enumerate("AB")
    ]
    routes = add(ec2.CfnRouteTable(stack, f"{prefix}RouteTable", vpc_id=vpc.ref))
    add(
        ec2.CfnRoute(
            stack,
            f"{prefix}DefaultRoute",
            route_table_id=routes.ref,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.ref,
        ),
        depends_on=attachment,
    )
    for letter, subnet in zip("AB", subnets, strict=True):
        add(
            ec2.CfnSubnetRouteTableAssociation(
                stack, f"{prefix}Subnet{letter}Routes", subnet_id=subnet.ref, route_table_id=routes.ref
            )
        )
    names = {"dynamodb": "DynamoDb", "s3": "S3"}
    for service in endpoints:
        add(
            ec2.CfnVPCEndpoint(
                stack,
                f"{prefix}{names[service]}Endpoint",
                vpc_id=vpc.ref,
                vpc_endpoint_type="Gateway",
                service_name=cdk.Fn.sub(f"com.amazonaws.${{AWS::Region}}.{service}"),
                route_table_ids=[routes.ref],
            )
        )
    return PublicNetwork(vpc, attachment, subnets, routes)


def assume_role(service: str, **condition: Any) -> dict[str, Any]:
    """The trust policy that lets `service` assume a role (with a condition, if given)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}
