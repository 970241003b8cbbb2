"""/docs in headless Chromium: Swagger UI renders one operation element per operation."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import Server

EMBEDDED = os.environ.get("AUTHKIT_SWAGGER_UI_EMBEDDED", "")


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    # Fail, not skip: scripts/install-deps.sh installs it, so its absence is a broken setup.
    assert path, "chromium not found (Debian package chromium; scripts/install-deps.sh)"
    return path


def rendered_dom(url):
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
             # Virtual time runs until the page is idle (scripts loaded, docs.json fetched and
             # rendered) or the budget is spent.
             "--virtual-time-budget=20000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(EMBEDDED not in ("0", "1"),
                    reason="run through ctest, which says whether Swagger UI was embedded")
def test_docs_render_every_operation_in_chromium():
    s = Server(LOG_LEVEL="silent")
    try:
        doc = s.get("/docs.json").json()
        operations = {(m.lower(), p) for p, ops in doc["paths"].items() for m in ops}
        dom = rendered_dom(s.url + "/docs/")
        if EMBEDDED == "1":
            # Swagger UI's own operation blocks: <div class="opblock opblock-get ..." id=...>.
            blocks = re.findall(r'<div class="opblock opblock-(\w+)[^"]*" id="operations-[^"]+"',
                                dom)
            paths = re.findall(r'data-path="([^"]+)"', dom)
            assert len(blocks) == len(operations), dom[:3000]
            rendered = set(zip(blocks, paths))
            assert rendered == operations
        else:
            assert dom.count('<tr class="operation">') == len(operations)
    finally:
        s.close()
