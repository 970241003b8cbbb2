/* capi_test: the whole session lifecycle through the C ABI, and every status it can provoke. */
/* "checklist <n>" below is item n of docs/api.md#behaviour-checklist. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */

#include <authkit/authkit.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* A call that must fail with `status` and the contract code `code` (HTTP `http`). */
#define CHECK_FAILS(svc, call, status, code, http)                                    \
  do {                                                                                \
    ak_status got_ = (call);                                                          \
    CHECK(got_ == (status));                                                          \
    CHECK(strcmp(ak_service_errcode(svc), code) == 0);                                \
    CHECK(ak_service_errstatus(svc) == (http));                                       \
    if (got_ != (status) || strcmp(ak_service_errcode(svc), code) != 0)               \
      fprintf(stderr, "  got %s / %s\n", ak_strerror(got_), ak_service_errcode(svc)); \
  } while (0)

static const char kPassword[] = "correct horse battery";
#define PW kPassword, strlen(kPassword)

/* Copies the JSON string value of the first `"key":"` in `json` into `out`. */
static int json_string(const char* json, const char* key, char* out, size_t size) {
  char pattern[64];
  const char* start;
  const char* end;
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  start = json ? strstr(json, pattern) : NULL;
  if (!start) return 0;
  start += strlen(pattern);
  end = strchr(start, '"');
  if (!end || (size_t)(end - start) >= size) return 0;
  memcpy(out, start, (size_t)(end - start));
  out[end - start] = '\0';
  return 1;
}

static int count(const char* text, const char* needle) {
  int n = 0;
  const char* p = text;
  while (p && (p = strstr(p, needle)) != NULL) {
    ++n;
    p += strlen(needle);
  }
  return n;
}

static ak_config* test_config(const char* max_requests) {
  ak_config* cfg = NULL;
  CHECK(ak_config_create(&cfg) == AK_OK);
  CHECK(ak_config_set(cfg, "DATABASE_URL", "sqlite::memory:") == AK_OK);
  CHECK(ak_config_set(cfg, "ACCESS_TOKEN_SECRET", "capi-test-access-secret-0123456789abcdef") ==
        AK_OK);
  CHECK(ak_config_set(cfg, "REFRESH_TOKEN_SECRET", "capi-test-refresh-secret-0123456789abcdef") ==
        AK_OK);
  /* The smallest Argon2id cost: the test checks behaviour, not hashing strength. */
  CHECK(ak_config_set(cfg, "ARGON2_OPSLIMIT", "1") == AK_OK);
  CHECK(ak_config_set(cfg, "ARGON2_MEMLIMIT", "8192") == AK_OK);
  CHECK(ak_config_set(cfg, "LOG_LEVEL", "silent") == AK_OK);
  CHECK(ak_config_set(cfg, "RATE_LIMIT_MAX_REQUESTS", max_requests) == AK_OK);
  return cfg;
}

static ak_service* open_service(const char* max_requests) {
  ak_config* cfg = test_config(max_requests);
  ak_service* svc = NULL;
  ak_status st = ak_service_create(cfg, &svc);
  ak_config_destroy(cfg);
  if (st != AK_OK) fprintf(stderr, "create: %s\n", ak_service_errmsg(NULL));
  CHECK(st == AK_OK && svc != NULL);
  return svc;
}

/* Logs alice in; the tokens go to access/refresh. */
static void login(ak_service* svc, const ak_request_context* ctx, char* access, char* refresh) {
  char* json = NULL;
  CHECK(ak_session_create(svc, ctx, "alice@example.com", PW, &json) == AK_OK);
  CHECK(json_string(json, "accessToken", access, 1024));
  CHECK(json_string(json, "refreshToken", refresh, 1024));
  CHECK(strstr(json, "\"current\":true") != NULL);
  ak_free(json);
}

