"""The query parameters shared by PeerTube's video lists and video search, checked as
PeerTube's validators check them (commonVideosFiltersValidator)."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import automatic_tags, history, muting
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.video_lists import VideoFilter
from chalicelib.errors import BadRequestError, UnauthorizedError, ValidationError

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.store.models import User

INCLUDE_NOT_PUBLISHED_STATE = 1
INCLUDE_BLACKLISTED = 2
INCLUDE_BLOCKED_OWNER = 4
INCLUDE_AUTOMATIC_TAGS = 64
NOT_ALLOWED = "You are not allowed to see all videos, specify a custom include or auto tags filter"
FILTER_GONE = (
    '"filter" query parameter is not supported anymore by PeerTube. Please use "isLocal" and "include" instead'
)
DEFAULT_NSFW_POLICY = "do_not_list"
_INTEGER = re.compile(r"^-?\d+$")


class QueryParams:
    """Multi-valued query parameters, accepting both `name=...` and `name[]=...`."""

    def __init__(self, request: Request) -> None:
        self._params = request.query_params
        self.invalid: dict[str, str] = {}

    def values(self, name: str) -> list[str] | None:
        if self._params is None:
            return None
        found = [value for key in (name, f"{name}[]") if key in self._params for value in self._params.getlist(key)]
        return found or None

    def one(self, name: str) -> str | None:
        found = self.values(name)
        return found[-1] if found else None

    def fail(self, name: str, message: str) -> None:
        self.invalid.setdefault(name, message)

    def raise_if_invalid(self) -> None:
        if self.invalid:
            raise ValidationError(self.invalid, location="query")

    def boolean(self, name: str) -> bool | None:
        """PeerTube's loose booleans: '', '0' and 'false' are false, 'null' is refused, and
        any other string is true."""
        raw = self.one(name)
        if raw is None:
            return None
        if raw == "null":
            self.fail(name, f"Should have a valid {name} boolean")
            return None
        return raw.lower() not in ("", "0", "false")

    def nsfw(self) -> tuple[bool, bool | None]:
        """(given, value): `both` is given but does not filter."""
        raw = self.one("nsfw")
        if raw is None:
            return False, None
        if raw not in ("true", "false", "both"):
            self.fail("nsfw", "Invalid value")
            return True, None
        return True, None if raw == "both" else raw == "true"

    def integers(self, name: str, allowed: Any = None) -> frozenset[int] | None:
        raw = self.values(name)
        if raw is None:
            return None
        if not all(_INTEGER.match(value) for value in raw) or (
            allowed is not None and not all(int(value) in allowed for value in raw)
        ):
            self.fail(name, f"Should have a valid {name} array")
            return None
        return frozenset(int(value) for value in raw)

    def strings(self, name: str, *, lower: bool = False) -> frozenset[str] | None:
        raw = self.values(name)
        if raw is None:
            return None
        if not all(0 < len(value) <= 100 for value in raw):
            self.fail(name, f"Should have a valid {name} array")
            return None
        return frozenset(value.lower() if lower else value for value in raw)

    def integer(self, name: str, low: int = 0) -> int | None:
        raw = self.one(name)
        if raw is None:
            return None
        if not _INTEGER.match(raw) or int(raw) < low:
            self.fail(name, "Invalid value")
            return None
        return int(raw)

    def date(self, name: str, message: str) -> datetime | None:
        raw = self.one(name)
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(name, message)
            return None
        return moment


def video_filter(params: QueryParams, viewer: User | None, *, owner_view: bool = False) -> VideoFilter:
    """Read the filters. `include` needs the SEE_ALL_VIDEOS right everywhere, `privacyOneOf`
    everywhere but in the caller's own list (users/me/videos)."""
    given_nsfw, nsfw = params.nsfw()
    include = params.integer("include")
    privacy_one_of = params.integers("privacyOneOf")
    filters = VideoFilter(
        nsfw=nsfw if given_nsfw or owner_view else _default_nsfw(viewer),
        is_local=params.boolean("isLocal"),
        is_live=params.boolean("isLive"),
        category_one_of=params.integers("categoryOneOf"),
        licence_one_of=params.integers("licenceOneOf"),
        language_one_of=params.strings("languageOneOf"),
        tags_one_of=params.strings("tagsOneOf", lower=True),
        tags_all_of=params.strings("tagsAllOf", lower=True),
        privacy_one_of=privacy_one_of,
        include_not_published=bool((include or 0) & INCLUDE_NOT_PUBLISHED_STATE),
        include_blacklisted=bool((include or 0) & INCLUDE_BLACKLISTED),
        has_hls_files=params.boolean("hasHLSFiles"),
        has_web_video_files=params.boolean("hasWebVideoFiles"),
        host=params.one("host"),
        search=params.one("search") or None,
    )
    auto_tags = params.strings("autoTagOneOf")
    params.boolean("skipCount")
    exclude_watched = params.boolean("excludeAlreadyWatched")
    params.raise_if_invalid()
    may_see_all = viewer is not None and has_right(Role(int(viewer.role)), Right.SEE_ALL_VIDEOS)
    staff_only = include is not None or auto_tags is not None or (privacy_one_of is not None and not owner_view)
    if staff_only and not may_see_all:
        raise UnauthorizedError(NOT_ALLOWED)
    if auto_tags is not None:
        filters = dataclasses.replace(filters, video_ids_one_of=automatic_tags.tagged_video_ids(auto_tags))
    if params.one("excludeAlreadyWatched") is not None and viewer is None:
        raise BadRequestError("Cannot use excludeAlreadyWatched parameter when auth token is not provided")
    if params.one("filter") is not None:
        raise BadRequestError(FILTER_GONE)
    if exclude_watched and viewer is not None:
        filters = dataclasses.replace(filters, exclude_video_ids=history.watched_video_ids(viewer) or None)
    if not owner_view and not (include or 0) & INCLUDE_BLOCKED_OWNER:
        muted = muting.for_viewer(viewer)
        if muted:
            filters = dataclasses.replace(
                filters, muted_account_ids=muted.account_ids or None, muted_hosts=muted.hosts or None
            )
    return filters


def skip_count(params: QueryParams) -> bool:
    return bool(params.boolean("skipCount"))


def _default_nsfw(viewer: User | None) -> bool | None:
    """Without `nsfw`, the viewer's policy decides (the instance's for anonymous callers,
    PeerTube's default `do_not_list`): sensitive videos are left out of lists."""
    policy = viewer.nsfw_policy if viewer is not None else DEFAULT_NSFW_POLICY
    return False if policy == "do_not_list" else None


def shows_automatic_tags(params: QueryParams, viewer: User | None) -> bool:
    """`include` flag 64 (AUTOMATIC_TAGS): each video with the instance's tags (staff only,
    which video_filter already checked)."""
    include = params.integer("include") or 0
    return bool(include & INCLUDE_AUTOMATIC_TAGS) and viewer is not None
