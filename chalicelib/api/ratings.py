"""Ratings: rate a video, read my rating, list an account's ratings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import MAX_COUNT, check_read_window, json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.video_passwords import password_header
from chalicelib.api.video_shapes import video_json
from chalicelib.config import get_settings
from chalicelib.domain import ratings as rating_cases
from chalicelib.domain import videos as video_cases
from chalicelib.domain.channels import get_account_or_404
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import ForbiddenError, ValidationError
from chalicelib.store import actors, ratings, videos

if TYPE_CHECKING:
    from chalice.app import Response

ratings_api = ApiBlueprint(__name__)


@ratings_api.route("/api/v1/videos/{video_id}/rate", methods=["PUT"])
def rate_video(video_id: str) -> Response:
    request = ratings_api.current_request
    user = session(request).user
    rating = rating_cases.read_rating(json_object(request).get("rating"))
    video = video_cases.find_video(video_id)
    video_cases.check_can_see(video, user, by_uuid=not video_id.isdigit(), password=password_header(request))
    rating_cases.rate(video, user, rating, utcnow())
    return no_content()


@ratings_api.route("/api/v1/users/me/videos/{video_id}/rating", methods=["GET"])
def get_my_rating(video_id: str) -> dict[str, Any]:
    user = session(ratings_api.current_request).user
    video = video_cases.find_video(video_id, field="videoId")
    return {"videoId": int(video.id), "rating": rating_cases.rating_of(user, video)}


@ratings_api.route("/api/v1/accounts/{name}/ratings", methods=["GET"])
def list_account_ratings(name: str) -> dict[str, Any]:
    request = ratings_api.current_request
    user = session(request).user
    settings = get_settings()
    account = get_account_or_404(settings, name)
    if int(account.id) != int(user.account_id) and not has_right(Role(int(user.role)), Right.MANAGE_USERS):
        raise ForbiddenError("Only a user with sufficient right can manage this account resource.")
    if not account.is_local:
        raise ForbiddenError("This account is not owned by the platform")
    page = pagination(request, ("createdAt",), "-createdAt")
    kind = dict(request.query_params or {}).get("rating")
    if kind is not None and kind not in ("like", "dislike"):
        raise ValidationError({"rating": 'Value must be one of "like" or "dislike"'}, location="query")
    check_read_window(page)
    count = page.count or MAX_COUNT  # PeerTube's "all" for 0: a full page at most (L10)
    rates = ratings.list_account_rates(
        int(account.id), kind, newest_first=page.sort.startswith("-"), limit=page.start + count
    )
    shown = rates[page.start : page.start + count]
    found = videos.get_videos([int(rate.video_id) for rate in shown])
    people = actors.get_actors(
        {int(v.account_id) for v in found.values()} | {int(v.channel_id) for v in found.values()}
    )
    data = []
    for rate in shown:
        video = found.get(int(rate.video_id))
        if video is None or int(video.account_id) not in people or int(video.channel_id) not in people:
            continue
        body = video_json(video, people[int(video.account_id)], people[int(video.channel_id)], settings)
        data.append({"video": body, "rating": rate.rating})
    return {"total": ratings.count_account_rates(int(account.id), kind), "data": data}
