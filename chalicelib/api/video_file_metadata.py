"""`GET /api/v1/videos/{id}/metadata/{videoFileId}`: ffprobe's description of one of a video's
files (the `metadataUrl` every file lists; domain/file_metadata.py).

As PeerTube (videosGetValidator before the file's), the caller must be one who may see the
video (its privacy, the viewer, the password header). A file not probed yet (made before probes were
kept) is probed by the transcoder on the first request, which waits for it a few seconds.
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.video_passwords import password_header
from chalicelib.domain import file_metadata
from chalicelib.domain import videos as video_cases
from chalicelib.errors import ServiceUnavailableError

video_file_metadata_api = ApiBlueprint(__name__)

PROBE_WAIT_SECONDS = 10.0  # ffprobe reads a few hundred kilobytes of the file
PROBE_POLL_SECONDS = 0.5
RETRY_AFTER = "5"


@video_file_metadata_api.route("/api/v1/videos/{video_id}/metadata/{video_file_id}", methods=["GET"])
def get_file_metadata(video_id: str, video_file_id: str) -> dict[str, Any]:
    request = video_file_metadata_api.current_request
    video = video_cases.find_video(video_id)
    file_id = file_metadata.parse_file_id(video_file_id)
    viewer = optional_session(request)
    video_cases.check_can_see(video, viewer.user if viewer else None, not video_id.isdigit(), password_header(request))
    file = file_metadata.find_file(video, file_id)
    found = file_metadata.read(video, file)
    if found is not None:
        return found
    file_metadata.request_probe(video, file)
    deadline = time.monotonic() + PROBE_WAIT_SECONDS
    while (found := file_metadata.read(video, file)) is None:
        if time.monotonic() >= deadline:
            raise ServiceUnavailableError(
                "The file is being described: try again in a moment.", headers={"Retry-After": RETRY_AFTER}
            )
        time.sleep(PROBE_POLL_SECONDS)
    return found
