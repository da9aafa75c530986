"""Membership of organisations in a group: asking to join, approval, the roster, leaving."""
