"""authkit.Service: the AuthService of libauthkit through its C ABI (module authkit.capi)."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Mapping, Optional, Union
from contextlib import contextmanager

from . import capi as _c
from ._errors import error_from

ConfigValue = Union[str, int, bool]


@dataclass(frozen=True)
class RequestContext:
    """What an operation is told about the request it serves (each part optional): the client
    IP keys the rate limit, the user agent is kept on the session, the correlation id goes to
    audit events and to the error envelope."""

    ip: Optional[str] = None
    user_agent: Optional[str] = None
    correlation_id: Optional[str] = None


def _text(name: str, value: object) -> str:
    """`value` if it is a str a C string can carry; TypeError or ValueError otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{name} must not contain NUL characters")
    return value


def _config_text(key: object, value: object) -> str:
    _text("config key", key)
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _text(f"config[{key!r}]", value)


class Service:
    """One libauthkit service (database, rate limiter, token keys).

    `config` maps the environment variables of docs/configuration.md to values (str, int or
    bool); a name not documented there raises InvalidArgumentError naming it and the name it
    probably meant (docs/c-abi.md#settings-by-name); the reference server's names are accepted
    and ignored. None reads the process environment instead. Thread-safe: share one instance between
    threads; the GIL is released while the library works (hashing, database I/O). Use it as a
    context manager, or call close(). Every failure raises an authkit.AuthError subclass."""

    def __init__(self, config: Optional[Mapping[str, ConfigValue]] = None) -> None:
        self._lock = threading.Condition()
        self._busy = 0
        self._handle: Any = None
        if config is None:
            status, handle = _c.ak_service_create(None)
        else:
            if not isinstance(config, Mapping):
                raise TypeError(f"config must be a mapping, not {type(config).__name__}")
            status, cfg = _c.ak_config_create()
            if status != _c.AK_OK:
                raise error_from(status, _c.ak_service_errjson(None), _c.ak_service_errstatus(None))
            try:
                for key, value in config.items():
                    text = _config_text(key, value)
                    if _c.ak_config_set(cfg, key, text) != _c.AK_OK:
                        raise error_from(_c.AK_ERR_INTERNAL, _c.ak_service_errjson(None), 500)
                status, handle = _c.ak_service_create(cfg)
            finally:
                _c.ak_config_destroy(cfg)
        if status != _c.AK_OK:
            raise error_from(status, _c.ak_service_errjson(None), _c.ak_service_errstatus(None))
        self._handle = handle

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Waits for the calls in flight, then releases the service. Idempotent."""
        with self._lock:
            while self._busy:
                self._lock.wait()
            handle, self._handle = self._handle, None
        if handle is not None:
            _c.ak_service_destroy(handle)

    @property
    def closed(self) -> bool:
        """True once close() has released the service; any operation then raises."""
        return self._handle is None

    def __enter__(self) -> "Service":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) is not None:
            self.close()

    @contextmanager
    def _use(self) -> Iterator[Any]:
        with self._lock:
            if self._handle is None:
                raise ValueError("operation on a closed authkit.Service")
            self._busy += 1
            handle = self._handle
        try:
            yield handle
        finally:
            with self._lock:
                self._busy -= 1
                self._lock.notify_all()

    def _call(self, fn: Any, *args: Any, context: Optional[RequestContext] = None) -> Any:
        """Runs fn(handle, [ctx,] *args); the values after the status, or raises."""
        if context is not None and not isinstance(context, RequestContext):
            raise TypeError("context must be an authkit.RequestContext")
        with self._use() as handle:
            ctx = None
            if context is not None:
                status, ctx = _c.ak_request_context_create(
                    *(None if v is None else _text("context", v)
                      for v in (context.ip, context.user_agent, context.correlation_id)))
                if status != _c.AK_OK:
                    raise error_from(status, _c.ak_service_errjson(None),
                                     _c.ak_service_errstatus(None))
            try:
                result = fn(handle, ctx, *args)
            finally:
                _c.ak_request_context_destroy(ctx)
            status, rest = (result, ()) if isinstance(result, int) else (result[0], result[1:])
            if status != _c.AK_OK:
                raise error_from(status, _c.ak_service_errjson(handle),
                                 _c.ak_service_errstatus(handle))
            return rest

    def _plain(self, fn: Any) -> Any:
        """Runs fn(handle) for the calls that take no request context."""
        with self._use() as handle:
            result = fn(handle)
            status, rest = (result, ()) if isinstance(result, int) else (result[0], result[1:])
            if status != _c.AK_OK:
                raise error_from(status, _c.ak_service_errjson(handle),
                                 _c.ak_service_errstatus(handle))
            return rest

    # -- operations (the REST contract's, bodies as dicts) ------------------------------------

    def migrate(self) -> Dict[str, Any]:
        """Applies pending migrations: {"applied": [...], "currentVersion": n}."""
        return json.loads(self._plain(_c.ak_service_migrate)[0])

    def purge(self) -> Dict[str, Any]:
        """Deletes what ended more than PURGE_RETENTION ago: {"sessionsDeleted", "tokensDeleted"}."""
        return json.loads(self._plain(_c.ak_service_purge)[0])

    def health(self) -> Dict[str, Any]:
        """GET /health's body."""
        return json.loads(self._plain(_c.ak_service_health)[0])

    def ready(self) -> Dict[str, Any]:
        """GET /ready's body; its "status" is "ready" or "not_ready"."""
        return json.loads(self._plain(_c.ak_service_ready)[1])

    def metrics(self) -> str:
        """GET /metrics' Prometheus text."""
        return str(self._plain(_c.ak_service_metrics)[0])

    def register(self, name: str, email: str, password: str, *,
                 context: Optional[RequestContext] = None) -> Dict[str, Any]:
        """POST /v1/auth/register: {"user": {...}}."""
        out = self._call(_c.ak_user_register, _text("name", name), _text("email", email),
                         _text("password", password), context=context)
        return json.loads(out[0])

    def login(self, email: str, password: str, *,
              context: Optional[RequestContext] = None) -> Dict[str, Any]:
        """POST /v1/auth/sessions: {"accessToken", "refreshToken", "user", "session"}."""
        out = self._call(_c.ak_session_create, _text("email", email),
                         _text("password", password), context=context)
        return json.loads(out[0])

    def refresh(self, refresh_token: str, *,
                context: Optional[RequestContext] = None) -> Dict[str, Any]:
        """POST /v1/auth/tokens/refresh: a new pair. A replay raises REFRESH_TOKEN_REUSED."""
        out = self._call(_c.ak_session_refresh, _text("refresh_token", refresh_token),
                         context=context)
        return json.loads(out[0])

    def revoke_current(self, refresh_token: str, *,
                       context: Optional[RequestContext] = None) -> None:
        """POST /v1/auth/sessions/current/revoke (logout)."""
        self._call(_c.ak_session_revoke_current, _text("refresh_token", refresh_token),
                   context=context)

    logout = revoke_current

    def authenticate(self, access_token: str, *,
                     context: Optional[RequestContext] = None) -> Dict[str, Any]:
        """The auth middleware: {"userId", "sessionId", "tokenJti"}."""
        out = self._call(_c.ak_token_authenticate, _text("access_token", access_token),
                         context=context)
        return json.loads(out[0])

    def me(self, access_token: str, *,
           context: Optional[RequestContext] = None) -> Dict[str, Any]:
        """GET /v1/auth/me: {"user", "session"}."""
        out = self._call(_c.ak_user_me, _text("access_token", access_token), context=context)
        return json.loads(out[0])

    def list_sessions(self, access_token: str, *,
                      context: Optional[RequestContext] = None) -> Dict[str, Any]:
        """GET /v1/auth/sessions: {"sessions": [...]}."""
        out = self._call(_c.ak_session_list, _text("access_token", access_token),
                         context=context)
        return json.loads(out[0])

    def revoke_session(self, access_token: str, session_id: str, *,
                       context: Optional[RequestContext] = None) -> None:
        """DELETE /v1/auth/sessions/:sessionId."""
        self._call(_c.ak_session_revoke, _text("access_token", access_token),
                   _text("session_id", session_id), context=context)

    def revoke_all_sessions(self, access_token: str, *,
                            context: Optional[RequestContext] = None) -> int:
        """DELETE /v1/auth/sessions: how many sessions were revoked."""
        out = self._call(_c.ak_session_revoke_all, _text("access_token", access_token),
                         context=context)
        return int(out[0])
