"""authkit: libauthkit's session lifecycle (register, login, refresh with replay detection,
sessions) from Python, through its C ABI.

    with authkit.Service({"DATABASE_URL": "sqlite::memory:", ...}) as svc:
        pair = svc.login("a@example.com", "password123")
        svc.me(pair["accessToken"])

Service runs the operations of the REST contract in-process (the same rules and error codes as
the HTTP server); RequestContext says who a call serves. Each failure raises a subclass of
AuthError, one per ak_status: InvalidArgumentError, AuthenticationError, ConflictError,
RateLimitedError, UnavailableError, InternalError.

__version__ is the loaded libauthkit's version ("1.1.0"); ABI_VERSION its C ABI major, the
libauthkit.so.N this package runs on.
"""
from . import capi as _c
from ._errors import (AuthError, AuthenticationError, ConflictError, InternalError,
                      InvalidArgumentError, RateLimitedError, UnavailableError)
from ._service import RequestContext, Service

__version__: str = _c.ak_version()
ABI_VERSION: int = _c.ak_abi_version()

__all__ = [
    "ABI_VERSION", "AuthError", "AuthenticationError", "ConflictError", "InternalError",
    "InvalidArgumentError", "RateLimitedError", "RequestContext", "Service",
    "UnavailableError", "__version__",
]
