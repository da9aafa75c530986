"""Demo tips: a realistic exchange in every state, from the demo alliance's members."""

import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import user_by_email
from portal.demo import Scale, bulk_audit, bulk_insert, bulk_notify, demo_step, scale_step
from portal.extensions import db
from portal.urls import page_url

from . import services
from .models import Tip, TipEvent

# A 1x1 PNG standing in for an evidence photo.
_PHOTO = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
          b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7"
          b"\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82")

# author e-mail, body, then staff decisions in order, then comments (e-mail, text)
DEMO_TIPS = (
    ("member@maison.example", {
        "title": "Replica handbags sold as 'outlet stock' with 原单 in the title",
        "brand": "Maison Lumière", "working_group": "luxury-goods", "sharing": "alliance",
        "description": "Sellers call them **original order** (原单) or *tail goods* (尾单). "
                       "We never sell to outlets in mainland China, and our bags never sell "
                       "below ¥8,000.\n\n- stitching count differs: 9 per inch on fakes\n"
                       "- the heat stamp reads LUMIERE without the accent",
        "indicators": {"keywords": ["原单", "尾单", "lumiere outlet", "高仿包包"],
                       "exclude": ["官方旗舰店", "专柜验货"],
                       "max_price": {"amount": 800000, "currency": "CNY"},
                       "regions": ["广东", "Putian"]}},
     [("accept", "")], [("staff@platform.example", "已转为影子规则，下周上线。")]),
    ("member@helvetia.example", {
        "title": "Quartz movements in 'automatic' watches: 复刻表",
        "brand": "Helvetia Watches", "working_group": "jewelry-accessories",
        "sharing": "working_group",
        "description": "Listings use 复刻 (replica) or 一比一 (one-to-one). Genuine automatic "
                       "models never sell below ¥25,000.",
        "indicators": {"keywords": ["复刻表", "一比一", "super clone"], "exclude": ["授权经销商"],
                       "max_price": {"amount": 2500000, "currency": "CNY"}, "regions": []}},
     [("needs_info", "Insufficient evidence: which shops did you see this in?")],
     [("member@helvetia.example", "We will add three shop links and photos tomorrow.")]),
    ("member@pacific.example", {
        "title": "Inhalers shipped from overseas warehouses without batch numbers",
        "brand": "Pacific Pharma", "working_group": "pharmaceutical", "sharing": "platform",
        "description": "Our inhalers always carry a batch number on the box. Listings showing "
                       "海外仓 and no batch number are counterfeit or diverted.",
        "indicators": {"keywords": ["海外仓 吸入器", "无批号"], "exclude": [],
                       "max_price": None, "regions": ["海外仓"]}},
     [], []),
    ("member@golden.example", {
        "title": "Infant formula 'Hong Kong version' at half price",
        "brand": "Golden Harvest", "working_group": "food-beverage", "sharing": "alliance",
        "description": "There is no Hong Kong version of our formula.",
        "indicators": {"keywords": ["港版奶粉"], "exclude": [], "max_price": None,
                       "regions": []}},
     [("reject", "Duplicate of tip #1 from the food-beverage group: already a rule.")], []),
)


def _photo() -> FileStorage:
    return FileStorage(stream=io.BytesIO(_PHOTO), filename="evidence.png",
                       content_type="image/png")


@demo_step
def seed_tips() -> list[str]:
    """Create the demo tips that are missing."""
    staff = user_by_email("staff@platform.example")
    made = 0
    for email, body, decisions, comments in DEMO_TIPS:
        author = user_by_email(email)
        if author is None or staff is None or db.session.scalar(
                select(Tip.id).where(Tip.title == body["title"])):
            continue
        tip = services.create_tip(author, body, evidence=[_photo()])
        for decision, reason in decisions:
            services.review_tip(staff, tip, decision, reason)
        for who, text in comments:
            services.add_comment(user_by_email(who), tip, text)
        made += 1
    return [f"  queqiao: {made} demo tips added"] if made else []


TIPS_PER_SCALE = 250
# How a year's tips end up, in shares: most are accepted, a quarter is refused or withdrawn.
TIP_OUTCOMES = (("accepted", 0.45), ("submitted", 0.15), ("needs_info", 0.10),
                ("rejected", 0.20), ("withdrawn", 0.10))
