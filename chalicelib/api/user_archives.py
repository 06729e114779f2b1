"""Account archives, PeerTube's user exports and imports:

POST   /api/v1/users/{id}/exports/request {withVideoFiles}  → 200 {export: {id}}
GET    /api/v1/users/{id}/exports                            → {total, data: [export]}
DELETE /api/v1/users/{id}/exports/{exportId}                 → 204
POST|PUT|DELETE /api/v1/users/{id}/imports/import-resumable  (uploadx, as video uploads)
GET    /api/v1/users/{id}/imports/latest                     → {id, state, createdAt}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.config import get_settings
from chalicelib.domain import oauth
from chalicelib.domain import users as user_cases
from chalicelib.domain.archives import jobs

if TYPE_CHECKING:
    from chalicelib.store.models import UserExport, UserImport

user_archives_api = ApiBlueprint(__name__)

IMPORT_RESUMABLE = "/api/v1/users/{user_id}/imports/import-resumable"


@user_archives_api.route("/api/v1/users/{user_id}/exports/request", methods=["POST"])
def request_export(user_id: str) -> dict[str, Any]:
    request = user_archives_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    export = jobs.request_export(caller, target, json_object(request), oauth.utcnow())
    return {"export": {"id": int(export.id)}}


@user_archives_api.route("/api/v1/users/{user_id}/exports", methods=["GET"])
def list_exports(user_id: str) -> dict[str, Any]:
    request = user_archives_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    found = jobs.list_exports(caller, target, oauth.utcnow())
    return {"total": len(found), "data": [_export_json(e) for e in reversed(found)]}


@user_archives_api.route("/api/v1/users/{user_id}/exports/{export_id}", methods=["DELETE"])
def delete_export(user_id: str, export_id: str) -> Response:
    request = user_archives_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    jobs.delete_export(caller, target, export_id)
    return no_content()


@user_archives_api.route(IMPORT_RESUMABLE, methods=["POST"])
def start_import(user_id: str) -> Response:
    request = user_archives_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    upload, created = jobs.start_import_upload(
        caller, target, json_object(request), dict(request.headers), oauth.utcnow()
    )
    headers: dict[str, str | list[str]] = {
        "Location": _location(user_id, str(upload.upload_id)),
        "Cache-Control": "no-store",
    }
    if int(upload.received):
        headers["Range"] = f"bytes=0-{int(upload.received) - 1}"
    return Response(body="", status_code=201 if created else 200, headers=headers)


@user_archives_api.route(IMPORT_RESUMABLE, methods=["PUT"], content_types=["*/*"])
def put_import_chunk(user_id: str) -> Response:
    request = user_archives_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    raw = request.raw_body or b""
    chunk = raw if isinstance(raw, bytes) else raw.encode("latin-1")
    upload, created = jobs.write_import_chunk(
        caller, target, _upload_id_param(), request.headers.get("content-range"), chunk, oauth.utcnow()
    )
    if created is None:
        # 308 "Resume Incomplete", as uploadx speaks it.
        return Response(
            body="",
            status_code=308,
            headers={"Range": f"bytes=0-{int(upload.received) - 1}", "Cache-Control": "no-store"},
        )
    body = {"userImport": {"id": int(created.id)}}
    return Response(body=json.dumps(body), status_code=200, headers={"Content-Type": "application/json"})


@user_archives_api.route(IMPORT_RESUMABLE, methods=["DELETE"])
def cancel_import(user_id: str) -> Response:
    request = user_archives_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    jobs.cancel_import_upload(caller, target, _upload_id_param())
    return no_content()


@user_archives_api.route("/api/v1/users/{user_id}/imports/latest", methods=["GET"])
def latest_import(user_id: str) -> dict[str, Any]:
    request = user_archives_api.current_request
    caller = session(request).user
    target = user_cases.get_user_or_404(user_id)
    return _import_json(jobs.latest_import(caller, target))


def _export_json(export: UserExport) -> dict[str, Any]:
    state = int(export.state)
    return {
        "id": int(export.id),
        "state": {"id": state, "label": jobs.STATE_LABELS[state]},
        "size": int(export.size) if export.size is not None else None,
        "fileUrl": jobs.download_url(export),
        "privateDownloadUrl": jobs.download_url(export),
        "createdAt": iso(export.created_at),
        "expiresOn": iso(jobs.expires_on(export)),
        "error": export.error,
    }


def _import_json(found: UserImport) -> dict[str, Any]:
    state = int(found.state)
    return {
        "id": int(found.id),
        "state": {"id": state, "label": jobs.STATE_LABELS[state]},
        "createdAt": iso(found.created_at),
        "error": found.error,
        "resultSummary": {"stats": found.summary} if found.summary else None,
    }


def _upload_id_param() -> str:
    query: dict[str, str] = dict(user_archives_api.current_request.query_params or {})
    return query.get("upload_id", "")


def _location(user_id: str, upload_id: str) -> str:
    """Like uploadx: the request's host, protocol-relative unless a proxy names the scheme."""
    request = user_archives_api.current_request
    host = request.headers.get("host") or get_settings().instance_host
    scheme = request.headers.get("x-forwarded-proto")
    base = f"{scheme}://{host}" if scheme else f"//{host}"
    return f"{base}/api/v1/users/{user_id}/imports/import-resumable?upload_id={upload_id}"
