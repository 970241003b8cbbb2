"""Hostile bearer and refresh tokens: control bytes and whitespace in Authorization, algorithm
tricks (alg=none, HS/RS confusion, keys an attacker chooses, embedded jwk, jku), kid tricks,
tampering and malformed compact forms.

A forged or damaged token is 401 (INVALID_TOKEN for the access tokens' signature and shape
checks); a value of Authorization with a NUL or another control byte is 401 INVALID_TOKEN;
nothing revokes or rotates the known user's session.
"""
import base64
import hashlib
import hmac
import json
import time
import uuid

from conftest import ACCESS_SECRET, REFRESH_SECRET, Req, assert_no_problems, json_body, raw
from oracle import all_of, expect_answer, expect_error, expect_not, expect_status

ME = "/v1/auth/me"
INVALID_TOKEN = expect_error(401, "INVALID_TOKEN")
UNAUTHORIZED = expect_status(401)


def b64(data):
    if isinstance(data, (dict, list)):
        data = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def forge(header, claims, key=None, digest=hashlib.sha256, signature=None, raw_header=None,
          raw_claims=None):
    """A compact JWS. `key` signs with HMAC-`digest`; `signature` (text) overrides."""
    head = raw_header if raw_header is not None else b64(header)
    body = raw_claims if raw_claims is not None else b64(claims)
    signing_input = f"{head}.{body}".encode()
    if signature is None:
        signature = b64(hmac.new(key.encode() if isinstance(key, str) else key, signing_input,
                                 digest).digest()) if key is not None else ""
    return f"{head}.{body}.{signature}"


