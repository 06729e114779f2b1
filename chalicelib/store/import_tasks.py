"""Starting the import task (functions/imports/task.py) for one import: an ECS RunTask of
the Fargate task definition when the deployment has one (template.yaml ImportImage), or,
under `make run`, the same entry point as a subprocess of the stack, which reaches the
stack's AWS endpoint through the environment it inherits. See docs/imports.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from chalicelib.config import get_settings

ENTRY_MODULE = "functions.imports.task"
CONTAINER = "import"  # the task definition's container (template.yaml ImportTaskDefinition)
UNAVAILABLE = "Torrent and long imports cannot run on this instance (no import task is deployed)"
_ROOT = Path(__file__).resolve().parents[2]


class LaunchFailed(Exception):
    """The task could not be started (the message says why); the import goes back to pending."""


def command(import_id: int) -> list[str]:
    return ["python", "-m", ENTRY_MODULE, str(import_id)]


def available() -> bool:
    """Whether an import task can be started here (deployed with ImportImage, or `make run`)."""
    settings = get_settings()
    return bool(settings.import_task_cluster and settings.import_task_definition) or bool(
        settings.aws_endpoint_url and not settings.production
    )


def launch(import_id: int) -> str:
    """Start the import task for `import_id`; what started it (a task ARN, or a process id)."""
    settings = get_settings()
    if settings.import_task_cluster and settings.import_task_definition:
        return _run_task(import_id)
    if available():
        process = subprocess.Popen(
            [sys.executable, *command(import_id)[1:]], cwd=_ROOT, env=dict(os.environ), start_new_session=True
        )
        return f"pid:{process.pid}"
    raise LaunchFailed(UNAVAILABLE)


def _run_task(import_id: int) -> str:
    from chalicelib import aws

    settings = get_settings()
    answer = aws.ecs().run_task(
        cluster=str(settings.import_task_cluster),
        taskDefinition=str(settings.import_task_definition),
        launchType="FARGATE",
        count=1,
        startedBy=f"cirrus-import-{import_id}"[:36],
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": list(settings.import_task_subnets),
                "securityGroups": [str(settings.import_task_security_group)],
                # Public subnets without a NAT gateway: the address reaches the sources.
                "assignPublicIp": "ENABLED",
            }
        },
        overrides={"containerOverrides": [{"name": CONTAINER, "command": command(import_id)}]},
    )
    tasks = answer.get("tasks") or []
    if not tasks:
        reasons = "; ".join(str(failure.get("reason")) for failure in answer.get("failures") or [])
        raise LaunchFailed(f"The import task could not start: {reasons or 'no task'}")
    return str(tasks[0]["taskArn"])
