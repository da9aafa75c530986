"""The recommendation lifecycle as data: which action moves which state where, and who acts.

draft -> submitted (board review: comments, co-signs, votes) -> endorsed / returned / declined;
returned goes back to the chair, who may edit and resubmit; the chair may withdraw before a
decision. endorsed -> answered (the platform's response) -> implementing (milestones) ->
implemented, or closed.
"""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.authz import can
from portal.errors import Conflict
from portal.statemachine import StateMachine

TABLE = {
    ("draft", "edit"): "draft",
    ("draft", "submit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("returned", "edit"): "returned",
    ("returned", "submit"): "submitted",
    ("returned", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("submitted", "comment"): "submitted",
    ("submitted", "cosign"): "submitted",
    ("submitted", "vote"): "submitted",
    ("submitted", "endorse"): "endorsed",
    ("submitted", "return"): "returned",
    ("submitted", "decline"): "declined",
    ("endorsed", "respond"): "answered",
    ("answered", "add_milestone"): "implementing",
    ("answered", "close"): "closed",
    ("implementing", "add_milestone"): "implementing",
    ("implementing", "report_progress"): "implementing",
    ("implementing", "complete"): "implemented",
    ("implementing", "close"): "closed",
}

MACHINE = StateMachine("recommendation", TABLE)
STATUSES = ("draft", "submitted", "returned", "endorsed", "declined", "withdrawn", "answered",
            "implementing", "implemented", "closed")
# States in which the board has decided (votes are frozen, the tally is shown to all).
DECIDED = frozenset({"endorsed", "declined", "answered", "implementing", "implemented", "closed"})

STATUS_LABELS = {
    "draft": _l("draft"), "submitted": _l("under board review"), "returned": _l("returned"),
    "endorsed": _l("endorsed"), "declined": _l("declined"), "withdrawn": _l("withdrawn"),
    "answered": _l("answered"), "implementing": _l("being implemented"),
    "implemented": _l("implemented"), "closed": _l("closed"),
}
ACTION_LABELS = {
    "create": _l("drafted"), "edit": _l("edited"), "submit": _l("submitted"),
    "withdraw": _l("withdrawn"), "comment": _l("commented"), "cosign": _l("co-signed"),
    "vote": _l("voted"), "endorse": _l("endorsed by the board"),
    "return": _l("returned by the board"), "decline": _l("declined by the board"),
    "respond": _l("answered by the platform"), "add_milestone": _l("milestone added"),
    "report_progress": _l("progress reported"), "complete": _l("implemented"),
    "close": _l("closed"),
}


ACTIONS = ("edit", "submit", "withdraw", "comment", "cosign", "vote", "endorse", "return",
           "decline", "respond", "add_milestone", "report_progress", "complete", "close")


def may(user: Any, rec: Any, action: str) -> bool:
    """Whether the policy lets the user take `action` on this recommendation."""
    return can(user, f"recommendation.{action}", rec)


def allowed(rec: Any, action: str) -> bool:
    """Whether `action` is legal from the recommendation's current state."""
    return MACHINE.allowed(rec.status, action)


def next_status(rec: Any, action: str) -> str:
    """The state after `action`, or a 409 naming the state and the action in plain words."""
    if not MACHINE.allowed(rec.status, action):
        raise Conflict(
            _("This recommendation is %(state)s, so it cannot be %(action)s now.",
              state=STATUS_LABELS[rec.status], action=ACTION_LABELS[action]),
            code="illegal_transition", state=rec.status, action=action)
    return MACHINE.next_state(rec.status, action)


def available_actions(user: Any, rec: Any) -> list[str]:
    """The actions this user could take now (for buttons on the page)."""
    return [a for a in MACHINE.actions_from(rec.status) if may(user, rec, a)]
