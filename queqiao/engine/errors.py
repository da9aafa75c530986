"""Errors raised when a monitoring rule or a rules document is invalid."""

from __future__ import annotations


class RuleError(ValueError):
    """A monitoring rule is invalid; carries the offending rule's id and a readable message."""

    def __init__(self, rule_id: int | str | None, message: str) -> None:
        self.rule_id = rule_id
        self.message = message
        prefix = f"rule {rule_id!r}: " if rule_id is not None else ""
        super().__init__(prefix + message)

    def __reduce__(self) -> tuple[type[RuleError], tuple[int | str | None, str]]:
        """Pickle with both constructor arguments (the default would pass only the text)."""
        return (type(self), (self.rule_id, self.message))


class RuleDocumentError(ValueError):
    """A rules export document is malformed (wrong format tag, missing keys, bad types)."""
