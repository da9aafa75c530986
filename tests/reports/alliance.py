"""A known alliance, built through the services, with its figures worked out by hand."""

from datetime import UTC, datetime, timedelta

from advisory import services as advisory
from advisory.models import RecommendationEvent
from portal.extensions import db
from queqiao.listings.readers import read_listing
from queqiao.rules import services as rules
from queqiao.scanning.services import scan, set_outcome
from queqiao.tips import services as tips
from testbuys import services as buys
from tests.queqiao.tipkit import tip_data
from tests.support import factories
from workinggroups.discussions.services import start_thread
from workinggroups.meetings.services import cancel, schedule

YEAR = datetime.now(UTC).year


def at(month: int, day: int, year: int = YEAR, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _tip(author, title, status, staff, submitted, decided_days=None):
    tip = tips.create_tip(author, tip_data(title=title, working_group="luxury-goods"))
    if status in ("accepted", "needs_info", "rejected"):
        tips.review_tip(staff, tip, {"accepted": "accept", "needs_info": "needs_info",
                                     "rejected": "reject"}[status], "Because.")
    if status == "withdrawn":
        tips.withdraw_tip(author, tip, "Changed our mind.")
    tip.submitted_at = submitted
    tip.decided_at = submitted + timedelta(days=decided_days) if decided_days is not None else None
    db.session.commit()
    return tip


def _listing(id_, title):
    return read_listing({"id": id_, "title": title, "price": {"amount": 1000, "currency": "CNY"},
                         "seller_id": "s-" + id_, "region": "广东",
                         "url": f"https://market.example/{id_}"})


def build(app) -> dict:
    """Five member companies in five countries; tips in each status; hits with outcomes;
    purchases with verdicts and referrals; three decided recommendations."""
    app.config["ADVISORY_QUORUM"] = 1
    orgs = {}
    for key, country, created in (("A", "France", at(5, 1, YEAR - 1)), ("B", "Germany", at(1, 15)),
                                  ("C", "United States", at(2, 10)), ("D", "China", at(2, 20)),
                                  ("E", "Japan", at(6, 1))):
        groups = ("luxury-goods", "pharmaceutical") if key in "AB" else ("luxury-goods",)
        org = factories.make_org(f"Brand {key}", groups=groups, country=country)
        org.created_at = created
        orgs[key] = org
    db.session.commit()
    users = {key: factories.make_user("member", org) for key, org in orgs.items()}
    chair = factories.make_user("chair", orgs["A"], chair_of="luxury-goods")
    staff, admin = factories.make_user("staff"), factories.make_user("admin")

    t1 = _tip(users["A"], "Alpha tip", "accepted", staff, at(3, 1), 2)
    _tip(users["A"], "Alpha rejected", "rejected", staff, at(3, 2), 4)
    t3 = _tip(users["B"], "Bravo tip", "accepted", staff, at(4, 1), 6)
    _tip(users["B"], "Bravo unclear", "needs_info", staff, at(4, 2), 8)
    t5 = _tip(users["C"], "Charlie tip", "accepted", staff, at(5, 1), 10)
    _tip(users["C"], "Charlie withdrawn", "withdrawn", staff, at(5, 2))
    _tip(users["D"], "Delta waiting", "submitted", staff, at(5, 3))

    made = []
    for tip, word in ((t1, "alpha"), (t3, "bravo"), (t5, "charlie")):
        rule = rules.create_rule(staff, {"name": f"{word} rule", "tip_id": tip.id,
                                         "conditions": {"all": [word]}})
        rules.change_status(staff, rule, "active", override=True, reason="report figures")
        made.append(rule)
    rules.create_rule(staff, {"name": "echo shadow", "conditions": {"all": ["echo"]}})
    scan(staff, [_listing("L1", "alpha bag"), _listing("L2", "alpha shoe"),
                 _listing("L3", "bravo watch"), _listing("L4", "charlie belt"),
                 _listing("L5", "charlie ring"), _listing("L6", "echo scarf")])
    from sqlalchemy import select

    from queqiao.scanning.models import Hit
    hits = {h.listing_id: h for h in db.session.scalars(select(Hit))}
    for listing_id, outcome in (("L1", "taken_down"), ("L2", "false_positive"),
                                ("L3", "taken_down"), ("L4", "taken_down")):
        set_outcome(staff, hits[listing_id], outcome)

    def bought(user, seller, cost, verdict=None, partner=None, **outcome):
        p = buys.propose(user, platform="taobao", seller_id=seller,
                         listing_url="https://item.example/1", reason="replica",
                         working_group="luxury-goods")
        if partner is not None:
            buys.join(partner, p.id, 2)
        if cost is None:
            return p
        buys.schedule(user, p.id, scheduled_for=datetime.now(UTC) + timedelta(days=3),
                      purchaser_id=user.id)
        buys.order(user, p.id, order_number="A-1", cost=(cost, "CNY"))
        buys.receive(user, p.id, received_at=None, notes="box sealed")
        buys.authenticate(user, p.id, verdict=verdict, method="label check", notes="")
        if outcome:
            buys.record_outcome(user, p.id, **outcome)
        return p

    bought(users["A"], "seller-1", 30000, "counterfeit", users["B"], taken_down=True,
           value_involved=(6_000_000, "CNY"))
    bought(users["C"], "seller-2", 10000, "counterfeit", value_involved=(5_000_000, "CNY"))
    bought(users["D"], "seller-3", None, partner=users["A"])
    cancelled = bought(users["E"], "seller-4", None)
    buys.cancel(users["E"], cancelled.id, reason="seller gone")
    bought(users["E"], "seller-5", 5000, "genuine")

    recs = []
    for title, days, outcome in (("Endorse me", 4, "endorsed"), ("Decline me", 10, "declined"),
                                 ("Return me", 6, "returned")):
        rec = advisory.create(chair, {"working_group": "luxury-goods", "title": title,
                                      "summary": "s", "body": "b", "category": "policy"})
        advisory.submit(chair, rec)
        if outcome != "returned":
            advisory.vote(chair, rec, "support")
        advisory.decide(admin, rec, outcome, "noted")
        recs.append((rec, days))
    advisory.respond(staff, recs[0][0], "accepted", "We will do it.")
    for index, (rec, days) in enumerate(recs):
        submitted = at(3, 1 + index)
        for event in db.session.scalars(select(RecommendationEvent).where(
                RecommendationEvent.recommendation_id == rec.id)):
            if event.action == "submit":
                event.at = submitted
            elif event.action in ("endorse", "decline", "return"):
                event.at = submitted + timedelta(days=days)
            elif event.action == "respond":
                event.at = submitted + timedelta(days=days + 20)
        rec.first_submitted_at = submitted
    db.session.commit()

    from tests.support.factories import group
    luxury = group("luxury-goods")
    m1 = schedule(chair, luxury, title="Spring", starts_at=datetime.now(UTC) + timedelta(days=5),
                  ends_at=datetime.now(UTC) + timedelta(days=5, hours=1))
    m2 = schedule(chair, luxury, title="Summer", starts_at=datetime.now(UTC) + timedelta(days=6),
                  ends_at=datetime.now(UTC) + timedelta(days=6, hours=1))
    m3 = schedule(chair, luxury, title="Cancelled", starts_at=datetime.now(UTC) + timedelta(days=7),
                  ends_at=datetime.now(UTC) + timedelta(days=7, hours=1))
    cancel(chair, m3)
    for meeting, ends, minutes_at in ((m1, at(2, 1), at(2, 1, hour=23)),
                                      (m2, at(3, 1), at(3, 10)), (m3, at(4, 1), None)):
        meeting.starts_at, meeting.ends_at = ends - timedelta(hours=1), ends
        meeting.minutes, meeting.minutes_at = ("Notes" if minutes_at else None), minutes_at
    db.session.commit()
    start_thread(chair, luxury, "Trends", "What we see.")
    return {"orgs": orgs, "users": users, "chair": chair, "staff": staff, "admin": admin}
