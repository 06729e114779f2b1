"""template.yaml deploys what the code expects: the checks `sam deploy` would only fail late on.

Each test takes its expectation from the code, not from a copy: the table's keys from the
PynamoDB models, the queues from local/resources.py, the environment from
chalicelib/config.py, the binary media types from Chalice. All offline: cfn-lint and the SAM
translator run in-process, with a fixed map of managed policies in place of IAM.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import load_settings
from chalicelib.store.table import table_schema
from local.resources import DLQ_RETENTION_SECONDS, QueueSpec, queue_specs
from tests.infra.conftest import ROOT, TEMPLATE, load_template, translate

SPECS = queue_specs(load_settings({}))
CONFIG_SOURCE = ROOT / "chalicelib" / "config.py"
# Read by chalicelib/config.py but not set by the template: Lambda sets AWS_* itself, and
# these exist only for the embedded stack.
LOCAL_ONLY_SETTINGS = {"CIRRUS_AWS_ENDPOINT_URL", "CIRRUS_PORT", "CIRRUS_RESOURCE_PREFIX"}
FUNCTION_CODE_URI = "build/function"
LAYER_CONTENT_URI = "build/layers/dependencies"
BATCH_FAILURES = "ReportBatchItemFailures"
# What Lambda uses when a template leaves them out.
DEFAULT_FUNCTION_TIMEOUT = 3
DEFAULT_VISIBILITY_TIMEOUT = 30


def queue_id(spec: QueueSpec) -> str:
    return f"{spec.key.capitalize()}Queue"


def dead_letter_queue_id(spec: QueueSpec) -> str:
    return f"{spec.key.capitalize()}DeadLetterQueue"


def of_type(resources: Mapping[str, Any], resource_type: str) -> dict[str, Any]:
    return {name: resource for name, resource in resources.items() if resource["Type"] == resource_type}


def referenced_id(value: Any) -> str | None:
    """The logical id behind {"Ref": id} or {"Fn::GetAtt": [id, attribute]}, else None."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if "Ref" in value:
        return str(value["Ref"])
    target = value.get("Fn::GetAtt")
    if isinstance(target, list):
        return str(target[0])
    if isinstance(target, str):
        return target.split(".", 1)[0]
    return None


# --- The SQS event source rule ---------------------------------------------------------


def sqs_mapping_problems(
    translated: Mapping[str, Any], specs: Iterable[QueueSpec], consumers: Mapping[str, str]
) -> list[str]:
    """Everything wrong with the SQS event source mappings of a translated template.

    Every mapping on a queue must report partial batch failures (else failed records count
    as successes and are lost) and leave the queue's visibility timeout at least six times
    the function's timeout (else a message reappears while its batch still runs). Every
    queue spec that names a consumer (`consumers` maps a Chalice lambda_function's name to
    its handler string) must have such a mapping, with the spec's batch size.
    """
    resources = translated["Resources"]
    queues = of_type(resources, "AWS::SQS::Queue")
    functions = of_type(resources, "AWS::Lambda::Function")
    mapped: dict[tuple[str, str], dict[str, Any]] = {}
    problems: list[str] = []
    for name, mapping in of_type(resources, "AWS::Lambda::EventSourceMapping").items():
        props = mapping["Properties"]
        source = props.get("EventSourceArn")
        queue = referenced_id(source)
        if queue not in queues:
            if isinstance(source, str) and ":sqs:" in source:
                problems.append(f"{name}: reads {source}, a queue this template does not declare")
            continue
        function = referenced_id(props.get("FunctionName"))
        if function not in functions:
            problems.append(f"{name}: feeds {props.get('FunctionName')!r}, not a function of this template")
            continue
        assert queue is not None
        mapped[(queue, function)] = props
        if props.get("FunctionResponseTypes") != [BATCH_FAILURES]:
            problems.append(f"{name}: FunctionResponseTypes must be [{BATCH_FAILURES}]")
        timeout = functions[function]["Properties"].get("Timeout", DEFAULT_FUNCTION_TIMEOUT)
        visibility = queues[queue]["Properties"].get("VisibilityTimeout", DEFAULT_VISIBILITY_TIMEOUT)
        if 6 * timeout > visibility:
            problems.append(
                f"{name}: {queue} VisibilityTimeout {visibility} is less than 6 x {function} Timeout {timeout}"
            )
    for spec in specs:
        if spec.function is None:
            continue
        handler = consumers.get(spec.function)
        if handler is None:
            problems.append(f"{spec.key}: app.py has no lambda_function named {spec.function!r}")
            continue
        candidates = [name for name, f in functions.items() if f["Properties"].get("Handler") == handler]
        found = [mapped[(queue_id(spec), name)] for name in candidates if (queue_id(spec), name) in mapped]
        if not found:
            problems.append(f"{spec.key}: no SQS event source mapping from {queue_id(spec)} to a function {handler}")
        elif any(props.get("BatchSize") != spec.batch_size for props in found):
            problems.append(f"{spec.key}: the mapping's BatchSize must be {spec.batch_size}")
    return problems