def me_cases(access):
    claims = claims_of(access)
    hs = {"alg": "HS256", "typ": "JWT"}
    s = access.split(".")
    now = int(time.time())
    strict = {
        # alg=none, however spelled, signed or not.
        "alg none": forge({"alg": "none", "typ": "JWT"}, claims),
        "alg None": forge({"alg": "None"}, claims),
        "alg NONE with signature": forge({"alg": "NONE"}, claims, signature=s[2]),
        "alg nOnE": forge({"alg": "nOnE", "typ": "JWT"}, claims),
        "alg empty": forge({"alg": ""}, claims, ACCESS_SECRET),
        "alg missing": forge({"typ": "JWT"}, claims, ACCESS_SECRET),
        "alg null": forge({"alg": None}, claims, ACCESS_SECRET),
        "alg array": forge({"alg": ["HS256"]}, claims, ACCESS_SECRET),
        # Asymmetric algorithms with the HMAC secret as key (HS/RS confusion), or with none.
        "RS256 keyed with the secret": forge({"alg": "RS256", "typ": "JWT"}, claims, ACCESS_SECRET),
        "ES256 keyed with the secret": forge({"alg": "ES256"}, claims, ACCESS_SECRET),
        "PS256 keyed with the secret": forge({"alg": "PS256"}, claims, ACCESS_SECRET),
        "EdDSA keyed with the secret": forge({"alg": "EdDSA"}, claims, ACCESS_SECRET),
        "RS256 unsigned": forge({"alg": "RS256"}, claims),
        # Keys the attacker chooses.
        "empty key": forge(hs, claims, ""),
        "key null": forge(hs, claims, "null"),
        "key undefined": forge(hs, claims, "undefined"),
        "refresh secret": forge(hs, claims, REFRESH_SECRET),
        "secret with a space": forge(hs, claims, ACCESS_SECRET + " "),
        "embedded jwk": forge({"alg": "HS256", "jwk": {"kty": "oct", "k": b64(b"attacker")}},
                              claims, "attacker"),
        "jku": forge({"alg": "HS256", "jku": "http://127.0.0.1:1/jwks.json"}, claims, "attacker"),
        "x5u": forge({"alg": "HS256", "x5u": "http://127.0.0.1:1/cert.pem"}, claims, "attacker"),
        # kid tricks with an attacker's key.
        "kid traversal": forge({"alg": "HS256", "kid": "../../../../../../dev/null"}, claims, ""),
        "kid sql": forge({"alg": "HS256", "kid": "x' UNION SELECT 'attacker'--"}, claims, "attacker"),
        "kid command": forge({"alg": "HS256", "kid": "|id;"}, claims, "attacker"),
        "kid empty": forge({"alg": "HS256", "kid": ""}, claims, ACCESS_SECRET),
        "kid number": forge({"alg": "HS256", "kid": 5}, claims, ACCESS_SECRET),
        "kid NUL": forge({"alg": "HS256", "kid": "a\u0000b"}, claims, "attacker"),
        # Header tricks.
        "duplicate alg, none last": forge(None, claims, raw_header=b64(
            b'{"alg":"HS256","alg":"none"}')),
        "crit": forge({"alg": "HS256", "crit": ["exp"]}, claims, ACCESS_SECRET),
        "b64 false": forge({"alg": "HS256", "b64": False, "crit": ["b64"]}, claims, ACCESS_SECRET),
        "header not JSON": forge(None, claims, ACCESS_SECRET, raw_header=b64(b"not json")),
        "header array": forge(None, claims, ACCESS_SECRET, raw_header=b64(b'["HS256"]')),
        # Claims, validly signed (a leaked secret aside, these test the checks after the
        # signature).
        "typ refresh": forge(hs, {**claims, "typ": "refresh"}, ACCESS_SECRET),
        "expired": forge(hs, {**claims, "exp": now - 10}, ACCESS_SECRET),
        "not yet valid": forge(hs, {**claims, "nbf": now + 3600}, ACCESS_SECRET),
        "exp not a number": forge(hs, {**claims, "exp": "9999999999"}, ACCESS_SECRET),
        "exp overflow": forge(hs, None, ACCESS_SECRET, raw_claims=b64(json.dumps(
            {**claims, "exp": 0}).replace('"exp": 0', '"exp": 1e400').encode())),
        "sub not digits": forge(hs, {**claims, "sub": "1 OR 1=1"}, ACCESS_SECRET),
        "sid not a uuid": forge(hs, {**claims, "sid": "' OR '1'='1"}, ACCESS_SECRET),
        "jti missing": forge(hs, {k: v for k, v in claims.items() if k != "jti"}, ACCESS_SECRET),
        "iss other": forge(hs, {**claims, "iss": "evil"}, ACCESS_SECRET),
        "aud other": forge(hs, {**claims, "aud": "evil"}, ACCESS_SECRET),
        "claims not JSON": forge(hs, None, ACCESS_SECRET, raw_claims=b64(b"{")),
        "claims invalid utf-8": forge(hs, None, ACCESS_SECRET, raw_claims=b64(
            b'{"sub":"\xff"}')),
        "claims deep": forge(hs, None, ACCESS_SECRET, raw_claims=b64(b"[" * 2000 + b"]" * 2000)),
        # Tampering without the key.
        "payload swapped": f"{s[0]}.{b64({**claims, 'sub': '999999'})}.{s[2]}",
        "signature cut": access[:-4],
        "signature of another token": f"{s[0]}.{s[1]}.{b64(b'x' * 32)}",
        "header swapped": f"{b64({'alg': 'HS512', 'typ': 'JWT'})}.{s[1]}.{s[2]}",
        # Compact forms.
        "two parts": f"{s[0]}.{s[1]}",
        "four parts": access + ".x",
        "empty parts": "..",
        "dots": "." * 50,
        "padding": f"{s[0]}=.{s[1]}==.{s[2]}=",
        "standard base64": access.replace("-", "+").replace("_", "/") + "+/",
        "space inside": f"{s[0]}. {s[1]}.{s[2]}",
        "trailing dot": access + ".",
        "huge": access + "A" * 60000,
        "unicode": access + "\u00e9",
    }
    # Outcomes the contract leaves to the verifier's configuration (other HMAC strengths under
    # the same secret, a kid that names no key, canonical-ness of base64): 200 or 401 is fine.
    lenient = {
        "HS384 with the secret": forge({"alg": "HS384", "typ": "JWT"}, claims, ACCESS_SECRET,
                                       hashlib.sha384),
        "HS512 with the secret": forge({"alg": "HS512", "typ": "JWT"}, claims, ACCESS_SECRET,
                                       hashlib.sha512),
        "kid with the secret": forge({"alg": "HS256", "typ": "JWT", "kid": "k1"}, claims, ACCESS_SECRET),
        "extra header member": forge({"alg": "HS256", "typ": "JWT", "x": [1, {"y": None}]}, claims,
                                     ACCESS_SECRET),
        "duplicate alg, HS256 last": forge(None, claims, ACCESS_SECRET, raw_header=b64(
            b'{"alg":"none","alg":"HS256"}')),
        "typ other": forge({"alg": "HS256", "typ": "at+jwt"}, claims, ACCESS_SECRET),
        "aud array": forge(hs, {**claims, "aud": [claims["aud"], "other"]}, ACCESS_SECRET),
        "non-canonical last character": f"{s[0]}.{s[1]}.{s[2][:-1]}{chr(ord(s[2][-1]) ^ 1)}",
    }
    return strict, lenient


