"""The tip lifecycle as a transition table."""

from flask_babel import lazy_gettext as _l

from portal.statemachine import StateMachine

TIP_LIFECYCLE = StateMachine("tip", {
    ("submitted", "accept"): "accepted",
    ("submitted", "needs_info"): "needs_info",
    ("submitted", "reject"): "rejected",
    ("submitted", "withdraw"): "withdrawn",
    ("needs_info", "resubmit"): "submitted",
    ("needs_info", "withdraw"): "withdrawn",
})

# Platform staff decide with one of these; the others belong to the author's side.
DECISIONS = ("accept", "needs_info", "reject")

# A tip can be edited by its organisation while it waits or was sent back.
EDITABLE = frozenset({"submitted", "needs_info"})

STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "needs_info": _l("Needs information"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

SHARING_LABELS = {
    "platform": _l("Platform only"),
    "working_group": _l("Working group"),
    "alliance": _l("Whole alliance"),
}

# Reasons a person reads; staff may pick one and add their own words.
REASON_TEMPLATES = (
    _l("Insufficient evidence"),
    _l("Duplicate of tip #N"),
    _l("Suspected malicious"),
    _l("Out of scope"),
    _l("Indicators too broad: they would match genuine listings"),
)

ACTION_LABELS = {
    "submitted": _l("submitted the tip"),
    "edited": _l("edited the tip"),
    "resubmitted": _l("resubmitted the tip"),
    "accepted": _l("accepted the tip"),
    "needs_info": _l("asked for more information"),
    "rejected": _l("rejected the tip"),
    "withdrawn": _l("withdrew the tip"),
    "sharing_widened": _l("widened the sharing"),
    "sharing_narrowed": _l("narrowed the sharing"),
    "attachment_added": _l("added evidence"),
}
