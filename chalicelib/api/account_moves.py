"""Moving an account to another instance (a Cirrus extension; PeerTube has no such routes):
the aliases the account names (`alsoKnownAs`) and the move itself. docs/federation.md,
"Moving an account"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import moves
from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.responses import no_content
from chalicelib.domain.oauth import utcnow
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalice.app import Request, Response

    from chalicelib.store.models import Actor

account_moves_api = ApiBlueprint(__name__)


@account_moves_api.route("/api/v1/users/me/aliases", methods=["GET"])
def get_aliases() -> dict[str, Any]:
    account = _account(account_moves_api.current_request)
    return {"aliases": list(account.also_known_as or []), "movedTo": account.moved_to}


@account_moves_api.route("/api/v1/users/me/aliases", methods=["PUT"], content_types=["application/json"])
def put_aliases() -> Response:
    request = account_moves_api.current_request
    account = _account(request)
    try:
        aliases = moves.check_aliases(json_object(request).get("aliases"))
    except ValueError as exc:
        raise ValidationError({"aliases": str(exc)}) from None
    if str(account.url) in aliases:
        raise ValidationError({"aliases": "An account cannot be its own alias"})
    moves.set_aliases(account, aliases)
    return no_content()


@account_moves_api.route("/api/v1/users/me/move", methods=["POST"], content_types=["application/json"])
def move_account() -> dict[str, Any]:
    request = account_moves_api.current_request
    account = _account(request)
    target = json_object(request).get("target")
    if not isinstance(target, str) or not 3 <= len(target) <= 2000:
        raise ValidationError({"target": "An actor URL or a name@host handle is expected"})
    try:
        moved_to = moves.move_account(account, target, utcnow())
    except moves.MoveRefused as exc:
        raise ValidationError({"target": str(exc)}) from None
    return {"movedTo": str(moved_to.url)}


def _account(request: Request) -> Actor:
    user = session(request).user
    account = actors.get_actor(int(user.account_id))
    if account is None:
        raise NotFoundError("Account not found")
    return account
