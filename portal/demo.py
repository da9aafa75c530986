"""The demo alliance: every role, ten member companies, a chair per group.

Idempotent: running it again adds only what is missing. Feature packages add
their own demo content through `demo_step`.
"""

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from .accounts import services
from .accounts.access import platform_staff
from .accounts.groups import all_groups, group_by_slug, seed_working_groups
from .accounts.models import (
    GroupMembership,
    Organisation,
    User,
    calendar_digest,
    calendar_token_for,
    user_by_email,
)
from .accounts.passwords import hash_password
from .audit.models import AuditEvent
from .extensions import db
from .models import utcnow
from .notifications.models import Notification

DEMO_PASSWORD = "alliance-demo-2026"

# name, country, groups
MEMBER_COMPANIES = (
    ("Maison Lumière", "France", ["luxury-goods", "jewelry-accessories", "clothing-footwear"]),
    ("Nordic Outdoor AB", "Sweden", ["sportswear-sports-equipment", "clothing-footwear"]),
    ("Helvetia Watches SA", "Switzerland", ["jewelry-accessories", "luxury-goods"]),
    ("Rheinwerk Automotive GmbH", "Germany", ["industrial-automotive", "home-electronics"]),
    ("Pacific Pharma Inc.", "United States", ["pharmaceutical", "personal-care"]),
    ("Brightline Devices Corp.", "United States", ["computers-smart-devices", "home-electronics"]),
    ("Golden Harvest Foods", "China", ["food-beverage", "alcohol-tobacco"]),
    ("Jade Spirits Distillery", "China", ["alcohol-tobacco", "food-beverage"]),
    ("Sakura Beauty KK", "Japan", ["personal-care", "luxury-goods"]),
    ("Starlight Media Group", "United Kingdom", ["entertainment-publishing",
                                                 "computers-smart-devices"]),
)

_steps: list[Callable[[], list[str]]] = []


def demo_step(fn: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """Register a feature's demo content; it returns lines to print."""
    _steps.append(fn)
    return fn


def _org(name: str, kind: str, country: str, groups=()):
    return services.organisation_by_name(name) or services.create_organisation(
        None, name, kind, country, groups)


def _user(email: str, name: str, org, role: str, chair_of: str | None = None, locale="en"):
    return user_by_email(email) or services.create_user(
        None, email=email, name=name, organisation=org, role=role, password=DEMO_PASSWORD,
        chair_of=chair_of, locale=locale)


def _slug_word(name: str) -> str:
    return name.split()[0].lower().replace("è", "e")


def seed() -> list[str]:
    """Create the demo alliance; return the login lines to print."""
    seed_working_groups()
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD})"]
    platform = _org("Platform Operator", "platform", "China")
    secretariat = _org("Alliance Secretariat", "secretariat", "China")
    admin = _user("admin@alliance.example", "Alice Admin", secretariat, "admin")
    staff = _user("staff@platform.example", "Wang Fang", platform, "staff", locale="zh")
    _user("analyst@platform.example", "Li Wei", platform, "staff", locale="zh")
    lines += [f"  admin  {admin.email}", f"  staff  {staff.email}",
              "  staff  analyst@platform.example"]
    companies = [_org(name, "member", country, groups) for name, country, groups in MEMBER_COMPANIES]
    chaired: set[str] = set()
    for org in companies:
        word = _slug_word(org.name)
        member = _user(f"member@{word}.example", f"{org.name.split()[0]} Member", org, "member")
        lines.append(f"  member {member.email} ({org.name})")
    # A chair for each of the twelve groups, from the groups' member companies.
    for slug in [g for _n, _c, gs in MEMBER_COMPANIES for g in gs]:
        if slug in chaired:
            continue
        org = next(o for o, (_n, _c, gs) in zip(companies, MEMBER_COMPANIES, strict=True)
                   if slug in gs)
        group = group_by_slug(slug)
        chaired.add(slug)
        email = f"chair.{slug}@{_slug_word(org.name)}.example"
        existing = user_by_email(email)
        if existing is None and group.chair is None:
            chair = _user(email, f"Chair of {group.name_en}", org, "chair", chair_of=slug)
            lines.append(f"  chair  {chair.email} ({group.name_en})")
        elif existing:
            lines.append(f"  chair  {existing.email} ({group.name_en})")
    db.session.commit()
    for step in _steps:
        lines.extend(step())
    return lines


