"""Powertools logger and metrics, shared by every handler.

The Tracer is left out on purpose: it costs about 250 ms of cold start on its own, and
Lambda's active tracing (template.yaml) already records each invocation in X-Ray.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

SERVICE = "cirrus"
NAMESPACE = "Cirrus"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
