"""Client plugins: the ES modules and CSS a plugin ships as package data for the web client
(PeerTube's `clientScripts: [{script, scopes}]` and `css` of its package.json).

A plugin declares each file in its `register(api)`; a path is relative to the plugin's
package directory. Only declared files are ever served, and each is checked when it is
declared: a plain relative path (no `..`, no hidden segment, no backslash), the right suffix,
a regular UTF-8 file inside the package directory once symbolic links are resolved, and at
most MAX_BYTES. A declaration that fails makes `register` fail, as a bad setting does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chalicelib.observability import count, logger

# PeerTube's client scopes (packages/models/src/plugins/client/plugin-client-scope.type.ts).
SCOPES = frozenset(
    {
        "common",
        "video-watch",
        "search",
        "signup",
        "login",
        "embed",
        "video-edit",
        "admin-plugin",
        "my-library",
        "video-channel",
        "my-account",
    }
)
SCRIPT_SUFFIXES = (".js", ".mjs")
CSS_SUFFIX = ".css"
MAX_BYTES = 1024 * 1024
UNKNOWN_SCOPES_METRIC = "PluginUnknownClientScopes"
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9._-]*"
_PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
SCRIPT_TYPE = "text/javascript; charset=utf-8"
CSS_TYPE = "text/css; charset=utf-8"


@dataclass(frozen=True)
class ClientFile:
    path: str  # as declared, and as it appears in the URL
    file: Path  # resolved, inside the plugin's package directory
    scopes: tuple[str, ...] = ()  # a script's scopes; empty for CSS

    def read(self) -> str:
        return self.file.read_text(encoding="utf-8")


def declare(root: Path | None, plugin: str, path: object, suffixes: tuple[str, ...]) -> tuple[str, Path]:
    """The declared `path` and its file, or ValueError saying why it cannot be served."""
    if root is None:
        raise ValueError("client files need the plugin's register() to live in a package (__init__.py)")
    if not isinstance(path, str) or not _PATH.fullmatch(path) or ".." in path.split("/"):
        raise ValueError(f"{path!r}: a client file is a plain relative path inside the plugin's package")
    if not path.endswith(suffixes):
        raise ValueError(f"{path!r}: a client file of this kind ends with {' or '.join(suffixes)}")
    base = root.resolve()
    file = (base / path).resolve()
    if not file.is_relative_to(base) or not file.is_file():
        raise ValueError(f"{path!r}: no such file in the plugin's package")
    if file.stat().st_size > MAX_BYTES:
        raise ValueError(f"{path!r}: larger than {MAX_BYTES} bytes")
    try:
        file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path!r}: not UTF-8 text") from error
    return path, file


def script(root: Path | None, plugin: str, path: object, scopes: object) -> ClientFile:
    declared, file = declare(root, plugin, path, SCRIPT_SUFFIXES)
    if isinstance(scopes, str) or not isinstance(scopes, list | tuple) or not scopes:
        raise ValueError(f"{declared!r}: scopes is a non-empty list of PeerTube's client scopes")
    known = tuple(dict.fromkeys(scope for scope in scopes if scope in SCOPES))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        # A scope of a newer PeerTube: the script still loads in the scopes Cirrus knows.
        logger.warning("plugin declared unknown client scopes", extra={"plugin": plugin, "scopes": unknown})
        count(UNKNOWN_SCOPES_METRIC)
    return ClientFile(declared, file, known)


def css(root: Path | None, plugin: str, path: object) -> ClientFile:
    declared, file = declare(root, plugin, path, (CSS_SUFFIX,))
    return ClientFile(declared, file)


def package_root(register: object) -> Path | None:
    """The directory of the package whose register() this is, or None for a lone module."""
    import inspect

    try:
        source = Path(inspect.getfile(register))  # type: ignore[arg-type]
    except TypeError:
        return None
    return source.parent if source.name == "__init__.py" else None
