"""Racing edits and moves of one rule: one conditional write each, the loser gets 409."""

import pytest

from portal.extensions import db
from queqiao.rules import services
from queqiao.rules.models import Rule, RuleVersion
from tests.queqiao_rules.helpers import count, make_rule
from tests.support.race import codes, meet_before, race


def _reload(rule_id):
    db.session.expire_all()
    return db.session.get(Rule, rule_id)


def test_two_edits_of_one_version_make_one_next_version(people, api, make, monkeypatch):
    rid = make_rule(people["staff"]).id
    meet_before(monkeypatch, services, "update_rule")
    one, other = api(people["staff"]), api(make.make_user("staff"))
    answers = race(
        lambda: one.patch(f"/api/v1/rules/{rid}",
                          json={"version": 1, "conditions": {"all": ["one"]}}),
        lambda: other.patch(f"/api/v1/rules/{rid}",
                            json={"version": 1, "conditions": {"all": ["two"]}}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    winner = next(r for r in answers if r.status_code == 200).get_json()
    rule = _reload(rid)
    assert rule.version == 2 and rule.conditions["all"] == winner["conditions"]["all"]
    assert count(RuleVersion, rule_id=rid) == 2


@pytest.mark.parametrize("first,second", [("active", "retired"), ("active", "active")])
def test_racing_status_changes_move_the_rule_once(people, api, make, monkeypatch, first, second):
    rid = make_rule(people["staff"]).id
    meet_before(monkeypatch, services, "change_status")
    one, other = api(people["staff"]), api(make.make_user("staff"))
    answers = race(
        lambda: one.post(f"/api/v1/rules/{rid}/status", json={"status": first, "override": True,
                                                             "reason": "tested"}),
        lambda: other.post(f"/api/v1/rules/{rid}/status", json={"status": second,
                                                               "override": True,
                                                               "reason": "tested"}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    winner = next(r for r in answers if r.status_code == 200).get_json()
    assert _reload(rid).status == winner["status"]


def test_an_edit_racing_retirement_is_not_saved_on_a_retired_rule(people, api, make, monkeypatch):
    rid = make_rule(people["staff"]).id
    meet_before(monkeypatch, services, "update_rule", "change_status")
    one, other = api(people["staff"]), api(make.make_user("staff"))
    answers = race(
        lambda: one.patch(f"/api/v1/rules/{rid}",
                          json={"version": 1, "conditions": {"all": ["late"]}}),
        lambda: other.post(f"/api/v1/rules/{rid}/status", json={"status": "retired"}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    rule = _reload(rid)
    assert (rule.status, rule.version) in (("retired", 1), ("shadow", 2))