def chalice_consumers() -> dict[str, str]:
    import app

    return {function.name: function.handler_string for function in app.app.pure_lambda_functions}


def test_sqs_event_source_mappings_follow_the_rules(translated: dict[str, Any]) -> None:
    assert sqs_mapping_problems(translated, SPECS, chalice_consumers()) == []


# A minimal SAM template with one consumer; the cases below break one rule each, so that
# the checker is shown to catch what it claims to.
SYNTHETIC = """
Transform: AWS::Serverless-2016-10-31
Resources:
  DeliverQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: {visibility}
  DeliverFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: build/function
      Handler: app.deliver_activity
      Runtime: python3.11
      Timeout: 30
      Events:
        Deliver:
          Type: SQS
          Properties:
            Queue: !GetAtt DeliverQueue.Arn
            BatchSize: {batch_size}
{response_types}
"""
SYNTHETIC_SPEC = QueueSpec("deliver", "q", function_timeout=30, max_receive_count=5, batch_size=10, function="deliver")
SYNTHETIC_CONSUMERS = {"deliver": "app.deliver_activity"}
REPORTS = "            FunctionResponseTypes: [ReportBatchItemFailures]"


@pytest.mark.parametrize(
    ("visibility", "batch_size", "response_types", "consumers", "expected"),
    [
        pytest.param(180, 10, REPORTS, SYNTHETIC_CONSUMERS, None, id="valid"),
        pytest.param(180, 10, "", SYNTHETIC_CONSUMERS, BATCH_FAILURES, id="no-batch-item-failures"),
        pytest.param(179, 10, REPORTS, SYNTHETIC_CONSUMERS, "less than 6 x", id="visibility-too-short"),
        pytest.param(180, 5, REPORTS, SYNTHETIC_CONSUMERS, "BatchSize must be 10", id="wrong-batch-size"),
        pytest.param(
            180, 10, REPORTS, {"deliver": "app.other"}, "no SQS event source mapping", id="consumer-not-mapped"
        ),
        pytest.param(180, 10, REPORTS, {}, "no lambda_function named", id="consumer-missing-from-app"),
    ],
)
def test_sqs_mapping_checker_catches_each_broken_rule(
    visibility: int, batch_size: int, response_types: str, consumers: dict[str, str], expected: str | None
) -> None:
    text = SYNTHETIC.format(visibility=visibility, batch_size=batch_size, response_types=response_types)
    translated = translate(load_template(text))
    assert of_type(translated["Resources"], "AWS::Lambda::EventSourceMapping"), "the synthetic template has a mapping"

    problems = sqs_mapping_problems(translated, [SYNTHETIC_SPEC], consumers)

    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1, problems
        assert expected in problems[0]


# --- Lint and translation ----------------------------------------------------------------


def test_cfn_lint_reports_no_errors_or_warnings() -> None:
    from cfnlint.api import lint_file

    # Informational findings (I*) are advice, such as an explicit DeletionPolicy on every
    # queue; errors and warnings are not accepted, and none is currently waived.
    findings = [match for match in lint_file(TEMPLATE) if not match.rule.id.startswith("I")]
    assert findings == [], "\n".join(str(match) for match in findings)


def test_translates_to_the_expected_cloudformation(translated: dict[str, Any]) -> None:
    resources = translated["Resources"]

    assert len(of_type(resources, "AWS::ApiGateway::RestApi")) == 1
    # One stage only: without OpenApiVersion SAM adds a stray stage named "Stage".
    assert [stage["Properties"]["StageName"] for stage in of_type(resources, "AWS::ApiGateway::Stage").values()] == [
        "live"
    ]
    assert len(of_type(resources, "AWS::Lambda::LayerVersion")) == 1
    api = resources["ApiFunction"]
    assert api["Type"] == "AWS::Lambda::Function"
    assert api["Properties"]["Handler"] == "app.handler"
    assert api["Properties"]["Runtime"] == "python3.11"
    assert api["Properties"]["TracingConfig"] == {"Mode": "Active"}
    assert api["Properties"]["Layers"] == [{"Ref": next(iter(of_type(resources, "AWS::Lambda::LayerVersion")))}]


