"""template.yaml, read as CloudFormation reads it and translated as SAM translates it, offline."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from layers.ffmpeg.build import LAMBDA_UNZIPPED_LIMIT, LAYER_BUDGET

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"

# What `sam package` puts in place of a local CodeUri/ContentUri; the translator only
# accepts S3 locations.
ARTIFACT_BUCKET = "cirrus-artifacts"
PARAMETERS = {"InstanceHost": "video.example.org"}

# The AWS managed policies SAM may attach by name. A real deployment looks them up in IAM;
# here they are fixed, and a policy missing from this map fails the translation loudly.
MANAGED_POLICIES = {
    name: f"arn:aws:iam::aws:policy/{path}{name}"
    for name, path in {
        "AWSLambdaBasicExecutionRole": "service-role/",
        "AWSLambdaSQSQueueExecutionRole": "service-role/",
        "AWSXrayWriteOnlyAccess": "",
        "AWSXRayDaemonWriteAccess": "",
    }.items()
}

# Lambda refuses a function whose code and layers, unzipped, exceed 250 MB. The transcoder
# carries all three; each build stays within its share.
SIZE_BUDGETS = {"function": 8 * 2**20, "dependencies": 64 * 2**20, "ffmpeg": LAYER_BUDGET}
assert sum(SIZE_BUDGETS.values()) <= LAMBDA_UNZIPPED_LIMIT


def unzipped_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


class FixedManagedPolicies:
    """Stands in for samtranslator's ManagedPolicyLoader, which would call IAM."""

    def load(self) -> dict[str, str]:
        return dict(MANAGED_POLICIES)


def load_template(text: str) -> dict[str, Any]:
    """Parse CloudFormation YAML (short-form tags included) into plain dicts and lists."""
    from cfnlint.decode import decode_str

    template, matches = decode_str(text)
    if matches:
        raise ValueError("; ".join(str(match) for match in matches))
    # cfn-lint's nodes carry line marks; plain JSON types are what the translator expects.
    plain: dict[str, Any] = json.loads(json.dumps(template))
    return plain


def sam_package(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of the template whose local code directories are S3 objects, as `sam package` makes it."""
    packaged = copy.deepcopy(template)
    uri_property = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}
    for resource in packaged["Resources"].values():
        key = uri_property.get(resource["Type"])
        if key and isinstance(resource["Properties"].get(key), str):
            path = resource["Properties"][key]
            resource["Properties"][key] = {"Bucket": ARTIFACT_BUCKET, "Key": f"{path}.zip"}
    return packaged


def translate(template: dict[str, Any]) -> dict[str, Any]:
    """Transform a SAM template to plain CloudFormation, offline."""
    from samtranslator.translator.transform import transform

    result: dict[str, Any] = transform(sam_package(template), dict(PARAMETERS), FixedManagedPolicies())
    return result


@pytest.fixture(scope="session")
def template_text() -> str:
    return TEMPLATE.read_text()


@pytest.fixture(scope="session")
def template(template_text: str) -> dict[str, Any]:
    return load_template(template_text)


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found


@pytest.fixture(scope="session")
def translated(template: dict[str, Any]) -> dict[str, Any]:
    return translate(template)
