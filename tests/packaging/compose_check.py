#!/usr/bin/env python3
"""docker-compose.yml has what issue #8 asks (there is no Docker engine to run it here): the app,
postgres:16 and redis:7, health checks on both services, the app waiting until they are healthy
and pointed at them, and the app's port 3000 published.

usage: compose_check.py <docker-compose.yml>
"""
import sys

import yaml


def main():
    compose = yaml.safe_load(open(sys.argv[1]))
    services = compose.get("services", {})
    problems = []

    def expect(condition, message):
        if not condition:
            problems.append(message)

    for name, image in (("postgres", "postgres:16"), ("redis", "redis:7")):
        service = services.get(name, {})
        expect(service.get("image") == image, f"{name}: image is not {image}")
        test = service.get("healthcheck", {}).get("test")
        expect(isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1,
               f"{name}: no healthcheck test")
    app = services.get("app", {})
    expect(app.get("build") in (".", {"context": "."}), "app: not built from the Dockerfile")
    for name in ("postgres", "redis"):
        expect(app.get("depends_on", {}).get(name, {}).get("condition") == "service_healthy",
               f"app: does not wait for {name} to be healthy")
    env = app.get("environment", {})
    expect(str(env.get("DATABASE_URL", "")).startswith("postgresql://")
           and "@postgres:" in env.get("DATABASE_URL", ""), "app: DATABASE_URL is not the postgres service")
    expect(str(env.get("REDIS_URL", "")).startswith("redis://redis:"), "app: REDIS_URL is not the redis service")
    for secret in ("ACCESS_TOKEN_SECRET", "REFRESH_TOKEN_SECRET"):
        # Required from the operator's .env, never a default written in the file.
        expect(":?" in str(env.get(secret, "")), f"app: {secret} is not required from the environment")
    expect(any(str(p).endswith(":3000") for p in app.get("ports", [])), "app: port 3000 not published")
    # The server refuses production metrics without a token (docs/configuration.md): the token
    # must come from the operator's environment, or the opt-out must be spelled out.
    if (str(env.get("NODE_ENV")) == "production"
            and str(env.get("METRICS_ENABLED", "false")).lower() in ("true", "1", "yes", "on")):
        expect(":?" in str(env.get("METRICS_AUTH_TOKEN", ""))
               or str(env.get("METRICS_ALLOW_UNAUTHENTICATED", "")).lower() == "true",
               "app: production metrics without a required METRICS_AUTH_TOKEN")

    for problem in problems:
        print(f"compose: {problem}")
    if problems:
        sys.exit(1)
    print(f"compose: {sorted(services)}: ok")


if __name__ == "__main__":
    main()