def test_api_is_one_proxy_resource_to_the_api_function(translated: dict[str, Any]) -> None:
    (api,) = of_type(translated["Resources"], "AWS::ApiGateway::RestApi").values()
    paths = api["Properties"]["Body"]["paths"]

    assert set(paths) == {"/", "/{proxy+}"}
    for operations in paths.values():
        integration = operations["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy"
        assert "${ApiFunction.Arn}" in integration["uri"]["Fn::Sub"]


def test_code_locations_are_what_infra_package_builds(resources: dict[str, Any]) -> None:
    from infra import package

    chalice_functions = [
        f
        for f in of_type(resources, "AWS::Serverless::Function").values()
        if f["Properties"]["Handler"].startswith("app.")
    ]
    assert chalice_functions
    for function in chalice_functions:
        assert function["Properties"]["CodeUri"] == package.FUNCTION_DIR.relative_to(ROOT).as_posix()
    (layer,) = of_type(resources, "AWS::Serverless::LayerVersion").values()
    assert layer["Properties"]["ContentUri"] == package.LAYER_DIR.relative_to(ROOT).as_posix()
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.11"]


# --- State: table, buckets ---------------------------------------------------------------


def test_table_declares_exactly_the_models_keys_index_and_ttl(resources: dict[str, Any]) -> None:
    from chalicelib.store.models import TableItem

    expected = table_schema()
    table = resources["MainTable"]
    props = table["Properties"]

    assert props["KeySchema"] == expected["KeySchema"]
    indexes = {index["IndexName"]: index for index in props.get("GlobalSecondaryIndexes", [])}
    assert {name: index["KeySchema"] for name, index in indexes.items()} == expected["GlobalSecondaryIndexes"]
    assert all(index["Projection"] == {"ProjectionType": "ALL"} for index in indexes.values())
    assert props["TimeToLiveSpecification"] == {"AttributeName": expected["TimeToLiveAttribute"], "Enabled": True}
    key_names = {key["AttributeName"] for key in expected["KeySchema"]} | {
        key["AttributeName"] for keys in expected["GlobalSecondaryIndexes"].values() for key in keys
    }
    attributes = TableItem.get_attributes()
    declared = {d["AttributeName"]: d["AttributeType"] for d in props["AttributeDefinitions"]}
    assert len(declared) == len(props["AttributeDefinitions"])
    assert declared == {name: attributes[name].attr_type for name in key_names}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("bucket", ["MediaBucket", "UploadsBucket"])
def test_buckets_are_private_and_encrypted(resources: dict[str, Any], bucket: str) -> None:
    props = resources[bucket]["Properties"]

    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_uploads_bucket_takes_browser_multipart_uploads(resources: dict[str, Any]) -> None:
    props = resources["UploadsBucket"]["Properties"]

    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedOrigins"] == [{"Fn::Sub": "https://${InstanceHost}"}]
    assert set(cors["AllowedMethods"]) == {"PUT", "POST"}
    assert cors["ExposedHeaders"] == ["ETag"]
    assert resources["MediaBucket"]["DeletionPolicy"] == "Retain"


# --- Work queues --------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=[spec.key for spec in SPECS])
def test_queue_matches_its_spec(resources: dict[str, Any], spec: QueueSpec) -> None:
    queue = resources[queue_id(spec)]["Properties"]

    assert queue["VisibilityTimeout"] == spec.visibility_timeout
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dead_letter_queue_id(spec), "Arn"]},
        "maxReceiveCount": spec.max_receive_count,
    }


@pytest.mark.parametrize("spec", SPECS, ids=[spec.key for spec in SPECS])
def test_dead_letter_queue_keeps_messages_and_alarms(resources: dict[str, Any], spec: QueueSpec) -> None:
    dlq = resources[dead_letter_queue_id(spec)]

    assert dlq["Type"] == "AWS::SQS::Queue"
    assert dlq["Properties"]["MessageRetentionPeriod"] == DLQ_RETENTION_SECONDS == 1209600
    # A message keeps its first enqueue time in the DLQ, so it must outlive the work queue's.
    assert dlq["Properties"]["MessageRetentionPeriod"] > resources[queue_id(spec)]["Properties"].get(
        "MessageRetentionPeriod", 345600
    )
    alarms = [
        alarm["Properties"]
        for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Dimensions")
        == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dead_letter_queue_id(spec), "QueueName"]}}]
    ]
    assert len(alarms) == 1, f"one alarm on {dead_letter_queue_id(spec)}"
    (alarm,) = alarms
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_template_declares_no_queue_without_a_spec(resources: dict[str, Any]) -> None:
    expected = {queue_id(spec) for spec in SPECS} | {dead_letter_queue_id(spec) for spec in SPECS}
    assert set(of_type(resources, "AWS::SQS::Queue")) == expected


def test_api_function_may_send_to_every_work_queue(resources: dict[str, Any]) -> None:
    policies = resources["ApiFunction"]["Properties"]["Policies"]
    send = [p["SQSSendMessagePolicy"]["QueueName"] for p in policies if "SQSSendMessagePolicy" in p]

    assert send == [{"Fn::GetAtt": [queue_id(spec), "QueueName"]} for spec in SPECS]


