"""A viewer's browser, device and operating system, read from its User-Agent header for the
video statistics (PeerTube's VideoStatsUserAgent).

A few ordered patterns, not a full parser: statistics need the families a creator knows
(Chrome, Firefox, Safari; Windows, Android, iOS; desktop, mobile, tablet), and a table of
thousands of signatures would weigh on every ping's import. The player may also name them
itself (the ping's `client`, `device` and `operatingSystem`), which wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# PeerTube's VideoStatsUserAgentDevice.
DEVICES = ("console", "embedded", "mobile", "smarttv", "tablet", "wearable", "xr", "desktop")
MAX_NAME = 50

# Order matters: browsers built on Chrome also say "Chrome", and Chrome says "Safari".
_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Yandex", re.compile(r"\bYaBrowser/")),
    ("Vivaldi", re.compile(r"\bVivaldi/")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS|Chromium)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
    ("curl", re.compile(r"^curl/")),
)

_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Windows", re.compile(r"\bWindows\b")),
    ("iOS", re.compile(r"\b(?:iPhone|iPad|iPod)\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Chrome OS", re.compile(r"\bCrOS\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
)

_DEVICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("xr", re.compile(r"\bOculus|\bQuest\b|\bVR\b")),
    ("console", re.compile(r"\bPlayStation|\bXbox|\bNintendo")),
    ("smarttv", re.compile(r"\bSmart-?TV\b|\bTizen\b.*\bTV\b|\bWeb0S\b|\bAppleTV|\bGoogleTV|\bHbbTV", re.I)),
    ("wearable", re.compile(r"\bWatch\b|\bWearOS\b")),
    ("tablet", re.compile(r"\biPad\b|\bTablet\b|Android(?!.*\bMobile\b)")),
    ("mobile", re.compile(r"\bMobile\b|\biPhone\b|\biPod\b")),
)


@dataclass(frozen=True)
class UserAgent:
    client: str | None
    device: str
    operating_system: str | None


def parse(header: str | None) -> UserAgent:
    """The families one User-Agent names; None where it names none we know."""
    text = (header or "")[:512]
    client = next((name for name, pattern in _BROWSERS if pattern.search(text)), None)
    system = next((name for name, pattern in _SYSTEMS if pattern.search(text)), None)
    device = next((name for name, pattern in _DEVICES if pattern.search(text)), "desktop")
    return UserAgent(client, device, system)


def described(header: str | None, client: str | None, device: str | None, operating_system: str | None) -> UserAgent:
    """What the player said of itself, completed by its header."""
    parsed = parse(header)
    return UserAgent(
        _name(client) or parsed.client,
        device if device in DEVICES else parsed.device,
        _name(operating_system) or parsed.operating_system,
    )


def _name(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = value.strip()[:MAX_NAME]
    return cleaned or None