def bearer_request(path, value, cid, method="GET"):
    value = value if isinstance(value, bytes) else value.encode("latin-1", "replace")
    return raw(method, path, [(b"Authorization", value)], cid=cid)


def test_forged_access_tokens(target):
    strict, lenient = me_cases(target.known.access)
    problems = []
    for i, (name, token) in enumerate(strict.items()):
        expect = UNAUTHORIZED if name in ("huge",) else INVALID_TOKEN
        if name in ("typ refresh", "expired", "not yet valid", "exp not a number", "exp overflow",
                    "sub not digits", "sid not a uuid", "jti missing", "iss other", "aud other",
                    "payload swapped"):
            expect = UNAUTHORIZED
        if name == "huge":
            expect = all_of(expect_not(200, 500))
        data = bearer_request(ME, "Bearer " + token, f"forged-{i}")
        problems += target.judge("tokens", name, data,
                                 [Req("GET", ME, expect=all_of(expect_answer, expect))])
    for i, (name, token) in enumerate(lenient.items()):
        data = bearer_request(ME, "Bearer " + token, f"lenient-{i}")
        problems += target.judge("tokens", name, data, [Req("GET", ME, expect=all_of(
            expect_answer, expect_status(200, 401)))])
    # The forged tokens against the routes that change state: nothing may be revoked.
    for i, name in enumerate(["alg none", "RS256 keyed with the secret", "empty key",
                              "kid traversal", "payload swapped"]):
        for method, path in [("DELETE", "/v1/auth/sessions/" + target.known.session_id),
                             ("DELETE", "/v1/auth/sessions"), ("GET", "/v1/auth/sessions")]:
            data = bearer_request(path, "Bearer " + strict[name], f"forged-state-{i}", method)
            problems += target.judge("tokens", f"{method} {path} with {name}", data,
                                     [Req(method, path, expect=all_of(expect_answer, UNAUTHORIZED))])
    assert_no_problems(problems)


