"""Demo recommendations in every stage, with dates spread over the past months so the
board's figures and chart have something to show. Idempotent."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.groups import group_by_slug
from portal.accounts.models import user_by_email
from portal.demo import demo_step
from portal.extensions import db
from portal.models import utcnow

from . import board, services
from .models import Recommendation

# group, title, summary, category, how far it got, days ago of each step
DEMO = (
    ("luxury-goods", "Verify sellers of luxury brands before they list",
     "Ask for proof of authorised supply before a seller may list goods of the member brands.",
     "policy", "implemented", (400, 390, 370, 345, 320, 300, 200, 150)),
    ("pharmaceutical", "Fast-track referrals of prescription-drug sellers",
     "Refer sellers of prescription drugs without a licence to the authorities within 48 hours.",
     "enforcement", "answered", (200, 195, 180, 150)),
    ("alcohol-tobacco", "Flag listings of refilled spirit bottles",
     "Use the members' bottle and cap indicators in proactive monitoring of spirits listings.",
     "proactive_monitoring", "endorsed", (60, 55, 20)),
    ("clothing-footwear", "Shorten the counter-notice window for repeat infringers",
     "Sellers with three upheld complaints get five days, not fifteen, to counter-notify.",
     "policy", "submitted", (10, 8)),
    ("computers-smart-devices", "Share refurbished-device seller data with brands",
     "Give the brands monthly data on sellers of 'refurbished' devices of their marks.",
     "offline_investigation", "returned", (90, 85, 70)),
    ("personal-care", "Require batch codes on cosmetics listings",
     "Listings of cosmetics show the batch code so buyers and brands can check it.",
     "ip_protection", "draft", (3,)),
)


def _walk(rec, stage: str, chair, admin, staff) -> None:
    if stage == "draft":
        return
    services.submit(chair, rec)
    if stage == "submitted":
        for voter in board.board_members()[:3]:
            services.vote(voter, rec, "support")
        return
    if stage == "returned":
        services.decide(admin, rec, "returned", "Please add figures from the last quarter.")
        return
    for voter in board.board_members():
        services.vote(voter, rec, "support" if voter.id % 5 else "abstain")
    services.decide(admin, rec, "endorsed", "Endorsed by the board.")
    if stage == "endorsed":
        return
    outcome = "accepted" if stage == "implemented" else "partially_accepted"
    services.respond(staff, rec, outcome, "We agree and will roll this out in stages.")
    if stage == "implemented":
        services.add_milestone(staff, rec, "Pilot with ten brands", None, 100)
        services.add_milestone(staff, rec, "All member brands", None, 60)
        services.report_progress(staff, rec, rec.milestones[-1].id, 100)
        services.complete(staff, rec, "Live for every member brand.")


def _backdate(rec: Recommendation, days_ago: tuple[int, ...]) -> None:
    """Spread the steps over the past so the figures mean something."""
    now = utcnow()
    db.session.refresh(rec)
    for event, ago in zip(rec.events, days_ago + (days_ago[-1],) * len(rec.events), strict=False):
        event.at = now - timedelta(days=ago)
    rec.created_at = rec.events[0].at
    submitted = next((e.at for e in rec.events if e.action == "submit"), None)
    rec.first_submitted_at = submitted
    if submitted and rec.status == "submitted":
        rec.review_deadline = (submitted + timedelta(days=14)).date()
    db.session.commit()


@demo_step
def advisory_demo() -> list[str]:
    """Six recommendations, from a fresh draft to one implemented."""
    if db.session.scalar(select(func.count(Recommendation.id))):
        return []
    admin = user_by_email("admin@alliance.example")
    staff = user_by_email("staff@platform.example")
    made = 0
    for slug, title, summary, category, stage, days_ago in DEMO:
        chair = group_by_slug(slug).chair
        if chair is None or admin is None or staff is None:
            continue
        body = (f"**Why:** members of the group see the same pattern every quarter.\n\n"
                f"**What we ask:** {summary}\n\n**How we will know it works:** fewer "
                "complaints about the same sellers in the next two quarters.")
        rec = services.create(chair, {"working_group": slug, "title": title, "summary": summary,
                                      "body": body, "category": category})
        _walk(rec, stage, chair, admin, staff)
        _backdate(rec, days_ago)
        made += 1
    return [f"  advisory: {made} demo recommendations"]
