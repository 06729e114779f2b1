"""The per-host caps on what other servers may store here (config.FederationSettings): any
server can push videos, playlists and comments without being asked, and each video joins
every API instance's in-memory catalogue, so no one host may grow it without bound."""

from __future__ import annotations

from chalicelib.activitypub.remote.parse.checks import InvalidDocument
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.store import host_counts


def check(kind: str, host: str) -> None:
    """Refuse (InvalidDocument, logged) a new `kind` object of `host` beyond its cap."""
    federation = get_settings().federation
    cap = {
        "videos": federation.max_videos_per_host,
        "playlists": federation.max_playlists_per_host,
        "comments": federation.max_comments_per_host,
    }[kind]
    if host_counts.stored(kind, host) >= cap:
        logger.warning("remote host over its storage cap", extra={"host": host, "kind": kind, "cap": cap})
        raise InvalidDocument(f"{host} has {cap} {kind} stored here already (the cap)")


def stored(kind: str, host: str) -> None:
    host_counts.add(kind, host, 1)


def removed(kind: str, host: str) -> None:
    host_counts.add(kind, host, -1)
