"""The local front door: what CloudFront and API Gateway do on AWS, as one ASGI app.

- `/static/streaming-playlists/hls/private/*`: the API, which checks the video file token
  and answers playlists itself and other files with a redirect to a presigned URL.
- `/static/*` and `/lazy-static/*`: objects of the media bucket (with byte ranges, which
  HLS players use), as CloudFront's media behaviour serves them.
- API paths (`/api/*`, `/inbox`, `/.well-known/*`, `/nodeinfo/*`, and the ActivityPub
  actor and object paths when the client asks for ActivityPub JSON): the REST API, through
  the same proxy event API Gateway builds, to the function of its resource (the API
  function, or the inbox POST function for the inbox POSTs; local/rest_api.py). The lists
  are infra/edge_routes.py's, which CloudFront's behaviours and Function are written from.
- `/tracker/socket` (websocket) and `/tracker/health`: the WebTorrent tracker, served
  in-process (on AWS it is a Fargate service behind the same host).
- `/socket.io/` (websocket): the real-time channel (local/realtime.py), as API Gateway's
  WebSocket API behind CloudFront on AWS.
- everything else: the built single-page app, with `index.html` for client routes.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from infra.edge_routes import MEDIA_PREFIXES, PRIVATE_MEDIA_PREFIXES, is_api_request
from infra.security_headers import media_headers, web_headers
from local import apigw

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.routing import BaseRoute

    from local.rest_api import RestApi

_CHUNK = 256 * 1024


class Gateway:
    def __init__(
        self,
        api: RestApi,
        binary_types: list[str],
        s3: Any,
        media_bucket: str,
        web_dist: Path,
        extra_routes: Sequence[BaseRoute] = (),
    ) -> None:
        self._api = api
        self._extra_routes = list(extra_routes)
        self._binary_types = binary_types
        self._s3 = s3
        self._media_bucket = media_bucket
        self._web_dist = web_dist.resolve()

    def asgi(self) -> Starlette:
        methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        return Starlette(routes=[*self._extra_routes, Route("/{path:path}", self._dispatch, methods=methods)])

    async def _dispatch(self, request: Request) -> Response:
        path = request.url.path
        if path.startswith(PRIVATE_MEDIA_PREFIXES):
            # Private videos' files: the API checks the video file token (L9).
            return await self._invoke_api(request)
        if path.startswith(MEDIA_PREFIXES) and request.method in ("GET", "HEAD"):
            media = await run_in_threadpool(self._media, request)
            media.headers.update(media_headers(local=True))
            return media
        if is_api_request(path, request.headers.get("accept", "")):
            return await self._invoke_api(request)
        if request.method in ("GET", "HEAD"):
            # CloudFront's response headers policies, as on AWS (infra/security_headers.py).
            page = self._web(path)
            page.headers.update(web_headers(path, local=True))
            return page
        return Response(status_code=405)

    async def _invoke_api(self, request: Request) -> Response:
        declared = int(request.headers.get("content-length") or 0)
        if declared > apigw.MAX_REQUEST_BYTES:
            return _to_starlette(apigw.too_large())
        body = await request.body()
        if len(body) > apigw.MAX_REQUEST_BYTES:
            return _to_starlette(apigw.too_large())
        http_request = apigw.HttpRequest(
            method=request.method,
            path=request.url.path,
            query=list(request.query_params.multi_items()),
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            body=body,
            source_ip=request.client.host if request.client else "127.0.0.1",
        )
        event = apigw.build_proxy_event(http_request, self._binary_types)
        try:
            result = await run_in_threadpool(self._api.invoke, event)
        except Exception:
            # Lambda reports an unhandled error; API Gateway turns it into a 502.
            import logging

            logging.getLogger("cirrus.local.gateway").exception("the REST API's function failed")
            return _to_starlette(apigw.function_error())
        return _to_starlette(apigw.response_from_result(result))

    def _media(self, request: Request) -> Response:
        key = request.url.path.lstrip("/")
        arguments: dict[str, Any] = {"Bucket": self._media_bucket, "Key": key}
        byte_range = request.headers.get("range")
        if byte_range:
            arguments["Range"] = byte_range
        try:
            if request.method == "HEAD":
                head = self._s3.head_object(Bucket=self._media_bucket, Key=key)
                return Response(status_code=200, headers=_object_headers(head, key))
            obj = self._s3.get_object(**arguments)
        except self._s3.exceptions.NoSuchKey:
            return Response("Not Found", status_code=404, media_type="text/plain")
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code in ("404", "NoSuchKey", "NotFound"):
                return Response("Not Found", status_code=404, media_type="text/plain")
            if code == "InvalidRange":
                return Response(status_code=416)
            raise
        headers = _object_headers(obj, key)
        status = 206 if obj.get("ContentRange") else 200
        if obj.get("ContentRange"):
            headers["Content-Range"] = obj["ContentRange"]
        return StreamingResponse(_chunks(obj["Body"]), status_code=status, headers=headers)

    def _web(self, path: str) -> Response:
        if not (self._web_dist / "index.html").exists():
            return HTMLResponse(_NOT_BUILT, status_code=503)
        candidate = (self._web_dist / path.lstrip("/")).resolve()
        if candidate.is_file() and candidate.is_relative_to(self._web_dist):
            return FileResponse(candidate)
        # Client-side routes (/about, /videos/watch/...) all load the app's shell.
        return FileResponse(self._web_dist / "index.html", headers={"Cache-Control": "no-cache"})


def _object_headers(obj: dict[str, Any], key: str) -> dict[str, str]:
    content_type = obj.get("ContentType") or mimetypes.guess_type(key)[0] or "application/octet-stream"
    headers = {
        "Content-Type": content_type,
        "Content-Length": str(obj.get("ContentLength", 0)),
        "Accept-Ranges": "bytes",
        "Access-Control-Allow-Origin": "*",
    }
    if obj.get("ETag"):
        headers["ETag"] = obj["ETag"]
    if obj.get("CacheControl"):
        # CloudFront passes the object's own (a live's playlists: a second; its segments: a year).
        headers["Cache-Control"] = obj["CacheControl"]
    return headers


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(_CHUNK)
    finally:
        body.close()


def _to_starlette(response: apigw.HttpResponse) -> Response:
    result = Response(content=response.body, status_code=response.status)
    del result.headers["content-length"]
    for name, value in response.headers:
        result.headers.append(name, value)
    result.headers["content-length"] = str(len(response.body))
    return result


_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Cirrus</title>
<p>The web client is not built. <code>make run</code> builds it (web/dist); the API is
served under <a href="/api/v1/config">/api/v1/config</a>.</p>"""
