"""In Debian's chromium: the API docs page renders every operation from the OpenAPI
document with the vendored Swagger UI, under the strict CSP, with no console error."""

import pytest
import requests

from tests.support.live import wait_until

pytestmark = pytest.mark.browser


def test_docs_page_renders_operations_without_csp_violations(page, live_server):
    problems: list[str] = []
    # The browser's own /favicon.ico request (the portal has none) is no fault of this page.
    page.on("console", lambda m: problems.append(f"{m.text} {m.location.get('url', '')}")
            if (m.type == "error" or "Content Security Policy" in m.text)
            and not m.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    response = page.goto("/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    wait_until(page, "document.getElementById('swagger-ui').dataset.rendered === '1'", 30)
    page.wait_for_selector("#swagger-ui .opblock")
    summaries = page.locator("#swagger-ui .opblock-summary-path").all_inner_texts()
    spec = requests.get(live_server.url + "/api/v1/openapi.json", timeout=10).json()
    operations = sum(len(ops) for ops in spec["paths"].values())
    assert len(summaries) == operations
    assert any("/tips/import" in s for s in summaries)

    page.locator("#swagger-ui .opblock-post:has(.opblock-summary-path[data-path='/tips/import'])"
                 " .opblock-summary").click()
    page.wait_for_selector("#swagger-ui .opblock.is-open")
    assert "dry_run" in page.locator("#swagger-ui .opblock.is-open").inner_text()
    assert "hmac.compare_digest" in page.locator("#webhook-signature").inner_text()
    assert all(u.startswith(live_server.url) for u in requested), requested
    assert failed == []
    assert problems == []
