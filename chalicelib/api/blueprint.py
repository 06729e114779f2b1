"""A Chalice blueprint whose views turn domain errors into problem+json responses.

Chalice catches every exception a view raises and answers 500, so the translation has to
happen around the view itself; doing it here keeps each view free of try/except.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice.app import BadRequestError as ChaliceBadRequestError
from chalice.app import Blueprint

from chalicelib.api.problems import problem_from_error, problem_response
from chalicelib.errors import CirrusError, ValidationError

View = Callable[..., Any]


# Methods without a request body: their Content-Type header means nothing, and PeerTube
# ignores it, whereas Chalice would answer 415 to anything but application/json.
BODILESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


class ApiBlueprint(Blueprint):
    def route(self, path: str, **kwargs: Any) -> Callable[[View], View]:
        methods = {m.upper() for m in kwargs.get("methods", ["GET"])}
        if methods <= BODILESS_METHODS:
            kwargs.setdefault("content_types", ["*/*"])
        register = super().route(path, **kwargs)

        def decorator(view: View) -> View:
            register(_answering_problems(view, self))
            return view

        return decorator


def _answering_problems(view: View, blueprint: Blueprint) -> View:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except CirrusError as error:
            # PeerTube names the request in validation problems (`instance`).
            instance = _original_url(blueprint) if isinstance(error, ValidationError) else None
            return problem_from_error(error, instance=instance)
        except ChaliceBadRequestError as error:
            # Raised by Request.json_body on a body that is not JSON.
            return problem_response(400, str(error) or "Bad request.")

    return guarded


def _original_url(blueprint: Blueprint) -> str | None:
    request = blueprint.current_request
    event = request.to_original_event()
    path = event.get("path") or ""
    query = event.get("multiValueQueryStringParameters") or {}
    pairs = [f"{name}={value}" for name, values in query.items() for value in values]
    return path + ("?" + "&".join(pairs) if pairs else "")
