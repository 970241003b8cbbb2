#ifndef AUTHKIT_AUTHKIT_H
#define AUTHKIT_AUTHKIT_H

/** @file
 * authkit.h: libauthkit's stable C ABI (C99). This header is its documentation.
 *
 * Rules of this ABI:
 *  - Opaque handles (ak_config, ak_request_context, ak_service), explicit create/destroy;
 *    every destroy accepts NULL as a no-op.
 *  - Every fallible call returns an ak_status. Its values are only ever appended.
 *  - Results that carry data are JSON text in exactly the REST contract's shapes, owned by the
 *    caller on AK_OK and released with ak_free(). On failure *out_json is left NULL.
 *  - A NULL handle or a NULL required argument is AK_ERR_INVALID_ARGUMENT, never a crash.
 *  - No call throws or aborts; an unexpected failure (out of memory included) is AK_ERR_INTERNAL.
 *  - One ak_service may be shared by any number of threads.
 *  - The precise reason of a failure (the contract's error code, message, details and HTTP
 *    status) is kept per thread and per handle: see ak_service_errmsg().
 *
 * @code
 *   ak_config *cfg = NULL;
 *   ak_service *svc = NULL;
 *   ak_config_create(&cfg);
 *   ak_config_set(cfg, "DATABASE_URL", "sqlite::memory:");
 *   if (ak_service_create(cfg, &svc) != AK_OK) fprintf(stderr, "%s\n", ak_service_errmsg(NULL));
 *   ak_config_destroy(cfg);
 *   ...
 *   ak_service_destroy(svc);
 * @endcode
 */

#include <stddef.h>
#include <stdint.h>

/** Marks a function as exported from libauthkit.so (the static library defines it empty). */
#if defined(AUTHKIT_STATIC_DEFINE)
#define AK_API
#else
#define AK_API __attribute__((visibility("default")))
#endif

