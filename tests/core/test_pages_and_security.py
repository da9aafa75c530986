"""Every page is safe under the strict CSP, and the core pages answer each role."""

import re
from pathlib import Path

import pytest

from portal.richtext import render_markdown


def _tags(html: str) -> list[tuple[str, list]]:
    """The elements and attributes a browser would build from the HTML."""
    from html.parser import HTMLParser

    found: list[tuple[str, list]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_csp_and_security_headers_are_sent(client):
    r = client.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix()
                                            for p in TEMPLATES.rglob("*.html")))
def test_templates_have_no_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script> is blocked by the CSP"
    assert not re.search(r"\sstyle=\"", text), "style attributes are blocked by the CSP"
    assert not re.search(r"\son[a-z]+=\"", text), "inline event handlers are blocked by the CSP"


def test_no_page_loads_anything_from_another_host():
    for path in TEMPLATES.rglob("*.html"):
        assert not re.search(r"(src|href)=\"(https?:)?//", path.read_text()), path


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<a href=\"javascript:alert(1)\" onclick=\"x()\">y</a>",
])
def test_user_markdown_is_rendered_harmless(text):
    tags = _tags(str(render_markdown(text)))
    assert all(tag not in ("script", "img", "iframe") for tag, _attrs in tags)
    for _tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")


def test_markdown_keeps_formatting_and_safe_links():
    html = str(render_markdown("**bold** and [site](https://example.com)"))
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html and "noopener" in html


@pytest.mark.parametrize("role", ["member", "chair", "staff", "admin"])
@pytest.mark.parametrize("path", ["/home", "/groups", "/groups/luxury-goods", "/notifications",
                                  "/profile"])
def test_core_pages_open_for_every_signed_in_role(as_user, people, role, path):
    assert as_user(people[role]).get(path).status_code == 200


def test_unknown_group_is_a_404_page(as_user, people):
    r = as_user(people["member"]).get("/groups/no-such-group")
    assert r.status_code == 404 and b"There is nothing here" in r.data


def test_navigation_reaches_every_part(as_user, people):
    page = as_user(people["admin"]).get("/home").data.decode()
    for href in ("/groups", "/recommendations", "/queqiao", "/test-purchases", "/admin/users",
                 "/admin/audit", "/notifications", "/profile"):
        assert f'href="{href}' in page, href


def test_admin_menu_is_only_for_admins(as_user, people):
    assert b"/admin/users" not in as_user(people["member"]).get("/home").data


def test_csrf_is_enforced_when_enabled(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make.make_user("member")
    r = app.test_client().post("/login", data={"email": user.email, "password": "x"})
    assert r.status_code == 400
