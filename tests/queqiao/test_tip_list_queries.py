"""Listing tips costs a fixed number of queries however many tips and authors there are."""

from tests.support import factories
from tests.support.queries import query_cost

from .tipkit import make_tip


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
    few = {name: query_cost(fetch) for name, fetch in paths.items()}
    _add_tips(30, org)
    assert len(api(reader).get("/api/v1/tips?per_page=100").get_json()["items"]) == 33
    many = {name: query_cost(fetch) for name, fetch in paths.items()}
    assert many == few, (few, many)
