"""Every endpoint declares its access rule, and every API endpoint is documented."""

import re

from portal.api.openapi import document


def test_every_endpoint_declares_an_access_rule(app):
    missing = sorted(
        rule.endpoint for rule in app.url_map.iter_rules()
        if not getattr(app.view_functions[rule.endpoint], "access_rule", None)
    )
    assert missing == []


def test_every_api_endpoint_is_in_the_openapi_document(app):
    documented = document()["paths"]
    undocumented = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        methods = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
        if path in ("/openapi.json", "/docs"):
            continue
        for method in methods:
            if method not in documented.get(path, {}):
                undocumented.append(f"{method.upper()} {path}")
    assert undocumented == []


def test_openapi_document_is_served_and_versioned(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.")
    assert "/auth/tokens" in doc["paths"] and "/me" in doc["paths"]


def test_api_docs_page_is_readable(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    assert b"/api/v1/auth/tokens" in r.data
