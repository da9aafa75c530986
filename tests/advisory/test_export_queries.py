"""The tracker's list, API, CSV export and figures cost a fixed number of queries, not one per row."""

from tests.advisory import helpers
from tests.support.queries import query_cost


def test_tracker_lists_export_and_figures_do_not_cost_a_query_per_recommendation(
        as_user, api, board):
    reader = as_user(board["member"])
    paths = {"csv": lambda: reader.get("/recommendations/export.csv"),
             "figures": lambda: reader.get("/recommendations/figures"),
             "list": lambda: reader.get("/recommendations"),
             "api": lambda: api(board["member"]).get("/api/v1/recommendations?per_page=100")}
    for n in range(2):
        helpers.submitted(board["chair"], title=f"Early {n}")
    few = {name: query_cost(fetch) for name, fetch in paths.items()}
    for n in range(12):
        helpers.submitted(board["chair"], title=f"Later {n}")
    rows = reader.get("/recommendations/export.csv").get_data(as_text=True).splitlines()
    assert len(rows) == 1 + 14
    many = {name: query_cost(fetch) for name, fetch in paths.items()}
    assert many == few, (few, many)
