// The Redis backend: an atomic INCR + PEXPIRE Lua script per hit, EVALSHA with EVAL fallback.
#include "ratelimit/redis/redis_rate_limiter.hpp"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <cstdio>

#include "ratelimit/rate_limit_key.hpp"

namespace authkit {
inline namespace v1 {

struct RedisRateLimiter::Script {
  std::string_view source;
  std::string sha1;  // hex, as EVALSHA wants it
};

namespace {

// KEYS[1] = rl:<bucket>:<key>, ARGV[1] = window in ms. A PTTL of -1 means "no expiry": a new
// key, or one the original service left without TTL, which this heals
// (docs/compatibility.md#redis-atomic-window).
constexpr std::string_view kHitScript =
    "local c = redis.call('INCR', KEYS[1])\n"
    "local t = redis.call('PTTL', KEYS[1])\n"
    "if t < 0 then\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[1])\n"
    "  t = tonumber(ARGV[1])\n"
    "end\n"
    "return {c, t}\n";

// The same reply shape without counting; {0, 0} for an absent key.
constexpr std::string_view kPeekScript =
    "local c = redis.call('GET', KEYS[1])\n"
    "if not c then return {0, 0} end\n"
    "return {tonumber(c), redis.call('PTTL', KEYS[1])}\n";

std::string sha1_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

const RedisRateLimiter::Script& hit_script();
const RedisRateLimiter::Script& peek_script();

bool starts_with(const redisReply& reply, std::string_view prefix) {
  return reply.str != nullptr &&
         std::string_view(reply.str, reply.len).substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<std::unique_ptr<RedisRateLimiter>> RedisRateLimiter::create(
    std::string_view redis_url, RedisRateLimiterOptions options) {
  auto endpoint = parse_redis_url(redis_url);
  if (!endpoint) {
    Error error = std::move(endpoint).error();
    error.message.insert(0, "REDIS_URL: ");
    return error;
  }
  return std::make_unique<RedisRateLimiter>(std::move(*endpoint), options);
}

RedisRateLimiter::RedisRateLimiter(RedisEndpoint endpoint, RedisRateLimiterOptions options)
    : pool_(std::move(endpoint), options) {}

Result<RedisReply> RedisRateLimiter::eval(RedisConnection& connection, const Script& script,
                                          std::string_view full_key, std::string_view arg) {
  auto reply = connection.command({"EVALSHA", script.sha1, "1", full_key, arg});
  if (!reply) return reply;
  // A restarted or flushed server has forgotten the script: EVAL sends it (and caches it).
  if ((*reply)->type == REDIS_REPLY_ERROR && starts_with(**reply, "NOSCRIPT")) {
    return connection.command({"EVAL", script.source, "1", full_key, arg});
  }
  return reply;
}

Result<RateLimitDecision> RedisRateLimiter::run(const Script& script, std::string_view bucket,
                                                std::string_view key, const RateLimit& limit,
                                                bool is_peek) {
  AUTHKIT_RETURN_IF_ERROR(detail::validate_rate_limit(limit));
  thread_local std::string full_key;
  detail::make_rate_limit_key(full_key, bucket, key);
  std::array<char, 24> window_text{};
  const auto [end, ec] = std::to_chars(window_text.data(), window_text.data() + window_text.size(),
                                       limit.window.count());
  const std::string_view window_arg(window_text.data(),
                                    static_cast<std::size_t>(end - window_text.data()));

  Result<RedisReply> reply = Error(ErrorCode::kServiceUnavailable);
  // A connection that sat idle may have died with a server restart: then one retry on a fresh
  // connection. A timeout is not retried (it would double the wait of a stuck server).
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto lease = pool_.acquire();
    if (!lease) return std::move(lease).error();
    reply = eval(**lease, script, full_key, window_arg);
    if (reply) break;
    pool_.discard_idle();
    if (!lease->reused() || (*lease)->timed_out()) break;
  }
  if (!reply) return std::move(reply).error();

  const redisReply& r = **reply;
  if (r.type == REDIS_REPLY_ERROR) {
    return Error(
        ErrorCode::kServiceUnavailable,
        "redis " + describe(pool_.endpoint()) + ": script failed: " + std::string(r.str, r.len));
  }
  if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 || r.element[0]->type != REDIS_REPLY_INTEGER ||
      r.element[1]->type != REDIS_REPLY_INTEGER) {
    return Error(ErrorCode::kServiceUnavailable, "redis " + describe(pool_.endpoint()) +
                                                     ": unexpected reply to the rate-limit script");
  }
  const std::int64_t count = r.element[0]->integer;
  const Duration pttl{r.element[1]->integer};
  return is_peek ? detail::decide_peek(count, limit.max_hits, pttl, RateLimitMode::kRedis)
                 : detail::decide(count, limit.max_hits, pttl, RateLimitMode::kRedis);
}

Result<RateLimitDecision> RedisRateLimiter::hit(std::string_view bucket, std::string_view key,
                                                const RateLimit& limit) {
  return run(hit_script(), bucket, key, limit, false);
}

Result<RateLimitDecision> RedisRateLimiter::peek(std::string_view bucket, std::string_view key,
                                                 const RateLimit& limit) {
  return run(peek_script(), bucket, key, limit, true);
}

Result<void> RedisRateLimiter::ping() {
  auto lease = pool_.acquire();
  if (!lease) return std::move(lease).error();
  auto reply = (*lease)->command({"PING"});
  if (!reply) {
    pool_.discard_idle();
    return std::move(reply).error();
  }
  if ((*reply)->type == REDIS_REPLY_STATUS && starts_with(**reply, "PONG")) return {};
  return Error(ErrorCode::kServiceUnavailable,
               "redis " + describe(pool_.endpoint()) + ": unexpected reply to PING");
}

namespace {

const RedisRateLimiter::Script& hit_script() {
  static const RedisRateLimiter::Script script{kHitScript, sha1_hex(kHitScript)};
  return script;
}

const RedisRateLimiter::Script& peek_script() {
  static const RedisRateLimiter::Script script{kPeekScript, sha1_hex(kPeekScript)};
  return script;
}

}  // namespace

}  // namespace v1
}  // namespace authkit
