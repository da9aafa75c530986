"""The test-purchase lifecycle as a transition table."""

from flask_babel import lazy_gettext as _l

from portal.statemachine import StateMachine

TRANSITIONS = {
    ("proposed", "schedule"): "scheduled",
    ("scheduled", "schedule"): "scheduled",  # rescheduling, with the same clash check
    ("scheduled", "order"): "ordered",
    ("ordered", "receive"): "received",
    ("received", "authenticate"): "authenticated",
    ("authenticated", "close"): "closed",
    # the lead or staff close without waiting for every brand (at least one verdict given)
    ("received", "close"): "closed",
    ("proposed", "cancel"): "cancelled",
    ("scheduled", "cancel"): "cancelled",
    ("ordered", "cancel"): "cancelled",
    ("received", "cancel"): "cancelled",
}

LIFECYCLE = StateMachine("test purchase", TRANSITIONS)

STATUS_LABELS = {
    "proposed": _l("proposed"),
    "scheduled": _l("scheduled"),
    "ordered": _l("ordered"),
    "received": _l("received"),
    "authenticated": _l("authenticated"),
    "closed": _l("closed"),
    "cancelled": _l("cancelled"),
}

VERDICT_LABELS = {
    "counterfeit": _l("counterfeit"),
    "genuine": _l("genuine"),
    "inconclusive": _l("inconclusive"),
}

STATUS_COLOURS = {
    "proposed": "secondary", "scheduled": "info", "ordered": "primary", "received": "warning",
    "authenticated": "success", "closed": "dark", "cancelled": "light",
}

# Participants can join and leave only while nothing has been bought yet.
JOINABLE = ("proposed", "scheduled")
