"""template.yaml deploys what the code expects: the checks `sam deploy` would only fail late on.

Each test takes its expectation from the code, not from a copy: the table's keys from the
PynamoDB models, the queues and upload triggers from chalicelib/deploy_specs.py, the environment from
chalicelib/config.py, the handlers from the modules they name, the S3 keys the functions may
touch from chalicelib/media/layout.py, the binary media types from Chalice. All offline:
cfn-lint and the SAM translator run in-process, with a fixed map of managed policies in place
of IAM.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from importlib.util import cache_from_source
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import load_settings
from chalicelib.deploy_specs import (
    DLQ_RETENTION_SECONDS,
    TRANSCODER_STEP_HANDLER,
    TRANSCODER_UPLOAD_HANDLER,
    QueueSpec,
    ScheduleSpec,
    UploadTrigger,
    bucket_names,
    queue_specs,
    schedule_specs,
    upload_triggers,
)
from chalicelib.media import layout
from chalicelib.store.table import table_schema
from tests.infra.conftest import ROOT, SIZE_BUDGETS, TEMPLATE, load_template, translate, unzipped_size

SETTINGS = load_settings({})
SPECS = queue_specs(SETTINGS)
TRIGGERS = upload_triggers(SETTINGS)
# The template's bucket resource for each bucket the settings name.
BUCKET_IDS = {SETTINGS.media_bucket: "MediaBucket", SETTINGS.uploads_bucket: "UploadsBucket"}
CONFIG_SOURCE = ROOT / "chalicelib" / "config.py"
# Read by chalicelib/config.py but not set by the template: Lambda sets AWS_* itself, and
# these exist only for the embedded stack.
LOCAL_ONLY_SETTINGS = {
    "CIRRUS_AWS_ENDPOINT_URL",
    "CIRRUS_PORT",
    "CIRRUS_RESOURCE_PREFIX",
    "CIRRUS_LOCAL_KEY_FILE",
    "CIRRUS_LOG_FILE",
}
# Settings of one function only (M13): a secret, and the broadcast function's check.
# Settings only their functions may hold: the root password (the API's), the edge secret (the
# three HTTP functions': no other function reads client addresses), the transcoder's role id
# (broadcast).
FUNCTION_ONLY_SETTINGS: dict[str, str | tuple[str, ...]] = {
    "PT_INITIAL_ROOT_PASSWORD": "ApiFunction",
    "CIRRUS_EDGE_SECRET": ("ApiFunction", "InboxPostFunction", "ImageUploadsFunction"),
    "CIRRUS_TRANSCODER_ROLE_ID": "BroadcastFunction",
    # The log groups the server logs read: only the API reads them.
    "CIRRUS_LOG_GROUPS": "ApiFunction",
    # Where torrent and long imports run: only the work function starts the import task.
    "CIRRUS_IMPORT_TASK_CLUSTER": "WorkFunction",
    "CIRRUS_IMPORT_TASK_DEFINITION": "WorkFunction",
    "CIRRUS_IMPORT_TASK_SUBNETS": "WorkFunction",
    "CIRRUS_IMPORT_TASK_SECURITY_GROUP": "WorkFunction",
}
FUNCTION_CODE_URI = "build/function"
BATCH_FAILURES = "ReportBatchItemFailures"
# S3 notifies only of the events named; uploads complete as multipart uploads
# (s3:ObjectCreated:CompleteMultipartUpload) or as single PUTs, so every creation counts.
OBJECT_CREATED = "s3:ObjectCreated:*"
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


def layer_ids(translated_resources: Mapping[str, Any]) -> dict[str, str]:
    """The translated layer versions by their SAM logical id (SAM appends 10 hex digits of the content's hash)."""
    layers = of_type(translated_resources, "AWS::Lambda::LayerVersion")
    found = {name[:-10]: name for name in layers}
    assert len(found) == len(layers)
    return found


def module_handler(reference: str) -> str:
    """A `module:function` reference as Lambda's Python runtime spells it: `module.function`."""
    module_name, _, attribute = reference.partition(":")
    return f"{module_name}.{attribute}"


def resolves(handler: str) -> bool:
    """Whether Lambda's Python runtime finds a callable at `handler` (`module.function`)."""
    module_name, _, attribute = handler.rpartition(".")
    if not module_name:
        return False
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    return callable(getattr(module, attribute, None))


# --- The SQS event source rule ---------------------------------------------------------


def consumer_handler(function: str, consumers: Mapping[str, str]) -> tuple[str | None, str]:
    """The Handler a QueueSpec's consumer has in the template, or None and why there is none."""
    if ":" in function:
        handler = module_handler(function)
        return (handler, "") if resolves(handler) else (None, f"{function} does not import as a callable")
    if function in consumers:
        return consumers[function], ""
    return None, f"app.py has no lambda_function named {function!r}"


def sqs_mapping_problems(
    translated: Mapping[str, Any], specs: Iterable[QueueSpec], consumers: Mapping[str, str]
) -> list[str]:
    """Everything wrong with the SQS event source mappings of a translated template.

    Every mapping on a queue must report partial batch failures (else failed records count
    as successes and are lost) and leave the queue's visibility timeout at least six times
    the function's timeout (else a message reappears while its batch still runs). Every
    queue spec that names a consumer must have such a mapping, with the spec's batch size, to
    a function whose Handler is that consumer's: `consumers` maps a Chalice lambda_function's
    name to its handler string, and a `module:function` consumer must import and is spelled
    `module.function`.
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
        handler, problem = consumer_handler(spec.function, consumers)
        if handler is None:
            problems.append(f"{spec.key}: {problem}")
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
      Handler: {handler}
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
SYNTHETIC_CONSUMERS = {"deliver": "app.deliver_activity"}
REPORTS = "            FunctionResponseTypes: [ReportBatchItemFailures]"
SYNTHETIC_VALID: dict[str, Any] = {
    "visibility": 180,
    "batch_size": 10,
    "response_types": REPORTS,
    "handler": "app.deliver_activity",
    "function": "deliver",
    "consumers": SYNTHETIC_CONSUMERS,
}


def broken(case_id: str, expected: str | None, **changes: Any) -> Any:
    return pytest.param({**SYNTHETIC_VALID, **changes}, expected, id=case_id)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        broken("valid", None),
        broken("no-batch-item-failures", BATCH_FAILURES, response_types=""),
        broken("visibility-too-short", "less than 6 x", visibility=179),
        broken("wrong-batch-size", "BatchSize must be 10", batch_size=5),
        broken("consumer-not-mapped", "no SQS event source mapping", consumers={"deliver": "app.other"}),
        broken("consumer-missing-from-app", "no lambda_function named", consumers={}),
        broken(
            "module-function-valid",
            None,
            function=TRANSCODER_STEP_HANDLER,
            handler=module_handler(TRANSCODER_STEP_HANDLER),
        ),
        broken(
            "module-function-not-mapped",
            f"no SQS event source mapping from DeliverQueue to a function {module_handler(TRANSCODER_STEP_HANDLER)}",
            function=TRANSCODER_STEP_HANDLER,
        ),
        broken(
            "module-function-in-colon-form",
            "no SQS event source mapping",
            function=TRANSCODER_STEP_HANDLER,
            handler=TRANSCODER_STEP_HANDLER,
        ),
        broken(
            "module-function-does-not-import",
            "does not import",
            function="functions.transcoder.handler:no_such_handler",
            handler="functions.transcoder.handler.no_such_handler",
        ),
    ],
)
def test_sqs_mapping_checker_catches_each_broken_rule(case: dict[str, Any], expected: str | None) -> None:
    text = SYNTHETIC.format(**case)
    translated = translate(load_template(text))
    assert of_type(translated["Resources"], "AWS::Lambda::EventSourceMapping"), "the synthetic template has a mapping"
    spec = QueueSpec("deliver", "q", function_timeout=30, max_receive_count=5, batch_size=10, function=case["function"])

    problems = sqs_mapping_problems(translated, [spec], case["consumers"])

    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1, problems
        assert expected in problems[0]


# --- The S3 upload triggers ----------------------------------------------------------------


def key_rules(configuration: Mapping[str, Any]) -> dict[str, str]:
    """A notification's key filter as {"prefix": ..., "suffix": ...} (S3 ignores the names' case)."""
    rules = configuration.get("Filter", {}).get("S3Key", {}).get("Rules", [])
    return {str(rule["Name"]).lower(): str(rule["Value"]) for rule in rules}


def upload_trigger_problems(
    translated: Mapping[str, Any], triggers: Iterable[UploadTrigger], bucket_ids: Mapping[str, str]
) -> list[str]:
    """Everything that keeps a translated template from invoking each trigger's handler.

    The trigger's bucket (`bucket_ids` maps bucket names to logical ids) must notify, of
    every object created under exactly the trigger's prefix, a function whose Handler is the
    trigger's `module:function` as `module.function`, with the trigger's timeout, and S3 must
    be allowed to invoke it.
    """
    resources = translated["Resources"]
    functions = of_type(resources, "AWS::Lambda::Function")
    permissions = of_type(resources, "AWS::Lambda::Permission").values()
    problems: list[str] = []
    for trigger in triggers:
        bucket = bucket_ids.get(trigger.bucket)
        if bucket is None or resources.get(bucket, {}).get("Type") != "AWS::S3::Bucket":
            problems.append(f"{trigger.handler}: the template declares no bucket {trigger.bucket}")
            continue
        handler = module_handler(trigger.handler)
        notification = resources[bucket]["Properties"].get("NotificationConfiguration", {})
        targets = [
            referenced_id(configuration.get("Function"))
            for configuration in notification.get("LambdaConfigurations", [])
            if configuration.get("Event") == OBJECT_CREATED and key_rules(configuration) == {"prefix": trigger.prefix}
        ]
        found = [name for name in targets if name in functions and functions[name]["Properties"]["Handler"] == handler]
        if not found:
            problems.append(f"{trigger.handler}: {bucket} notifies no function {handler} of {trigger.prefix}*")
            continue
        for name in found:
            timeout = functions[name]["Properties"].get("Timeout", DEFAULT_FUNCTION_TIMEOUT)
            if timeout != trigger.timeout:
                problems.append(f"{trigger.handler}: {name} Timeout {timeout} is not the trigger's {trigger.timeout}")
            if not any(
                referenced_id(p["Properties"].get("FunctionName")) == name
                and p["Properties"].get("Principal") == "s3.amazonaws.com"
                for p in permissions
            ):
                problems.append(f"{trigger.handler}: S3 may not invoke {name}")
    return problems


def test_every_upload_trigger_invokes_its_handler(translated: dict[str, Any]) -> None:
    assert TRIGGERS, "chalicelib/deploy_specs.py declares the ingest trigger"
    assert sorted(BUCKET_IDS) == sorted(bucket_names(SETTINGS))
    assert upload_trigger_problems(translated, TRIGGERS, BUCKET_IDS) == []


SYNTHETIC_UPLOAD = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  IngestFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: build/function
      Handler: {handler}
      Runtime: python3.11
      Timeout: {timeout}
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Bucket
            Events: {events}
            Filter:
              S3Key:
                Rules:
                  - Name: prefix
                    Value: {prefix}
"""
SYNTHETIC_TRIGGER = UploadTrigger("b", "videos/", TRANSCODER_UPLOAD_HANDLER, timeout=300)
SYNTHETIC_UPLOAD_VALID: dict[str, Any] = {
    "handler": module_handler(TRANSCODER_UPLOAD_HANDLER),
    "timeout": 300,
    "events": OBJECT_CREATED,
    "prefix": "videos/",
    "buckets": {"b": "Bucket"},
}


