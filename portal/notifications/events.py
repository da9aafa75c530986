"""Events for the members' own systems: what notify() told people, offered to listeners.

A listener (the webhooks) registers with `event_sink`; the core never imports it. An event
names its audience the way a notification does (people, and the rule that decides whether
each may see the object), so the one policy decides who hears of it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..authz import can


@dataclass
class Event:
    """Something that happened, for the people (and their organisations) who may see it."""

    type: str
    audience: list[Any]
    obj: Any = None
    view_rule: str | None = None
    url: str = ""
    data: dict = field(default_factory=dict)
    # Per reader: fields only this reader may see (a title in their language, their view of it).
    data_for: Callable[[Any], dict] | None = None

    def about(self) -> tuple[str, int] | None:
        """(table, id) of the object, if the event is about one."""
        if self.obj is None or getattr(self.obj, "id", None) is None:
            return None
        return self.obj.__tablename__, self.obj.id

    def payload_for(self, reader: Any) -> dict:
        """What the event says to one reader: the shared fields, then the reader's own."""
        data = {k: v for k, v in self.data.items() if not k.startswith("_")}
        about = self.about()
        if about is not None:
            data["object"] = {"type": about[0], "id": about[1], "url": self.url}
        elif self.url:
            data["url"] = self.url
        if self.data_for is not None:
            data.update(self.data_for(reader))
        return data


_sinks: list[Callable[[Event], None]] = []


def event_sink(fn: Callable[[Event], None]) -> Callable[[Event], None]:
    """Register a listener; it runs inside the transaction that caused the event."""
    if fn not in _sinks:
        _sinks.append(fn)
    return fn


def allowed(users: Iterable[Any], view_rule: str | None, obj: Any) -> list[Any]:
    """The distinct active people among `users` whom the rule lets see `obj`."""
    seen: set[int] = set()
    found = []
    for user in users:
        if user is None or user.id in seen or not user.is_active:
            continue
        if view_rule and not can(user, view_rule, obj):
            continue
        seen.add(user.id)
        found.append(user)
    return found


def publish(type_: str, users: Iterable[Any], *, obj: Any = None, view_rule: str | None = None,
            url: str = "", data_for: Callable[[Any], dict] | None = None, **data: Any) -> Event:
    """Offer an event to every listener, addressed to those of `users` the rule allows."""
    event = Event(type_, allowed(users, view_rule, obj), obj=obj, view_rule=view_rule, url=url,
                  data=data, data_for=data_for)
    if event.audience:
        for sink in _sinks:
            sink(event)
    return event
