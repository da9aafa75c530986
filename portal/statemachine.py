"""Lifecycles as data: a transition table checked in one place."""

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from .errors import Conflict


class StateMachine:
    """A table of (state, action) -> next state; anything else is an illegal transition."""

    def __init__(self, name: str, transitions: Mapping[tuple[str, str], str]):
        self.name = name
        self.transitions = dict(transitions)
        self.states = frozenset(s for pair in transitions for s in (pair[0],)) | frozenset(
            transitions.values()
        )

    def next_state(self, state: str, action: str) -> str:
        """The state after `action`, or a Conflict saying why it cannot happen."""
        try:
            return self.transitions[(state, action)]
        except KeyError:
            raise Conflict(
                _("A %(thing)s that is %(state)s cannot be %(action)s.",
                  thing=self.name, state=state.replace("_", " "), action=action.replace("_", " ")),
                code="illegal_transition",
                state=state,
                action=action,
            ) from None

    def allowed(self, state: str, action: str) -> bool:
        """Whether `action` is legal from `state`."""
        return (state, action) in self.transitions

    def actions_from(self, state: str) -> list[str]:
        """The actions legal from `state`, in table order."""
        return [a for (s, a) in self.transitions if s == state]

    def terminal(self) -> Iterable[str]:
        """States with no way out."""
        sources = {s for s, _a in self.transitions}
        return sorted(self.states - sources)
