"""CloudFront and the tracker in template.yaml: behaviours per route family, origin access,
bucket policies, the content-negotiation Function (run in Node), and the Fargate service."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from infra import edge_routes
from local import gateway
from tests.infra.conftest import ROOT

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
DOCKERFILE = (ROOT / "functions" / "tracker" / "Dockerfile").read_text()
ACTIVITY = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# (path, Accept): every route family, with and without ActivityPub types.
CASES = [
    (path, accept)
    for path in (
        "/",
        "/about",
        "/assets/index-3f2a.js",
        "/favicon.ico",
        "/api",
        "/api/v1/videos",
        "/inbox",
        "/nodeinfo",
        "/nodeinfo/2.0.json",
        "/.well-known/webfinger",
        "/accounts/alice",
        "/accounts/alice/inbox",
        "/accounts/alice/outbox",
        "/video-channels/alice_channel",
        "/video-channels/alice_channel/inbox",
        "/videos/watch/9c4d6a3e-0000-4000-8000-000000000000",
        "/videos/local",
        "/video-playlists/abc",
        "/w/kL3m",
        "/a/alice",
        "/c/alice_channel/videos",
        "/static/streaming-playlists/hls/x/master.m3u8",
        "/lazy-static/avatars/a.png",
        "/static/web-videos/v-1a2b3c4d-720.mp4",
        "/static/web-videos/private/v-1a2b3c4d-720.mp4",
        "/lazy-static/torrents/v-1a2b3c4d-720.torrent",
        "/static/torrents/v-1a2b3c4d-720.torrent",
        "/download/torrents/v-1a2b3c4d-720.torrent",
        "/download/web-videos/v-720.mp4",
        "/apiary",
        "/accountsx",
        "/wiki",
    )
    for accept in ("", BROWSER, ACTIVITY, LD)
]


def distribution(resources: Mapping[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = resources["Distribution"]["Properties"]["DistributionConfig"]
    return config


def unconditional(items: list[Any], condition: str) -> list[Any]:
    """The list with each `Fn::If [condition, item, AWS::NoValue]` taken as true."""
    taken = []
    for item in items:
        if isinstance(item, dict) and "Fn::If" in item:
            name, when_true, _ = item["Fn::If"]
            assert name == condition, item
            taken.append(when_true)
        else:
            taken.append(item)
    return taken


def behaviours(resources: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found = {b["PathPattern"]: b for b in unconditional(distribution(resources)["CacheBehaviors"], "HasTracker")}
    return found


def origins(resources: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["Id"]: o for o in unconditional(distribution(resources)["Origins"], "HasTracker")}


# --- The Function and the local gateway: one routing ----------------------------------------


def test_template_function_is_the_generated_code(resources: dict[str, Any]) -> None:
    code = resources["ViewerRequestFunction"]["Properties"]["FunctionCode"]

    assert code == edge_routes.viewer_request_code(), "paste `python infra/edge_routes.py` into template.yaml"
    assert resources["ViewerRequestFunction"]["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"


def test_local_gateway_routes_with_the_same_lists() -> None:
    assert gateway.is_api_request is edge_routes.is_api_request
    assert gateway.MEDIA_PREFIXES is edge_routes.MEDIA_PREFIXES


# Runs the Function as CloudFront would, with the `cloudfront` module stubbed: prints what
# each case became, as JSON.
NODE_HARNESS = textwrap.dedent(
    """
    const vm = require('vm');
    const [code, cases] = [process.argv[1], JSON.parse(process.argv[2])];
    const source = code.replace("import cf from 'cloudfront';", '');
    const results = cases.map(([uri, accept]) => {
      let origin = null;
      const context = { cf: { selectRequestOriginById: (id) => { origin = id; } } };
      vm.createContext(context);
      vm.runInContext(source, context);
      const headers = accept ? { accept: { value: accept } } : {};
      const request = context.handler({ request: { method: 'GET', uri, headers, querystring: {} } });
      return { origin, uri: request.uri };
    });
    console.log(JSON.stringify(results));
    """
)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node runs the CloudFront Function")
def test_function_routes_every_case_as_the_local_gateway() -> None:
    code = edge_routes.viewer_request_code()
    assert code.startswith("import cf from 'cloudfront';\n")
    output = subprocess.run(
        ["node", "-e", NODE_HARNESS, code, json.dumps(CASES)], capture_output=True, text=True, check=True
    ).stdout
    results = json.loads(output)

    for (path, accept), result in zip(CASES, results, strict=True):
        if edge_routes.is_api_request(path, accept):
            assert result == {"origin": edge_routes.API_ORIGIN_ID, "uri": path}, (path, accept)
        else:
            assert result == {"origin": None, "uri": edge_routes.spa_uri(path)}, (path, accept)


def test_routing_decisions() -> None:
    api = edge_routes.is_api_request
    assert api("/accounts/alice", ACTIVITY) and api("/videos/watch/x", LD) and api("/w/x", ACTIVITY)
    assert not api("/accounts/alice", BROWSER) and not api("/videos/watch/x", "")
    assert api("/accounts/alice/inbox", ""), "servers POST to inboxes with any Accept"
    assert api("/api/v1/config", BROWSER) and api("/inbox", "") and api("/.well-known/webfinger", "")
    assert not api("/apiary", ACTIVITY) and not api("/about", ACTIVITY)
    # Web videos are the bucket's unless private; torrents and downloads are the API's.
    assert not api("/static/web-videos/v-720.mp4", "") and api("/static/web-videos/private/v-720.mp4", "")
    assert api("/lazy-static/torrents/v.torrent", "") and api("/static/torrents/v.torrent", "")
    assert api("/download/web-videos/v-720.mp4", "") and not api("/lazy-static/thumbnails/v.jpg", "")
    assert edge_routes.spa_uri("/videos/watch/x") == "/index.html"
    assert edge_routes.spa_uri("/assets/app.js") == "/assets/app.js"


# --- Behaviours --------------------------------------------------------------------------------


def test_api_paths_are_uncached_and_keep_api_gateways_host(resources: dict[str, Any]) -> None:
    found = behaviours(resources)
    for pattern in edge_routes.api_path_patterns():
        behaviour = found[pattern]
        assert behaviour["TargetOriginId"] == edge_routes.API_ORIGIN_ID, pattern
        assert behaviour["CachePolicyId"] == CACHING_DISABLED, pattern
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST, pattern
        assert set(behaviour["AllowedMethods"]) == ALL_METHODS, pattern
        assert "FunctionAssociations" not in behaviour, pattern


def test_shared_paths_negotiate_in_the_function(resources: dict[str, Any]) -> None:
    found = behaviours(resources)
    function = {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["ViewerRequestFunction", "FunctionARN"]}}
    for pattern in edge_routes.negotiated_path_patterns():
        behaviour = found[pattern]
        assert behaviour["TargetOriginId"] == edge_routes.WEB_ORIGIN_ID, pattern
        assert behaviour["FunctionAssociations"] == [function], pattern
        assert behaviour["CachePolicyId"] == CACHING_DISABLED, "the answer depends on Accept"
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST, "the API may be selected"
        assert set(behaviour["AllowedMethods"]) == ALL_METHODS, "inbox POSTs"
    default = distribution(resources)["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == edge_routes.WEB_ORIGIN_ID
    assert default["FunctionAssociations"] == [function], "index.html for client routes"


def test_media_is_cached_long_playlists_briefly_with_cors(resources: dict[str, Any]) -> None:
    patterns = [b["PathPattern"] for b in unconditional(distribution(resources)["CacheBehaviors"], "HasTracker")]
    found = behaviours(resources)
    playlist = "/static/streaming-playlists/*.m3u8"
    assert patterns.index(playlist) < patterns.index("/static/*"), "CloudFront takes the first match"
    for private in edge_routes.private_media_path_patterns():
        assert found[private]["TargetOriginId"] == edge_routes.API_ORIGIN_ID, private
        assert found[private]["CachePolicyId"] == CACHING_DISABLED, private
        first_media = min(patterns.index("/static/*"), patterns.index("/lazy-static/*"))
        assert patterns.index(private) < first_media, f"{private} before the media behaviours"
    for prefix in edge_routes.MEDIA_PREFIXES:
        behaviour = found[edge_routes.path_pattern(prefix)]
        assert behaviour["TargetOriginId"] == edge_routes.MEDIA_ORIGIN_ID
        assert behaviour["CachePolicyId"] == {"Ref": "MediaCachePolicy"}
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "MediaCorsPolicy"}
        assert "FunctionAssociations" not in behaviour
    assert found[playlist]["CachePolicyId"] == {"Ref": "PlaylistCachePolicy"}
    assert found[playlist]["ResponseHeadersPolicyId"] == {"Ref": "MediaCorsPolicy"}
    long = resources["MediaCachePolicy"]["Properties"]["CachePolicyConfig"]
    brief = resources["PlaylistCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert long["DefaultTTL"] >= 30 * 24 * 3600
    assert brief["MaxTTL"] <= 60
    cors = resources["MediaCorsPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["CorsConfig"]
    assert cors["AccessControlAllowOrigins"]["Items"] == ["*"] and cors["OriginOverride"] is True
    assert "Content-Range" in cors["AccessControlExposeHeaders"]["Items"]


def test_every_behaviour_targets_a_declared_origin_over_https(resources: dict[str, Any]) -> None:
    declared = origins(resources)
    for behaviour in [*behaviours(resources).values(), distribution(resources)["DefaultCacheBehavior"]]:
        assert behaviour["TargetOriginId"] in declared
        assert behaviour["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only")
    assert declared["api"]["OriginPath"] == "/live"
    assert declared["api"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert len(behaviours(resources)) <= 25, "CloudFront's default quota of behaviours"


# --- Buckets: private, encrypted, read by this distribution only ------------------------------


@pytest.mark.parametrize(("bucket", "origin"), [("WebBucket", "web"), ("MediaBucket", "media")])
def test_buckets_are_read_through_origin_access_control_only(
    resources: dict[str, Any], bucket: str, origin: str
) -> None:
    props = resources[bucket]["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    declared = origins(resources)[origin]
    assert declared["DomainName"] == {"Fn::GetAtt": [bucket, "RegionalDomainName"]}
    assert declared["OriginAccessControlId"] == {"Fn::GetAtt": ["OriginAccessControl", "Id"]}
    assert declared["S3OriginConfig"] == {"OriginAccessIdentity": ""}, "no legacy identity"
    oac = resources["OriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")

    (policy,) = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    allows = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allows == [
        {
            "Sid": "CloudFrontReads",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": f"${{{bucket}.Arn}}/*"},
            "Condition": {
                "StringEquals": {
                    "AWS:SourceArn": {
                        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"
                    }
                }
            },
        }
    ]


def test_certificate_is_optional(resources: dict[str, Any]) -> None:
    config = distribution(resources)
    assert config["Aliases"] == {"Fn::If": ["HasCertificate", [{"Ref": "InstanceHost"}], {"Ref": "AWS::NoValue"}]}
    with_certificate, without = config["ViewerCertificate"]["Fn::If"][1:]
    assert with_certificate["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    assert with_certificate["SslSupportMethod"] == "sni-only"
    assert without == {"CloudFrontDefaultCertificate": True}


# --- The tracker on Fargate --------------------------------------------------------------------


def dockerfile_option(name: str) -> str:
    match = re.search(rf'"{name}", "([^"]+)"', DOCKERFILE)
    assert match, name
    return match.group(1)


def test_tracker_health_check_port_and_idle_timeout_match_its_container(resources: dict[str, Any]) -> None:
    port = int(dockerfile_option("--port"))
    from functions.tracker.server import PING_INTERVAL_SECONDS

    # One timer pings the sockets silent for a whole interval: the longest silence is two.
    ping = 2 * PING_INTERVAL_SECONDS
    group = resources["TrackerTargetGroup"]["Properties"]
    assert (group["HealthCheckPath"], group["Port"], group["TargetType"]) == ("/tracker/health", port, "ip")
    (container,) = resources["TrackerTaskDefinition"]["Properties"]["ContainerDefinitions"]
    assert container["PortMappings"] == [{"ContainerPort": port, "Protocol": "tcp"}]
    attributes = {
        a["Key"]: a["Value"] for a in resources["TrackerLoadBalancer"]["Properties"]["LoadBalancerAttributes"]
    }
    assert int(attributes["idle_timeout.timeout_seconds"]) > ping, "idle sockets between pings stay open"
    tracker_origin = origins(resources)["tracker"]["CustomOriginConfig"]
    assert tracker_origin["OriginReadTimeout"] > ping
    assert behaviours(resources)["/tracker/*"]["TargetOriginId"] == "tracker"


def test_tracker_listens_with_tls_when_given_a_certificate(resources: dict[str, Any]) -> None:
    listener = resources["TrackerListener"]["Properties"]
    assert listener["Protocol"] == {"Fn::If": ["HasTrackerCertificate", "HTTPS", "HTTP"]}
    assert listener["Certificates"]["Fn::If"][1] == [{"CertificateArn": {"Ref": "TrackerCertificateArn"}}]
    assert listener["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": {"Ref": "TrackerTargetGroup"}}]


def test_tracker_task_may_only_read_items(resources: dict[str, Any]) -> None:
    (policy,) = resources["TrackerTaskRole"]["Properties"]["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": {"Fn::GetAtt": ["MainTable", "Arn"]},
            # The info hash claims only (tests/security/test_l3_tracker_origin.py).
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["INFOHASH#*"]}},
        }
    ]
    definition = resources["TrackerTaskDefinition"]["Properties"]
    assert definition["TaskRoleArn"] == {"Fn::GetAtt": ["TrackerTaskRole", "Arn"]}
    (container,) = definition["ContainerDefinitions"]
    environment = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert environment["CIRRUS_TABLE"] == {"Ref": "MainTable"}
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"


def test_tracker_shards_are_one_task_each_routed_by_path(resources: dict[str, Any]) -> None:
    """A swarm meets on one task: shard k's sockets (/tracker/<k>/*) reach its own target
    group, served by a service of exactly one task, with nothing scaling it (a second task
    would split the swarms); the API is told how many shards there are."""
    assert not [
        name
        for name, r in resources.items()
        if r["Type"].startswith("AWS::ApplicationAutoScaling") and name.startswith("Tracker")
    ]
    services = {"TrackerService": "TrackerTargetGroup"}
    for shard in range(1, 8):
        condition = f"HasTrackerShard{shard}"
        rule = resources[f"TrackerShard{shard}ListenerRule"]
        assert rule["Condition"] == condition
        (path,) = rule["Properties"]["Conditions"]
        assert path["PathPatternConfig"]["Values"] == [f"/tracker/{shard}/*"]
        assert rule["Properties"]["Actions"] == [
            {"Type": "forward", "TargetGroupArn": {"Ref": f"TrackerShard{shard}TargetGroup"}}
        ]
        assert (
            resources[f"TrackerShard{shard}TargetGroup"]["Properties"] == resources["TrackerTargetGroup"]["Properties"]
        )
        services[f"TrackerShard{shard}Service"] = f"TrackerShard{shard}TargetGroup"
    for shard, (name, group) in enumerate(services.items()):
        service = resources[name]["Properties"]
        # Shard 0 always runs; the others start with no task, given one by the scaler.
        assert service["DesiredCount"] == (0 if shard else 1)
        assert service.get("ServiceName") == (
            {"Fn::Sub": f"${{AWS::StackName}}-tracker-shard-{shard}"} if shard else None
        )
        assert service["TaskDefinition"] == {"Ref": "TrackerTaskDefinition"}
        assert service["LoadBalancers"][0]["TargetGroupArn"] == {"Ref": group}
    alarm = resources["TrackerConnectionsHigh"]
    assert alarm["Condition"] == "HasOneTrackerShard"
    props = alarm["Properties"]
    assert (props["Namespace"], props["MetricName"], props["Statistic"]) == ("Cirrus", "TrackerConnections", "Maximum")
    saturated = resources["TrackerShardsSaturated"]
    assert saturated["Condition"] == "HasTrackerShard1"
    assert saturated["Properties"]["MetricName"] == "TrackerShardsSaturated"


def test_the_tracker_scaler_runs_every_minute_with_least_privilege(resources: dict[str, Any]) -> None:
    """Only with shards to scale; the shard set item, shards 1-7's services (by the name
    prefix the services are given) and the metric, nothing else."""
    function = resources["TrackerScalerFunction"]
    assert function["Condition"] == "HasTrackerShard1"
    props = function["Properties"]
    assert props["Handler"] == "functions.tracker_scaler.handler.handle_schedule"
    (event,) = props["Events"].values()
    assert event["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    variables = props["Environment"]["Variables"]
    assert variables["CIRRUS_TRACKER_CLUSTER"] == {"Ref": "TrackerCluster"}
    assert (variables["CIRRUS_TRACKER_SHARDS"], variables["CIRRUS_TRACKER_SCALED"]) == (
        {"Ref": "TrackerMaxTasks"},
        "true",
    )
    (policy,) = props["Policies"]
    table, services, metrics = policy["Statement"]
    assert table["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert table["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONFIG#trackershards"]}}
    assert services["Action"] == ["ecs:DescribeServices", "ecs:UpdateService"]
    assert services["Resource"]["Fn::Sub"].endswith(":service/${TrackerCluster}/${AWS::StackName}-tracker-shard-*")
    assert metrics == {"Effect": "Allow", "Action": "cloudwatch:GetMetricData", "Resource": "*"}
    for companion in ("LogGroup", "ErrorsAlarm", "ThrottlesAlarm"):
        assert resources[f"TrackerScalerFunction{companion}"]["Condition"] == "HasTrackerShard1"


def test_tracker_shard_conditions_count_up_to_its_parameter(template: dict[str, Any]) -> None:
    """Shard k exists when TrackerMaxTasks is above k, which CloudFormation can only say as
    "shard k-1 exists and TrackerMaxTasks is not k"."""
    conditions = template["Conditions"]
    for shard in range(1, 8):
        before = "HasTracker" if shard == 1 else f"HasTrackerShard{shard - 1}"
        assert conditions[f"HasTrackerShard{shard}"] == {
            "Fn::And": [{"Condition": before}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "TrackerMaxTasks"}, str(shard)]}]}]
        }
    assert template["Parameters"]["TrackerMaxTasks"]["MaxValue"] == 8


def test_tracker_resources_exist_only_with_an_image(resources: dict[str, Any]) -> None:
    tracker = {name: r for name, r in resources.items() if name.startswith("Tracker")}
    assert len(tracker) > 10
    shards = {f"HasTrackerShard{shard}" for shard in range(1, 8)}
    assert {r.get("Condition") for r in tracker.values()} == {"HasTracker", "HasOneTrackerShard"} | shards


def test_the_tracker_image_holds_every_module_the_tracker_imports(tmp_path: Path) -> None:
    # (main's image lacked caches, aws and state_graph, which config and the table import.)
    """The image copies a few of chalicelib's files (functions/tracker/Dockerfile): laid out
    the same way, the tracker starts its store lookups and server from them alone."""
    for line in DOCKERFILE.splitlines():
        if not line.startswith("COPY ") or "requirements" in line:
            continue
        *sources, target = line.split()[1:]
        for source in sources:
            destination = tmp_path / target.removeprefix("/app/")
            if (ROOT / source).is_dir():
                shutil.copytree(ROOT / source, destination)
            else:
                destination.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / source, destination)
    probe = (
        "import sys; sys.path.insert(0, '.');"
        "from chalicelib.config import get_settings; from chalicelib.store import table;"
        "table.bind(get_settings()); from functions.tracker import known, server; known.store_policy();"
        "server.production_tracker()"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
