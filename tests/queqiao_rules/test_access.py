"""Only platform staff touch rules, scans and hits: every endpoint, every role."""

import pytest

from tests.queqiao_rules.helpers import listing, make_rule, scan_dicts

NOT_STAFF = ("member", "outsider", "chair", "admin")


@pytest.fixture
def objects(people):
    rule = make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("L1"))
    from portal.extensions import db
    from queqiao.scanning.models import Hit

    hit = db.session.query(Hit).first()
    return {"rule": rule.id, "hit": hit.id}


API_CALLS = [
    ("get", "/api/v1/rules", None),
    ("post", "/api/v1/rules", {"name": "x", "conditions": {"all": ["x"]}}),
    ("get", "/api/v1/rules/export", None),
    ("get", "/api/v1/rules/{rule}", None),
    ("patch", "/api/v1/rules/{rule}", {"version": 1, "conditions": {"all": ["y"]}}),
    ("post", "/api/v1/rules/{rule}/status", {"status": "shadow"}),
    ("post", "/api/v1/rules/{rule}/explain", {"listing": {"title": "gucci 高仿"}}),
    ("get", "/api/v1/rules/{rule}/hits", None),
    ("post", "/api/v1/scans", {"listings": [listing("L9")]}),
    ("get", "/api/v1/hits", None),
    ("get", "/api/v1/hits/{hit}", None),
    ("post", "/api/v1/hits/{hit}/outcome", {"outcome": "taken_down"}),
]
PAGES = ["/queqiao/rules", "/queqiao/rules/new", "/queqiao/rules/{rule}",
         "/queqiao/rules/{rule}/edit", "/queqiao/rules/corpus", "/queqiao/dry-run",
         "/queqiao/feeds", "/queqiao/hits", "/queqiao/hits/{hit}"]


@pytest.mark.parametrize("method, path, body", API_CALLS)
def test_api_is_for_staff_only(people, objects, api, method, path, body):
    path = path.format(**objects)
    for role in NOT_STAFF:
        client = api(people[role])
        response = getattr(client, method)(path, json=body) if body else getattr(client, method)(path)
        assert response.status_code == 403, (role, path)
    anonymous = getattr(api(None), method)(path, json=body)
    assert anonymous.status_code == 401
    staff = api(people["staff"])
    response = getattr(staff, method)(path, json=body) if body else getattr(staff, method)(path)
    assert response.status_code in (200, 201), (path, response.get_json())


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_for_staff_only(people, objects, as_user, client, path):
    # Pages of a tool another role never uses are not there for it (404), like the rules
    # and hits they show.
    path = path.format(**objects)
    for role in NOT_STAFF:
        assert as_user(people[role]).get(path).status_code == 404, (role, path)
    assert client.get(path).status_code in (302, 401)
    assert as_user(people["staff"]).get(path).status_code == 200


def test_staff_nav_shows_rules_and_others_do_not_see_it(people, as_user):
    assert "/queqiao/rules" in as_user(people["staff"]).get("/home").get_data(as_text=True)
    assert "/queqiao/rules" not in as_user(people["member"]).get("/home").get_data(as_text=True)
