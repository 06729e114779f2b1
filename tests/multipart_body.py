"""A multipart/form-data body built by hand, as a runner or a browser sends one."""

from __future__ import annotations


def form_body(
    fields: dict[str, str],
    files: dict[str, bytes],
    filename: str = "out.mp4",
    content_type: str = "application/octet-stream",
) -> tuple[bytes, str]:
    """The body with text `fields` and `files` (each named `filename`, of `content_type`), and
    its Content-Type."""
    boundary = "cirrus-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for name, data in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