CONTROL = [b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1b", b"\x1f", b"\x7f"]


def test_control_bytes_in_authorization(target):
    """A valid token with a NUL or another control byte anywhere in the value: 401 INVALID_TOKEN
    (through nginx, its own 400 for a NUL may come first)."""
    token = target.known.access.encode()
    problems = []
    i = 0
    for c in CONTROL:
        for value in [b"Bearer " + token + c, b"Bearer " + c + token, b"Bearer " + token[:20] + c
                      + token[20:], b"Bearer" + c + b" " + token, b"Bearer " + token + c + b"tail",
                      c + b"Bearer " + token]:
            data = bearer_request(ME, value, f"ctl-{i}")
            i += 1
            problems += target.judge("tokens", f"Authorization {value[:12]!r}...{value[-8:]!r}", data,
                                     [Req("GET", ME, expect=all_of(expect_answer, INVALID_TOKEN))])
    for value in [b"Bearer " + token + b"\xff", b"Bearer " + token + b"\xc3\xa9",
                  b"Bearer " + token[:20] + b"\x80" + token[20:]]:
        data = bearer_request(ME, value, f"ctl-{i}")
        i += 1
        problems += target.judge("tokens", f"Authorization with byte {value[-1:]!r}", data,
                                 [Req("GET", ME, expect=all_of(expect_answer, INVALID_TOKEN))])
    assert_no_problems(problems)


def test_whitespace_and_repeats_in_authorization(target):
    token = target.known.access.encode()
    values = [b"Bearer  " + token, b"Bearer " + token + b"   ", b"Bearer\t" + token,
              b"bearer " + token, b"BEARER " + token, b"  Bearer " + token, b"Bearer " + token + b"\t",
              b"Bearer", b"Bearer ", b"Bearer " + b" " * 5000, b"Basic " + token, token,
              b"Bearer " + token + b" " + token, b"Bearer " + b"," + token]
    problems = []
    for i, value in enumerate(values):
        data = bearer_request(ME, value, f"ws-{i}")
        problems += target.judge("tokens", f"Authorization {value[:16]!r}", data,
                                 [Req("GET", ME, expect=all_of(expect_answer, expect_status(200, 401)))])
    for i, pair in enumerate([[b"Bearer " + token, b"Bearer junk"], [b"Bearer junk", b"Bearer " + token],
                              [b"Bearer " + token, b"Bearer " + token]]):
        data = raw("GET", ME, [(b"Authorization", v) for v in pair], cid=f"rep-{i}")
        # nginx refuses a repeated Authorization (400) before the server sees it.
        problems += target.judge("tokens", f"two Authorization headers {i}", data, [Req(
            "GET", ME, expect=all_of(expect_answer, expect_status(200, 401, proxy_may_refuse=True)))])
    assert_no_problems(problems)


def test_refresh_token_tricks(target):
    """Damaged or forged refresh tokens never rotate, revoke or compromise a session: the
    throw-away user's own refresh token still works afterwards (no replay was recorded)."""
    email = target.register()
    auth = target.login(email)
    refresh = auth["refreshToken"]
    claims = claims_of(refresh)
    hs = {"alg": "HS256", "typ": "JWT"}
    tokens = {
        "NUL appended": refresh + "\u0000",
        "control inside": refresh[:30] + "\u0001" + refresh[30:],
        "alg none": forge({"alg": "none"}, claims),
        "signed with the access secret": forge(hs, claims, ACCESS_SECRET),
        "access token": auth["accessToken"],
        "jti of another": forge(hs, {**claims, "jti": str(uuid.uuid4())}, "attacker"),
        "payload swapped": ".".join([refresh.split(".")[0], b64({**claims, "sub": "999999"}),
                                     refresh.split(".")[2]]),
        "truncated": refresh[:-1],
        "doubled": refresh + refresh,
        "huge": refresh + "A" * 8000,
    }
    problems = []
    for i, (name, token) in enumerate(tokens.items()):
        for route in ["/v1/auth/tokens/refresh", "/v1/auth/sessions/current/revoke"]:
            body = json_body({"refreshToken": token})
            data = raw("POST", route, [("Content-Type", "application/json")], body, cid=f"rt-{i}")
            problems += target.judge("tokens", f"{route} {name}", data, [Req("POST", route, expect=all_of(
                expect_answer, expect_status(400, 401)))])
    still = target.call("POST", "/v1/auth/tokens/refresh", json={"refreshToken": refresh})
    if still.status_code != 200:
        problems.append(f"[{target.front}] the throw-away user's refresh token stopped working: "
                        f"{still.status_code} {still.text[:200]}")
    assert_no_problems(problems)
