"""Domain errors, and the one table that turns them into HTTP statuses.

Domain and store code raise these without knowing about HTTP; the API layer looks the
status up in `STATUS_BY_ERROR` and renders PeerTube's problem+json body
(see chalicelib/api/problems.py).
"""

from __future__ import annotations

from collections.abc import Mapping


class CirrusError(Exception):
    """Base of every error a request can end with on purpose.

    `detail` is shown to the client as is, so it must never carry secrets. `code` is
    PeerTube's machine-readable error code (ServerErrorCode) where PeerTube has one.
    """

    def __init__(self, detail: str, *, code: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.headers = dict(headers or {})


class BadRequestError(CirrusError):
    """The request is malformed in a way that is not tied to one field."""


class ValidationError(CirrusError):
    """One or more fields of the request are invalid.

    `invalid_params` maps each field name to the reason it was refused, and ends up in
    the problem body's `invalid-params`, as PeerTube's validators do.
    """

    def __init__(self, invalid_params: Mapping[str, str], *, code: str | None = None, location: str = "body") -> None:
        self.invalid_params = dict(invalid_params)
        self.location = location  # express-validator's: body, query or params
        fields = ", ".join(self.invalid_params)
        super().__init__(f"Incorrect request parameters: {fields}", code=code)


class UnauthorizedError(CirrusError):
    """No credentials, or credentials that are not (or no longer) valid."""


class ForbiddenError(CirrusError):
    """Valid credentials that do not allow this action on this object."""


class NotFoundError(CirrusError):
    """The object named by the request does not exist (or is hidden from this caller)."""


class ConflictError(CirrusError):
    """The request conflicts with what is stored (a duplicate name, a stale state)."""


class NotAcceptableError(CirrusError):
    """The client's Accept header takes none of the types the resource comes in."""


class NotImplementedServiceError(CirrusError):
    """A variant of the request that the server does not implement (oEmbed's XML)."""


class PayloadTooLargeError(CirrusError):
    """The body, or the quota it would consume, is larger than allowed."""


class UnsupportedMediaTypeError(CirrusError):
    """The request body has a content type this route does not accept."""


class LockedError(CirrusError):
    """The object is being changed by another request right now."""


class TooManyRequestsError(CirrusError):
    """The caller is over a rate limit."""


class ServiceUnavailableError(CirrusError):
    """A dependency is not reachable right now; the client may retry."""


STATUS_BY_ERROR: Mapping[type[CirrusError], int] = {
    BadRequestError: 400,
    ValidationError: 400,
    UnauthorizedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    NotAcceptableError: 406,
    ConflictError: 409,
    PayloadTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    LockedError: 423,
    TooManyRequestsError: 429,
    NotImplementedServiceError: 501,
    ServiceUnavailableError: 503,
}


def status_for(error: CirrusError) -> int:
    """The HTTP status of an error, found through its class hierarchy."""
    for cls in type(error).__mro__:
        status = STATUS_BY_ERROR.get(cls)
        if status is not None:
            return status
    return 500
