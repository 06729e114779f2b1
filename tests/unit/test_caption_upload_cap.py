"""Why a caption PUT carries about 4.4 MB on AWS, not PeerTube's 20 MB: its multipart body is
binary to API Gateway (app.py's binary types, template.yaml's BinaryMediaTypes), so it reaches Lambda base64-encoded
inside the proxy event, and Lambda refuses a synchronous invocation event over 6,291,456
bytes. Built with the local gateway's event builder (local/apigw.py), which builds API
Gateway's REST proxy event; a caption of the documented cap fits with room for a browser's
headers, one 8 % larger does not, so the figure in docs/media.md and
domain/caption_uploads.py is the real ceiling, not a guess."""

from __future__ import annotations

import json

from chalicelib.domain import caption_uploads
from chalicelib.media import subtitles
from local import apigw

BOUNDARY = "----CirrusCaptionBoundary7MA4YWxkTrZu0gW"
# What a browser sends with a caption PUT (an access token, cookies, the usual headers),
# about 3 KB, doubled in the event (headers and multiValueHeaders).
HEADERS = [
    ("Host", "videos.example.org"),
    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
    ("Accept", "application/json, text/plain, */*"),
    ("Accept-Language", "en-GB,en;q=0.7,fr;q=0.3"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
    ("Authorization", "Bearer " + "a" * 40),
    ("Content-Type", f"multipart/form-data; boundary={BOUNDARY}"),
    ("Origin", "https://videos.example.org"),
    ("Referer", "https://videos.example.org/videos/manage/" + "0" * 36),
    ("Cookie", "session=" + "c" * 1500),
    ("X-Forwarded-For", "198.51.100.4, 130.176.1.1"),
    ("X-Amzn-Trace-Id", "Root=1-" + "f" * 32),
    ("CloudFront-Viewer-Country", "FR"),
]


def _event_bytes(caption_bytes: int) -> int:
    caption = b"x" * caption_bytes
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="captionfile"; filename="film.en.srt"\r\n'
            "Content-Type: application/x-subrip\r\n\r\n"
        ).encode()
        + caption
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    headers = [*HEADERS, ("Content-Length", str(len(body)))]
    request = apigw.HttpRequest("PUT", "/api/v1/videos/" + "0" * 36 + "/captions/en", [], headers, body, "198.51.100.4")
    event = apigw.build_proxy_event(request, ["multipart/form-data"])
    assert event["isBase64Encoded"] is True
    return len(json.dumps(event).encode())


def test_multipart_bodies_reach_lambda_base64_encoded_on_aws() -> None:
    import app

    # template.yaml declares the same types (tests/infra/test_template.py).
    assert "multipart/form-data" in app.app.api.binary_types


def test_the_documented_cap_is_what_a_put_carries_on_aws() -> None:
    assert _event_bytes(caption_uploads.MULTIPART_CAP_ON_AWS) <= caption_uploads.LAMBDA_EVENT_BYTES
    assert _event_bytes(int(caption_uploads.MULTIPART_CAP_ON_AWS * 1.08)) > caption_uploads.LAMBDA_EVENT_BYTES
    # PeerTube's own cap is far beyond it: hence the S3 path for larger captions.
    assert _event_bytes(subtitles.MAX_BYTES) > 2 * caption_uploads.LAMBDA_EVENT_BYTES
