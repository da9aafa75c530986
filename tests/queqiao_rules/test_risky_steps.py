"""Activating a rule and recording a hit's outcome ask first and say what happened."""

import re

from queqiao.scanning.models import Hit
from tests.queqiao_rules.helpers import listing, make_rule, scan_dicts
from tests.queqiao_rules.test_pages import csrf_client


def test_activating_asks_first_and_says_the_rule_is_live(app, people):
    rule = make_rule(people["staff"])
    client = csrf_client(app, people["staff"])
    page = client.get(f"/queqiao/rules/{rule.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="status-activate"[^>]*>', page).group(0)
    assert "data-confirm=" in form and f"rule {rule.id} version {rule.version}" in form
    # No known counterfeits of its brand prove it yet: activated with an override and reason.
    done = client.post(f"/queqiao/rules/{rule.id}/status", data={
        "status": "active", "override": "y", "reason": "Fresh tip; corpus to follow"},
        follow_redirects=True).get_data(as_text=True)
    assert f"Rule {rule.id} v{rule.version} is live; it scans from the next feed." in done


def test_hit_outcomes_ask_first_and_say_what_was_recorded(app, people):
    make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("L1", seller="shop-9"))
    hit = app.extensions["sqlalchemy"].session.query(Hit).one()
    client = csrf_client(app, people["staff"])
    page = client.get(f"/queqiao/hits/{hit.id}").get_data(as_text=True)
    forms = re.findall(r'<form[^>]*/outcome"[^>]*>', page)
    assert len(forms) == 2 and all("data-confirm=" in f for f in forms)
    done = client.post(f"/queqiao/hits/{hit.id}/outcome", data={"outcome": "false_positive"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Hit {hit.id} is recorded as a false positive" in done