def broken_upload(case_id: str, expected: str | None, **changes: Any) -> Any:
    return pytest.param({**SYNTHETIC_UPLOAD_VALID, **changes}, expected, id=case_id)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        broken_upload("valid", None),
        broken_upload("other-prefix", "notifies no function", prefix="work/"),
        broken_upload("puts-only", "notifies no function", events="s3:ObjectCreated:Put"),
        broken_upload("other-handler", "notifies no function", handler="functions.transcoder.handler.handle_step"),
        broken_upload("other-timeout", "Timeout 30 is not the trigger's 300", timeout=30),
        broken_upload("no-such-bucket", "declares no bucket", buckets={}),
    ],
)
def test_upload_trigger_checker_catches_each_broken_rule(case: dict[str, Any], expected: str | None) -> None:
    translated = translate(load_template(SYNTHETIC_UPLOAD.format(**case)))

    problems = upload_trigger_problems(translated, [SYNTHETIC_TRIGGER], case["buckets"])

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


def lint_translated(translated: Mapping[str, Any]) -> list[str]:
    """cfn-lint's errors and warnings on translated CloudFormation."""
    from cfnlint.api import lint

    return [str(match) for match in lint(json.dumps(translated)) if not match.rule.id.startswith("I")]


def test_translated_template_lints_cleanly(translated: dict[str, Any]) -> None:
    # Linting the SAM template does not see what the translation adds, such as the uploads
    # bucket's notification to IngestFunction and the permission it waits for: a function
    # that referred back to the bucket would make a cycle CloudFormation refuses (E3004).
    assert lint_translated(translated) == []


