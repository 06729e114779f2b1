"""The CDK app (infra/cdk_app.py) describes the stack template.yaml describes.

The app is synthesised offline, with the pinned CDK CLI when `make test` installed it
(infra/node_modules) and by running the app directly otherwise, then compared with the
translated SAM template resource by resource: both use the same logical ids. IAM statements
are compared after normalisation (tests/infra/iam.py): SAM's policy templates spell the same
ARNs with other expressions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import pytest

from tests.infra.conftest import ROOT
from tests.infra.iam import Grant, function_grants, role_grants
from tests.infra.test_template import layer_ids, lint_translated, of_type, referenced_id

pytest.importorskip("aws_cdk")

# Synthesis runs the app through jsii (a Node process of about 3 GB) for a minute or more: the
# session fixture must run once, so every test here goes to one xdist worker (`make test`
# runs pytest with --dist loadgroup). Spread over four workers, it ran four times at once.
pytestmark = pytest.mark.xdist_group("cdk-synth")

CDK_CLI = ROOT / "infra" / "node_modules" / ".bin" / "cdk"
# Node 20 still runs jsii; its end-of-life banner would only clutter the output.
QUIET_NODE = {"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "1"}


@pytest.fixture(scope="session")
def cdk_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("cdk")
    build = base / "build"
    for directory in (
        "function",
        "layers/dependencies",
        "layers/ffmpeg",
        "layers/federation",
        "layers/work",
        "layers/images",
    ):
        # assets only need to exist
        (build / directory).mkdir(parents=True)
        (build / directory / "placeholder").write_text("")
    out = base / "cdk.out"
    env = {**os.environ, **QUIET_NODE}
    app = f"{sys.executable} cdk_app.py"
    if CDK_CLI.exists():
        command = [str(CDK_CLI), "synth", "--app", app, "--output", str(out), "-c", f"build={build}", "--quiet"]
        command += ["--no-version-reporting", "--no-notices", "--no-lookups", "--ci"]
    else:
        env |= {"CDK_OUTDIR": str(out), "CDK_CONTEXT_JSON": json.dumps({"build": str(build), "stackName": "Cirrus"})}
        command = app.split()
    result = subprocess.run(command, cwd=ROOT / "infra", env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    template: dict[str, Any] = json.loads((out / "Cirrus.template.json").read_text())
    return template


def test_cdk_template_lints_cleanly(cdk_template: dict[str, Any]) -> None:
    assert lint_translated(cdk_template) == []


# --- Functions ----------------------------------------------------------------------------------


def function_facts(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    resources = template["Resources"]
    layers = {name: short for short, name in layer_ids_of(resources).items()}
    facts = {}
    for name, function in of_type(resources, "AWS::Lambda::Function").items():
        props = function["Properties"]
        facts[name] = {
            "Handler": props["Handler"],
            "Runtime": props["Runtime"],
            "MemorySize": props.get("MemorySize", 128),
            "Timeout": props.get("Timeout", 3),
            "Architectures": props.get("Architectures", ["x86_64"]),
            "EphemeralStorage": props.get("EphemeralStorage", {"Size": 512}),
            "TracingConfig": props.get("TracingConfig"),
            "Environment": sorted(props["Environment"]["Variables"]),
            "Layers": [layers[referenced_id(layer) or ""] for layer in props.get("Layers", [])],
            "LogGroup": referenced_id(props.get("LoggingConfig", {}).get("LogGroup")),
            "ReservedConcurrentExecutions": props.get("ReservedConcurrentExecutions"),
        }
    return facts


def layer_ids_of(resources: Mapping[str, Any]) -> dict[str, str]:
    layers = of_type(resources, "AWS::Lambda::LayerVersion")
    if all(
        name in ("DependencyLayer", "FfmpegLayer", "FederationLayer", "WorkLayer", "ImagesLayer") for name in layers
    ):
        return {name: name for name in layers}
    return layer_ids(resources)


def test_same_functions(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    sam, cdk = function_facts(translated), function_facts(cdk_template)

    assert sorted(cdk) == sorted(sam)
    for name in sam:
        assert cdk[name] == sam[name], name


def test_same_function_permissions(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    """Each function's role grants the same actions on the same resources (tests/infra/iam.py).

    One difference is normalised away: SAM gives a function with an SQS event the AWS managed
    AWSLambdaSQSQueueExecutionRole (receive, delete, attributes on every queue), the CDK app
    the same three actions on that function's own queue.
    """
    sam, cdk = function_grants(translated), function_grants(cdk_template)

    assert sorted(cdk) == sorted(sam)
    for function in sam:
        assert sorted(cdk[function]) == sorted(sam[function]), function
    assert ("Allow", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/MainTable", "null") in sam[
        "ApiFunction"
    ]


def schedule_grants(template: Mapping[str, Any]) -> dict[str, set[Grant]]:
    found = {}
    for props in (r["Properties"] for r in of_type(template["Resources"], "AWS::Scheduler::Schedule").values()):
        role = referenced_id(props["Target"]["RoleArn"]) or ""
        found[referenced_id(props["Target"]["Arn"]) or ""] = role_grants(template, role, [])
    return found


def test_same_schedule_permissions(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    assert schedule_grants(cdk_template) == schedule_grants(translated)


def event_sources(template: Mapping[str, Any]) -> set[tuple[Any, ...]]:
    return {
        (
            referenced_id(props["FunctionName"]),
            referenced_id(props["EventSourceArn"]),
            props.get("BatchSize"),
            tuple(props.get("FunctionResponseTypes", [])),
            props.get("MaximumBatchingWindowInSeconds", 0),
            json.dumps(props.get("ScalingConfig"), sort_keys=True),
        )
        for props in (
            r["Properties"] for r in of_type(template["Resources"], "AWS::Lambda::EventSourceMapping").values()
        )
    }


def test_same_queue_consumers(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    assert event_sources(cdk_template) == event_sources(translated)


def schedules(template: Mapping[str, Any]) -> set[tuple[Any, ...]]:
    return {
        (referenced_id(props["Target"]["Arn"]), props["ScheduleExpression"], props.get("State", "ENABLED"))
        for props in (r["Properties"] for r in of_type(template["Resources"], "AWS::Scheduler::Schedule").values())
    }


def test_same_schedules(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    assert schedules(translated)
    assert schedules(cdk_template) == schedules(translated)


# --- State ------------------------------------------------------------------------------------


def sorted_by_name(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item[key]))


def test_same_table(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    def facts(template: Mapping[str, Any]) -> dict[str, Any]:
        (name,) = of_type(template["Resources"], "AWS::DynamoDB::Table")
        table = template["Resources"][name]
        props = dict(table["Properties"])
        props["AttributeDefinitions"] = sorted_by_name(props["AttributeDefinitions"], "AttributeName")
        props["GlobalSecondaryIndexes"] = sorted_by_name(props["GlobalSecondaryIndexes"], "IndexName")
        return {"name": name, "DeletionPolicy": table.get("DeletionPolicy"), **props}

    assert facts(cdk_template) == facts(translated)


def test_same_queues(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    def facts(template: Mapping[str, Any]) -> dict[str, Any]:
        found = {}
        for name, queue in of_type(template["Resources"], "AWS::SQS::Queue").items():
            props = dict(queue["Properties"])
            redrive = props.pop("RedrivePolicy", None)
            if redrive:
                props["redrive"] = (referenced_id(redrive["deadLetterTargetArn"]), redrive["maxReceiveCount"])
            found[name] = props
        return found

    assert facts(cdk_template) == facts(translated)


def alarm_facts(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every alarm but its wording: what it watches, when it fires, whom it tells."""
    found = {}
    for name, alarm in of_type(template["Resources"], "AWS::CloudWatch::Alarm").items():
        props = {key: value for key, value in alarm["Properties"].items() if key != "AlarmDescription"}
        props["Dimensions"] = [(d["Name"], referenced_id(d["Value"])) for d in props["Dimensions"]]
        props["AlarmActions"] = [referenced_id(action) for action in props["AlarmActions"]]
        found[name] = props
    return found


