"""IAM statements of a CloudFormation template, normalised so that two templates compare.

SAM and the CDK app spell the same permission differently: a policy template's
`arn:${AWS::Partition}:sqs:...:${queueName}` over `!GetAtt Queue.QueueName` is the CDK's
`!GetAtt Queue.Arn`. `render` evaluates such expressions symbolically (fixed pseudo
parameters, and a physical name and ARN per resource type), and `grants` expands each
statement into one (effect, action, resource, condition) tuple per action and resource.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "Cirrus",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/Cirrus/guid",
    "AWS::URLSuffix": "amazonaws.com",
}
REGION_ACCOUNT = f"{PSEUDO['AWS::Region']}:{PSEUDO['AWS::AccountId']}"
SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")

# SAM attaches this AWS managed policy to a function with an SQS event; it allows reading
# every queue. The CDK app grants the same actions on the function's own queue only.
SQS_EXECUTION_POLICY = "service-role/AWSLambdaSQSQueueExecutionRole"
SQS_CONSUMER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")

Grant = tuple[str, str, str, str]


class Renderer:
    """Evaluates Ref, Fn::GetAtt, Fn::Sub, Fn::Select, Fn::Split and Fn::Join to strings."""

    def __init__(
        self, resources: Mapping[str, Any], pseudo: Mapping[str, str] = PSEUDO, parameters: Mapping[str, str] = {}
    ) -> None:
        self.resources = resources
        self.names = {**pseudo, **parameters}

    def render(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.render(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1 or not next(iter(value)).startswith(("Ref", "Fn::")):
            return {key: self.render(item) for key, item in value.items()}
        ((function, argument),) = value.items()
        evaluate = {
            "Ref": self.ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Select": lambda a: self.render(a[1])[int(a[0])],
            "Fn::Split": lambda a: str(self.render(a[1])).split(a[0]),
            "Fn::Join": lambda a: a[0].join(str(item) for item in self.render(a[1])),
        }.get(function)
        return value if evaluate is None else evaluate(argument)

    def _get_att(self, argument: Any) -> str:
        name, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
        return self.get_att(name, attribute)

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        return self.sub(text, {key: self.render(item) for key, item in variables.items()})

    def ref(self, name: str) -> str:
        if name in self.names:
            return self.names[name]
        resource = self.resources.get(name, {"Type": "Parameter"})
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::S3::Bucket" and "BucketName" in properties:
            return str(self.render(properties["BucketName"]))
        return name.lower() if resource["Type"] == "AWS::S3::Bucket" else name

    def get_att(self, name: str, attribute: str) -> str:
        kind = self.resources.get(name, {}).get("Type")
        physical = self.ref(name)
        arns = {
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION_ACCOUNT}:table/{physical}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{physical}",
            "AWS::SQS::Queue": f"arn:aws:sqs:{REGION_ACCOUNT}:{name}",
            "AWS::Lambda::Function": f"arn:aws:lambda:{REGION_ACCOUNT}:function:{name}",
        }
        if attribute == "Arn" and kind in arns:
            return arns[str(kind)]
        if attribute == "QueueName":
            return name
        return f"{name}.{attribute}"

    def sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            key = match.group(1)
            if key in variables:
                return str(variables[key])
            if key in self.names:
                return self.names[key]
            if "." in key:
                name, attribute = key.split(".", 1)
                return self.get_att(name, attribute)
            return self.ref(key)

        return SUB_VARIABLE.sub(replace, text)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statement_grants(statement: Mapping[str, Any], renderer: Renderer) -> set[Grant]:
    condition = json.dumps(renderer.render(statement.get("Condition")), sort_keys=True)
    return {
        (statement["Effect"], action, str(resource), condition)
        for action in as_list(statement["Action"])
        for resource in as_list(renderer.render(statement["Resource"]))
    }


def role_grants(template: Mapping[str, Any], role_id: str, consumed_queues: list[str]) -> set[Grant]:
    """Every inline grant of a role, and its managed policies (by name, as a grant on "*")."""
    resources = template["Resources"]
    renderer = Renderer(resources)
    properties = resources[role_id]["Properties"]
    grants: set[Grant] = set()
    for policy in properties.get("Policies", []):
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            grants |= statement_grants(statement, renderer)
    # Policies of their own attached to the role (a conditional one: "Allow if <condition>").
    for resource in resources.values():
        attached = resource.get("Properties", {}).get("Roles", [])
        if resource.get("Type") != "AWS::IAM::Policy" or {"Ref": role_id} not in attached:
            continue
        when = resource.get("Condition")
        for statement in as_list(resource["Properties"]["PolicyDocument"]["Statement"]):
            found = statement_grants(statement, renderer)
            grants |= {(f"{effect} if {when}" if when else effect, *rest) for effect, *rest in found}  # type: ignore[misc]
    for arn in properties.get("ManagedPolicyArns", []):
        name = str(renderer.render(arn)).split(":policy/", 1)[1]
        if name == SQS_EXECUTION_POLICY:
            grants |= {
                ("Allow", action, renderer.get_att(queue, "Arn"), "null")
                for action in SQS_CONSUMER_ACTIONS
                for queue in consumed_queues
            }
        else:
            grants.add(("Allow", f"managed:{name}", "*", "null"))
    return grants


def function_roles(template: Mapping[str, Any]) -> dict[str, str]:
    """Each Lambda function's role, by the function's logical id."""
    return {
        name: str(resource["Properties"]["Role"]["Fn::GetAtt"][0])
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def consumed_queues(template: Mapping[str, Any], function_id: str) -> list[str]:
    """The queues a function's event source mappings read."""
    found = []
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Lambda::EventSourceMapping" and properties["FunctionName"] == {"Ref": function_id}:
            found.append(str(properties["EventSourceArn"]["Fn::GetAtt"][0]))
    return found


def function_grants(template: Mapping[str, Any]) -> dict[str, set[Grant]]:
    """What each function may do, normalised."""
    return {
        function: role_grants(template, role, consumed_queues(template, function))
        for function, role in function_roles(template).items()
    }