def test_translated_lint_sees_the_notification_cycle(template_text: str) -> None:
    variable = "        CIRRUS_UPLOADS_BUCKET: !Sub\n"
    assert variable in template_text
    cyclic = template_text.replace(
        variable, "        CIRRUS_UPLOADS_BUCKET: !Ref UploadsBucket\n        UNUSED: !Sub\n"
    )

    assert any("E3004" in finding for finding in lint_translated(translate(load_template(cyclic))))


def test_translates_to_the_expected_cloudformation(translated: dict[str, Any]) -> None:
    resources = translated["Resources"]

    assert len(of_type(resources, "AWS::ApiGateway::RestApi")) == 1
    # One stage only: without OpenApiVersion SAM adds a stray stage named "Stage".
    assert [stage["Properties"]["StageName"] for stage in of_type(resources, "AWS::ApiGateway::Stage").values()] == [
        "live"
    ]
    layers = layer_ids(resources)
    assert set(layers) == {"DependencyLayer", "FfmpegLayer", "FederationLayer", "WorkLayer", "ImagesLayer"}
    api = resources["ApiFunction"]
    assert api["Type"] == "AWS::Lambda::Function"
    assert api["Properties"]["Handler"] == "app.handler"
    assert api["Properties"]["Runtime"] == "python3.11"
    assert api["Properties"]["TracingConfig"] == {"Mode": "Active"}
    # The API has no use for ffmpeg, JSON-LD, Pillow or the work function's packages; its
    # package stays small for cold starts. JSON-LD serves the inbox POSTs, InboxPostFunction's;
    # Pillow the image uploads, ImageUploadsFunction's (the same app).
    assert api["Properties"]["Layers"] == [{"Ref": layers["DependencyLayer"]}]
    inbox_post = resources["InboxPostFunction"]["Properties"]
    assert inbox_post["Handler"] == "functions.federation.inbox_post.handler"
    assert inbox_post["Layers"] == [
        {"Ref": layers[name]} for name in ("DependencyLayer", "FederationLayer", "ImagesLayer")
    ]
    image_uploads = resources["ImageUploadsFunction"]["Properties"]
    assert image_uploads["Handler"] == "app.handler"
    assert image_uploads["Layers"] == [{"Ref": layers["DependencyLayer"]}, {"Ref": layers["ImagesLayer"]}]


def test_only_the_functions_that_use_them_carry_the_federation_and_work_layers(translated: dict[str, Any]) -> None:
    layers = layer_ids(translated["Resources"])
    functions = of_type(translated["Resources"], "AWS::Lambda::Function")

    def carrying(layer: str) -> set[str]:
        return {name for name, f in functions.items() if {"Ref": layers[layer]} in f["Properties"].get("Layers", [])}

    assert carrying("FederationLayer") == {"InboxPostFunction", "BroadcastFunction", "InboxFunction"}
    assert carrying("WorkLayer") == {"WorkFunction"}
    # Pillow: every function but the API, whose image uploads are ImageUploadsFunction's.
    assert carrying("ImagesLayer") == set(functions) - {"ApiFunction"}
    # Each function's layers in template order: every function's, ffmpeg's, JSON-LD's, the
    # work function's, Pillow's last (as the CDK app lists them).
    for name, function in functions.items():
        listed = function["Properties"].get("Layers", [])
        assert listed[0] == {"Ref": layers["DependencyLayer"]}, name
        assert name == "ApiFunction" or listed[-1] == {"Ref": layers["ImagesLayer"]}, name


