"""Random actions by random people never reach a state the table forbids, and every refusal
is a clear error of the right kind (404 unseen, 403 not your role, 409 not now, 422 bad input)."""

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from advisory import lifecycle, services
from advisory.models import Recommendation
from portal.authz import can
from portal.errors import DomainError
from portal.extensions import db
from tests.advisory import helpers

ROLES = ("chair", "vice", "chair2", "chair3", "member", "outsider", "staff", "admin")
DOABLE = {
    "edit": lambda u, r, ok: services.update(u, r, {**helpers.DRAFT, "title": "Edited"}
                                             if ok else {**helpers.DRAFT, "category": "x"}),
    "submit": lambda u, r, ok: services.submit(u, r),
    "withdraw": lambda u, r, ok: services.withdraw(u, r, "changed our mind"),
    "comment": lambda u, r, ok: services.comment(u, r, "A thought" if ok else ""),
    "cosign": lambda u, r, ok: services.cosign(u, r),
    "vote": lambda u, r, ok: services.vote(u, r, "support" if ok else "maybe"),
    "endorse": lambda u, r, ok: services.decide(u, r, "endorsed" if ok else "yes"),
    "return": lambda u, r, ok: services.decide(u, r, "returned" if ok else "yes"),
    "decline": lambda u, r, ok: services.decide(u, r, "declined" if ok else "yes"),
    "respond": lambda u, r, ok: services.respond(u, r, "accepted", "Will do" if ok else ""),
    "add_milestone": lambda u, r, ok: services.add_milestone(u, r, "Step", "2027-03-01",
                                                             50 if ok else 150),
    "report_progress": lambda u, r, ok: services.report_progress(
        u, r, r.milestones[0].id if r.milestones else 0, 80 if ok else -1),
    "complete": lambda u, r, ok: services.complete(u, r, "Done in practice" if ok else ""),
    "close": lambda u, r, ok: services.close(u, r),
}
# Who may do what, written out independently of the code's table (the rules):
# the group's chair or vice-chair drafts, submits, withdraws; current chairs vote (not
# vice-chairs); other groups' chairs co-sign; the secretariat decides; staff respond and report.
MAY = {
    "edit": {"chair", "vice"}, "submit": {"chair", "vice"}, "withdraw": {"chair", "vice"},
    "comment": {"chair", "vice", "chair2", "chair3", "admin"}, "cosign": {"chair2", "chair3"},
    "vote": {"chair", "chair2", "chair3"}, "endorse": {"admin"}, "return": {"admin"},
    "decline": {"admin"}, "respond": {"staff"}, "add_milestone": {"staff"},
    "report_progress": {"staff"}, "complete": {"staff"}, "close": {"staff", "admin"},
}
# Refusals the table alone does not explain, but that still are clear 409s.
OTHER_CONFLICTS = {"no_quorum", "duplicate", "illegal_transition"}

# Mostly the people whose job an action is (so walks reach the late states), sometimes anyone.
LIKELY = {"edit": ("chair", "vice"), "submit": ("chair", "vice"), "withdraw": ("chair",),
          "comment": ("chair2", "admin"), "cosign": ("chair2", "chair3"),
          "vote": ("chair", "chair2", "chair3"), "endorse": ("admin",), "return": ("admin",),
          "decline": ("admin",), "respond": ("staff",), "add_milestone": ("staff",),
          "report_progress": ("staff",), "complete": ("staff",), "close": ("staff", "admin")}


# Withdrawing ends a walk early, so it comes up less often than the steps forward.
WEIGHTED = sorted(DOABLE) + ["submit"] * 3 + ["vote"] * 6 + ["endorse"] * 2 + ["respond"] * 2 \
    + ["add_milestone"] * 2 + ["complete"]


@st.composite
def move(draw):
    """(role, action, valid input?)"""
    action = draw(st.sampled_from(WEIGHTED))
    roles = LIKELY[action] if draw(st.booleans()) else ROLES
    return draw(st.sampled_from(roles)), action, draw(st.integers(0, 4)) > 0


steps = st.lists(move(), min_size=3, max_size=25)
# Each walk starts from a state reached the ordinary way, so late states are explored too.
STARTS = ("draft", "submitted", "endorsed", "answered", "implementing")


def _start(board, where: str) -> Recommendation:
    rec = helpers.draft(board["chair"])
    if where == "draft":
        return rec
    services.submit(board["chair"], rec)
    if where == "submitted":
        return rec
    services.vote(board["chair2"], rec, "support")
    services.vote(board["chair3"], rec, "object")
    services.decide(board["admin"], rec, "endorsed")
    if where == "endorsed":
        return rec
    services.respond(board["staff"], rec, "partially_accepted", "In part")
    if where == "answered":
        return rec
    services.add_milestone(board["staff"], rec, "First step")
    return rec


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(STARTS), steps)
def test_random_actions_follow_the_table(board, start, moves):
    rec = _start(board, start)
    assert rec.status == start
    for role, action, valid in moves:
        user = board[role]
        before = db.session.get(Recommendation, rec.id).status
        events_before = len(rec.events)
        try:
            DOABLE[action](user, rec, valid)
        except DomainError as error:
            db.session.rollback()
            rec = db.session.get(Recommendation, rec.id)
            assert rec.status == before, "a refusal changed the state"
            assert len(rec.events) == events_before
            assert error.message and not error.message.startswith("Traceback")
            _assert_right_refusal(user, role, rec, action, valid, error)
            continue
        db.session.expire_all()
        rec = db.session.get(Recommendation, rec.id)
        assert lifecycle.MACHINE.allowed(before, action), f"{before} --{action}--> allowed"
        assert role in MAY[action], f"{role} may not {action}"
        assert rec.status == lifecycle.TABLE[(before, action)]
        assert rec.status in lifecycle.STATUSES
    event(f"reached {rec.status}")
    _assert_history_follows_the_table(rec)


def _assert_right_refusal(user, role, rec, action, valid, error):
    """The refusal is the first check that fails: 404, 403, 409, then 422."""
    if not can(user, "recommendation.view", rec):
        assert error.status == 404
    elif role not in MAY[action]:
        assert error.status == 403
    elif not lifecycle.allowed(rec, action):
        assert error.status == 409 and error.code == "illegal_transition"
    elif error.status == 422:
        assert not valid and error.fields
    else:
        assert error.status == 409 and error.code in OTHER_CONFLICTS, error.code


def _assert_history_follows_the_table(rec):
    """Every recorded status change is a move of the table."""
    status = "draft"
    for step in rec.events[1:]:
        assert lifecycle.TABLE[(status, step.action)] == step.status
        status = step.status
    assert status == rec.status
