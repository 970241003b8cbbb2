#!/usr/bin/env python3
"""docker-compose.yml has what issue #8 asks (there is no Docker engine to run it here): the app,
postgres:16 and redis:7, health checks on both services, the app waiting until they are healthy
and pointed at them; and what issue #14 asks: nginx of packaging/nginx in front by default (the
only published port, the app's port not published, TRUST_PROXY=1 on the app, the mounted
configuration naming the app and including the proxy snippet with its JSON error pages).

usage: compose_check.py <docker-compose.yml>
"""
import os
import re
import sys

import yaml

from check_report import report

# Where the official nginx image reads its configuration, and the two files mounted there.
NGINX_SITE = "/etc/nginx/conf.d/default.conf"
NGINX_SNIPPET = "/etc/nginx/snippets/authkit-proxy.conf"
# nginx's own refusals that must answer with the JSON envelope (packaging/nginx/authkit-proxy.conf).
ERROR_PAGES = {"400", "404", "405", "413", "414", "429", "494", "500", "502", "503", "504"}


def check_nginx_front(compose, root, expect):
    services = compose.get("services", {})
    app = services.get("app", {})
    nginx = services.get("nginx", {})
    env = app.get("environment", {})
    expect(not app.get("ports"), "app: its port is published (only nginx may be)")
    expect(str(env.get("TRUST_PROXY", "")) == "1", "app: TRUST_PROXY is not 1 behind nginx")
    for name, service in services.items():
        if name not in ("nginx", "app"):
            expect(not service.get("ports"), f"{name}: publishes a port (only nginx may)")
    expect(str(nginx.get("image", "")).startswith("nginx:"), "nginx: no nginx service")
    expect(nginx.get("depends_on", {}).get("app", {}).get("condition") == "service_healthy",
           "nginx: does not wait for the app to be healthy")
    expect(any(re.fullmatch(r"(\d+\.){0,3}\d*:?\d+:80", str(p)) for p in nginx.get("ports", [])),
           "nginx: its port 80 is not published")
    mounts = {}
    for volume in nginx.get("volumes", []):
        source, _, rest = str(volume).partition(":")
        mounts[rest.split(":")[0]] = os.path.normpath(os.path.join(root, source))
    site, snippet = mounts.get(NGINX_SITE), mounts.get(NGINX_SNIPPET)
    expect(site and site.endswith("packaging/nginx/authkit-compose.conf"),
           f"nginx: packaging/nginx/authkit-compose.conf is not mounted as {NGINX_SITE}")
    expect(snippet and snippet.endswith("packaging/nginx/authkit-proxy.conf"),
           f"nginx: packaging/nginx/authkit-proxy.conf is not mounted as {NGINX_SNIPPET}")
    if not (site and snippet and os.path.isfile(site) and os.path.isfile(snippet)):
        expect(False, "nginx: a mounted configuration file does not exist")
        return
    site_text = open(site).read()
    snippet_text = open(snippet).read()
    port = str(env.get("PORT", "3000"))
    expect(re.search(rf"^\s*server app:{port};", site_text, re.M),
           f"nginx: the upstream is not the app service on its PORT ({port})")
    expect(re.search(r"^\s*include snippets/authkit-proxy\.conf;", site_text, re.M),
           "nginx: the site does not include snippets/authkit-proxy.conf")
    expect(re.search(r"^\s*listen 80;", site_text, re.M), "nginx: the site does not listen on 80")
    pages = set()
    for line in re.findall(r"^\s*error_page ([^;]+);", snippet_text, re.M):
        pages.update(word for word in line.split() if word.isdigit())
    missing = sorted(ERROR_PAGES - pages)
    expect(not missing, f"nginx: no JSON error page for {missing}")
    for directive in ("client_header_timeout", "client_body_timeout", "large_client_header_buffers",
                      "client_max_body_size 1m", "limit_conn ", "proxy_http_version 1.1"):
        expect(re.search(rf"^\s*{re.escape(directive)}", snippet_text, re.M),
               f"nginx: authkit-proxy.conf does not set {directive.strip()}")


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
    check_nginx_front(compose, os.path.dirname(os.path.abspath(sys.argv[1])), expect)
    # The server refuses production metrics without a token (docs/configuration.md): the token
    # must come from the operator's environment, or the opt-out must be spelled out.
    if (str(env.get("NODE_ENV")) == "production"
            and str(env.get("METRICS_ENABLED", "false")).lower() in ("true", "1", "yes", "on")):
        expect(":?" in str(env.get("METRICS_AUTH_TOKEN", ""))
               or str(env.get("METRICS_ALLOW_UNAUTHENTICATED", "")).lower() == "true",
               "app: production metrics without a required METRICS_AUTH_TOKEN")

    report("compose", problems, f"{sorted(services)}")


if __name__ == "__main__":
    main()
