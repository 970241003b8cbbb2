"""With NODE_ENV=production, /metrics is never served without a token unless the operator says so
(docs/compatibility.md#metrics-production-token)."""
from conftest import METRICS_TOKEN, base_env, run


def test_production_metrics_without_a_token_refuse_to_start_naming_the_remedy():
    r = run(["serve"], base_env(NODE_ENV="production", METRICS_ENABLED="true"))
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert "METRICS_AUTH_TOKEN is required when NODE_ENV is production" in r.stderr
    assert "METRICS_ALLOW_UNAUTHENTICATED=true" in r.stderr
    # A blank token is no token.
    r = run(["serve"], base_env(NODE_ENV="production", METRICS_ENABLED="true",
                                METRICS_AUTH_TOKEN="   "))
    assert r.returncode == 2 and "METRICS_AUTH_TOKEN is required" in r.stderr


def test_production_metrics_with_a_token_or_the_explicit_opt_out(make_server):
    guarded = make_server(NODE_ENV="production", METRICS_ENABLED="true",
                          METRICS_AUTH_TOKEN=METRICS_TOKEN)
    assert guarded.get("/metrics").status_code == 401
    assert guarded.get("/metrics", headers={"Authorization": "Bearer " + METRICS_TOKEN}
                       ).status_code == 200

    opted_out = make_server(NODE_ENV="production", METRICS_ENABLED="true",
                            METRICS_ALLOW_UNAUTHENTICATED="true")
    r = opted_out.get("/metrics")
    assert r.status_code == 200
    assert "auth_api_password_hash_rejections_total" in r.text

    # Development is unchanged: metrics without a token are served.
    assert make_server(METRICS_ENABLED="true").get("/metrics").status_code == 200
