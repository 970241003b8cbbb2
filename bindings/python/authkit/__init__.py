"""authkit: libauthkit's session lifecycle (register, login, refresh with replay detection,
sessions) from Python, through its C ABI.

    with authkit.Service({"DATABASE_URL": "sqlite::memory:", ...}) as svc:
        pair = svc.login("a@example.com", "password123")
        svc.me(pair["accessToken"])
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