static void test_library_calls(void) {
  CHECK(ak_abi_version() == AK_ABI_VERSION);
  CHECK(strlen(ak_version()) > 0);
  CHECK(strcmp(ak_strerror(AK_OK), "AK_OK") == 0);
  CHECK(strcmp(ak_strerror(AK_ERR_INVALID_ARGUMENT), "AK_ERR_INVALID_ARGUMENT") == 0);
  CHECK(strcmp(ak_strerror(AK_ERR_AUTH), "AK_ERR_AUTH") == 0);
  CHECK(strcmp(ak_strerror(AK_ERR_CONFLICT), "AK_ERR_CONFLICT") == 0);
  CHECK(strcmp(ak_strerror(AK_ERR_RATE_LIMITED), "AK_ERR_RATE_LIMITED") == 0);
  CHECK(strcmp(ak_strerror(AK_ERR_UNAVAILABLE), "AK_ERR_UNAVAILABLE") == 0);
  CHECK(strcmp(ak_strerror(AK_ERR_INTERNAL), "AK_ERR_INTERNAL") == 0);
  CHECK(strcmp(ak_strerror((ak_status)999), "AK_UNKNOWN") == 0);
  /* Every destroy and ak_free accept NULL. */
  ak_free(NULL);
  ak_config_destroy(NULL);
  ak_request_context_destroy(NULL);
  ak_service_destroy(NULL);
}

