"""Readers of the ActivityPub signature fixtures in tests/fixtures/activitypub/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activitypub"


def fixture(name: str) -> Any:
    with open(FIXTURES / name, encoding="utf-8") as file:
        return json.load(file)


def mastodon_raw_body(body: dict[str, Any]) -> bytes:
    """The bytes Mastodon sent for `body` (Rails' JSON: compact, UTF-8, HTML characters escaped).

    The fixture keeps the parsed body only; this rebuilds the original so its Digest can be checked.
    """
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")
