"""Validate response bodies against the schemas of PeerTube's OpenAPI file (../shared)."""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource

from tests.conftest import shared_file

SPEC_URI = "urn:peertube-openapi"


@functools.cache
def _spec() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(shared_file("peertube-openapi.yaml"), encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=loader)
    _fix_javascript_patterns(spec)
    return spec  # type: ignore[no-any-return]


def _fix_javascript_patterns(node: Any) -> None:
    """The file writes some patterns JavaScript-style, `/^[a-z]+$/`: the slashes are
    delimiters, not part of the expression, and no name would ever match them."""
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
            node["pattern"] = pattern[1:-1]
        for value in node.values():
            _fix_javascript_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _fix_javascript_patterns(value)


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(SPEC_URI, Resource.opaque(_spec()))


def schema_errors(schema_name: str, document: Any) -> list[str]:
    """Every way `document` breaks components.schemas[schema_name]; empty when it conforms."""
    schema = {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"}
    validator = OAS30Validator(schema, registry=_registry())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def assert_conforms(schema_name: str, document: Any, *, known_deviations: tuple[str, ...] = ()) -> None:
    """Fail on any violation except at paths where PeerTube's behaviour and its file differ
    (each deviation is a regular expression matched at the start of the violation's path)."""
    patterns = [re.compile(deviation) for deviation in known_deviations]
    errors = [e for e in schema_errors(schema_name, document) if not any(p.match(e) for p in patterns)]
    assert not errors, f"{schema_name} violations:\n" + "\n".join(errors[:20])


# Fields PeerTube sends as null although the file does not say `nullable` (its behaviour wins).
USER_NULLS = ("emailVerified", "videoLanguages", "blockedReason", "pluginAuth", "lastLoginDate", "pendingEmail")
ACTOR_NULLS = ("description", "support", "account/description", "ownerAccount/description")
VIDEO_NULLS = (
    "category/id", "licence/id", "language/id", "truncatedDescription", "description", "nsfwSummary",
    "originallyPublishedAt", "blacklistedReason", "support", "inputFileUpdatedAt", "aspectRatio",
    "account/description", "channel/description", "channel/support", "channel/ownerAccount/description",
    "thumbnailPath", "previewPath", r"streamingPlaylists/\d+/files/\d+/torrent", r"tags: \[\] should be non-empty",
    r"files/\d+/torrent",  # a web video's, until its torrent is made (PeerTube: null as well)
    # PeerTube's magnet URIs (magnet-uri's encoding) start with xs=, the file's pattern with xt=.
    r"(streamingPlaylists/\d+/)?files/\d+/magnetUri: 'magnet:\?xs=",
)  # fmt: skip
# The original between the end of its upload and its probe has no URL yet (its name carries
# its resolution).
UNPROBED_ORIGINAL_NULLS = (r"files/0/fileUrl: None", r"files/0/fileDownloadUrl: None")

# Comments, where PeerTube's answers differ from its OpenAPI file (its behaviour wins):
# - a deleted comment keeps its place as a tombstone with text "" (the file says minLength
#   1) and account null (the file's Account is not nullable);
# - a thread root's inReplyToCommentId is null: the file says `nullable` beside an `allOf`,
#   which OpenAPI 3.0 ignores;
# - an account without a description has description null (ACTOR_NULLS).
ACCOUNT_NULLS = tuple(f"account/{path}" for path in ACTOR_NULLS if "/" not in path)
TOMBSTONE = ("text: '' should be non-empty", "account: None is not of type 'object'")
COMMENT_DEVIATIONS = ("inReplyToCommentId: None", *ACCOUNT_NULLS, *TOMBSTONE)
POST_DEVIATIONS = tuple(f"comment/{pattern}" for pattern in COMMENT_DEVIATIONS)
LIST_DEVIATIONS = tuple(rf"data/\d+/{pattern}" for pattern in COMMENT_DEVIATIONS)
TREE_DEVIATIONS = tuple(rf"(children/\d+/)*comment/{pattern}" for pattern in COMMENT_DEVIATIONS)

# Playlists, where PeerTube's answers and its OpenAPI file differ (PeerTube wins):
PLAYLIST_NULLS = (
    "description: None",  # null without a description; the file says a 3-1000 string
    "thumbnailPath: None",  # null without a thumbnail
    "videoChannel: None",  # an explicit null without a channel (VideoChannelSummary is not nullable)
    "videoChannelPosition: None",  # null without a channel
)
ELEMENT_NULLS = ("startTimestamp: None", "stopTimestamp: None")  # null when unset

# ServerConfig: PeerTube lists registered themes as objects (npmName, name, version, css...,
# its RegisteredTheme); the file says strings.
SERVER_CONFIG_DEVIATIONS = (r"theme/registered/\d+: ",)
