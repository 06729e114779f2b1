"""What the image uploads function (infra/rest_api.py IMAGE_ROUTES: app.handler with Pillow,
on its own REST API resources) calls on AWS stays within the role template.yaml and the CDK
app give it: the table, the media bucket, and sends to the broadcast and work queues. Every
image upload route runs through the REST API as API Gateway routes it; each AWS call made
while that function runs is recorded at botocore's single entry point."""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.client import BaseClient  # type: ignore[import-untyped]
from PIL import Image

from chalicelib.config import get_settings
from infra.rest_api import IMAGE_ROUTES, IMAGE_UPLOADS
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD

Call = tuple[str, str, str]  # service, operation, bucket or queue ("" for neither)


def _png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 160, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def _multipart(
    api: ApiClient, method: str, path: str, token: str, fields: dict[str, str], files: dict[str, bytes]
) -> ApiResponse:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="i.png"\r\n'.encode()
        + b"Content-Type: image/png\r\n\r\n"
        + data
        + b"\r\n"
        for name, data in files.items()
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {token}"}
    return api.request(method, path, body=body, headers=headers)


class Recording:
    """The image uploads function of the client's REST API, recording while it runs."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.active = threading.local()
        self.calls: set[Call] = set()
        self.invocations: list[str] = []

    def invoke(self, event: dict[str, Any]) -> Any:
        self.invocations.append(f"{event['httpMethod']} {event['resource']}")
        self.active.on = True
        try:
            return self.function.invoke(event)
        finally:
            self.active.on = False


@pytest.fixture
def recording(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[Recording]:
    rest = api._function
    recording = Recording(rest.functions[IMAGE_UPLOADS])
    monkeypatch.setitem(rest.functions, IMAGE_UPLOADS, recording)
    make_call = BaseClient._make_api_call

    def recorded(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if getattr(recording.active, "on", False):
            target = params.get("Bucket") or str(params.get("QueueUrl") or params.get("QueueName") or "")
            recording.calls.add((client.meta.service_model.service_name, operation, target.rsplit("/", 1)[-1]))
        return make_call(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recorded)
    yield recording


def test_every_image_upload_stays_within_the_functions_role(
    api: ApiClient, people: dict[str, Any], recording: Recording
) -> None:
    root = str(api.login("root", ROOT_PASSWORD)["access_token"])
    alice = people["alice"]
    square, wide = _png((400, 400)), _png((1200, 200))
    channel = api.get_as("/api/v1/users/me", alice.token).json()["videoChannels"][0]["name"]
    uploads: list[tuple[str, str, str, dict[str, str], dict[str, bytes]]] = [
        ("POST", "/api/v1/users/me/avatar/pick", alice.token, {}, {"avatarfile": square}),
        ("POST", f"/api/v1/video-channels/{channel}/avatar/pick", alice.token, {}, {"avatarfile": square}),
        ("POST", f"/api/v1/video-channels/{channel}/banner/pick", alice.token, {}, {"bannerfile": wide}),
        ("POST", "/api/v1/config/instance-avatar/pick", root, {}, {"avatarfile": square}),
        ("POST", "/api/v1/config/instance-banner/pick", root, {}, {"bannerfile": wide}),
        ("POST", "/api/v1/config/instance-logo/favicon/pick", root, {}, {"logofile": square}),
    ]
    for method, path, token, fields, files in uploads:
        response = _multipart(api, method, path, token, fields, files)
        assert response.status in (200, 204), (path, response.body)
    created = _multipart(
        api,
        "POST",
        "/api/v1/video-playlists",
        alice.token,
        {"displayName": "Seen", "privacy": "1", "videoChannelId": str(alice.channel_id)},
        {"thumbnailfile": square},
    )
    assert created.status == 200, created.body
    playlist = created.json()["videoPlaylist"]["id"]
    updated = _multipart(
        api, "PUT", f"/api/v1/video-playlists/{playlist}", alice.token, {"displayName": "Seen again"}, {}
    )
    assert updated.status == 204, updated.body

    # Every image route went to the image uploads function, and only those.
    assert sorted(set(recording.invocations)) == sorted(f"{method} {resource}" for resource, method in IMAGE_ROUTES)
    settings = get_settings()
    queues = {settings.queues.broadcast, settings.queues.work}
    sends = ("SendMessage", "SendMessageBatch", "GetQueueUrl")
    outside = {
        (service, operation, target)
        for service, operation, target in recording.calls
        # DynamoDBCrudPolicy on the table, S3CrudPolicy on the media bucket, the two queues' sends.
        if not (
            service == "dynamodb"
            or (service == "s3" and target == settings.media_bucket)
            or (service == "sqs" and operation in sends and target in queues)
        )
    }
    assert outside == set()
    # The recording saw the files written and the actors' and playlist's updates federated.
    assert ("s3", "PutObject", settings.media_bucket) in recording.calls
    assert ("sqs", "SendMessageBatch", settings.queues.broadcast) in recording.calls
