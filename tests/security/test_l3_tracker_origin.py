"""L3: the tracker's load balancer accepted connections from 0.0.0.0/0, so anyone could
bypass CloudFront; the tracker task's role could GetItem any item of the table.

The template is translated with a tracker (TrackerImage set), as SAM translates it; the
CDK app's tracker is checked equal to it by tests/infra/test_cdk.py::test_same_tracker."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.conftest import TEMPLATE, load_template, sam_package
from tests.infra.iam import Renderer
from tests.security.iam_support import allowed

TRACKER = {"InstanceHost": "video.example.org", "TrackerImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/t:1"}


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    from tests.infra.conftest import FixedManagedPolicies

    template = load_template(TEMPLATE.read_text())
    translated = transform(
        sam_package(template), {**TRACKER, "TrackerOriginPrefixList": "pl-3b927c52"}, FixedManagedPolicies()
    )
    found: dict[str, Any] = translated["Resources"]
    return found


def test_the_load_balancer_accepts_cloudfront_only(resources: dict[str, Any]) -> None:
    rules = resources["TrackerLoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert rules, "the load balancer takes connections from somewhere"
    for rule in rules:
        assert "CidrIp" not in rule and "CidrIpv6" not in rule, f"an address range reaches the tracker: {rule}"
        assert rule["SourcePrefixListId"] == {"Ref": "TrackerOriginPrefixList"}


def test_a_tracker_needs_the_prefix_list() -> None:
    template = load_template(TEMPLATE.read_text())
    rule = template["Rules"]["TrackerNeedsOriginPrefixList"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "TrackerImage"}, ""]}]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "TrackerOriginPrefixList"}, ""]}]}


def test_the_task_role_reads_info_hash_claims_only(resources: dict[str, Any]) -> None:
    renderer = Renderer(resources)
    statements = [
        statement
        for policy in resources["TrackerTaskRole"]["Properties"]["Policies"]
        for statement in renderer.render(policy["PolicyDocument"])["Statement"]
    ]
    assert allowed(statements, "dynamodb:GetItem", "INFOHASH#" + "ab" * 20, ["pk"])
    for partition in ("ACTOR#1", "USER#1", "TOKEN#abc", "VIDEO#1"):
        assert not allowed(statements, "dynamodb:GetItem", partition, None), partition
