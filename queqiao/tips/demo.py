"""Demo tips: a realistic exchange in every state, from the demo alliance's members."""

import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import user_by_email
from portal.demo import demo_step
from portal.extensions import db

from . import services
from .models import Tip

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
