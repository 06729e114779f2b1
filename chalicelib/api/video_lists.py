"""Video lists: the instance's, an account's, a channel's, and the caller's own. Each page
passes through PeerTube's list result filter of its kind (plugins see and may change the
JSON page, `{total, data}`)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import pagination
from chalicelib.api.video_filters import QueryParams, shows_automatic_tags, skip_count, video_filter
from chalicelib.api.video_shapes import video_page_json
from chalicelib.config import get_settings
from chalicelib.domain import automatic_tags, browse, collaborators
from chalicelib.domain.channels import get_account_or_404, get_channel_or_404
from chalicelib.domain.video_lists import VIDEO_SORTS, Scope

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.store.models import User

video_lists_api = ApiBlueprint(__name__)


@video_lists_api.route("/api/v1/videos", methods=["GET"])
def list_videos() -> dict[str, Any]:
    return _list(video_lists_api.current_request, Scope(), instance_wide=True, hook="filter:api.videos.list.result")


@video_lists_api.route("/api/v1/accounts/{name}/videos", methods=["GET"])
def list_account_videos(name: str) -> dict[str, Any]:
    account = get_account_or_404(get_settings(), name)
    scope = Scope(account_id=int(account.id))
    return _list(video_lists_api.current_request, scope, hook="filter:api.accounts.videos.list.result")


@video_lists_api.route("/api/v1/video-channels/{handle}/videos", methods=["GET"])
def list_channel_videos(handle: str) -> dict[str, Any]:
    channel = get_channel_or_404(get_settings(), handle)
    scope = Scope(channel_ids=frozenset({int(channel.id)}))
    return _list(video_lists_api.current_request, scope, hook="filter:api.video-channels.videos.list.result")


@video_lists_api.route("/api/v1/users/me/videos", methods=["GET"])
def list_my_videos() -> dict[str, Any]:
    request = video_lists_api.current_request
    user = session(request).user
    scope = Scope(account_id=int(user.account_id), owner_view=True)
    if QueryParams(request).boolean("includeCollaborations"):
        # PeerTube 8: also the videos of the channels the caller collaborates on.
        scope = dataclasses.replace(
            scope, collaborated_channel_ids=collaborators.collaborated_channel_ids(int(user.account_id))
        )
    return _list(request, scope, viewer=user, owner_view=True, hook="filter:api.user.me.videos.list.result")


def _list(
    request: Request,
    scope: Scope,
    *,
    viewer: User | None = None,
    owner_view: bool = False,
    instance_wide: bool = False,
    hook: str,
) -> dict[str, Any]:
    settings = get_settings()
    page = pagination(request, VIDEO_SORTS, "-publishedAt")
    if viewer is None:
        current = optional_session(request)
        viewer = current.user if current else None
    params = QueryParams(request)
    filters = video_filter(params, viewer, owner_view=scope.owner_view)
    if instance_wide:
        filters = dataclasses.replace(filters, followed_only=True)
    scope = dataclasses.replace(scope, viewer_logged_in=viewer is not None)
    found = browse.list_videos(scope, filters, page.sort, page.start, page.count, settings.instance_host)
    body = video_page_json(
        found,
        settings,
        with_total=not skip_count(params),
        with_state=owner_view or filters.include_not_published,
        with_moderation=owner_view,
    )
    if shows_automatic_tags(params, viewer):
        tags = automatic_tags.tags_of_videos([int(shown["id"]) for shown in body["data"]])
        for shown in body["data"]:
            shown["automaticTags"] = tags.get(int(shown["id"]), [])
    return dict(plugins.run_filter(hook, body, user=viewer))