def test_api_is_one_proxy_resource_to_the_api_function_beside_the_explicit_routes(translated: dict[str, Any]) -> None:
    from infra.rest_api import IMAGE_UPLOADS, INBOX_POST, PROXY_RESOURCE, ROUTES

    (api,) = of_type(translated["Resources"], "AWS::ApiGateway::RestApi").values()
    paths = api["Properties"]["Body"]["paths"]
    functions = {INBOX_POST: "${InboxPostFunction.Arn}", IMAGE_UPLOADS: "${ImageUploadsFunction.Arn}"}

    assert set(paths) == {"/", PROXY_RESOURCE, *(route.resource for route in ROUTES)}
    for path in ("/", PROXY_RESOURCE):
        integration = paths[path]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy"
        assert "${ApiFunction.Arn}" in integration["uri"]["Fn::Sub"]
    # infra/rest_api.py's methods only: the others on these paths fall through to /{proxy+}.
    declared = {
        (path, method.upper()) for path, ops in paths.items() if path not in ("/", PROXY_RESOURCE) for method in ops
    }
    assert declared == {(route.resource, route.method) for route in ROUTES}
    for route in ROUTES:
        integration = paths[route.resource][route.method.lower()]["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy"
        assert functions[route.function] in integration["uri"]["Fn::Sub"], route


def test_code_locations_are_what_infra_package_builds(resources: dict[str, Any]) -> None:
    from infra import package
    from layers.dependencies import build as dependencies
    from layers.ffmpeg import build as ffmpeg

    functions = of_type(resources, "AWS::Serverless::Function")
    assert functions
    for function in functions.values():
        assert function["Properties"]["CodeUri"] == package.FUNCTION_DIR.relative_to(ROOT).as_posix()
    built = {
        "DependencyLayer": package.LAYER_DIR,
        "FfmpegLayer": package.FFMPEG_LAYER_DIR,
        "FederationLayer": dependencies.output_of("federation"),
        "WorkLayer": dependencies.output_of("work"),
        "ImagesLayer": dependencies.output_of("images"),
    }
    assert package.LAYER_DIR == dependencies.DEFAULT_OUTPUT
    assert package.FFMPEG_LAYER_DIR == ffmpeg.DEFAULT_OUTPUT
    layers = of_type(resources, "AWS::Serverless::LayerVersion")
    assert set(layers) == set(built)
    for name, layer in layers.items():
        assert layer["Properties"]["ContentUri"] == built[name].relative_to(ROOT).as_posix()
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.11"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["x86_64"]
    assert "GPL-3.0" in layers["FfmpegLayer"]["Properties"]["LicenseInfo"]


# --- State: table, buckets ---------------------------------------------------------------


def test_table_declares_exactly_the_models_keys_index_and_ttl(resources: dict[str, Any]) -> None:
    from chalicelib.store.models import TableItem

    expected = table_schema()
    table = resources["MainTable"]
    props = table["Properties"]

    assert props["KeySchema"] == expected["KeySchema"]
    indexes = {index["IndexName"]: index for index in props.get("GlobalSecondaryIndexes", [])}
    assert {name: index["KeySchema"] for name, index in indexes.items()} == expected["GlobalSecondaryIndexes"]
    assert {name: index["Projection"] for name, index in indexes.items()} == expected["Projections"]
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

    rules = {rule["Id"]: rule for rule in props["LifecycleConfiguration"]["Rules"]}
    assert len(rules) == len(props["LifecycleConfiguration"]["Rules"])
    rule = rules["AbortIncompleteMultipartUploads"]
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert "Prefix" not in rule, "every upload"
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedOrigins"] == [{"Fn::Sub": "https://${InstanceHost}"}]
    assert set(cors["AllowedMethods"]) == {"PUT", "POST"}
    assert cors["ExposedHeaders"] == ["ETag"]
    assert resources["MediaBucket"]["DeletionPolicy"] == "Retain"


def test_media_bucket_expires_generated_downloads_only(resources: dict[str, Any]) -> None:
    """Published media never expires; generated downloads, which the route rebuilds when
    gone, do."""
    rules = resources["MediaBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert [(r["Prefix"], r["Status"], r["ExpirationInDays"]) for r in rules] == [(layout.GENERATED_KEYS, "Enabled", 7)]


def test_uploads_bucket_expires_abandoned_work_and_archives_only(resources: dict[str, Any]) -> None:
    from chalicelib.domain.archives.layout import EXPORT_EXPIRATION_DAYS
    from chalicelib.store.user_archives import EXPORTS_PREFIX, IMPORTS_PREFIX

    rules = resources["UploadsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    expiring = {rule["Prefix"]: rule for rule in rules if "ExpirationInDays" in rule}

    # Sources are never expired: only work files and account archives are.
    assert set(expiring) == {layout.WORK_PREFIX, EXPORTS_PREFIX, IMPORTS_PREFIX}
    assert all(rule["Status"] == "Enabled" for rule in expiring.values())
    rule = expiring[layout.WORK_PREFIX]
    # Only work no queued step can still need: transcode messages live 4 days.
    transcode = resources["TranscodeQueue"]["Properties"]
    assert rule["ExpirationInDays"] * 24 * 3600 > transcode["MessageRetentionPeriod"]
    assert rule["ExpirationInDays"] == 7
    # An export is downloadable as long as PeerTube keeps it (export.users.export_expiration).
    assert expiring[EXPORTS_PREFIX]["ExpirationInDays"] == EXPORT_EXPIRATION_DAYS == 2
    assert expiring[IMPORTS_PREFIX]["ExpirationInDays"] == 2


def test_uploads_bucket_name_is_lower_case_and_shared(resources: dict[str, Any], template: dict[str, Any]) -> None:
    name = resources["UploadsBucket"]["Properties"]["BucketName"]
    # Fn::Sub [pattern, variables]: nothing but lower-case letters, digits and hyphens
    # besides the variables, which are lower-case by construction (the stack id's GUID).
    pattern, variables = name["Fn::Sub"]
    assert pattern.startswith("cirrus-uploads-")
    assert set(pattern.replace("${StackGuid}", "")) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert len(pattern.replace("${StackGuid}", "x" * 36)) <= 63
    assert variables == {"StackGuid": {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}}
    # The functions name the bucket with the same expression.
    assert template["Globals"]["Function"]["Environment"]["Variables"]["CIRRUS_UPLOADS_BUCKET"] == name


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


def test_every_dead_letter_queue_is_alarmed(resources: dict[str, Any]) -> None:
    dead_letter_queues = {name for name in of_type(resources, "AWS::SQS::Queue") if "DeadLetter" in name}
    alarmed = {
        referenced_id(dimension["Value"])
        for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values()
        for dimension in alarm["Properties"].get("Dimensions", [])
        if dimension["Name"] == "QueueName"
    }
    assert dead_letter_queues and dead_letter_queues <= alarmed


def test_every_function_alarms_on_errors_and_throttles(translated: dict[str, Any]) -> None:
    resources = translated["Resources"]
    functions = set(of_type(resources, "AWS::Lambda::Function"))
    alarmed: dict[str, set[str]] = {}
    for alarm in (a["Properties"] for a in of_type(resources, "AWS::CloudWatch::Alarm").values()):
        if alarm["Namespace"] != "AWS/Lambda":
            continue
        assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
            "Sum",
            "GreaterThanThreshold",
            0,
        )
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert alarm["TreatMissingData"] == "notBreaching"  # an idle function is not a failing one
        ((dimension),) = alarm["Dimensions"]
        assert dimension["Name"] == "FunctionName"
        alarmed.setdefault(str(referenced_id(dimension["Value"])), set()).add(alarm["MetricName"])

    assert len(functions) >= 8
    assert alarmed == {function: {"Errors", "Throttles"} for function in functions}


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
    assert required >= set(FUNCTION_ONLY_SETTINGS)

    functions = of_type(translated["Resources"], "AWS::Lambda::Function")
    assert functions
    for name, function in functions.items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        others = {setting for setting, owner in FUNCTION_ONLY_SETTINGS.items() if name not in owner_names(owner)}
        assert required - others - set(variables) == set(), f"{name} lacks these settings"
        assert not others & set(variables), f"{name} must not hold another function's settings"
        assert not LOCAL_ONLY_SETTINGS & set(variables), f"{name} must not point at a local endpoint"
        assert variables["CIRRUS_ENV"] == "production"
        assert variables["CIRRUS_SCHEME"] == "https"


def owner_names(owner: str | tuple[str, ...]) -> tuple[str, ...]:
    return (owner,) if isinstance(owner, str) else owner


def test_settings_name_the_right_resources(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    expected = {
        "CIRRUS_HOST": {"Ref": "InstanceHost"},
        "CIRRUS_INSTANCE_NAME": {"Ref": "InstanceName"},
        "CIRRUS_TABLE": {"Ref": "MainTable"},
        "CIRRUS_MEDIA_BUCKET": {"Ref": "MediaBucket"},
        # Not !Ref: the bucket notifies IngestFunction (see the lint of the translation).
        "CIRRUS_UPLOADS_BUCKET": template["Resources"]["UploadsBucket"]["Properties"]["BucketName"],
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
    functions = of_type(resources, "AWS::Serverless::Function")
    handlers = {name: function["Properties"]["Handler"] for name, function in functions.items()}

    assert {"app.handler", module_handler(TRANSCODER_STEP_HANDLER), module_handler(TRANSCODER_UPLOAD_HANDLER)} <= set(
        handlers.values()
    )
    for name, handler in handlers.items():
        assert functions[name]["Properties"]["CodeUri"] == FUNCTION_CODE_URI, f"{name}: code other than the package"
        assert resolves(handler), f"{name}: {handler} is not a callable Lambda can import"


def test_resolves_refuses_what_lambda_could_not_import() -> None:
    assert resolves("app.handler")
    assert not resolves("app.no_such_handler")
    assert not resolves("functions.transcoder.nonexistent.handle_step")
    assert not resolves(TRANSCODER_STEP_HANDLER), "Lambda wants module.function, not module:function"
    assert not resolves("handler")


def transcoder_functions(translated: Mapping[str, Any]) -> dict[str, Any]:
    functions = of_type(translated["Resources"], "AWS::Lambda::Function")
    return {
        name: function["Properties"]
        for name, function in functions.items()
        if function["Properties"]["Handler"].startswith("functions.transcoder.")
    }


def test_transcoder_functions_have_ffmpeg(translated: dict[str, Any]) -> None:
    layers = layer_ids(translated["Resources"])
    found = transcoder_functions(translated)

    assert set(found) == {"IngestFunction", "TranscoderFunction", "SweeperFunction"}
    for props in found.values():
        # The global layer first, then ffmpeg's (bin/ on the PATH at /opt/bin), then Pillow's.
        assert props["Layers"] == [{"Ref": layers[name]} for name in ("DependencyLayer", "FfmpegLayer", "ImagesLayer")]


def test_transcoder_has_room_and_time_for_a_step(translated: dict[str, Any]) -> None:
    (spec,) = [spec for spec in SPECS if spec.function == TRANSCODER_STEP_HANDLER]
    props = transcoder_functions(translated)["TranscoderFunction"]

    assert props["Timeout"] == spec.function_timeout == 900
    assert props["MemorySize"] >= 3008, "x264 is CPU-bound; Lambda gives CPU with memory"
    assert props["EphemeralStorage"] == {"Size": 10240}, "packaging joins a rendition in /tmp"


def test_transcoding_concurrency_is_bounded(translated: dict[str, Any], template: dict[str, Any]) -> None:
    """M1: hostile uploads must not run the transcoder, or the ingest, up to the account's
    concurrency (throttling the API): both reserve, and are capped at, a parameter's value,
    and the transcode queue's pollers never exceed what the transcoder may run."""
    found = transcoder_functions(translated)
    parameters = template["Parameters"]
    limits = {"IngestFunction": "IngestConcurrency", "TranscoderFunction": "TranscoderConcurrency"}
    for function, parameter in limits.items():
        assert found[function].get("ReservedConcurrentExecutions") == {"Ref": parameter}, function
        assert parameters[parameter]["Type"] == "Number"
        assert 1 <= parameters[parameter]["Default"] <= 50, "a sane default, far below the usual 1000"
    mappings = [
        r["Properties"]
        for r in of_type(translated["Resources"], "AWS::Lambda::EventSourceMapping").values()
        if referenced_id(r["Properties"]["FunctionName"]) == "TranscoderFunction"
    ]
    assert [m.get("ScalingConfig") for m in mappings] == [{"MaximumConcurrency": {"Ref": "TranscoderConcurrency"}}]
    assert parameters["TranscoderConcurrency"]["MinValue"] >= 2, "SQS's smallest maximum concurrency"


# --- Permissions: what each function may do with the buckets -------------------------------

S3_ARN = "arn:${AWS::Partition}:s3:::"


def object_patterns(resources: Mapping[str, Any], function: str, action: str) -> list[tuple[str, str]]:
    """The (bucket logical id, key pattern) pairs a function's own statements allow `action` on.

    Understands the two spellings template.yaml uses: "${Bucket.Arn}/pattern", and the
    uploads bucket's name expression inside an ARN.
    """
    names = {
        json.dumps(resource["Properties"]["BucketName"]["Fn::Sub"][0]): (bucket, resource["Properties"]["BucketName"])
        for bucket, resource in of_type(resources, "AWS::S3::Bucket").items()
        if isinstance(resource["Properties"].get("BucketName", {}).get("Fn::Sub"), list)
    }
    found = []
    for policy in resources[function]["Properties"].get("Policies", []):
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if statement["Effect"] != "Allow" or action not in actions:
                continue
            targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for target in targets:
                value = target.get("Fn::Sub") if isinstance(target, dict) else None
                if isinstance(value, str) and value.startswith("${") and ".Arn}/" in value:
                    bucket, pattern = value[2:].split(".Arn}/", 1)
                    found.append((bucket, pattern))
                elif isinstance(value, list) and value[0].startswith(S3_ARN) and "/" in value[0]:
                    name, pattern = value[0][len(S3_ARN) :].split("/", 1)
                    assert json.dumps(name) in names, f"{function}: {name} is no bucket's name"
                    bucket, expression = names[json.dumps(name)]
                    assert expression["Fn::Sub"][1] == value[1], f"{function}: another name for {bucket}"
                    found.append((bucket, pattern))
    return found


def allowed(resources: Mapping[str, Any], function: str, action: str, bucket: str, key: str) -> bool:
    return any(
        b == bucket and fnmatch.fnmatchcase(key, pattern) for b, pattern in object_patterns(resources, function, action)
    )


VIDEO = "9c4d6a3e-0000-4000-8000-000000000000"
UPLOADS, MEDIA = "UploadsBucket", "MediaBucket"
SOURCE = layout.source_key(VIDEO)
WORK = layout.work_key(VIDEO, "chunks/720/00000.mp4")
PUBLISHED = (layout.hls_key(VIDEO, "x-720-fragmented.mp4"), layout.thumbnail_key(VIDEO), layout.preview_key(VIDEO))


def test_ingest_may_read_sources_only(resources: dict[str, Any]) -> None:
    assert allowed(resources, "IngestFunction", "s3:GetObject", UPLOADS, SOURCE)
    assert not allowed(resources, "IngestFunction", "s3:GetObject", UPLOADS, WORK)
    for action in ("s3:PutObject", "s3:DeleteObject"):
        assert object_patterns(resources, "IngestFunction", action) == []


def test_transcoder_may_touch_what_its_steps_touch(resources: dict[str, Any]) -> None:
    def may(action: str, bucket: str, key: str) -> bool:
        return allowed(resources, "TranscoderFunction", action, bucket, key)

    assert may("s3:GetObject", UPLOADS, SOURCE)
    assert may("s3:GetObject", UPLOADS, WORK)
    for action in ("s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"):
        assert may(action, UPLOADS, WORK)
        assert not may(action, UPLOADS, SOURCE), "the original upload is the API's to delete"
    web_video = layout.web_video_name(VIDEO, "1a2b3c4d", 720, ".mp4")
    for key in (
        *PUBLISHED,
        layout.hls_key(VIDEO, "x-720-fragmented.mp4", private=True),
        layout.web_video_key(web_video),
        layout.web_video_key(web_video, private=True),
        layout.torrent_key(layout.torrent_name(VIDEO, "1a2b3c4d", 720)),
    ):
        assert may("s3:PutObject", MEDIA, key), key
        # Finalize moves what steps wrote before a privacy change (L9): copy, then delete;
        # torrents are made from what was written, and rewritten.
        assert may("s3:GetObject", MEDIA, key) and may("s3:DeleteObject", MEDIA, key), key
    assert not may("s3:PutObject", MEDIA, "static/other/x.mp4"), "only the layout's prefixes"
    for key in ("static/other/x.mp4", "lazy-static/avatars/x.jpg", "private/other/x"):
        assert not may("s3:DeleteObject", MEDIA, key), key


@pytest.mark.parametrize("function", ["IngestFunction", "TranscoderFunction"])
def test_transcoding_functions_may_queue_steps(resources: dict[str, Any], function: str) -> None:
    policies = resources[function]["Properties"]["Policies"]
    statements = [s for p in policies for s in p.get("Statement", [])]

    assert not [p for p in policies if "DynamoDBCrudPolicy" in p], "least privilege: tests/security/test_m13_*"
    sends = [p["SQSSendMessagePolicy"]["QueueName"] for p in policies if "SQSSendMessagePolicy" in p]
    assert sends[0] == {"Fn::GetAtt": ["TranscodeQueue", "QueueName"]}
    url_lookups = [s["Resource"] for s in statements if s.get("Action") == "sqs:GetQueueUrl"]
    allowed = [r for resource in url_lookups for r in (resource if isinstance(resource, list) else [resource])]
    assert {"Fn::GetAtt": ["TranscodeQueue", "Arn"]} in allowed
    if function == "TranscoderFunction":  # publishing announces the video to the fediverse
        assert {"Fn::GetAtt": ["BroadcastQueue", "QueueName"]} in sends
        assert {"Fn::GetAtt": ["BroadcastQueue", "Arn"]} in allowed


def test_packaged_function_imports_on_its_own(tmp_path: Path, resources: dict[str, Any]) -> None:
    from infra.package import package_function

    handlers = sorted(
        function["Properties"]["Handler"] for function in of_type(resources, "AWS::Serverless::Function").values()
    )

    out = package_function(tmp_path / "function")

    assert sorted(p.name for p in out.iterdir()) == ["__pycache__", "app.py", "chalicelib", "functions"]
    # Every handler the template names, and nothing of the tracker (its own image on Fargate).
    assert sorted(p.name for p in (out / "functions").iterdir() if p.name != "__pycache__") == [
        "__init__.py",
        "channel_sync",
        "consumer.py",
        "entry.py",
        "federation",
        "realtime",
        "redundancy",
        "runners",
        "tracker_scaler",
        "transcoder",
        "transcription",
        "trending",
        "views",
        "work",
    ]
    assert unzipped_size(out) <= SIZE_BUDGETS["function"]
    # Each module's bytecode for Lambda's Python, used unchecked (Lambda's code is read-only:
    # without it each cold start compiles every module; tests/infra/test_dependency_layer.py
    # imports app from the package and sees nothing compiled), and no other bytecode.
    sources = sorted(out.rglob("*.py"))
    assert sorted(out.rglob("*.pyc")) == sorted(Path(cache_from_source(str(source))) for source in sources)
    assert all(pyc.read_bytes()[4:8] == (1).to_bytes(4, "little") for pyc in out.rglob("*.pyc"))
    # The same sources make the same package wherever it is built: a deploy sees no change.
    again = package_function(tmp_path / "again")
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((out / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert (out / "chalicelib" / "domain" / "data" / "video_categories.json").is_file(), "data files are shipped"
    # Import the handler from the package alone: the repository (local/, tests/) is not on
    # the path, as in Lambda, where third-party packages come from the layer.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = textwrap.dedent(
        """
        import app, pathlib, sys
        import importlib
        from functions.transcoder import handler
        assert callable(app.handler)
        assert callable(handler.handle_step) and callable(handler.handle_upload)
        for name in sys.argv[1:]:
            module, _, attribute = name.rpartition(".")
            assert callable(getattr(importlib.import_module(module), attribute)), name
        assert pathlib.Path(handler.__file__).is_relative_to(pathlib.Path.cwd()), handler.__file__
        assert pathlib.Path(app.__file__).parent == pathlib.Path.cwd(), app.__file__
        assert not any(name == "local" or name.startswith(("local.", "tests")) for name in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *handlers], check=False, cwd=out, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_load_template_understands_short_form_tags() -> None:
    loaded = load_template(
        "Resources:\n  A:\n    Type: X\n    Properties:\n      B: !GetAtt C.D\n      E: !Sub x${F}\n"
    )

    assert loaded["Resources"]["A"]["Properties"] == {"B": {"Fn::GetAtt": ["C", "D"]}, "E": {"Fn::Sub": "x${F}"}}


@pytest.mark.parametrize("spec", schedule_specs(), ids=lambda spec: spec.name)
def test_every_schedule_runs_its_handler_at_its_rate(resources: dict[str, Any], spec: ScheduleSpec) -> None:
    functions = {
        name: resource["Properties"]
        for name, resource in of_type(resources, "AWS::Serverless::Function").items()
        if resource["Properties"].get("Handler") == module_handler(spec.handler)
    }
    assert functions, f"no function runs {spec.handler}"
    for name, props in functions.items():
        schedules = [
            event["Properties"]
            for event in props.get("Events", {}).values()
            if event["Type"] in ("Schedule", "ScheduleV2")
        ]
        assert [s["ScheduleExpression"] for s in schedules] == [f"rate({spec.rate_minutes} minutes)"], name
        assert props["Timeout"] == spec.timeout, name


# --- Real time ----------------------------------------------------------------------------------


def test_realtime_api_routes_every_websocket_event_to_the_realtime_function(resources: dict[str, Any]) -> None:
    api = resources["RealtimeApi"]["Properties"]
    assert api["ProtocolType"] == "WEBSOCKET"
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"] for r in of_type(resources, "AWS::ApiGatewayV2::Route").values()
    }
    assert sorted(routes) == ["$connect", "$default", "$disconnect"]
    assert {json.dumps(r["Target"]) for r in routes.values()} == {
        json.dumps({"Fn::Sub": "integrations/${RealtimeIntegration}"})
    }
    integration = resources["RealtimeIntegration"]["Properties"]
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert "${RealtimeFunction.Arn}" in integration["IntegrationUri"]["Fn::Sub"]
    stage = resources["RealtimeStage"]["Properties"]
    from infra.edge_routes import REALTIME_STAGE

    assert (stage["StageName"], stage["AutoDeploy"]) == (REALTIME_STAGE, True)
    permission = resources["RealtimeInvokePermission"]["Properties"]
    assert permission["FunctionName"] == {"Ref": "RealtimeFunction"}
    assert permission["SourceArn"]["Fn::Sub"].endswith(":${RealtimeApi}/*")


def test_realtime_pushes_are_allowed_on_this_api_only(resources: dict[str, Any]) -> None:
    """execute-api:ManageConnections names the realtime API, never every API of the account."""
    granted = {}
    for name, function in of_type(resources, "AWS::Serverless::Function").items():
        for policy in function["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                if statement["Action"] == "execute-api:ManageConnections":
                    granted[name] = statement["Resource"]
    expected = {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RealtimeApi}/*"}
    # The work function pushes new notifications (domain/notifications/deliver.py); the
    # broadcast function a live's state-change, on the ingest's notice; the functions that
    # make or release runner jobs, available-jobs (domain/runner_jobs/base.py announce).
    pushers = (
        "ApiFunction", "RealtimeFunction", "PingerFunction", "WorkFunction", "BroadcastFunction",
        "IngestFunction", "TranscoderFunction", "SweeperFunction", "RunnersFunction",
    )  # fmt: skip
    assert granted == dict.fromkeys(pushers, expected)


def test_socket_io_reaches_the_websocket_api_through_cloudfront(resources: dict[str, Any]) -> None:
    from infra.edge_routes import REALTIME_ORIGIN_ID, REALTIME_PREFIX, realtime_request_code

    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    (behaviour,) = [b for b in config["CacheBehaviors"] if b.get("PathPattern") == f"{REALTIME_PREFIX}*"]
    assert behaviour["TargetOriginId"] == REALTIME_ORIGIN_ID
    assert behaviour["FunctionAssociations"][0]["FunctionARN"] == {
        "Fn::GetAtt": ["RealtimeRequestFunction", "FunctionARN"]
    }
    (origin,) = [o for o in config["Origins"] if isinstance(o, dict) and o.get("Id") == REALTIME_ORIGIN_ID]
    assert origin["DomainName"] == {"Fn::Sub": "${RealtimeApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert resources["RealtimeRequestFunction"]["Properties"]["FunctionCode"] == realtime_request_code()


def test_the_realtime_function_may_invoke_itself_only(resources: dict[str, Any]) -> None:
    function = resources["RealtimeFunction"]["Properties"]
    statements = [s for p in function["Policies"] for s in p.get("Statement", [])]
    invoke = [s["Resource"] for s in statements if s["Action"] == "lambda:InvokeFunction"]
    own = "${AWS::StackName}-realtime"
    assert function["FunctionName"] == {"Fn::Sub": own}
    assert [r["Fn::Sub"] for r in invoke] == [
        f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{own}"
    ]


def test_server_logs_read_every_log_group_and_may(resources: dict[str, Any]) -> None:
    """CIRRUS_LOG_GROUPS names the stack's log groups (Lambda's and Fargate's; not API
    Gateway's access log), and the API function may filter each."""
    named = {
        resource["Properties"]["LogGroupName"]["Fn::Sub"]
        for resource in of_type(resources, "AWS::Logs::LogGroup").values()
        if "LogGroupName" in resource["Properties"]
    }
    variables = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]
    listed = set(variables["CIRRUS_LOG_GROUPS"]["Fn::Sub"].split(","))
    assert listed == named
    statements = resources["ApiFunction"]["Properties"]["Policies"][-1]["Statement"]
    allowed = next(s["Resource"] for s in statements if s["Action"] == "logs:FilterLogEvents")
    prefixes = [entry["Fn::Sub"].split("log-group:", 1)[1].rstrip("*") for entry in allowed]
    assert all(any(name.startswith(prefix) for prefix in prefixes) for name in listed)