# --- The functions' configuration ----------------------------------------------------------


def settings_read_by_config() -> set[str]:
    """Every name chalicelib/config.py reads with env.get("...")."""
    names = set()
    for node in ast.walk(ast.parse(CONFIG_SOURCE.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def test_every_function_gets_every_setting(translated: dict[str, Any]) -> None:
    read = settings_read_by_config()
    assert {"CIRRUS_ENV", "CIRRUS_TABLE", "CIRRUS_AWS_ENDPOINT_URL"} <= read, "the parser still finds env.get calls"
    required = {name for name in read - LOCAL_ONLY_SETTINGS if not name.startswith("AWS_")}

    functions = of_type(translated["Resources"], "AWS::Lambda::Function")
    assert functions
    for name, function in functions.items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        assert required - set(variables) == set(), f"{name} lacks these settings"
        assert not LOCAL_ONLY_SETTINGS & set(variables), f"{name} must not point at a local endpoint"
        assert variables["CIRRUS_ENV"] == "production"
        assert variables["CIRRUS_SCHEME"] == "https"


def test_settings_name_the_right_resources(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    expected = {
        "CIRRUS_HOST": {"Ref": "InstanceHost"},
        "CIRRUS_INSTANCE_NAME": {"Ref": "InstanceName"},
        "CIRRUS_TABLE": {"Ref": "MainTable"},
        "CIRRUS_MEDIA_BUCKET": {"Ref": "MediaBucket"},
        "CIRRUS_UPLOADS_BUCKET": {"Ref": "UploadsBucket"},
        **{f"CIRRUS_{spec.key.upper()}_QUEUE": {"Fn::GetAtt": [queue_id(spec), "QueueName"]} for spec in SPECS},
    }
    assert {name: variables.get(name) for name in expected} == expected
    # The queue settings are the ones config.py reads for each spec.
    assert {f"CIRRUS_{spec.key.upper()}_QUEUE" for spec in SPECS} <= settings_read_by_config()
    assert variables["POWERTOOLS_SERVICE_NAME"] == "cirrus"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "Cirrus"
    assert variables["LOG_LEVEL"] == "INFO"


def test_binary_media_types_are_chalices(template: dict[str, Any], translated: dict[str, Any]) -> None:
    import app

    declared = template["Resources"]["RestApi"]["Properties"]["BinaryMediaTypes"]
    assert all("/" not in media_type for media_type in declared), "API Gateway wants / escaped as ~1"
    assert sorted(media_type.replace("~1", "/") for media_type in declared) == sorted(app.app.api.binary_types)
    assert len(set(declared)) == len(declared)
    (api,) = of_type(translated["Resources"], "AWS::ApiGateway::RestApi").values()
    assert sorted(api["Properties"]["Body"]["x-amazon-apigateway-binary-media-types"]) == sorted(
        app.app.api.binary_types
    )


def test_handlers_resolve_to_callables(resources: dict[str, Any]) -> None:
    for name, function in of_type(resources, "AWS::Serverless::Function").items():
        if function["Properties"].get("CodeUri") != FUNCTION_CODE_URI:
            continue
        module_name, attribute = function["Properties"]["Handler"].rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), attribute, None)
        assert callable(handler), f"{name}: {function['Properties']['Handler']} is not callable"


def test_packaged_function_imports_on_its_own(tmp_path: Path) -> None:
    from infra.package import package_function

    out = package_function(tmp_path / "function")

    assert sorted(p.name for p in out.iterdir()) == ["app.py", "chalicelib"]
    assert not list(out.rglob("__pycache__"))
    assert not list(out.rglob("*.pyc"))
    assert (out / "chalicelib" / "domain" / "data" / "video_categories.json").is_file(), "data files are shipped"
    # Import the handler from the package alone: the repository (local/, tests/) is not on
    # the path, as in Lambda, where third-party packages come from the layer.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = textwrap.dedent(
        """
        import app, pathlib, sys
        assert callable(app.handler)
        assert pathlib.Path(app.__file__).parent == pathlib.Path.cwd(), app.__file__
        assert not any(name == "local" or name.startswith(("local.", "tests")) for name in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=False, cwd=out, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_load_template_understands_short_form_tags() -> None:
    loaded = load_template(
        "Resources:\n  A:\n    Type: X\n    Properties:\n      B: !GetAtt C.D\n      E: !Sub x${F}\n"
    )

    assert loaded["Resources"]["A"]["Properties"] == {"B": {"Fn::GetAtt": ["C", "D"]}, "E": {"Fn::Sub": "x${F}"}}
