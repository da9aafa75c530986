"""The compiled engine for the live (shadow and active) rules, rebuilt only when they change."""

import threading
from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from queqiao.engine import CompiledRuleSet, compile_rules
from queqiao.rules.conditions import spec_for
from queqiao.rules.models import Rule

LIVE = ("shadow", "active")


@dataclass(frozen=True)
class LiveRules:
    """A compiled engine and, per rule id, the version and mode it was compiled at."""

    key: tuple
    matcher: CompiledRuleSet
    versions: dict[int, int]
    modes: dict[int, str]


_lock = threading.Lock()
_cache: dict[str, LiveRules] = {}


def _live_key() -> tuple:
    """What identifies the set of live rules: id, version, status and birth of each."""
    rows = db.session.execute(
        select(Rule.id, Rule.version, Rule.status, Rule.created_at)
        .where(Rule.status.in_(LIVE)).order_by(Rule.id)).all()
    return tuple(tuple(row) for row in rows)


def live_rules() -> LiveRules:
    """The engine for the live rules, compiled once and shared until a live rule changes."""
    database = db.engine.url.render_as_string(hide_password=True)
    key = _live_key()
    cached = _cache.get(database)
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        cached = _cache.get(database)
        if cached is not None and cached.key == key:
            return cached
        rules = db.session.scalars(
            select(Rule).where(Rule.status.in_(LIVE)).order_by(Rule.id)).all()
        # The key is taken from the rules actually compiled, so an edit racing with this
        # build shows up as a different key on the next call.
        live = LiveRules(
            key=_key_of(rules),
            matcher=compile_rules(spec_for(r.id, r.conditions, r.version) for r in rules),
            versions={r.id: r.version for r in rules},
            modes={r.id: r.status for r in rules},
        )
        _cache[database] = live
        return live


def _key_of(rules: list[Rule]) -> tuple:
    return tuple((r.id, r.version, r.status, r.created_at) for r in rules)
