"""Pages for one role only are absent for every other role: 404, never a 403 hinting that
they exist. 403 stays for an object the person can see but may not act on, and for the
API, whose contract answers 403 to an operation the caller's role may not call."""

import re

import pytest

from portal.authz import can

ROLES = ("member", "chair", "staff", "admin")
OPEN_RULES = {"public", "signed_in"}


def _role_gated_pages(app) -> list[tuple[str, str, str]]:
    """(method, concrete path, rule) of every page whose rule names roles."""
    pages = []
    for url_rule in app.url_map.iter_rules():
        view = app.view_functions[url_rule.endpoint]
        action = getattr(view, "access_rule", None)
        if url_rule.rule.startswith(("/api/", "/static")) or action in OPEN_RULES:
            continue
        # The page-level check runs before the view, so any id stands for a real one.
        path = re.sub(r"<int:[a-z_]+>", "1", url_rule.rule)
        path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "luxury-goods", path)
        for method in sorted(url_rule.methods - {"HEAD", "OPTIONS"}):
            pages.append((method, path, action))
    return pages


def test_role_gated_pages_exist(app):
    rules = {action for _m, _p, action in _role_gated_pages(app)}
    assert {"admin", "staff", "tip.review", "report.edit"} <= rules


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_404_on_every_page_not_for_its_role(app, as_user, people, role):
    client = as_user(people[role])
    wrong = []
    for method, path, action in _role_gated_pages(app):
        if can(people[role], action):
            continue
        status = client.open(path, method=method).status_code
        if status != 404:
            wrong.append(f"{method} {path} ({action}): {status}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_the_pages_for_its_role(app, as_user, people, role):
    client = as_user(people[role])
    wrong = []
    for method, path, action in _role_gated_pages(app):
        if method != "GET" or "/1" in path or "luxury-goods" in path \
                or not can(people[role], action):
            continue
        status = client.get(path).status_code
        if status not in (200, 302):
            wrong.append(f"GET {path} ({action}): {status}")
    assert wrong == []


ADMIN_PAGES = ["/admin/organisations", "/admin/users", "/admin/chairs", "/admin/audit"]
STAFF_PAGES = ["/queqiao/rules", "/queqiao/hits", "/queqiao/feeds", "/jobs/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_absent_for_members_chairs_and_staff(as_user, people, path):
    assert as_user(people["admin"]).get(path).status_code == 200
    for role in ("member", "chair", "staff"):
        assert as_user(people[role]).get(path).status_code == 404, role


def test_api_still_answers_403_to_a_role_that_may_not_call_an_operation(api, people):
    r = api(people["member"]).post("/api/v1/rules", json={"name": "x", "conditions": {}})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_are_absent_for_members_and_chairs(as_user, people, path):
    assert as_user(people["staff"]).get(path).status_code == 200
    for role in ("member", "chair"):
        assert as_user(people[role]).get(path).status_code == 404, role
