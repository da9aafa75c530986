"""The rule lifecycle as data: shadow -> active -> retired, and active back to shadow."""

from flask_babel import lazy_gettext as _l

from portal.statemachine import StateMachine

RULE_LIFECYCLE = StateMachine(_l("rule"), {
    ("shadow", "activate"): "active",
    ("shadow", "retire"): "retired",
    ("active", "return_to_shadow"): "shadow",
    ("active", "retire"): "retired",
})

# The API names the target status; the table names the action that reaches it.
ACTION_FOR_STATUS = {"active": "activate", "shadow": "return_to_shadow", "retired": "retire"}
