"""The live ingest on AWS (template.yaml's Live* resources, issue #17 deliverable 2), as
CloudFormation would create it for given parameters: conditions evaluated, resources and
Fn::If branches that do not apply dropped (`resolve`). Without LiveImage nothing of it
exists; with it, a Network Load Balancer takes RTMP on 1935 (and RTMPS on 443 with a
certificate) from anywhere and nothing else, sticks an encoder to its task, drains for the
longest time allowed, scales on encoder connections per task without ever cutting a live,
and runs the container functions/live/Dockerfile builds with the functions' settings.
The CDK app's copy is compared resource by resource in test_cdk.py, the task role's reach
in tests/security/test_m13_least_privilege.py."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping
from typing import Any

import pytest

from chalicelib.media import layout
from functions.live.ports import LIVE_HLS_PREFIXES, live_directory
from functions.live.settings import DEFAULT_RTMP_PORT, from_environment
from infra import edge_routes
from tests.infra.conftest import ROOT
from tests.infra.test_template import FUNCTION_ONLY_SETTINGS, LOCAL_ONLY_SETTINGS, allowed, of_type

DOCKERFILE = (ROOT / "functions" / "live" / "Dockerfile").read_text()
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/cirrus-live:abc"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0b5f0000-0000-4000-8000-000000000000"
LIVE = {"InstanceHost": "video.example.org", "LiveImage": IMAGE}
RTMPS = {**LIVE, "LiveHost": "live.video.example.org", "LiveCertificateArn": CERTIFICATE}
NO_VALUE = {"Ref": "AWS::NoValue"}
LOAD_BALANCER_NAME = {"Fn::GetAtt": ["LiveLoadBalancer", "DNSName"]}


# --- Conditions, as CloudFormation evaluates them ----------------------------------------------


def resolve(template: Mapping[str, Any], parameters: Mapping[str, str]) -> dict[str, Any]:
    """The template CloudFormation would act on with these parameter values (the others at
    their defaults): resources and outputs under a false condition dropped, each Fn::If
    replaced by its branch, AWS::NoValue removed."""
    values = {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()}
    values.update(parameters)
    definitions = template.get("Conditions", {})
    truth: dict[str, bool] = {}

    def condition(name: str) -> bool:
        if name not in truth:
            truth[name] = bool(evaluate(definitions[name]))
        return truth[name]

    def evaluate(expression: Any) -> Any:
        if not isinstance(expression, dict):
            return expression
        ((function, argument),) = expression.items()
        functions = {
            "Ref": lambda name: values[name],
            "Condition": condition,
            "Fn::Not": lambda items: not evaluate(items[0]),
            "Fn::And": lambda items: all(evaluate(item) for item in items),
            "Fn::Or": lambda items: any(evaluate(item) for item in items),
            "Fn::Equals": lambda items: evaluate(items[0]) == evaluate(items[1]),
        }
        assert function in functions, f"resolve does not know {function} in a condition"
        return functions[function](argument)

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(item) for item in value if item != NO_VALUE and not _no_value(item, condition)]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Fn::If"}:
            name, when_true, when_false = value["Fn::If"]
            return walk(when_true if condition(name) else when_false)
        return {key: walk(item) for key, item in value.items() if item != NO_VALUE and not _no_value(item, condition)}

    resolved = dict(template)
    for section in ("Resources", "Outputs"):
        resolved[section] = {
            name: walk({key: item for key, item in entry.items() if key != "Condition"})
            for name, entry in template.get(section, {}).items()
            if "Condition" not in entry or condition(entry["Condition"])
        }
    return resolved


def _no_value(item: Any, condition: Any) -> bool:
    """An Fn::If whose chosen branch is AWS::NoValue (the property or list item disappears)."""
    if not (isinstance(item, dict) and set(item) == {"Fn::If"}):
        return False
    name, when_true, when_false = item["Fn::If"]
    return bool((when_true if condition(name) else when_false) == NO_VALUE)


@pytest.fixture(scope="module")
def without_live(translated: dict[str, Any]) -> dict[str, Any]:
    return resolve(translated, {"InstanceHost": "video.example.org"})


@pytest.fixture(scope="module")
def with_rtmp(translated: dict[str, Any]) -> dict[str, Any]:
    return resolve(translated, LIVE)


@pytest.fixture(scope="module")
def with_rtmps(translated: dict[str, Any]) -> dict[str, Any]:
    return resolve(translated, RTMPS)


def test_resolve_takes_branches_and_drops_what_does_not_apply() -> None:
    template = {
        "Parameters": {"Image": {"Type": "String", "Default": ""}},
        "Conditions": {"HasImage": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Image"}, ""]}]}},
        "Resources": {
            "Always": {"Type": "X", "Properties": {"List": [1, {"Fn::If": ["HasImage", 2, NO_VALUE]}]}},
            "Sometimes": {"Type": "X", "Condition": "HasImage"},
        },
        "Outputs": {"Out": {"Condition": "HasImage", "Value": {"Fn::If": ["HasImage", "yes", "no"]}}},
    }
    off, on = resolve(template, {}), resolve(template, {"Image": "i"})

    assert off["Resources"] == {"Always": {"Type": "X", "Properties": {"List": [1]}}} and off["Outputs"] == {}
    assert on["Resources"]["Always"]["Properties"]["List"] == [1, 2] and "Sometimes" in on["Resources"]
    assert on["Outputs"] == {"Out": {"Value": "yes"}}


# --- Optional, by LiveImage ------------------------------------------------------------------


def test_without_an_image_there_is_no_live_ingest(without_live: dict[str, Any], translated: dict[str, Any]) -> None:
    conditional = {
        name for name, r in translated["Resources"].items() if r.get("Condition") in ("HasLive", "HasLiveCertificate")
    }
    assert len(conditional) > 25
    assert not conditional & set(without_live["Resources"])
    assert not [name for name in without_live["Outputs"] if name.startswith("Live")]
    text = json.dumps(without_live["Resources"])
    assert "LiveLoadBalancer" not in text and "LiveTargetGroup" not in text
    for name, function in of_type(without_live["Resources"], "AWS::Lambda::Function").items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert (variables["CIRRUS_LIVE_RTMP_URL"], variables["CIRRUS_LIVE_RTMPS_URL"]) == ("", ""), name
    # Every live resource is conditional: none slips into a stack that asked for no ingest.
    named_live = {name for name in translated["Resources"] if name.startswith("Live")}
    assert named_live - conditional == {"LiveMediaCachePolicy"}, "CloudFront's policy costs nothing idle"


def test_with_an_image_the_functions_know_the_rtmp_url(with_rtmp: dict[str, Any], with_rtmps: dict[str, Any]) -> None:
    for name, function in of_type(with_rtmp["Resources"], "AWS::Lambda::Function").items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["CIRRUS_LIVE_RTMP_URL"] == {
            "Fn::Sub": ["rtmp://${Host}:1935/live", {"Host": LOAD_BALANCER_NAME}]
        }, name
        assert variables["CIRRUS_LIVE_RTMPS_URL"] == "", name
    api = with_rtmps["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert api["CIRRUS_LIVE_RTMP_URL"] == {"Fn::Sub": ["rtmp://${Host}:1935/live", {"Host": {"Ref": "LiveHost"}}]}
    assert api["CIRRUS_LIVE_RTMPS_URL"] == {"Fn::Sub": "rtmps://${LiveHost}:443/live"}
    assert set(with_rtmp["Outputs"]) >= {"LiveLoadBalancerDnsName", "LiveRtmpUrl"}
    assert "LiveRtmpsUrl" not in with_rtmp["Outputs"] and "LiveRtmpsUrl" in with_rtmps["Outputs"]


def test_a_certificate_needs_the_host_it_is_for(template: dict[str, Any]) -> None:
    rule = template["Rules"]["LiveCertificateNeedsHost"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "LiveCertificateArn"}, ""]}]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "LiveHost"}, ""]}]}


# --- The load balancer --------------------------------------------------------------------------


def listeners(resolved: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    found = {}
    for listener in of_type(resolved["Resources"], "AWS::ElasticLoadBalancingV2::Listener").values():
        props = listener["Properties"]
        if props["LoadBalancerArn"] == {"Ref": "LiveLoadBalancer"}:
            found[props["Port"]] = props
    return found


def test_rtmp_on_1935_and_rtmps_on_443_with_a_certificate(
    with_rtmp: dict[str, Any], with_rtmps: dict[str, Any]
) -> None:
    forward = [{"Type": "forward", "TargetGroupArn": {"Ref": "LiveTargetGroup"}}]
    plain = listeners(with_rtmp)
    assert sorted(plain) == [1935]
    assert plain[1935]["Protocol"] == "TCP" and plain[1935]["DefaultActions"] == forward
    secure = listeners(with_rtmps)
    assert sorted(secure) == [443, 1935]
    assert secure[443]["Protocol"] == "TLS", "TLS ends at the load balancer; tasks speak RTMP"
    assert secure[443]["Certificates"] == [{"CertificateArn": {"Ref": "LiveCertificateArn"}}]
    assert secure[443]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert secure[443]["DefaultActions"] == forward
    balancer = with_rtmps["Resources"]["LiveLoadBalancer"]["Properties"]
    assert (balancer["Type"], balancer["Scheme"]) == ("network", "internet-facing")


def ingress(resolved: Mapping[str, Any], group: str) -> list[tuple[Any, ...]]:
    rules = resolved["Resources"][group]["Properties"]["SecurityGroupIngress"]
    return sorted(
        (r["IpProtocol"], r["FromPort"], r["ToPort"], r.get("CidrIp"), json.dumps(r.get("SourceSecurityGroupId")))
        for r in rules
    )


def test_encoders_reach_the_listeners_from_anywhere_and_nothing_else(
    with_rtmp: dict[str, Any], with_rtmps: dict[str, Any]
) -> None:
    anywhere = "0.0.0.0/0"
    assert ingress(with_rtmp, "LiveLoadBalancerSecurityGroup") == [("tcp", 1935, 1935, anywhere, "null")]
    assert ingress(with_rtmps, "LiveLoadBalancerSecurityGroup") == [
        ("tcp", 443, 443, anywhere, "null"),
        ("tcp", 1935, 1935, anywhere, "null"),
    ]
    for resolved in (with_rtmp, with_rtmps):
        # The tasks take the RTMP port from the load balancer alone.
        assert ingress(resolved, "LiveTaskSecurityGroup") == [
            ("tcp", 1935, 1935, None, json.dumps({"Ref": "LiveLoadBalancerSecurityGroup"}))
        ]
        balancer = resolved["Resources"]["LiveLoadBalancer"]["Properties"]
        assert balancer["SecurityGroups"] == [{"Ref": "LiveLoadBalancerSecurityGroup"}]
        service = resolved["Resources"]["LiveService"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
        assert service["SecurityGroups"] == [{"Ref": "LiveTaskSecurityGroup"}]


def attributes(properties: Mapping[str, Any], key: str) -> dict[str, str]:
    return {a["Key"]: a["Value"] for a in properties[key]}


def test_an_encoder_sticks_to_its_task_which_drains_for_the_longest_time_allowed(with_rtmps: dict[str, Any]) -> None:
    group = with_rtmps["Resources"]["LiveTargetGroup"]["Properties"]
    assert (group["TargetType"], group["Protocol"], group["Port"]) == ("ip", "TCP", DEFAULT_RTMP_PORT)
    assert group["HealthCheckProtocol"] == "TCP"
    found = attributes(group, "TargetGroupAttributes")
    assert (found["stickiness.enabled"], found["stickiness.type"]) == ("true", "source_ip")
    assert found["deregistration_delay.timeout_seconds"] == "3600", "NLB's maximum: lives run for hours"
    balancer = attributes(with_rtmps["Resources"]["LiveLoadBalancer"]["Properties"], "LoadBalancerAttributes")
    assert balancer["load_balancing.cross_zone.enabled"] == "true"


# --- The task ----------------------------------------------------------------------------------


def dockerfile(instruction: str) -> str:
    match = re.search(rf"^{instruction} (.+)$", DOCKERFILE, re.MULTILINE)
    assert match, instruction
    return match.group(1).strip()


def container(resolved: Mapping[str, Any]) -> dict[str, Any]:
    (found,) = resolved["Resources"]["LiveTaskDefinition"]["Properties"]["ContainerDefinitions"]
    return dict(found)


def environment(resolved: Mapping[str, Any]) -> dict[str, Any]:
    return {e["Name"]: e["Value"] for e in container(resolved)["Environment"]}


def test_the_container_matches_its_dockerfile_and_the_service_settings(with_rtmp: dict[str, Any]) -> None:
    found, env = container(with_rtmp), environment(with_rtmp)
    port = int(dockerfile("EXPOSE"))
    assert port == DEFAULT_RTMP_PORT == int(env["CIRRUS_RTMP_PORT"])
    assert found["PortMappings"] == [{"ContainerPort": port, "Protocol": "tcp"}]
    assert found["Image"] == {"Ref": "LiveImage"}
    # A read-only root, ffmpeg's work in the volume the Dockerfile declares (its owner's).
    assert found["ReadonlyRootFilesystem"] is True
    (volume,) = json.loads(dockerfile("VOLUME"))
    (mount,) = found["MountPoints"]
    assert mount["ContainerPath"] == volume == env["CIRRUS_LIVE_WORK_DIR"]
    definition = with_rtmp["Resources"]["LiveTaskDefinition"]["Properties"]
    assert definition["Volumes"] == [{"Name": mount["SourceVolume"]}]
    assert found["StopTimeout"] == 120, "Fargate's longest: sessions end properly after SIGTERM"
    settings = from_environment({k: v for k, v in env.items() if isinstance(v, str)})
    assert settings.rtmp_port == port and settings.reconnect_window == 60
    assert str(settings.work_dir) == volume
    assert (definition["Cpu"], definition["Memory"]) == ({"Ref": "LiveCpu"}, {"Ref": "LiveMemory"})
    assert found["LogConfiguration"]["Options"]["awslogs-group"] == {"Ref": "LiveLogGroup"}
    assert with_rtmp["Resources"]["LiveLogGroup"]["Properties"]["RetentionInDays"] == 30


def test_the_default_size_transcodes_a_1080p_ladder(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    cpu, memory = int(parameters["LiveCpu"]["Default"]), int(parameters["LiveMemory"]["Default"])
    assert (cpu, memory) == (2048, 4096), "2 vCPU / 4 GiB: docs/live.md measured 1.5 cores for the ladder"
    # Fargate's pairings for 2 vCPU: 4 to 16 GiB, by the GiB.
    assert 4096 <= memory <= 16384 and memory % 1024 == 0


def test_the_task_gets_every_function_setting_and_the_ingests_own(
    with_rtmp: dict[str, Any], template: dict[str, Any]
) -> None:
    functions = template["Globals"]["Function"]["Environment"]["Variables"]
    env = environment(template)  # as written, to compare with Globals as written
    for name, value in functions.items():
        if name in ("CIRRUS_LIVE_RTMP_URL", "CIRRUS_LIVE_ENABLED"):  # HasLive's branch: the task exists only then
            assert env[name] == value["Fn::If"][1]
        else:
            assert env[name] == value, name
    own = set(env) - set(functions)
    assert own == {"AWS_REGION", "CIRRUS_LIVE_RECONNECT_WINDOW", "CIRRUS_LIVE_WORK_DIR"}
    assert not set(FUNCTION_ONLY_SETTINGS) & set(env), "the root password, the edge secret"
    assert not LOCAL_ONLY_SETTINGS & set(env)
    assert environment(with_rtmp)["CIRRUS_ENV"] == "production"


def test_one_warm_task_behind_the_rtmp_listener(with_rtmp: dict[str, Any]) -> None:
    service = with_rtmp["Resources"]["LiveService"]
    props = service["Properties"]
    assert props["DesiredCount"] == 1 and props["LaunchType"] == "FARGATE"
    assert props["LoadBalancers"] == [
        {"ContainerName": "live", "ContainerPort": DEFAULT_RTMP_PORT, "TargetGroupArn": {"Ref": "LiveTargetGroup"}}
    ]
    assert service["DependsOn"] == "LiveRtmpListener", "the target group is attached before tasks register"
    assert props["DeploymentConfiguration"]["MinimumHealthyPercent"] == 100


# --- Scaling -----------------------------------------------------------------------------------


def test_it_scales_out_on_encoder_connections_per_task_and_never_cuts_a_live(with_rtmp: dict[str, Any]) -> None:
    resources = with_rtmp["Resources"]
    target = resources["LiveScalableTarget"]["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, {"Ref": "LiveMaxTasks"})
    tracking = resources["LiveEncoderScaling"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == {"Ref": "LiveEncodersPerTask"}
    assert tracking["DisableScaleIn"] is True, "ECS would pick the task to stop, lives or not"
    queries = {q["Id"]: q for q in tracking["CustomizedMetricSpecification"]["Metrics"]}
    (returned,) = [q for q in queries.values() if q["ReturnData"]]
    assert returned["Expression"] == "flows / tasks"
    flows, tasks = queries["flows"]["MetricStat"]["Metric"], queries["tasks"]["MetricStat"]["Metric"]
    assert (flows["Namespace"], flows["MetricName"]) == ("AWS/NetworkELB", "ActiveFlowCount")
    assert (tasks["Namespace"], tasks["MetricName"]) == ("AWS/NetworkELB", "HealthyHostCount")
    balancer = {"Name": "LoadBalancer", "Value": {"Fn::GetAtt": ["LiveLoadBalancer", "LoadBalancerFullName"]}}
    assert flows["Dimensions"] == [balancer]
    assert tasks["Dimensions"] == [
        balancer,
        {"Name": "TargetGroup", "Value": {"Fn::GetAtt": ["LiveTargetGroup", "TargetGroupFullName"]}},
    ]


def test_it_scales_in_only_when_no_encoder_is_connected(with_rtmp: dict[str, Any]) -> None:
    resources = with_rtmp["Resources"]
    step = resources["LiveIdleScaleIn"]["Properties"]["StepScalingPolicyConfiguration"]
    assert step["AdjustmentType"] == "ExactCapacity"
    assert step["StepAdjustments"] == [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": 1}]
    alarm = resources["LiveIdleAlarm"]["Properties"]
    assert alarm["AlarmActions"] == [{"Ref": "LiveIdleScaleIn"}]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
        "AWS/NetworkELB",
        "ActiveFlowCount",
        "Maximum",
    )
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("LessThanThreshold", 1), "not one connection"
    assert (
        alarm["Period"] * alarm["EvaluationPeriods"] >= 1800
        and alarm["DatapointsToAlarm"] == alarm["EvaluationPeriods"]
    )
    assert alarm["TreatMissingData"] == "breaching", "the load balancer reports no flows as no data"


# --- CloudFront: live playlists briefly, the rest as the ingest says ---------------------------


def behaviours(resolved: Mapping[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = resolved["Resources"]["Distribution"]["Properties"]["DistributionConfig"][
        "CacheBehaviors"
    ]
    return found


def first_behaviour(resolved: Mapping[str, Any], path: str) -> dict[str, Any]:
    return next(b for b in behaviours(resolved) if fnmatch.fnmatchcase(path, b["PathPattern"]))


def test_cloudfront_caches_live_files_by_the_ingests_word_or_one_second(with_rtmp: dict[str, Any]) -> None:
    video = "9c4d6a3e-0000-4000-8000-000000000000"
    live = "/" + live_directory(video)
    assert [b["PathPattern"] for b in behaviours(with_rtmp) if b["PathPattern"].endswith("/live/*")] == (
        edge_routes.live_media_path_patterns()
    )
    for name in ("master.m3u8", "0.m3u8", "segments-sha256.json", "0-000012.ts"):
        behaviour = first_behaviour(with_rtmp, f"{live}/{name}")
        assert behaviour["CachePolicyId"] == {"Ref": "LiveMediaCachePolicy"}, name
        assert behaviour["TargetOriginId"] == edge_routes.MEDIA_ORIGIN_ID
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "MediaCorsPolicy"}
    policy = with_rtmp["Resources"]["LiveMediaCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert policy["MinTTL"] == 0 and policy["DefaultTTL"] <= 1, "without Cache-Control, about a second"
    assert policy["MaxTTL"] >= 24 * 3600, "the ingest's long max-age on segments is honoured"
    # VOD files keep their behaviours; a private live's go to the API, which checks the token.
    assert first_behaviour(with_rtmp, "/" + layout.hls_key(video, "master.m3u8"))["CachePolicyId"] == {
        "Ref": "PlaylistCachePolicy"
    }
    private = first_behaviour(with_rtmp, f"/{layout.PRIVATE_HLS_PATH}live/{video}/0.m3u8")
    assert private["TargetOriginId"] == edge_routes.API_ORIGIN_ID


def test_the_live_paths_are_the_ingests_directories() -> None:
    (public, private) = LIVE_HLS_PREFIXES
    assert [f"/{public}"] == list(edge_routes.LIVE_MEDIA_PREFIXES)
    assert public.startswith(layout.PUBLIC_HLS_PATH) and private.startswith(layout.PRIVATE_HLS_KEYS)
    # The API serves a private video's path from the private keys: a private live's too.
    assert private == layout.PRIVATE_HLS_KEYS + public[len(layout.PUBLIC_HLS_PATH) :]
    assert live_directory("v") == f"{public}v" and live_directory("v", private=True) == f"{private}v"


def test_the_replay_and_deletions_reach_the_live_files(resources: dict[str, Any]) -> None:
    """The transcoder makes the replay from the recorded segments; a deleted live's files go
    with its video (the work function)."""
    for private in (False, True):
        key = f"{live_directory('9c4d6a3e-0000-4000-8000-000000000000', private)}/0-000012.ts"
        assert allowed(resources, "TranscoderFunction", "s3:GetObject", "MediaBucket", key)
        assert allowed(resources, "WorkFunction", "s3:DeleteObject", "MediaBucket", key)
