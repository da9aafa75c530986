"""Every audit action the code can record has a label, and the log page shows it in the
reader's language beside the code (which the filter, the API and the CSV keep)."""

import ast
import csv
import io
from pathlib import Path

from advisory.lifecycle import MACHINE as RECOMMENDATION
from portal.audit.actions import ACTION_LABELS, action_label
from portal.audit.services import record
from portal.extensions import db
from queqiao.rules.lifecycle import RULE_LIFECYCLE
from queqiao.scanning.models import OUTCOMES
from tests.support.factories import make_user
from tests.support.fixtures import login
from workinggroups.membership.lifecycle import MEMBERSHIP

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "workinggroups", "advisory", "queqiao", "testbuys", "reports")


def _calls(name: str):
    """(path, call) of every call of a function or method called `name` in the packages."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    func = node.func
                    called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                    if called == name:
                        yield path.relative_to(ROOT), node


def _constants(node) -> list[str] | None:
    """The strings an argument can be when it is written out (a constant, or either side
    of `a if x else b`); None when it is built at run time."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        sides = [_constants(node.body), _constants(node.orelse)]
        return None if None in sides else sides[0] + sides[1]
    return None


def _recorded():
    """(literal codes, the templates of codes built at run time) passed to `record`."""
    literal, built = set(), set()
    for path, call in _calls("record"):
        if len(call.args) < 2:
            continue
        values = _constants(call.args[1])
        if values is None:
            built.add((str(path), ast.unparse(call.args[1])))
        else:
            literal.update(values)
    return literal, built


def _reasons(function: str) -> set[str]:
    """The written-out reasons given to `end_session` / `end_all` (their 2nd argument)."""
    return {values[0] for _path, call in _calls(function) if len(call.args) >= 2
            and (values := _constants(call.args[1])) is not None}


# How a password came to be set: set_password's default, and the link pages' purposes.
PASSWORD_REASONS = ("change", "reset", "invite")

# The codes built at run time, where they are built, and every value each can take.
BUILT = {
    ("portal/auth/sessions.py", "f'session.end.{reason}'"):
        lambda: {f"session.end.{r}" for r in _reasons("end_session")},
    ("portal/auth/sessions.py", "f'session.end_all.{reason}'"):
        lambda: {f"session.end_all.{r}" for r in _reasons("end_all")}
        | {f"session.end_all.password_{r}" for r in PASSWORD_REASONS},
    ("portal/accounts/services.py", "f'user.password_{reason}'"):
        lambda: {f"user.password_{r}" for r in PASSWORD_REASONS},
    ("workinggroups/membership/services.py", "f'membership.{action}'"):
        lambda: {f"membership.{a}" for _s, a in MEMBERSHIP.transitions},
    ("advisory/services.py", "f'recommendation.{action}'"):
        lambda: {f"recommendation.{a}" for _s, a in RECOMMENDATION.transitions},
    ("queqiao/rules/services.py", "f'rule.{action}'"):
        lambda: {f"rule.{a}" for _s, a in RULE_LIFECYCLE.transitions},
    ("queqiao/tips/services.py", "f'tip.{action}'"):
        lambda: {"tip.sharing_widened", "tip.sharing_narrowed"},
    ("queqiao/scanning/services.py", "f'hit.{outcome}'"):
        lambda: {f"hit.{o}" for o in OUTCOMES},
}


def test_every_action_written_out_has_a_label():
    literal, _built = _recorded()
    assert len(literal) > 70  # the scan finds the calls at all
    assert sorted(literal - set(ACTION_LABELS)) == []


def test_every_action_built_at_run_time_is_known_and_labelled():
    """A new f-string code fails here until its values are listed in BUILT."""
    _literal, built = _recorded()
    assert built == set(BUILT)
    for site, values in BUILT.items():
        codes = values()
        assert len(codes) >= 2, site
        assert sorted(codes - set(ACTION_LABELS)) == [], site


def test_the_reasons_found_for_sessions_are_the_real_ones():
    """The scan of end_session / end_all calls sees the reasons the code gives."""
    assert {"sign_out", "remember_reuse", "signed_out_elsewhere"} <= _reasons("end_session")
    assert {"sign_out", "deactivated", "two_factor_reset"} <= _reasons("end_all")


def test_an_unknown_code_reads_as_itself(app):
    with app.test_request_context():
        assert action_label("something.new") == "something.new"
        assert str(action_label("tip.review")) == "Tip vetted"


def _events(people):
    record(people["staff"], "tip.review", None, "Tip 1 accept")
    record(people["staff"], "webhook.create", None, "Webhook 1 to https://example.com/hook")
    record(people["staff"], "something.new", None, "A code without a label")
    db.session.commit()


def test_the_log_shows_each_action_in_the_readers_language_beside_its_code(app, people,
                                                                            as_user):
    _events(people)
    english = as_user(people["admin"]).get("/admin/audit").get_data(as_text=True)
    assert "Tip vetted <code class=\"small\">tip.review</code>" in english
    assert "Webhook registered <code class=\"small\">webhook.create</code>" in english
    assert '<td data-action="something.new"><code class="small">something.new</code>' in english
    assert '<option value="tip.review">Tip vetted</option>' in english

    admin = make_user("admin", locale="zh")
    client = app.test_client()
    login(client, admin)
    chinese = client.get("/admin/audit").get_data(as_text=True)
    assert "已审核线索 <code class=\"small\">tip.review</code>" in chinese
    assert "已注册 Webhook <code class=\"small\">webhook.create</code>" in chinese
    assert "Tip vetted" not in chinese
    assert '<option value="tip.review">已审核线索</option>' in chinese


def test_the_action_filter_still_matches_codes_by_prefix(people, as_user):
    _events(people)
    tips = as_user(people["admin"]).get("/admin/audit?action=tip.").get_data(as_text=True)
    assert 'data-action="tip.review"' in tips and 'data-action="webhook.create"' not in tips


def test_the_csv_adds_the_label_after_the_columns_it_always_had(app, people, as_user):
    _events(people)
    admin = make_user("admin", locale="zh")
    client = app.test_client()
    login(client, admin)
    text = client.get("/admin/audit/export.csv?action=tip.").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:10] == ["id", "at", "actor_id", "actor", "action", "object_type",
                            "object_id", "summary", "ip", "request_id"]
    assert rows[0][10:] == ["action_label"]
    assert [(r[4], r[10]) for r in rows[1:]] == [("tip.review", "已审核线索")]
