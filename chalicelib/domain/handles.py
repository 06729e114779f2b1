"""What administrators type to name another server or one of its actors: a host
(`example.org`, with an optional port) or a `name@host` handle, checked as PeerTube checks
them before anything is fetched."""

from __future__ import annotations

import re

HOST = re.compile(
    r"^(?=.{1,253}(:\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$"
)
NAME = re.compile(r"^[\w.\-]{1,50}$")


def is_host(value: str) -> bool:
    return bool(HOST.match(value.lower()))


def is_handle(value: str) -> bool:
    name, at, host = value.partition("@")
    return bool(at) and bool(NAME.match(name)) and is_host(host)