_MARKERS = (("高仿", "super copy"), ("原单", "original order"), ("复刻", "replica"),
            ("一比一", "one to one"), ("尾单", "tail goods"), ("工厂货", "factory goods"),
            ("超A", "grade AAA"), ("免税", "duty free"))


def _tip_row(scale: Scale, number: int, status: str) -> tuple[dict, list[dict]]:
    """One tip and its history, as create_tip and review_tip would leave them."""
    group = scale.groups[number % len(scale.groups)]
    author = scale.group_member(group.id)
    marker, english = _MARKERS[number % len(_MARKERS)]
    submitted = scale.ago(360)
    decided = submitted + timedelta(days=scale.rng.uniform(0.2, 6))
    keywords = [marker, f"{english} {group.slug.split('-')[0]}"]
    tip = {"title": f"{english.capitalize()} listings in {group.name_en} ({number + 1})",
           "description": f"Sellers write **{marker}** ({english}) in the title; genuine goods "
                          "never sell below the price given.",
           "brand": f"Brand {scale.org_of[author]}", "working_group_id": group.id,
           "organisation_id": scale.org_of[author], "author_id": author, "status": status,
           "sharing": ("platform", "working_group", "alliance")[number % 3],
           "keywords": keywords, "exclusions": ["官方旗舰店"], "regions": ["广东"][: number % 2],
           "keywords_text": " ".join(keywords), "max_price_amount": 50_000 * (1 + number % 9),
           "max_price_currency": "CNY", "created_at": submitted, "updated_at": decided,
           "submitted_at": submitted,
           "decided_at": decided if status in ("accepted", "rejected", "needs_info") else None}
    staff = scale.rng.choice(scale.staff)
    events = [{"actor_id": author, "action": "submitted", "from_status": None,
               "to_status": "submitted",
               "details": {"sharing": tip["sharing"]}, "at": submitted, "reason": ""}]
    if status in ("accepted", "rejected", "needs_info"):
        events.append({"actor_id": staff, "action": status, "from_status": "submitted",
                       "to_status": status, "details": {}, "at": decided,
                       "reason": "" if status == "accepted" else "Duplicate of an earlier tip."})
    elif status == "withdrawn":
        events.append({"actor_id": author, "action": "withdrawn", "from_status": "submitted",
                       "to_status": "withdrawn", "details": {}, "at": decided,
                       "reason": "Covered by our own monitoring."})
    return tip, events


@scale_step
def scale_tips(scale: Scale) -> list[str]:
    """A year of tips in the alliance's shares of outcomes, with their history and audit."""
    total = scale.count(TIPS_PER_SCALE)
    plan = [status for status, share in TIP_OUTCOMES for _ in range(round(share * total))]
    made = [_tip_row(scale, number, status) for number, status in enumerate(plan)]
    ids = bulk_insert(Tip, [tip for tip, _events in made])
    bulk_insert(TipEvent, [{**event, "tip_id": tip_id}
                           for tip_id, (_tip, events) in zip(ids, made, strict=True)
                           for event in events])
    audit = [(tip["author_id"], "tip.create", "Tip", tip_id, f"Tip {tip_id} submitted",
              tip["created_at"]) for tip_id, (tip, _e) in zip(ids, made, strict=True)]
    audit += [(event["actor_id"], "tip.review", "Tip", tip_id, f"Tip {tip_id} {event['action']}",
               event["at"]) for tip_id, (_t, events) in zip(ids, made, strict=True)
              for event in events[1:] if event["action"] != "withdrawn"]
    bulk_audit(scale, audit)
    notes = [(tip["author_id"], "tip.reviewed", f"Your tip was reviewed: {tip['title']}",
              page_url("queqiao.tip_detail", tip_id=tip_id), tip["decided_at"])
             for tip_id, (tip, _e) in zip(ids, made, strict=True) if tip["decided_at"]]
    bulk_notify(scale, notes)
    counts = {status: plan.count(status) for status, _share in TIP_OUTCOMES}
    return ["  tips: " + ", ".join(f"{n} {status}" for status, n in counts.items())]
