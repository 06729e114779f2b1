"""A video's captions, chapters and storyboards (PeerTube's controllers/api/videos/captions.ts,
chapters.ts and storyboard.ts): list, put and delete a caption per language, ask for a
transcription, read and replace the chapters, list the storyboards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Request, Response

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, multipart_form
from chalicelib.api.shapes import iso
from chalicelib.api.video_passwords import password_header
from chalicelib.domain import caption_files, caption_uploads, captions, chapters, storyboards, transcriptions
from chalicelib.domain import videos as video_cases
from chalicelib.domain.oauth import utcnow

if TYPE_CHECKING:
    from chalicelib.store.models import Video

video_captions_api = ApiBlueprint(__name__)

MULTIPART = ["multipart/form-data"]


@video_captions_api.route("/api/v1/videos/{video_id}/captions", methods=["GET"])
def list_captions(video_id: str) -> dict[str, Any]:
    video = _visible(video_captions_api.current_request, video_id)
    found = caption_files.listing(video)
    return {"total": len(found), "data": [_caption_json(item) for item in found]}


@video_captions_api.route("/api/v1/videos/{video_id}/captions/{language}", methods=["PUT"], content_types=MULTIPART)
def put_caption(video_id: str, language: str) -> Response:
    request = video_captions_api.current_request
    user = session(request).user
    # PeerTube's order: the parameters and the file, then the video, then the rights.
    video_cases.parse_reference(video_id, "videoId")
    captions.check_language(language)
    upload = multipart_form(request)[1].get("captionfile")
    caption = captions.read_upload(upload.data if upload else None, upload.content_type if upload else None)
    video = video_cases.find_video(video_id, "videoId")
    captions.put_caption(video, user, language, caption, utcnow())
    return Response(body="", status_code=204)


@video_captions_api.route("/api/v1/videos/{video_id}/captions/{language}/upload-s3", methods=["POST"])
def start_caption_upload(video_id: str, language: str) -> dict[str, Any]:
    """Cirrus's way for a caption larger than the PUT carries on AWS (domain/caption_uploads.py)."""
    user = session(video_captions_api.current_request).user
    video_cases.parse_reference(video_id, "videoId")
    captions.check_language(language)
    started = caption_uploads.start(video_cases.find_video(video_id, "videoId"), user, language)
    return {
        "uploadId": started.upload_id,
        "upload": started.form,
        "maxSize": caption_uploads.MAX_BYTES,
        "expiresIn": caption_uploads.URL_SECONDS,
    }


@video_captions_api.route(
    "/api/v1/videos/{video_id}/captions/{language}/upload-s3/{upload_id}/complete", methods=["POST"]
)
def complete_caption_upload(video_id: str, language: str, upload_id: str) -> Response:
    user = session(video_captions_api.current_request).user
    video_cases.parse_reference(video_id, "videoId")
    captions.check_language(language)
    video = video_cases.find_video(video_id, "videoId")
    caption_uploads.complete(video, user, language, upload_id, utcnow())
    return Response(body="", status_code=204)


@video_captions_api.route("/api/v1/videos/{video_id}/captions/{language}", methods=["DELETE"])
def delete_caption(video_id: str, language: str) -> Response:
    user = session(video_captions_api.current_request).user
    video_cases.parse_reference(video_id, "videoId")
    captions.check_language(language)
    captions.delete_caption(video_cases.find_video(video_id, "videoId"), user, language)
    return Response(body="", status_code=204)


@video_captions_api.route("/api/v1/videos/{video_id}/captions/generate", methods=["POST"], content_types=["*/*"])
def generate_caption(video_id: str) -> Response:
    request = video_captions_api.current_request
    user = session(request).user
    # PeerTube's order: the parameters, whether transcription is on, the video, the rights.
    video_cases.parse_reference(video_id, "videoId")
    force = transcriptions.read_force(json_object(request))
    path = transcriptions.check_enabled()
    video = video_cases.find_video(video_id, "videoId")
    transcriptions.generate(video, user, force, path, utcnow())
    return Response(body="", status_code=204)


@video_captions_api.route("/api/v1/videos/{video_id}/chapters", methods=["GET"])
def list_chapters(video_id: str) -> dict[str, Any]:
    video = _visible(video_captions_api.current_request, video_id)
    return {"chapters": chapters.chapters_of(video)}


@video_captions_api.route("/api/v1/videos/{video_id}/chapters", methods=["PUT"])
def replace_chapters(video_id: str) -> Response:
    request = video_captions_api.current_request
    user = session(request).user
    video_cases.parse_reference(video_id, "videoId")
    wanted = chapters.read_body(json_object(request))
    chapters.replace(video_cases.find_video(video_id, "videoId"), user, wanted, utcnow())
    return Response(body="", status_code=204)


@video_captions_api.route("/api/v1/videos/{video_id}/storyboards", methods=["GET"])
def list_storyboards(video_id: str) -> dict[str, Any]:
    video = _visible(video_captions_api.current_request, video_id)
    return {"storyboards": storyboards.listing(video)}


def _visible(request: Request, video_id: str) -> Video:
    """PeerTube's checkCanSeeVideo, with the password header of a password-protected video."""
    viewer = optional_session(request)
    video = video_cases.find_video(video_id, "videoId")
    video_cases.check_can_see(video, viewer.user if viewer else None, not video_id.isdigit(), password_header(request))
    return video


def _caption_json(item: caption_files.CaptionView) -> dict[str, Any]:
    return {
        "language": {"id": item.language, "label": item.label},
        "automaticallyGenerated": item.automatic,
        "captionPath": item.caption_path,
        "fileUrl": item.file_url,
        "m3u8Url": item.m3u8_url,
        "updatedAt": iso(item.updated_at),
    }
