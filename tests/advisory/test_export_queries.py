"""The tracker's list, API, CSV export and figures cost a fixed number of queries, not one per row."""

from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db
from tests.advisory import helpers


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


def test_tracker_lists_export_and_figures_do_not_cost_a_query_per_recommendation(
        as_user, api, board):
    reader = as_user(board["member"])
    paths = {"csv": lambda: reader.get("/recommendations/export.csv"),
             "figures": lambda: reader.get("/recommendations/figures"),
             "list": lambda: reader.get("/recommendations"),
             "api": lambda: api(board["member"]).get("/api/v1/recommendations?per_page=100")}
    for n in range(2):
        helpers.submitted(board["chair"], title=f"Early {n}")
    few = {name: _cost(fetch) for name, fetch in paths.items()}
    for n in range(12):
        helpers.submitted(board["chair"], title=f"Later {n}")
    rows = reader.get("/recommendations/export.csv").get_data(as_text=True).splitlines()
    assert len(rows) == 1 + 14
    many = {name: _cost(fetch) for name, fetch in paths.items()}
    assert many == few, (few, many)
