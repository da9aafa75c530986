"""Every main page costs the same number of SQL statements however much data there is.

The demo alliance is the small case (every list already has a row, so each eager load is
already paid); `seed-demo --scale` then adds companies, people, meetings, threads,
documents, tips, rules, hits, purchases, recommendations and notifications. A statement
per row of any of them shows up as a difference, for every role.
"""

import gc

from portal.accounts.models import user_by_email
from portal.demo import seed, seed_scale
from portal.extensions import db
from tests.support.queries import query_cost

READERS = {"member": "member@maison.example", "chair": "chair.luxury-goods@maison.example",
           "staff": "staff@platform.example", "admin": "admin@alliance.example"}
PAGES = ["/home", "/groups", "/groups/luxury-goods", "/groups/luxury-goods/meetings",
         "/groups/luxury-goods/threads", "/groups/luxury-goods/documents",
         "/groups/luxury-goods/roster", "/notifications",
         "/profile", "/queqiao/tips", "/queqiao/vetting", "/queqiao/rules", "/queqiao/hits",
         "/test-purchases", "/test-purchases/ledger", "/test-purchases/calendar",
         "/test-purchases/reports",
         "/recommendations", "/reports", "/reports/annual", "/admin/organisations", "/admin/users",
         "/admin/chairs"]


def _cold_cost(fetch) -> int:
    """Statements of a request starting from an empty session: what earlier requests left in
    the identity map (as long as nothing collected it) would otherwise save a lookup or two."""
    db.session.expunge_all()
    gc.collect()
    return query_cost(fetch)


def _costs(as_user) -> dict[tuple[str, str], int]:
    """Statements per page the role may open (a page answering otherwise is not theirs)."""
    costs = {}
    for role, email in READERS.items():
        client = as_user(user_by_email(email))
        for page in PAGES:
            answer = client.get(page, follow_redirects=True)
            if answer.status_code == 200:
                costs[role, page] = _cold_cost(lambda c=client, p=page: c.get(
                    p, follow_redirects=True))
    return costs


def test_no_main_page_costs_more_queries_with_ten_times_the_data(app, as_user):
    seed()
    few = _costs(as_user)
    assert {role for role, _page in few} == set(READERS)
    assert len(few) >= 4 * 8
    seed_scale(0.25)
    many = _costs(as_user)
    assert set(many) == set(few)  # the same pages open to the same roles
    grown = {key: (few[key], many[key]) for key in few if many[key] > few[key]}
    assert not grown, grown
