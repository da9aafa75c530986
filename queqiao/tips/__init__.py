"""Tips: members' detection techniques, their sharing, vetting, conversation and feedback."""

from . import access, models, search  # noqa: F401  (access rules and search structures)
