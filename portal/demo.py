"""The demo alliance: every role, ten member companies, a chair per group.

Idempotent: running it again adds only what is missing. Feature packages add
their own demo content through `demo_step`.
"""

from collections.abc import Callable

from .accounts import services
from .accounts.groups import group_by_slug, seed_working_groups
from .accounts.models import user_by_email
from .extensions import db

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