static void test_null_arguments(ak_service* svc) {
  char* json = NULL;
  int64_t n = 0;
  int ready = 0;
  CHECK_FAILS(NULL, ak_service_create(NULL, NULL), AK_ERR_INVALID_ARGUMENT, "INVALID_PAYLOAD", 400);
  CHECK(strstr(ak_service_errjson(NULL), "\"details\":[{\"path\":\"out\"") != NULL);
  CHECK_FAILS(NULL, ak_config_create(NULL), AK_ERR_INVALID_ARGUMENT, "INVALID_PAYLOAD", 400);
  CHECK_FAILS(NULL, ak_config_set(NULL, "A", "b"), AK_ERR_INVALID_ARGUMENT, "INVALID_PAYLOAD", 400);
  CHECK_FAILS(NULL, ak_config_use_environment(NULL, 1), AK_ERR_INVALID_ARGUMENT, "INVALID_PAYLOAD",
              400);
  CHECK_FAILS(NULL, ak_request_context_create(NULL, NULL, NULL, NULL), AK_ERR_INVALID_ARGUMENT,
              "INVALID_PAYLOAD", 400);
  CHECK(ak_service_health(NULL, &json) == AK_ERR_INVALID_ARGUMENT && json == NULL);
  CHECK(ak_service_ready(svc, NULL, &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_service_ready(svc, &ready, NULL) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_service_metrics(svc, NULL) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_service_migrate(NULL, &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK_FAILS(svc, ak_user_register(svc, NULL, "Al", NULL, PW, &json), AK_ERR_INVALID_ARGUMENT,
              "INVALID_PAYLOAD", 400);
  CHECK(strstr(ak_service_errjson(svc), "\"path\":\"email\"") != NULL);
  CHECK(ak_user_register(svc, NULL, NULL, "a@example.com", PW, &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_user_register(svc, NULL, "Al", "a@example.com", NULL, 8, &json) ==
        AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_user_register(svc, NULL, "Al", "a@example.com", PW, NULL) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_session_create(svc, NULL, NULL, PW, &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_session_refresh(svc, NULL, NULL, &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_session_revoke_current(NULL, NULL, "x") == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_token_authenticate(svc, NULL, NULL, &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_user_me(svc, NULL, "x", NULL) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_session_list(NULL, NULL, "x", &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_session_revoke(svc, NULL, "x", NULL) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_session_revoke_all(svc, NULL, NULL, &n) == AK_ERR_INVALID_ARGUMENT);
  CHECK(json == NULL);
}

static void test_bad_configuration(void) {
  ak_config* cfg = test_config("100");
  ak_service* svc = (ak_service*)&cfg; /* must be overwritten with NULL */
  CHECK(ak_config_set(cfg, "ACCESS_TOKEN_SECRET", "short") == AK_OK);
  CHECK_FAILS(NULL, ak_service_create(cfg, &svc), AK_ERR_INVALID_ARGUMENT, "INVALID_CONFIGURATION",
              500);
  CHECK(svc == NULL);
  CHECK(strstr(ak_service_errmsg(NULL), "ACCESS_TOKEN_SECRET") != NULL);
  CHECK(strstr(ak_service_errmsg(NULL), "short") == NULL); /* never the secret itself */
  /* Unsetting a key makes it missing again. */
  CHECK(ak_config_set(cfg, "ACCESS_TOKEN_SECRET", NULL) == AK_OK);
  CHECK(ak_service_create(cfg, &svc) == AK_ERR_INVALID_ARGUMENT);
  ak_config_destroy(cfg);
}

/* A name the library does not know is refused, not ignored: DATABSE_URL would otherwise leave
 * DATABASE_URL at its default and the service on sqlite://authkit.db. */
static void test_unknown_settings(void) {
  ak_config* cfg = test_config("100");
  ak_service* svc = (ak_service*)&cfg; /* must be overwritten with NULL */
  CHECK(ak_config_set(cfg, "DATABSE_URL", "postgresql://authkit:hunter2@db/authkit") == AK_OK);
  CHECK_FAILS(NULL, ak_service_create(cfg, &svc), AK_ERR_INVALID_ARGUMENT, "INVALID_CONFIGURATION",
              500);
  CHECK(svc == NULL);
  CHECK(strcmp(ak_service_errmsg(NULL),
               "unknown setting DATABSE_URL; did you mean DATABASE_URL?") == 0);
  CHECK(strstr(ak_service_errjson(NULL), "\"path\":\"DATABSE_URL\"") != NULL);
  CHECK(strstr(ak_service_errjson(NULL), "hunter2") == NULL); /* never a value */
  CHECK(ak_config_set(cfg, "DATABSE_URL", NULL) == AK_OK);

  /* No close name: no guess. A name that does not look like one is not echoed (it may be a
   * value, a secret perhaps, passed as a name by mistake). */
  CHECK(ak_config_set(cfg, "NO_SUCH_SETTING", "1") == AK_OK);
  CHECK(ak_service_create(cfg, &svc) == AK_ERR_INVALID_ARGUMENT);
  CHECK(strcmp(ak_service_errmsg(NULL), "unknown setting NO_SUCH_SETTING") == 0);
  CHECK(ak_config_set(cfg, "NO_SUCH_SETTING", NULL) == AK_OK);
  CHECK(ak_config_set(cfg, "s3cr3t-value-as-a-name!", "x") == AK_OK);
  CHECK(ak_service_create(cfg, &svc) == AK_ERR_INVALID_ARGUMENT);
  CHECK(strstr(ak_service_errmsg(NULL), "unknown setting") != NULL);
  CHECK(strstr(ak_service_errmsg(NULL), "s3cr3t") == NULL);
  CHECK(strstr(ak_service_errjson(NULL), "s3cr3t") == NULL);
  CHECK(ak_config_set(cfg, "s3cr3t-value-as-a-name!", NULL) == AK_OK);

  /* The reference server's names are accepted and ignored, whatever their value. */
  CHECK(ak_config_set(cfg, "PORT", "not-a-port") == AK_OK);
  CHECK(ak_config_set(cfg, "NODE_ENV", "staging") == AK_OK);
  CHECK(ak_config_set(cfg, "HTTP_THREADS", "0") == AK_OK);
  CHECK(ak_config_set(cfg, "METRICS_ENABLED", "maybe") == AK_OK);
  CHECK(ak_service_create(cfg, &svc) == AK_OK && svc != NULL);
  ak_service_destroy(svc);
  svc = NULL;

  /* The process environment's other variables are not the library's business. */
  CHECK(setenv("DATABSE_URL", "sqlite::memory:", 1) == 0);
  CHECK(ak_config_use_environment(cfg, 1) == AK_OK);
  CHECK(ak_service_create(cfg, &svc) == AK_OK && svc != NULL);
  ak_service_destroy(svc);
  unsetenv("DATABSE_URL");
  ak_config_destroy(cfg);
}

static void test_unreachable_database(void) {
  ak_config* cfg = test_config("100");
  ak_service* svc = NULL;
  /* Port 1 on loopback: nothing listens there. */
  CHECK(ak_config_set(cfg, "DATABASE_URL",
                      "postgresql://authkit@127.0.0.1:1/authkit?connect_timeout=2") == AK_OK);
  CHECK_FAILS(NULL, ak_service_create(cfg, &svc), AK_ERR_UNAVAILABLE, "SERVICE_UNAVAILABLE", 503);
  CHECK(svc == NULL);
  ak_config_destroy(cfg);
}

/* Settings from the process environment: alone (NULL configuration) or under the pairs. */
static void test_environment(void) {
  ak_config* cfg = test_config("100");
  ak_service* svc = NULL;
  CHECK(setenv("DATABASE_URL", "sqlite::memory:", 1) == 0);
  CHECK(setenv("ACCESS_TOKEN_SECRET", "capi-env-access-secret-0123456789abcdef", 1) == 0);
  CHECK(setenv("REFRESH_TOKEN_SECRET", "capi-env-refresh-secret-0123456789abcdef", 1) == 0);
  CHECK(setenv("ARGON2_OPSLIMIT", "1", 1) == 0);
  CHECK(setenv("ARGON2_MEMLIMIT", "8192", 1) == 0);
  CHECK(setenv("LOG_LEVEL", "silent", 1) == 0);
  CHECK(ak_service_create(NULL, &svc) == AK_OK && svc != NULL);
  ak_service_destroy(svc);
  svc = NULL;
  /* A pair wins over the environment; a missing pair is read from it only when asked. */
  CHECK(ak_config_set(cfg, "ACCESS_TOKEN_SECRET", NULL) == AK_OK);
  CHECK(ak_service_create(cfg, &svc) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_config_use_environment(cfg, 1) == AK_OK);
  CHECK(ak_service_create(cfg, &svc) == AK_OK && svc != NULL);
  ak_service_destroy(svc);
  svc = NULL;
  CHECK(setenv("REFRESH_TOKEN_SECRET", "short", 1) == 0); /* the pair is still used */
  CHECK(ak_service_create(cfg, &svc) == AK_OK && svc != NULL);
  ak_service_destroy(svc);
  unsetenv("DATABASE_URL");
  unsetenv("ACCESS_TOKEN_SECRET");
  unsetenv("REFRESH_TOKEN_SECRET");
  ak_config_destroy(cfg);
}

static void test_corrupt_database(void) {
  char path[] = "/tmp/capi_test_XXXXXX";
  char url[64];
  char junk[4096];
  ak_config* cfg = test_config("100");
  ak_service* svc = NULL;
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return;
  /* Not an SQLite file: the store cannot even read its schema. */
  memset(junk, 'x', sizeof junk);
  CHECK(write(fd, junk, sizeof junk) == (ssize_t)sizeof junk);
  close(fd);
  snprintf(url, sizeof url, "sqlite://%s", path);
  CHECK(ak_config_set(cfg, "DATABASE_URL", url) == AK_OK);
  CHECK_FAILS(NULL, ak_service_create(cfg, &svc), AK_ERR_INTERNAL, "INTERNAL_SERVER_ERROR", 500);
  CHECK(strcmp(ak_service_errmsg(NULL), "internal server error") == 0);
  CHECK(svc == NULL);
  ak_config_destroy(cfg);
  unlink(path);
}

static void test_operations(ak_service* svc, const ak_request_context* ctx) {
  char* json = NULL;
  int ready = 0;
  CHECK(ak_service_health(svc, &json) == AK_OK);
  CHECK(json && strncmp(json, "{\"status\":\"ok\",\"service\":\"auth-api\"", 35) == 0);
  ak_free(json);
  CHECK(ak_service_ready(svc, &ready, &json) == AK_OK);
  CHECK(ready == 1 && strstr(json, "\"status\":\"ready\"") != NULL);
  ak_free(json);
  CHECK(ak_service_migrate(svc, &json) == AK_OK);
  CHECK(json && strncmp(json, "{\"applied\":[],\"currentVersion\":", 31) == 0);
  ak_free(json);
  CHECK(ak_service_purge(svc, &json) == AK_OK);
  CHECK(json && strcmp(json, "{\"sessionsDeleted\":0,\"tokensDeleted\":0}") == 0);
  ak_free(json);
  CHECK(ak_service_purge(NULL, &json) == AK_ERR_INVALID_ARGUMENT);
  CHECK(ak_service_metrics(svc, &json) == AK_OK);
  CHECK(json && strstr(json, "auth_api_") != NULL);
  ak_free(json);
  (void)ctx;
}

static void test_lifecycle(ak_service* svc, const ak_request_context* ctx) {
  char* json = NULL;
  char access1[1024], refresh1[1024], access2[1024], refresh2[1024], sid[64];
  char access3[1024], refresh3[1024];
  int64_t revoked = -1;

  /* Register (checklist 1), then the failures register can give. */
  CHECK(ak_user_register(svc, ctx, "Alice", "alice@example.com", PW, &json) == AK_OK);
  CHECK(json && strncmp(json, "{\"user\":{\"id\":", 14) == 0);
  CHECK(strstr(json, "\"email\":\"alice@example.com\"") != NULL);
  ak_free(json);
  CHECK_FAILS(svc, ak_user_register(svc, ctx, "Alice", "alice@example.com", PW, &json),
              AK_ERR_CONFLICT, "USER_ALREADY_EXISTS", 409);
  CHECK(json == NULL);
  CHECK_FAILS(svc, ak_user_register(svc, ctx, "A", "not-an-email", "short", 5, &json),
              AK_ERR_INVALID_ARGUMENT, "INVALID_PAYLOAD", 400);
  CHECK(count(ak_service_errjson(svc), "\"path\":") == 3);
  CHECK(strstr(ak_service_errjson(svc), "\"correlationId\":\"capi-test\"") != NULL);

  /* Login. */
  CHECK_FAILS(svc, ak_session_create(svc, ctx, "alice@example.com", "wrong password", 14, &json),
              AK_ERR_AUTH, "INVALID_CREDENTIALS", 401);
  CHECK_FAILS(svc, ak_session_create(svc, ctx, "nobody@example.com", PW, &json), AK_ERR_AUTH,
              "INVALID_CREDENTIALS", 401);
  CHECK(strcmp(ak_service_errmsg(svc), "invalid credentials") == 0);
  login(svc, ctx, access1, refresh1);

  /* Authenticate and me. */
  CHECK(ak_token_authenticate(svc, ctx, access1, &json) == AK_OK);
  CHECK(json && strncmp(json, "{\"userId\":", 10) == 0 && strstr(json, "\"tokenJti\":\""));
  ak_free(json);
  CHECK(ak_user_me(svc, ctx, access1, &json) == AK_OK);
  CHECK(json && strstr(json, "\"email\":\"alice@example.com\"") &&
        strstr(json, "\"current\":true"));
  CHECK(strstr(json, "\"userAgent\":\"capi-test/1\"") &&
        strstr(json, "\"ipAddress\":\"192.0.2.7\""));
  ak_free(json);
  CHECK_FAILS(svc, ak_user_me(svc, ctx, "not.a.token", &json), AK_ERR_AUTH, "INVALID_TOKEN", 401);
  CHECK_FAILS(svc, ak_token_authenticate(svc, ctx, refresh1, &json), AK_ERR_AUTH, "INVALID_TOKEN",
              401);

  /* Refresh, then replay the first refresh token (checklist 2). */
  CHECK(ak_session_refresh(svc, ctx, refresh1, &json) == AK_OK);
  CHECK(json_string(json, "refreshToken", refresh2, sizeof refresh2));
  CHECK(json_string(json, "accessToken", access2, sizeof access2));
  CHECK(strcmp(refresh1, refresh2) != 0);
  ak_free(json);
  CHECK_FAILS(svc, ak_session_refresh(svc, ctx, refresh1, &json), AK_ERR_AUTH,
              "REFRESH_TOKEN_REUSED", 401);
  CHECK(strcmp(ak_service_errjson(svc),
               "{\"error\":{\"code\":\"REFRESH_TOKEN_REUSED\",\"message\":\"refresh token reuse "
               "detected\",\"correlationId\":\"capi-test\"}}") == 0);
  /* The session is compromised: every token of it is dead. */
  CHECK_FAILS(svc, ak_user_me(svc, ctx, access1, &json), AK_ERR_AUTH, "SESSION_NOT_ACTIVE", 401);
  CHECK_FAILS(svc, ak_user_me(svc, ctx, access2, &json), AK_ERR_AUTH, "SESSION_NOT_ACTIVE", 401);
  CHECK(ak_session_refresh(svc, ctx, refresh2, &json) == AK_ERR_AUTH);
  CHECK(json == NULL);
  CHECK_FAILS(svc, ak_session_refresh(svc, ctx, "garbage", &json), AK_ERR_AUTH, "INVALID_TOKEN",
              401);

  /* Two logins, list, revoke the other one (checklist 3). */
  login(svc, ctx, access1, refresh1);
  login(svc, ctx, access2, refresh2);
  CHECK(ak_session_list(svc, ctx, access2, &json) == AK_OK);
  CHECK(json && strncmp(json, "{\"sessions\":[", 13) == 0);
  CHECK(count(json, "\"status\":\"ACTIVE\"") == 2);
  CHECK(count(json, "\"current\":true") == 1);
  ak_free(json);
  CHECK(ak_user_me(svc, ctx, access1, &json) == AK_OK);
  CHECK(json_string(strstr(json, "\"session\":"), "sessionId", sid, sizeof sid));
  ak_free(json);
  CHECK(ak_session_revoke(svc, ctx, access2, sid) == AK_OK);
  CHECK_FAILS(svc, ak_user_me(svc, ctx, access1, &json), AK_ERR_AUTH, "SESSION_NOT_ACTIVE", 401);
  CHECK_FAILS(svc, ak_session_revoke(svc, ctx, access2, "6f1c1f7e-1d3a-4b8e-9c1a-0a7f5e2b9d11"),
              AK_ERR_AUTH, "SESSION_NOT_FOUND", 404);
  CHECK_FAILS(svc, ak_session_revoke(svc, ctx, access2, "not-a-uuid"), AK_ERR_INVALID_ARGUMENT,
              "INVALID_PAYLOAD", 400);

  /* Revoke all (checklist 4). */
  login(svc, ctx, access3, refresh3);
  CHECK(ak_session_revoke_all(svc, ctx, access2, &revoked) == AK_OK);
  CHECK(revoked == 2);
  CHECK_FAILS(svc, ak_user_me(svc, ctx, access3, &json), AK_ERR_AUTH, "SESSION_NOT_ACTIVE", 401);
  CHECK(ak_session_revoke_all(svc, ctx, access2, NULL) == AK_ERR_AUTH);

  /* Logout by refresh token (checklist 5). */
  login(svc, ctx, access1, refresh1);
  CHECK(ak_session_revoke_current(svc, ctx, refresh1) == AK_OK);
  CHECK_FAILS(svc, ak_user_me(svc, ctx, access1, &json), AK_ERR_AUTH, "SESSION_NOT_ACTIVE", 401);
  CHECK_FAILS(svc, ak_session_revoke_current(svc, ctx, ""), AK_ERR_INVALID_ARGUMENT,
              "INVALID_PAYLOAD", 400);
}

static void test_rate_limit(void) {
  ak_service* svc = open_service("2");
  ak_request_context* ctx = NULL;
  char* json = NULL;
  if (!svc) return;
  CHECK(ak_request_context_create("198.51.100.1", NULL, NULL, &ctx) == AK_OK);
  CHECK(ak_session_create(svc, ctx, "x@example.com", PW, &json) == AK_ERR_AUTH);
  CHECK(ak_session_create(svc, ctx, "x@example.com", PW, &json) == AK_ERR_AUTH);
  CHECK_FAILS(svc, ak_session_create(svc, ctx, "x@example.com", PW, &json), AK_ERR_RATE_LIMITED,
              "TOO_MANY_REQUESTS", 429);
  /* Another handle's record is not this one's. */
  CHECK(strcmp(ak_service_errcode(NULL), "TOO_MANY_REQUESTS") != 0);
  ak_request_context_destroy(ctx);
  ak_service_destroy(svc);
}

/* Several threads share one handle; each sees its own last error. */
struct worker {
  ak_service* svc;
  const char* access;
  int bad; /* this worker sends an invalid token */
  int errors;
};

static void* work(void* arg) {
  struct worker* w = arg;
  int i;
  for (i = 0; i < 25; ++i) {
    char* json = NULL;
    ak_status st = ak_token_authenticate(w->svc, NULL, w->bad ? "x.y.z" : w->access, &json);
    if (w->bad) {
      if (st != AK_ERR_AUTH || strcmp(ak_service_errcode(w->svc), "INVALID_TOKEN") != 0)
        ++w->errors;
    } else {
      if (st != AK_OK || strcmp(ak_service_errcode(w->svc), "") != 0) ++w->errors;
    }
    ak_free(json);
  }
  return NULL;
}

static void test_threads(ak_service* svc, const ak_request_context* ctx) {
  char access[1024], refresh[1024];
  struct worker workers[4];
  pthread_t threads[4];
  int i;
  login(svc, ctx, access, refresh);
  for (i = 0; i < 4; ++i) {
    workers[i].svc = svc;
    workers[i].access = access;
    workers[i].bad = i % 2;
    workers[i].errors = 0;
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (i = 0; i < 4; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].errors == 0);
  }
}

/* Key rotation by name (docs/configuration.md#key-rotation): a service restarted with new
 * secrets, the old ones verify-only, keeps the sessions of the old one; a malformed list is
 * refused without echoing its secret. */
static void test_key_rotation(void) {
  char path[] = "/tmp/capi_rotation_XXXXXX";
  char url[64];
  char access[1024], refresh[1024];
  char* json = NULL;
  ak_service* before = NULL;
  ak_service* after = NULL;
  ak_config* cfg = test_config("1000");
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return;
  close(fd);
  unlink(path); /* the store creates the file */
  snprintf(url, sizeof url, "sqlite://%s", path);
  CHECK(ak_config_set(cfg, "DATABASE_URL", url) == AK_OK);
  CHECK(ak_service_create(cfg, &before) == AK_OK);
  CHECK(ak_user_register(before, NULL, "Rotated", "rotated@example.com", PW, &json) == AK_OK);
  ak_free(json);
  CHECK(ak_session_create(before, NULL, "rotated@example.com", PW, &json) == AK_OK);
  CHECK(json_string(json, "accessToken", access, sizeof access));
  CHECK(json_string(json, "refreshToken", refresh, sizeof refresh));
  ak_free(json);
  ak_service_destroy(before);

  CHECK(ak_config_set(cfg, "ACCESS_TOKEN_SECRET", "capi-rotated-access-secret-0123456789abc") ==
        AK_OK);
  CHECK(ak_config_set(cfg, "ACCESS_TOKEN_KEY_ID", "a2") == AK_OK);
  CHECK(ak_config_set(cfg, "ACCESS_TOKEN_VERIFY_SECRETS",
                      ":capi-test-access-secret-0123456789abcdef") == AK_OK);
  CHECK(ak_config_set(cfg, "REFRESH_TOKEN_SECRET", "capi-rotated-refresh-secret-0123456789ab") ==
        AK_OK);
  CHECK(ak_config_set(cfg, "REFRESH_TOKEN_KEY_ID", "r2") == AK_OK);
  CHECK(ak_config_set(cfg, "REFRESH_TOKEN_VERIFY_SECRETS",
                      "r1:capi-test-refresh-secret-0123456789abcdef, bad kid:x") == AK_OK);
  CHECK_FAILS(NULL, ak_service_create(cfg, &after), AK_ERR_INVALID_ARGUMENT,
              "INVALID_CONFIGURATION", 500);
  CHECK(strstr(ak_service_errmsg(NULL), "REFRESH_TOKEN_VERIFY_SECRETS: entry 2") != NULL);
  CHECK(strstr(ak_service_errmsg(NULL), "capi-test-refresh-secret") == NULL);
  CHECK(ak_config_set(cfg, "REFRESH_TOKEN_VERIFY_SECRETS",
                      ":capi-test-refresh-secret-0123456789abcdef") == AK_OK);
  CHECK(ak_service_create(cfg, &after) == AK_OK);
  if (!after) fprintf(stderr, "  %s\n", ak_service_errmsg(NULL));
  if (after) {
    CHECK(ak_user_me(after, NULL, access, &json) == AK_OK);
    CHECK(json && strstr(json, "rotated@example.com") != NULL);
    ak_free(json);
    CHECK(ak_session_refresh(after, NULL, refresh, &json) == AK_OK);
    CHECK(json_string(json, "accessToken", access, sizeof access));
    ak_free(json);
    CHECK(ak_user_me(after, NULL, access, &json) == AK_OK);
    ak_free(json);
  }
  ak_service_destroy(after);
  ak_config_destroy(cfg);
  unlink(path);
}

int main(void) {
  ak_service* svc;
  ak_request_context* ctx = NULL;
  test_library_calls();
  test_bad_configuration();
  test_unknown_settings();
  test_unreachable_database();
  test_corrupt_database();
  test_environment();
  test_key_rotation();
  svc = open_service("1000");
  if (!svc) return 1;
  CHECK(ak_request_context_create("192.0.2.7", "capi-test/1", "capi-test", &ctx) == AK_OK);
  test_null_arguments(svc);
  test_operations(svc, ctx);
  test_lifecycle(svc, ctx);
  test_rate_limit();
  test_threads(svc, ctx);
  ak_request_context_destroy(ctx);
  ak_service_destroy(svc);
  if (failures) {
    fprintf(stderr, "capi_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("capi_test: all checks passed\n");
  return 0;
}
