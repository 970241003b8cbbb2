/* replay.c: log in, refresh, replay the old refresh token, see the session compromised. */
#include <authkit/authkit.h>
#include <stdio.h>
#include <string.h>

/* The refreshToken of a login/refresh body (tokens hold no quote: base64url and dots). */
static void refresh_token(const char* json, char* out, size_t size) {
  const char* p = strstr(json, "\"refreshToken\":\"") + 16;
  size_t n = (size_t)(strchr(p, '"') - p);
  snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

int main(void) {
  ak_config* cfg = NULL;
  ak_service* svc = NULL;
  char *json = NULL, first[1024];
  ak_config_create(&cfg);
  ak_config_set(cfg, "DATABASE_URL", "sqlite::memory:");
  ak_config_set(cfg, "ACCESS_TOKEN_SECRET", "example-access-secret-change-me-0123456789");
  ak_config_set(cfg, "REFRESH_TOKEN_SECRET", "example-refresh-secret-change-me-0123456789");
  ak_config_use_environment(cfg, 1); /* ARGON2_*, LOG_LEVEL... from the environment */
  if (ak_service_create(cfg, &svc) != AK_OK)
    return fprintf(stderr, "%s\n", ak_service_errmsg(NULL)), 1;
  ak_config_destroy(cfg);
  ak_user_register(svc, NULL, "Ada", "ada@example.com", "s3cret-pass", 11, &json);
  ak_free(json);
  if (ak_session_create(svc, NULL, "ada@example.com", "s3cret-pass", 11, &json) != AK_OK) return 1;
  refresh_token(json, first, sizeof first);
  ak_free(json);
  if (ak_session_refresh(svc, NULL, first, &json) != AK_OK) return 1;
  ak_free(json);
  printf("refreshed once: ok\n");
  ak_status st = ak_session_refresh(svc, NULL, first, &json); /* the replay */
  printf("replay: %s %s\n", ak_strerror(st), ak_service_errjson(svc));
  int compromised =
      st == AK_ERR_AUTH && strcmp(ak_service_errcode(svc), "REFRESH_TOKEN_REUSED") == 0;
  ak_service_destroy(svc);
  return compromised ? 0 : 1;
}
