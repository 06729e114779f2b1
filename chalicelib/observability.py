"""Powertools logger and metrics, shared by every handler.

The Tracer is left out on purpose: it costs about 250 ms of cold start on its own, and
Lambda's active tracing (template.yaml) already records each invocation in X-Ray.
"""

from __future__ import annotations

import threading
import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "cirrus"
NAMESPACE = "Cirrus"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

# Most requests record no metric of their own; that is expected, not worth a warning each.
warnings.filterwarnings("ignore", message="No application metrics to publish")
# Powertools' metric set is a plain dict read then written back: the deliver function's
# sending threads count at once, and would lose counts without it.
_metrics_lock = threading.Lock()


def count(name: str, value: int = 1) -> None:
    """Add to a count metric, published when the invocation ends."""
    with _metrics_lock:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def audit(user: str, domain: str, action: str, **entity: object) -> None:
    """One line of the audit log (PeerTube's: who did what to which object), read back by
    `/api/v1/server/audit-logs`: an info line whose message is the entry (an object) and which
    carries `audit: true`. `action` is create, update or delete, as PeerTube's AUDIT_TYPE."""
    logger.info({"user": user, "domain": domain, "action": action, **entity}, extra={"audit": True})
