"""Listing tips costs a fixed number of queries however many tips and authors there are."""

from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db
from tests.support import factories

from .tipkit import make_tip


@contextmanager
def _statements():
    seen: list[str] = []

    def _count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)


def _cost(fetch):
    db.session.expire_all()
    with _statements() as seen:
        r = fetch()
    assert r.status_code == 200
    return len(seen)


def _add_tips(n, org):
    for _ in range(n):  # each by a different author: the N+1 was per author
        make_tip(factories.make_user("member", org), sharing="alliance")


def test_listing_tips_does_not_cost_a_query_per_author(people, api, as_user):
    reader = people["member"]
    org = reader.organisation
    paths = {"api": lambda: api(reader).get("/api/v1/tips?per_page=100"),
             "page": lambda: as_user(reader).get("/queqiao/tips"),
             "csv": lambda: as_user(reader).get("/queqiao/tips/export.csv")}
    _add_tips(3, org)
    few = {name: _cost(fetch) for name, fetch in paths.items()}
    _add_tips(30, org)
    assert len(api(reader).get("/api/v1/tips?per_page=100").get_json()["items"]) == 33
    many = {name: _cost(fetch) for name, fetch in paths.items()}
    assert many == few, (few, many)