def test_same_alarms(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    sam = alarm_facts(translated)

    assert {name for name in sam if name.endswith("DeadLetterAlarm")}
    assert {name for name in sam if name.endswith("FunctionErrorsAlarm")}
    assert alarm_facts(cdk_template) == sam


def test_same_buckets(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    def facts(template: Mapping[str, Any]) -> dict[str, Any]:
        found = {}
        for name, bucket in of_type(template["Resources"], "AWS::S3::Bucket").items():
            props = dict(bucket["Properties"])
            notifications = props.pop("NotificationConfiguration", {}).get("LambdaConfigurations", [])
            props["notifies"] = sorted(
                (n["Event"], referenced_id(n["Function"]), json.dumps(n.get("Filter"), sort_keys=True))
                for n in notifications
            )
            found[name] = {"DeletionPolicy": bucket.get("DeletionPolicy"), **props}
        return found

    assert facts(cdk_template) == facts(translated)
    policies = {
        referenced_id(r["Properties"]["Bucket"]): r["Properties"]["PolicyDocument"]["Statement"]
        for r in of_type(translated["Resources"], "AWS::S3::BucketPolicy").values()
    }
    cdk_policies = {
        referenced_id(r["Properties"]["Bucket"]): r["Properties"]["PolicyDocument"]["Statement"]
        for r in of_type(cdk_template["Resources"], "AWS::S3::BucketPolicy").values()
    }
    assert sorted(cdk_policies) == sorted(policies)
    for bucket, statements in policies.items():
        assert [(s["Sid"], s["Effect"], s["Action"]) for s in cdk_policies[bucket]] == [
            (s["Sid"], s["Effect"], s["Action"]) for s in statements
        ], bucket


# --- Edge -----------------------------------------------------------------------------------------


def edge_facts(template: Mapping[str, Any]) -> dict[str, Any]:
    resources = template["Resources"]
    config = resources["Distribution"]["Properties"]["DistributionConfig"]

    def behaviour(b: Mapping[str, Any]) -> Any:
        if "Fn::If" in b:  # the tracker's, only with a tracker: compared as written
            return json.dumps(b, sort_keys=True)
        return (
            b.get("PathPattern"),
            b["TargetOriginId"],
            b["ViewerProtocolPolicy"],
            tuple(b["AllowedMethods"]),
            json.dumps(b.get("CachePolicyId")),
            json.dumps(b.get("OriginRequestPolicyId")),
            json.dumps(b.get("ResponseHeadersPolicyId")),
            len(b.get("FunctionAssociations", [])),
        )

    behaviours = config["CacheBehaviors"]
    policies = {
        name: resources[name]["Properties"]
        for name in (
            "MediaCachePolicy",
            "PlaylistCachePolicy",
            "LiveMediaCachePolicy",
            "MediaCorsPolicy",
            "WebSecurityPolicy",
            "EmbedSecurityPolicy",
            "EdgeSecret",
            "OriginAccessControl",
        )
    }
    return {
        "behaviours": [behaviour(b) for b in behaviours],
        "default": behaviour(config["DefaultCacheBehavior"]),
        "origins": sorted(
            json.dumps(o, sort_keys=True)
            if "Fn::If" in o
            else json.dumps((o["Id"], o["DomainName"], o.get("OriginPath"), o.get("OriginCustomHeaders")))
            for o in config["Origins"]
        ),
        "certificate": json.dumps(config["ViewerCertificate"], sort_keys=True),
        "aliases": config["Aliases"],
        "function": resources["ViewerRequestFunction"]["Properties"],
        "policies": policies,
    }


def test_same_cloudfront(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    sam, cdk = edge_facts(translated), edge_facts(cdk_template)
    assert len(sam["behaviours"]) > 10
    for key in sam:
        assert cdk[key] == sam[key], key


# --- The tracker and the live ingest on Fargate -----------------------------------------------


def conditional_resources(template: Mapping[str, Any], *conditions: str) -> dict[str, Any]:
    """The resources that exist only under one of `conditions`, as written (but CDK metadata)."""
    found = {}
    for name, resource in template["Resources"].items():
        if resource.get("Condition") not in conditions:
            continue
        facts = {key: value for key, value in resource.items() if key != "Metadata"}
        depends_on = facts.get("DependsOn")
        if depends_on is not None:
            facts["DependsOn"] = sorted(depends_on if isinstance(depends_on, list) else [depends_on])
        found[name] = facts
    return found


# A conditional function's own resources, which SAM's translation writes in its own form, are
# compared by test_same_functions, test_same_function_permissions and test_same_schedules.
FUNCTION_MADE = ("AWS::Lambda::Function", "AWS::IAM::Role", "AWS::Scheduler::Schedule")


def test_same_tracker(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    conditions = ("HasTracker", "HasOneTrackerShard", *(f"HasTrackerShard{shard}" for shard in range(1, 8)))
    functions = [n for n, r in conditional_resources(translated, *conditions).items() if r["Type"] == FUNCTION_MADE[0]]
    assert functions == ["TrackerScalerFunction"]

    def own(name: str, resource: dict[str, Any]) -> bool:
        return resource["Type"] in FUNCTION_MADE and name.startswith(tuple(functions))

    sam, cdk = (
        {name: r for name, r in conditional_resources(t, *conditions).items() if not own(name, r)}
        for t in (translated, cdk_template)
    )

    assert len(sam) > 20 and "TrackerService" in sam
    assert sorted(cdk) == sorted(sam)
    for name in sam:
        assert cdk[name] == sam[name], name


LIVE_CONDITIONS = ("HasLive", "HasLiveCertificate")


def test_same_live_ingest(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    """Every live resource property by property: network, load balancer and listeners, task
    role, task definition (its environment in order), service, scaling and its alarm."""
    sam, cdk = (
        conditional_resources(translated, *LIVE_CONDITIONS),
        conditional_resources(cdk_template, *LIVE_CONDITIONS),
    )

    assert len(sam) > 25 and {"LiveService", "LiveRtmpsListener", "LiveIdleAlarm"} <= set(sam)
    assert sorted(cdk) == sorted(sam)
    for name in sam:
        assert cdk[name] == sam[name], name


# --- Real time -------------------------------------------------------------------------------------


def realtime_resources(template: Mapping[str, Any]) -> dict[str, Any]:
    """The WebSocket API and what hangs off it, as written (both use the same logical ids)."""
    found = {}
    for name, resource in template["Resources"].items():
        if resource["Type"].startswith("AWS::ApiGatewayV2::") or name in (
            "RealtimeInvokePermission",
            "RealtimeFunctionEventInvokeConfig",
            "RealtimeRequestFunction",
        ):
            facts = {key: value for key, value in resource.items() if key != "Metadata"}
            depends_on = facts.get("DependsOn")
            if depends_on is not None:
                facts["DependsOn"] = sorted(depends_on if isinstance(depends_on, list) else [depends_on])
            found[name] = facts
    return found


def test_same_realtime_api(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    sam, cdk = realtime_resources(translated), realtime_resources(cdk_template)

    assert {"RealtimeApi", "RealtimeStage", "RealtimeDefaultRoute", "RealtimeRequestFunction"} <= set(sam)
    assert sorted(cdk) == sorted(sam)
    for name in sam:
        assert cdk[name] == sam[name], name
    assert (
        cdk_template["Resources"]["RealtimeFunction"]["Properties"]["FunctionName"]
        == translated["Resources"]["RealtimeFunction"]["Properties"]["FunctionName"]
    )


# --- Parameters and outputs -----------------------------------------------------------------


def test_same_parameters_and_conditions(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    def facts(template: Mapping[str, Any]) -> dict[str, Any]:
        wording = ("Description", "ConstraintDescription")
        return {
            name: {key: value for key, value in parameter.items() if key not in wording}
            for name, parameter in template["Parameters"].items()
            if name != "BootstrapVersion"  # CDK's, for its bootstrap stack's version check
        }

    assert facts(cdk_template) == facts(translated)
    assert cdk_template["Conditions"] == translated["Conditions"]


def test_same_outputs(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    def facts(template: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: (json.dumps(output["Value"], sort_keys=True), output.get("Condition"))
            for name, output in template["Outputs"].items()
        }

    assert facts(cdk_template) == facts(translated)


def test_comparison_notices_a_drift(translated: dict[str, Any], cdk_template: dict[str, Any]) -> None:
    drifted = json.loads(json.dumps(cdk_template))
    drifted["Resources"]["ViewsQueue"]["Properties"]["VisibilityTimeout"] = 30
    drifted["Resources"]["InboxFunction"]["Properties"]["Environment"]["Variables"].pop("CIRRUS_TABLE")
    inbox_policy = drifted["Resources"]["InboxFunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    inbox_policy["Statement"][0]["Resource"] = "*"

    with pytest.raises(AssertionError):
        test_same_queues(translated, drifted)
    with pytest.raises(AssertionError):
        test_same_functions(translated, drifted)
    with pytest.raises(AssertionError, match="InboxFunction"):
        test_same_function_permissions(translated, drifted)
    drifted["Resources"]["TrackerListener"]["Properties"]["Port"] = 8443
    with pytest.raises(AssertionError, match="TrackerListener"):
        test_same_tracker(translated, drifted)
    live_policy = drifted["Resources"]["LiveTaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    live_policy["Statement"][2]["Resource"] = "*"
    with pytest.raises(AssertionError, match="LiveTaskRole"):
        test_same_live_ingest(translated, drifted)


def test_cdk_cli_is_pinned_to_a_2x_release() -> None:
    package = json.loads((ROOT / "infra" / "package.json").read_text())
    version = package["devDependencies"]["aws-cdk"]
    assert version.startswith("2.") and version.replace(".", "").isdigit(), version
    requirements = (ROOT / "requirements-dev.txt").read_text()
    assert "aws-cdk-lib==2." in requirements
