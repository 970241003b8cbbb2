"""GET /.well-known/jwks.json (docs/api.md#jwks): the access tokens' public keys, active and
verify-only, for an independent verifier; 404 with HMAC access tokens."""
import tempfile

import jwt
import pytest

from conftest import ACCESS_SECRET
from keys import write_key

PASSWORD = "strong-pass-123"
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}


def login(server):
    address = "jwks-user@example.test"
    r = server.post("/v1/auth/register",
                    json={"name": "Jwks User", "email": address, "password": PASSWORD})
    assert r.status_code == 201, r.text
    r = server.post("/v1/auth/sessions", json={"email": address, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("algorithm,kty", [("EdDSA", "OKP"), ("ES256", "EC"), ("RS256", "RSA")])
def test_jwks_serves_the_public_keys(make_server, algorithm, kty):
    with tempfile.TemporaryDirectory() as tmp:
        active = write_key(tmp, "active", algorithm)
        previous = write_key(tmp, "previous", algorithm)  # a private key: only its public half
        next_public = write_key(tmp, "next", "ES256", public=True)
        s = make_server(ACCESS_TOKEN_ALGORITHM=algorithm, ACCESS_TOKEN_PRIVATE_KEY_FILE=active,
                        ACCESS_TOKEN_KEY_ID="k-active",
                        ACCESS_TOKEN_VERIFY_KEY_FILES=f"k-prev:{previous}, k-next:{next_public}",
                        # The original's HS256 tokens stay valid, and are never published.
                        ACCESS_TOKEN_VERIFY_SECRETS=":" + ACCESS_SECRET,
                        # Above the Redis bucket the other tests share on PostgreSQL.
                        RATE_LIMIT_MAX_REQUESTS="1000000")
        r = s.get("/.well-known/jwks.json")
        assert r.status_code == 200, r.text
        assert r.headers["Cache-Control"] == "public, max-age=300"
        assert r.headers["Content-Type"].startswith("application/json")
        keys = r.json()["keys"]
        assert [k["kid"] for k in keys] == ["k-active", "k-prev", "k-next"]
        for key in keys:
            assert not PRIVATE_MEMBERS & set(key), key
            assert key["use"] == "sig"
        assert keys[0]["kty"] == kty and keys[0]["alg"] == algorithm
        assert keys[2]["kty"] == "EC" and keys[2]["alg"] == "ES256"
        assert ACCESS_SECRET not in r.text

        # An independent verifier given only the JWKS accepts the server's access tokens.
        token = login(s)["accessToken"]
        assert jwt.get_unverified_header(token)["kid"] == "k-active"
        client = jwt.PyJWKClient(s.url + "/.well-known/jwks.json")
        signing_key = client.get_signing_key_from_jwt(token)
        claims = jwt.decode(token, signing_key.key, algorithms=[algorithm],
                            audience="auth-api-clients", issuer="auth-api")
        assert claims["typ"] == "access"
        # HEAD answers too, with the same headers.
        head = s.request("HEAD", "/.well-known/jwks.json")
        assert head.status_code == 200 and head.headers["Cache-Control"] == "public, max-age=300"


def test_jwks_is_404_with_hmac_access_tokens(make_server):
    s = make_server(ACCESS_TOKEN_KEY_ID="a1")
    r = s.get("/.well-known/jwks.json")
    assert r.status_code == 404
    body = r.json()
    assert list(body) == ["error"]
    assert body["error"]["code"] == "NOT_FOUND"
    assert body["error"]["message"] == ("no public keys: access tokens are signed with an HMAC "
                                        "secret")
    assert body["error"]["correlationId"] == r.headers["x-correlation-id"]
    assert ACCESS_SECRET not in r.text
    assert "Cache-Control" not in r.headers or "public" not in r.headers["Cache-Control"]


def test_jwks_is_in_the_openapi_document(make_server):
    s = make_server()
    doc = s.get("/docs.json").json()
    responses = doc["paths"]["/.well-known/jwks.json"]["get"]["responses"]
    assert set(responses) == {"200", "404"}