# --- The alliance at scale: `flask seed-demo --scale N` --------------------------------
#
# The real alliance: 121 member companies from 16 countries (33 % European, 27 % American,
# 24 % Chinese brands, the rest from elsewhere) in the twelve working groups. `--scale N`
# builds N times that on top of the demo above. The demo's people go through the services;
# the volume is written in bulk (SQLAlchemy Core, many rows per statement) with the values
# the services would store, so the pages show what they would after a year of real use.
# The twelve groups and their chairs stay twelve: a bigger alliance fills the same groups.

COMPANIES_PER_SCALE = 121
PEOPLE_PER_COMPANY = 3
REGIONS = (  # share of the alliance's brands, then its countries
    (0.33, ("France", "Germany", "Italy", "Switzerland", "Sweden", "United Kingdom", "Spain",
            "Netherlands")),
    (0.27, ("United States", "Canada")),
    (0.24, ("China",)),
    (0.16, ("Japan", "South Korea", "Australia", "Singapore", "Brazil")),
)
_NAME_STEMS = ("Aurora", "Baltic", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor",
               "Iris", "Juniper", "Kestrel", "Lotus", "Meridian", "Nimbus", "Orchid", "Pioneer",
               "Quartz", "Riviera", "Summit", "Tundra", "Unity", "Vertex", "Willow", "Zenith")
_NAME_TRADES = ("Apparel", "Devices", "Cosmetics", "Foods", "Motors", "Pharma", "Jewels",
                "Sports", "Spirits", "Media", "Leather", "Electronics")


@dataclass
class Scale:
    """What every package's bulk step shares: the factor, the people and a seeded random."""

    factor: float
    rng: random.Random
    now: datetime
    groups: list  # the twelve WorkingGroup rows
    members: dict[int, list[int]] = field(default_factory=dict)  # group id -> user ids
    companies: dict[int, list[int]] = field(default_factory=dict)  # group id -> org ids
    people: dict[int, list[int]] = field(default_factory=dict)  # org id -> user ids
    org_of: dict[int, int] = field(default_factory=dict)  # user id -> org id
    chairs: dict[int, int] = field(default_factory=dict)  # group id -> chair's user id
    staff: list[int] = field(default_factory=list)
    admin: int = 0

    def count(self, per_scale: float) -> int:
        """How many of something the real alliance has `per_scale` of, at this scale."""
        return max(1, round(per_scale * self.factor))

    def ago(self, days: float) -> datetime:
        """A moment up to `days` days back, spread evenly."""
        return self.now - timedelta(seconds=self.rng.uniform(0, days * 86400))

    def group_member(self, group_id: int) -> int:
        """Someone from one of the group's companies."""
        return self.rng.choice(self.members[group_id])


_scale_steps: list[Callable[[Scale], list[str]]] = []


def scale_step(fn: Callable[[Scale], list[str]]) -> Callable[[Scale], list[str]]:
    """Register a feature's bulk content for `seed-demo --scale`; it returns lines to print."""
    _scale_steps.append(fn)
    return fn


def bulk_insert(model, rows: list[dict], chunk: int = 2000) -> list[int]:
    """Insert many rows in few statements; returns their ids in the order given."""
    ids: list[int] = []
    table = model.__table__
    if rows and any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError(f"rows for {table.name} must all name the same columns")
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        if not part:
            continue
        result = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), part)
        ids.extend(result.scalars())
    return ids


def _country_plan(total: int) -> list[str]:
    """`total` countries in the alliance's shares, each region's countries in turn."""
    plan: list[str] = []
    for number, (share, countries) in enumerate(REGIONS):
        size = total - len(plan) if number == len(REGIONS) - 1 else round(share * total)
        plan.extend(countries[i % len(countries)] for i in range(size))
    return plan


def _bulk_companies(scale: Scale, start: int) -> list[tuple[int, str]]:
    """The member companies beyond the demo's, in the alliance's regional shares."""
    total = round(COMPANIES_PER_SCALE * scale.factor)
    have = [c for _n, c, _g in MEMBER_COMPANIES]
    plan = _country_plan(total)
    for country in have:  # the demo's companies already fill part of the plan
        if country in plan:
            plan.remove(country)
    plan = plan[: max(0, total - len(have))]
    rows = [{"name": f"{scale.rng.choice(_NAME_STEMS)} {_NAME_TRADES[i % len(_NAME_TRADES)]} "
                     f"No. {start + i}", "kind": "member", "country": country,
             "created_at": scale.ago(700)} for i, country in enumerate(plan)]
    return list(zip(bulk_insert(Organisation, rows), plan, strict=True))


