"""How an organisation's place in a group changes."""

from portal.statemachine import StateMachine

MEMBERSHIP = StateMachine("membership", {
    ("none", "request"): "pending",
    ("declined", "request"): "pending",
    ("left", "request"): "pending",
    ("removed", "request"): "pending",
    ("pending", "approve"): "active",
    ("pending", "decline"): "declined",
    ("pending", "withdraw"): "left",
    ("active", "leave"): "left",
    ("active", "remove"): "removed",
})
