"""Which function a request reaches behind the REST API: one list for every front door.

The REST API has a greedy `/{proxy+}` resource (and `/`) for the API function, and beside
it one explicit resource per inbox with a POST method for the inbox POST function
(functions/federation/inbox_post.py), which alone carries the JSON-LD layer that checking
forwarded activities' LD signatures needs. API Gateway resolves a request on the pair of
resource and method: an explicit resource that declares the request's method wins over the
greedy one; any other method on it, and the intermediate resources API Gateway adds for
the path (`/accounts`, `/accounts/{name}`), which declare none, fall through to
`/{proxy+}` (docs/architecture.md, "HTTP", cites the measurements).

template.yaml and the CDK app (infra/cdk_app.py) declare these resources; the local gateway
(local/rest_api.py) and the tests' in-process client route with `inbox_resource`, and
tests/infra checks both templates against `INBOX_RESOURCES`.
"""

from __future__ import annotations

# The three inboxes of chalicelib/api/inbox.py, as its Chalice routes name them: an event
# for one of these resources passes to the route as it is (chalicelib/routing.py).
INBOX_RESOURCES = ("/inbox", "/accounts/{name}/inbox", "/video-channels/{name}/inbox")
INBOX_METHOD = "POST"
PROXY_RESOURCE = "/{proxy+}"


def inbox_resource(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The inbox resource a request matches, with its path parameters, or None for the
    API function's `/{proxy+}` (any other path, or any other method)."""
    if method.upper() != INBOX_METHOD or not path.startswith("/"):
        return None
    segments = path.split("/")[1:]
    for resource in INBOX_RESOURCES:
        parts = resource.split("/")[1:]
        if len(parts) != len(segments):
            continue
        params: dict[str, str] = {}
        for part, segment in zip(parts, segments, strict=True):
            if part.startswith("{") and part.endswith("}") and segment:
                params[part[1:-1]] = segment
            elif part != segment:
                break
        else:
            return resource, params
    return None