def _bulk_people(scale: Scale, companies: list[tuple[int, str]], start: int) -> None:
    """Three people per new company, one shared password hash (argon2 is slow on purpose)."""
    password = hash_password(DEMO_PASSWORD)
    rows = []
    for org_id, country in companies:
        for k in range(PEOPLE_PER_COMPANY):
            key = secrets.token_urlsafe(24)
            rows.append({"email": f"person{k + 1}@company{start + len(rows) // 3}.example",
                         "name": f"Member {start + len(rows)}", "role": "member",
                         "locale": "zh" if country == "China" else "en",
                         "password_hash": password, "organisation_id": org_id,
                         "calendar_key": key,
                         "calendar_token_hash": calendar_digest(calendar_token_for(key)),
                         "settings": {}, "created_at": scale.ago(600), "_org": org_id})
    ids = bulk_insert(User, [{k: v for k, v in r.items() if k != "_org"} for r in rows])
    for user_id, row in zip(ids, rows, strict=True):
        scale.people.setdefault(row["_org"], []).append(user_id)


def _bulk_memberships(scale: Scale, companies: list[tuple[int, str]]) -> None:
    """Each new company in one to three groups."""
    rows = []
    for org_id, _country in companies:
        for group in scale.rng.sample(scale.groups, scale.rng.choice((1, 2, 2, 3))):
            rows.append({"organisation_id": org_id, "working_group_id": group.id,
                         "status": "active", "joined_at": scale.ago(600)})
    bulk_insert(GroupMembership, rows)


def _load_alliance(scale: Scale) -> None:
    """Who is in which group, read back once for every package's step."""
    scale.groups = all_groups()
    for user_id, org_id in db.session.execute(select(User.id, User.organisation_id)):
        scale.org_of[user_id] = org_id
        scale.people.setdefault(org_id, []).append(user_id)
    for org_id, group_id in db.session.execute(
            select(GroupMembership.organisation_id, GroupMembership.working_group_id)
            .where(GroupMembership.status == "active")):
        scale.companies.setdefault(group_id, []).append(org_id)
        scale.members.setdefault(group_id, []).extend(scale.people.get(org_id, []))
    for group in scale.groups:
        if group.chair is not None:
            scale.chairs[group.id] = group.chair.id
    scale.staff = [u.id for u in platform_staff()]
    scale.admin = user_by_email("admin@alliance.example").id


def seed_scale(factor: float, rng_seed: int = 2026) -> list[str]:
    """The demo, then `factor` times the real alliance's volume in bulk; the lines to print."""
    lines = seed()
    if db.session.scalar(select(Organisation.id).where(Organisation.name.like("% No. %"))
                         .limit(1)):
        return [*lines, "  scale: already loaded (start from an empty database to rescale)"]
    scale = Scale(factor=factor, rng=random.Random(rng_seed), now=utcnow(), groups=all_groups())
    start = db.session.scalar(select(func.count(Organisation.id))) + 1
    companies = _bulk_companies(scale, start)
    _bulk_people(scale, companies, start)
    _bulk_memberships(scale, companies)
    db.session.commit()
    scale.people.clear()
    _load_alliance(scale)
    people = sum(len(scale.people.get(org_id, [])) for org_id, _c in companies)
    lines.append(f"  scale {factor:g}: {len(companies)} more member companies, {people} people")
    for step in _scale_steps:
        began = time.perf_counter()
        lines.extend(step(scale))
        db.session.commit()
        lines[-1] += f" [{time.perf_counter() - began:.1f} s]"
    return lines


def bulk_audit(scale: Scale, rows: list[tuple[int | None, str, str, int, str, datetime]]) -> None:
    """The audit events the services would have written: (actor, action, type, id, summary, at)."""
    bulk_insert(AuditEvent, [{"actor_id": actor, "action": action, "object_type": kind,
                              "object_id": str(obj_id), "summary": summary[:500], "details": {},
                              "at": at} for actor, action, kind, obj_id, summary, at in rows])


def bulk_notify(scale: Scale, rows: list[tuple[int, str, str, str, datetime]]) -> None:
    """Stored notifications: (user, type, title, url, at); older ones mostly read."""
    bulk_insert(Notification, [
        {"user_id": user, "type": kind, "title": title[:300], "url": url, "payload": {},
         "created_at": at,
         "read_at": at + timedelta(hours=2) if at < scale.now - timedelta(days=7)
         and scale.rng.random() < 0.8 else None}
        for user, kind, title, url, at in rows])
