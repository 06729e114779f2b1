"""Which function a request reaches behind the REST API: one list for every front door.

The REST API has a greedy `/{proxy+}` resource (and `/`) for the API function, and beside
it a few explicit resources, each with one method, for two functions that carry what the
API function does not:

- the inbox POSTs, to the inbox POST function (functions/federation/inbox_post.py), which
  carries the JSON-LD layer that checking forwarded activities' LD signatures needs;
- the image uploads (avatars, banners, the instance's images and logos, playlists created or
  updated with a thumbnail), to the image uploads function: the same Chalice app
  (app.handler) with the images layer (Pillow), which the API function does not carry.

API Gateway resolves a request on the pair of resource and method: an explicit resource
that declares the request's method wins over the greedy one; any other method on it, and
the intermediate resources API Gateway adds for the path (`/accounts`, `/accounts/{name}`),
which declare none, fall through to `/{proxy+}` (docs/architecture.md, "HTTP", cites the
measurements).

template.yaml and the CDK app (infra/cdk_app.py) declare these resources; the local gateway
(local/rest_api.py) and the tests' in-process client route with `explicit_route`, and
tests/infra checks both templates against `ROUTES`. Each resource is spelled as its Chalice
route is: an event for one of them passes to the route as it is (chalicelib/routing.py).
"""

from __future__ import annotations

from dataclasses import dataclass

PROXY_RESOURCE = "/{proxy+}"
INBOX_POST = "inbox_post"
IMAGE_UPLOADS = "image_uploads"
# The three inboxes of chalicelib/api/inbox.py.
INBOX_RESOURCES = ("/inbox", "/accounts/{name}/inbox", "/video-channels/{name}/inbox")
INBOX_METHOD = "POST"
# Every route of the API whose view decodes an uploaded image (chalicelib/domain/images.py):
# chalicelib/api/actor_images.py, appearance.py, and playlists.py (a multipart body may carry
# a thumbnailfile).
IMAGE_ROUTES = (
    ("/api/v1/users/me/avatar/pick", "POST"),
    ("/api/v1/video-channels/{handle}/avatar/pick", "POST"),
    ("/api/v1/video-channels/{handle}/banner/pick", "POST"),
    ("/api/v1/config/instance-avatar/pick", "POST"),
    ("/api/v1/config/instance-banner/pick", "POST"),
    ("/api/v1/config/instance-logo/{logo_type}/pick", "POST"),
    ("/api/v1/video-playlists", "POST"),
    ("/api/v1/video-playlists/{playlist_id}", "PUT"),
)


@dataclass(frozen=True)
class Route:
    """An explicit resource's method, and the function it invokes."""

    function: str
    resource: str
    method: str


ROUTES = (
    *(Route(INBOX_POST, resource, INBOX_METHOD) for resource in INBOX_RESOURCES),
    *(Route(IMAGE_UPLOADS, resource, method) for resource, method in IMAGE_ROUTES),
)


def explicit_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The explicit resource's route a request matches, with its path parameters, or None for
    the API function's `/{proxy+}` (any other path, or any other method)."""
    if not path.startswith("/"):
        return None
    segments = path.split("/")[1:]
    for route in ROUTES:
        if route.method != method.upper():
            continue
        parts = route.resource.split("/")[1:]
        if len(parts) != len(segments):
            continue
        params: dict[str, str] = {}
        for part, segment in zip(parts, segments, strict=True):
            if part.startswith("{") and part.endswith("}") and segment:
                params[part[1:-1]] = segment
            elif part != segment:
                break
        else:
            return route, params
    return None


def function_of(resource: str | None, method: str | None) -> str | None:
    """The function an event for `resource` and `method` is for (INBOX_POST, IMAGE_UPLOADS),
    or None for the API function."""
    for route in ROUTES:
        if route.resource == resource and route.method == (method or "").upper():
            return route.function
    return None