/** `noexcept` for C++ callers: no function of this ABI throws. */
#ifdef __cplusplus
#define AK_NOEXCEPT noexcept
extern "C" {
#else
#define AK_NOEXCEPT
#endif

/** The ABI major this header describes; ak_abi_version() is the loaded library's. */
#define AK_ABI_VERSION 1

/** What a call did. Coarse classes; ak_service_errcode() names the precise contract code. */
typedef enum ak_status {
  AK_OK = 0,                   /**< success */
  AK_ERR_INVALID_ARGUMENT = 1, /**< NULL argument, invalid payload or configuration */
  AK_ERR_AUTH = 2,             /**< credentials, tokens, sessions: the contract's 401/404 codes */
  AK_ERR_CONFLICT = 3,         /**< USER_ALREADY_EXISTS */
  AK_ERR_RATE_LIMITED = 4,     /**< TOO_MANY_REQUESTS */
  AK_ERR_UNAVAILABLE = 5,      /**< SERVICE_UNAVAILABLE: a dependency, or the hashing queue */
  AK_ERR_INTERNAL = 6          /**< INTERNAL_SERVER_ERROR, out of memory */
} ak_status;

typedef struct ak_config ak_config;                   /**< settings; not thread-safe */
typedef struct ak_request_context ak_request_context; /**< immutable once created */
typedef struct ak_service ak_service;                 /**< thread-safe */

/** The library's version text ("1.1.0"), static. */
AK_API const char* ak_version(void) AK_NOEXCEPT;
/** The loaded library's ABI major; compare with AK_ABI_VERSION. */
AK_API int ak_abi_version(void) AK_NOEXCEPT;
/** A static name for `status` ("AK_ERR_AUTH"); "AK_UNKNOWN" for a value this library lacks. */
AK_API const char* ak_strerror(ak_status status) AK_NOEXCEPT;
/** Releases memory this library returned (JSON text). NULL: no-op. */
AK_API void ak_free(void* p) AK_NOEXCEPT;

/**
 * Configuration: the environment variables of docs/configuration.md as key/value pairs
 * ("DATABASE_URL", "ACCESS_TOKEN_SECRET", "ARGON2_OPSLIMIT", ...). A key that is not set is
 * read from the process environment when use_environment is on (default off).
 */
AK_API ak_status ak_config_create(ak_config** out) AK_NOEXCEPT;
/** Releases `cfg`. NULL: no-op. */
AK_API void ak_config_destroy(ak_config* cfg) AK_NOEXCEPT;
/** Sets (or, with value NULL, unsets) one variable. Keys are not checked here: create does. */
AK_API ak_status ak_config_set(ak_config* cfg, const char* key, const char* value) AK_NOEXCEPT;
/** Whether keys not set on `cfg` are read from the process environment (`enabled` non-zero). */
AK_API ak_status ak_config_use_environment(ak_config* cfg, int enabled) AK_NOEXCEPT;

/**
 * What a call is told about the request it serves: client IP (keys the rate limit), user agent
 * (kept on the session), correlation id (audit, and the error envelope's correlationId). Each
 * may be NULL (absent). Every auth operation (register ... revoke all) takes one, or NULL.
 */
AK_API ak_status ak_request_context_create(const char* ip_address, const char* user_agent,
                                           const char* correlation_id,
                                           ak_request_context** out) AK_NOEXCEPT;
/** Releases `ctx`. NULL: no-op. */
AK_API void ak_request_context_destroy(ak_request_context* ctx) AK_NOEXCEPT;

/**
 * A service opened on `cfg` (NULL: the process environment alone): the database is opened and
 * migrated (with MIGRATE_ON_START false: checked, AK_ERR_UNAVAILABLE when migrations are
 * pending), the rate limiter chosen, one password hash made. On failure *out is NULL and
 * ak_service_errmsg(NULL) tells why (INVALID_CONFIGURATION lists every bad variable). A key
 * set on `cfg` that docs/configuration.md does not document is refused (AK_ERR_INVALID_ARGUMENT,
 * "unknown setting DATABSE_URL; did you mean DATABASE_URL?"); the reference server's keys (PORT,
 * HTTP_*, ...) are accepted and ignored (docs/c-abi.md#settings-by-name).
 */
AK_API ak_status ak_service_create(const ak_config* cfg, ak_service** out) AK_NOEXCEPT;
/** Waits for nothing: no other thread may still be using `svc`. NULL: no-op. */
AK_API void ak_service_destroy(ak_service* svc) AK_NOEXCEPT;

/**
 * The calling thread's last failure on `svc` (NULL: the last failed ak_service_create). The
 * strings stay valid until this thread's next failing call; "" when this thread has no failure
 * recorded for `svc`.
 *   errmsg:    the contract's message, e.g. "refresh token reuse detected"
 *   errcode:   the contract's code, e.g. "REFRESH_TOKEN_REUSED"
 *   errjson:   the contract's envelope {"error":{"code","message","details"?,"correlationId"}}
 *   errstatus: the HTTP status the REST server answers with (0: none recorded)
 */
AK_API const char* ak_service_errmsg(const ak_service* svc) AK_NOEXCEPT;
/** The contract's code of the failure ak_service_errmsg() describes. */
AK_API const char* ak_service_errcode(const ak_service* svc) AK_NOEXCEPT;
/** The failure as the contract's error envelope (JSON). */
AK_API const char* ak_service_errjson(const ak_service* svc) AK_NOEXCEPT;
/** The HTTP status of the failure (0: none recorded). */
AK_API int ak_service_errstatus(const ak_service* svc) AK_NOEXCEPT;

/** Applies pending migrations: {"applied":[versions],"currentVersion":n}. */
AK_API ak_status ak_service_migrate(ak_service* svc, char** out_json) AK_NOEXCEPT;
/** Deletes sessions and tokens that ended more than PURGE_RETENTION ago:
 * {"sessionsDeleted":n,"tokensDeleted":n}. */
AK_API ak_status ak_service_purge(ak_service* svc, char** out_json) AK_NOEXCEPT;
/** GET /health: {"status":"ok","service":"auth-api","timestamp":"..."}. */
AK_API ak_status ak_service_health(ak_service* svc, char** out_json) AK_NOEXCEPT;
/** GET /ready: the readiness body; *out_ready 1 when ready (AK_OK either way). */
AK_API ak_status ak_service_ready(ak_service* svc, int* out_ready, char** out_json) AK_NOEXCEPT;
/** GET /metrics: Prometheus text format 0.0.4 (whatever METRICS_ENABLED says). */
AK_API ak_status ak_service_metrics(ak_service* svc, char** out_text) AK_NOEXCEPT;

/** POST /v1/auth/register: {"user":{...}}. The password is pw_len bytes. */
AK_API ak_status ak_user_register(ak_service* svc, const ak_request_context* ctx, const char* name,
                                  const char* email, const char* pw, size_t pw_len,
                                  char** out_json) AK_NOEXCEPT;
/** POST /v1/auth/sessions (login): {"accessToken","refreshToken","user","session"}. */
AK_API ak_status ak_session_create(ak_service* svc, const ak_request_context* ctx,
                                   const char* email, const char* pw, size_t pw_len,
                                   char** out_json) AK_NOEXCEPT;
/** POST /v1/auth/tokens/refresh: a new pair, the same shape as login. A replayed refresh token
 * compromises its session: AK_ERR_AUTH with code REFRESH_TOKEN_REUSED. */
AK_API ak_status ak_session_refresh(ak_service* svc, const ak_request_context* ctx,
                                    const char* refresh_token, char** out_json) AK_NOEXCEPT;
/** POST /v1/auth/sessions/current/revoke (logout). */
AK_API ak_status ak_session_revoke_current(ak_service* svc, const ak_request_context* ctx,
                                           const char* refresh_token) AK_NOEXCEPT;

/* The protected calls take the access token itself (no "Bearer ") and authenticate it first,
 * as the REST routes do. */

/** The auth middleware: {"userId":1,"sessionId":"...","tokenJti":"..."}. */
AK_API ak_status ak_token_authenticate(ak_service* svc, const ak_request_context* ctx,
                                       const char* access_token, char** out_json) AK_NOEXCEPT;
/** GET /v1/auth/me: {"user":{...},"session":{...}}. */
AK_API ak_status ak_user_me(ak_service* svc, const ak_request_context* ctx,
                            const char* access_token, char** out_json) AK_NOEXCEPT;
/** GET /v1/auth/sessions: {"sessions":[...]}. */
AK_API ak_status ak_session_list(ak_service* svc, const ak_request_context* ctx,
                                 const char* access_token, char** out_json) AK_NOEXCEPT;
/** DELETE /v1/auth/sessions/:sessionId. SESSION_NOT_FOUND (status 404) for another's session. */
AK_API ak_status ak_session_revoke(ak_service* svc, const ak_request_context* ctx,
                                   const char* access_token, const char* session_id) AK_NOEXCEPT;
/** DELETE /v1/auth/sessions: *out_revoked (may be NULL) is how many sessions were revoked. */
AK_API ak_status ak_session_revoke_all(ak_service* svc, const ak_request_context* ctx,
                                       const char* access_token, int64_t* out_revoked) AK_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* AUTHKIT_AUTHKIT_H */
