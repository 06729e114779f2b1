"""IAM statements evaluated as IAM evaluates them for DynamoDB items (M13, L3): action,
resource, and the `dynamodb:LeadingKeys`, `dynamodb:Attributes` and `dynamodb:ReturnValues`
conditions; and for any resource with plain string conditions (`allows`: S3 objects, queues,
CloudWatch namespaces). Statements come rendered by tests/infra/iam.py's Renderer."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import Any

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/MainTable"


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _condition_holds(condition: dict[str, Any], context: dict[str, list[str]]) -> bool:
    for operator, tests in condition.items():
        for key, allowed in tests.items():
            values = context.get(key)
            if operator == "ForAllValues:StringLike":
                match = all(any(fnmatch.fnmatchcase(v, p) for p in _listed(allowed)) for v in values or [])
            elif operator == "ForAllValues:StringEquals":
                match = all(v in _listed(allowed) for v in values or [])
            elif operator == "StringEquals":
                match = values is not None and all(v in _listed(allowed) for v in values)
            elif operator == "StringEqualsIfExists":
                match = values is None or all(v in _listed(allowed) for v in values)
            else:
                raise AssertionError(f"the evaluation does not know {operator}")
            if not match:
                return False
    return True


def allowed(
    statements: Iterable[dict[str, Any]],
    action: str,
    partition: str,
    attributes: list[str] | None,
    return_values: str | None = None,
) -> bool:
    """Whether the statements allow `action` on an item of the table in `partition`.

    `attributes` None means the whole item (a read or write with no projection). A
    ForAllValues condition on a key the request does not carry holds vacuously in IAM, which
    is why whole-item requests are given every attribute name a real item has."""
    context = {"dynamodb:LeadingKeys": [partition], "dynamodb:Attributes": attributes or ["pk", "sk", "*"]}
    if return_values is not None:
        context["dynamodb:ReturnValues"] = [return_values]
    for statement in statements:
        if statement["Effect"] != "Allow":
            continue
        if not any(fnmatch.fnmatchcase(action, a) for a in _listed(statement["Action"])):
            continue
        if not any(fnmatch.fnmatchcase(TABLE_ARN, str(r)) for r in _listed(statement["Resource"])):
            continue
        if _condition_holds(statement.get("Condition", {}), context):
            return True
    return False


def allows(
    statements: Iterable[dict[str, Any]], action: str, resource: str, context: dict[str, list[str]] | None = None
) -> bool:
    """Whether the statements allow `action` on `resource` (an ARN; wildcards in the statements
    match as IAM matches them), the request carrying the condition keys of `context`."""
    for statement in statements:
        if statement["Effect"] != "Allow":
            continue
        if not any(fnmatch.fnmatchcase(action, a) for a in _listed(statement["Action"])):
            continue
        if not any(fnmatch.fnmatchcase(resource, str(r)) for r in _listed(statement["Resource"])):
            continue
        if _condition_holds(statement.get("Condition", {}), context or {}):
            return True
    return False
