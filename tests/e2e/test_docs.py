"""/docs.json (OpenAPI 3.1) and /docs, including route/doc parity."""
import re
import subprocess

from conftest import SERVER_BIN, base_env

SCHEMAS = ["RegisterInput", "CreateSessionInput", "RefreshTokenInput", "SessionParams", "User",
           "Session", "AuthResponse", "RegisterResponse", "MeResponse", "SessionsListResponse",
           "ErrorResponse"]
DOCS_ROUTES = {("GET", "/docs.json"), ("GET", "/docs"), ("GET", "/docs/{asset}")}


def router_routes():
    out = subprocess.run([SERVER_BIN, "routes"], env=base_env(), capture_output=True, text=True,
                         timeout=30, check=True).stdout
    documented, undocumented = set(), set()
    for line in out.splitlines():
        parts = line.split()
        (undocumented if line.endswith("(undocumented)") else documented).add(
            (parts[0], parts[1]))
    assert documented, out
    return documented, undocumented


def doc_operations(doc):
    return {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_document_structure(server):
    r = server.get("/docs.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    doc = r.json()
    assert list(doc.keys()) == ["openapi", "info", "servers", "components", "paths"]
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "Auth API"
    assert list(doc["components"]["schemas"].keys()) == SCHEMAS
    assert doc["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
    session = doc["components"]["schemas"]["Session"]["properties"]
    assert {"type": "null"} in session["lastSeenAt"]["anyOf"]
    for ref in refs(doc["paths"]):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"], ref
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert method in {"get", "post", "delete"}
            assert op["tags"] and op["summary"] and op["responses"], (method, path)
    metrics = doc["paths"]["/metrics"]["get"]["responses"]
    assert set(metrics) == {"200", "401", "404"}
    assert set(doc["paths"]["/ready"]["get"]["responses"]) == {"200", "503"}


def test_every_route_is_documented_and_every_documented_path_is_routed(server):
    documented, undocumented = router_routes()
    assert undocumented == DOCS_ROUTES
    doc = server.get("/docs.json").json()
    assert doc_operations(doc) == documented
    for method, path in sorted(doc_operations(doc)):
        concrete = re.sub(r"\{[^}]+\}", "6f1c2a4e-9b7d-4c3e-8a5f-0123456789ab", path)
        r = server.request(method, concrete)
        # The router's own 404 (a route may answer NOT_FOUND with a message of its own, as
        # /.well-known/jwks.json does with HMAC access tokens).
        is_unknown = (r.status_code == 404 and r.headers["Content-Type"].startswith(
            "application/json") and r.json().get("error", {}).get("code") == "NOT_FOUND"
                      and r.json()["error"]["message"] == "not found")
        assert not is_unknown, (method, path)
        if method == "GET":
            assert server.request("HEAD", concrete).status_code == r.status_code


def test_servers_default_and_host(server):
    local = f"http://localhost:{server.port}"
    doc = server.get("/docs.json", headers={"Host": f"localhost:{server.port}"}).json()
    assert doc["servers"] == [{"url": local, "description": "Local server"}]
    doc = server.get("/docs.json", headers={"Host": "api.example.com"}).json()
    assert doc["servers"] == [{"url": "https://api.example.com", "description": "Current server"},
                              {"url": local, "description": "Local server"}]
    doc = server.get("/docs.json", headers={"Host": "127.0.0.1:8080"}).json()
    assert doc["servers"][0]["url"] == "http://127.0.0.1:8080"
    # Only localhost itself is local (docs/compatibility.md#openapi-document).
    doc = server.get("/docs.json", headers={"Host": "localhost.evil.com"}).json()
    assert doc["servers"][0]["url"] == "https://localhost.evil.com"
    # Forwarded headers are ignored without TRUST_PROXY (docs/compatibility.md#openapi-document).
    doc = server.get("/docs.json", headers={"Host": "api.example.com",
                                            "X-Forwarded-Host": "evil.example",
                                            "X-Forwarded-Proto": "http"}).json()
    assert doc["servers"][0]["url"] == "https://api.example.com"
    # A host that is not a host name is not put into a URL.
    doc = server.get("/docs.json", headers={"Host": "a\"b<script>"}).json()
    assert doc["servers"] == [{"url": local, "description": "Local server"}]


def test_servers_with_trusted_proxy(make_server):
    s = make_server(TRUST_PROXY="1")
    doc = s.get("/docs.json", headers={"Host": "internal:3000",
                                       "X-Forwarded-Host": "api.example.com, other",
                                       "X-Forwarded-Proto": "http, https"}).json()
    assert doc["servers"][0] == {"url": "https://api.example.com", "description": "Current server"}
    doc = s.get("/docs.json", headers={"X-Forwarded-Host": "localhost:8443",
                                       "X-Forwarded-Proto": "https"}).json()
    assert doc["servers"][0]["url"] == "https://localhost:8443"
    # Any other protocol string is ignored (the original used it verbatim: ftp://...).
    doc = s.get("/docs.json", headers={"X-Forwarded-Host": "localhost:9",
                                       "X-Forwarded-Proto": "ftp"}).json()
    assert doc["servers"][0]["url"] == "http://localhost:9"


def test_docs_page(server):
    r = server.get("/docs", allow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"] == "/docs/"
    page = server.get("/docs/")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    if "swagger-ui-bundle.js" in page.text:
        for asset, kind in [("swagger-ui.css", "text/css"),
                            ("swagger-ui-bundle.js", "application/javascript"),
                            ("swagger-ui-standalone-preset.js", "application/javascript")]:
            a = server.get("/docs/" + asset)
            assert a.status_code == 200 and a.headers["Content-Type"].startswith(kind), asset
            assert len(a.content) > 1000
        assert "../docs.json" in page.text
    else:
        doc = server.get("/docs.json").json()
        assert page.text.count('<tr class="operation">') == len(doc_operations(doc))
    missing = server.get("/docs/package.json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


def test_docs_disabled(make_server):
    s = make_server(DOCS_ENABLED="false")
    for path in ["/docs.json", "/docs", "/docs/", "/docs/swagger-ui.css", "/DOCS.json"]:
        r = s.get(path, allow_redirects=False)
        assert r.status_code == 404, path
        assert r.json() == {"message": "docs disabled"}, path
