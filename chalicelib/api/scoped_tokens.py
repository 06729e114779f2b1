"""PeerTube's scoped tokens (GET and POST /api/v1/users/scoped-tokens): the feed token that
lets a feed reader, which has no session, fetch the user's subscriptions feed."""

from __future__ import annotations

import uuid

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.store import users

scoped_tokens_api = ApiBlueprint(__name__)


@scoped_tokens_api.route("/api/v1/users/scoped-tokens", methods=["GET"])
def get_scoped_tokens() -> dict[str, str]:
    user = session(scoped_tokens_api.current_request).user
    token = user.feed_token or users.set_feed_token(user, str(uuid.uuid4()), only_if_none=True)
    return {"feedToken": str(token)}


@scoped_tokens_api.route("/api/v1/users/scoped-tokens", methods=["POST"], content_types=["*/*"])
def renew_scoped_tokens() -> dict[str, str]:
    user = session(scoped_tokens_api.current_request).user
    return {"feedToken": users.set_feed_token(user, str(uuid.uuid4()))}
