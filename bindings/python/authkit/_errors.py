"""The exceptions of authkit: one class per ak_status, each carrying the REST error."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Type


class AuthError(Exception):
    """A failed operation: `code` is the REST contract's error code ("REFRESH_TOKEN_REUSED"),
    `message` its message, `details` the validation details ([] when none), `status` the HTTP
    status the REST server answers with, `correlation_id` the request context's."""

    def __init__(self, code: str, message: str, details: List[Dict[str, str]], status: int,
                 correlation_id: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details
        self.status = status
        self.correlation_id = correlation_id


class InvalidArgumentError(AuthError):
    """AK_ERR_INVALID_ARGUMENT: INVALID_PAYLOAD (see .details), INVALID_CONFIGURATION."""


class AuthenticationError(AuthError):
    """AK_ERR_AUTH: credentials, tokens and sessions (the contract's 401 and 404 codes)."""


class ConflictError(AuthError):
    """AK_ERR_CONFLICT: USER_ALREADY_EXISTS."""


class RateLimitedError(AuthError):
    """AK_ERR_RATE_LIMITED: TOO_MANY_REQUESTS."""


class UnavailableError(AuthError):
    """AK_ERR_UNAVAILABLE: SERVICE_UNAVAILABLE (a dependency, or the password-hashing queue)."""


class InternalError(AuthError):
    """AK_ERR_INTERNAL: INTERNAL_SERVER_ERROR."""


# By ak_status value (authkit.h); a status this package does not know is an AuthError.
_BY_STATUS: Dict[int, Type[AuthError]] = {
    1: InvalidArgumentError,
    2: AuthenticationError,
    3: ConflictError,
    4: RateLimitedError,
    5: UnavailableError,
    6: InternalError,
}


def error_from(status: int, envelope: str, http_status: int) -> AuthError:
    """The exception of a failed call from its status and the recorded error envelope."""
    cls = _BY_STATUS.get(status, AuthError)
    try:
        body: Dict[str, Any] = json.loads(envelope)["error"]
    except (ValueError, KeyError, TypeError):
        body = {"code": "INTERNAL_SERVER_ERROR", "message": "internal server error"}
    details: Optional[List[Dict[str, str]]] = body.get("details")
    return cls(str(body.get("code", "")), str(body.get("message", "")), list(details or []),
               http_status, str(body.get("correlationId", "")))
