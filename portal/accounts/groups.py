"""The alliance's twelve industry working groups, with stable slugs."""

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import ChairPosition, GroupMembership, Organisation, User, WorkingGroup

# slug, English name, Chinese name, what the group works on
TWELVE_GROUPS = (
    ("clothing-footwear", "Clothing and Footwear", "服装鞋履",
     "Apparel and footwear brands: replica listings, look-alike logos, outlet fakes."),
    ("home-electronics", "Home and Electronics", "家居与电器",
     "Household appliances and consumer electronics: safety-critical fakes and parts."),
    ("personal-care", "Personal Care", "个人护理",
     "Cosmetics, skin care and hygiene products: refills, decanted and expired goods."),
    ("food-beverage", "Food and Beverage", "食品饮料",
     "Food, infant formula and drinks: food-safety risks and parallel imports."),
    ("computers-smart-devices", "Computers and Smart Devices", "电脑与智能设备",
     "Computers, phones, accessories and smart devices: clones and refurbished fakes."),
    ("entertainment-publishing", "Entertainment and Publishing", "娱乐与出版",
     "Books, media, toys and licensed merchandise: pirated and unlicensed goods."),
    ("industrial-automotive", "Industrial and Automotive", "工业与汽车",
     "Spare parts, tools and industrial supplies: counterfeit components."),
    ("pharmaceutical", "Pharmaceutical", "医药",
     "Medicines and medical devices: patient safety and criminal referrals."),
    ("jewelry-accessories", "Jewelry and Accessories", "珠宝配饰",
     "Jewelry, watches and accessories: high-value replicas."),
    ("sportswear-sports-equipment", "Sportswear and Sports Equipment", "运动服饰与器材",
     "Sports apparel, shoes and equipment: limited-edition and team fakes."),
    ("alcohol-tobacco", "Alcohol and Tobacco", "烟酒",
     "Spirits, wine and tobacco: refilled bottles and illicit trade."),
    ("luxury-goods", "Luxury Goods", "奢侈品",
     "Luxury fashion and leather goods: super-fakes and social-commerce sellers."),
)


def seed_working_groups() -> int:
    """Create any of the twelve groups that are missing; returns how many were added."""
    existing = set(db.session.scalars(select(WorkingGroup.slug)))
    added = 0
    for position, (slug, name_en, name_zh, description) in enumerate(TWELVE_GROUPS, start=1):
        if slug not in existing:
            db.session.add(WorkingGroup(slug=slug, name_en=name_en, name_zh=name_zh,
                                        description_en=description, position=position))
            added += 1
    db.session.commit()
    return added


def group_by_slug(slug: str) -> WorkingGroup | None:
    """The working group with this slug, or None."""
    return db.session.scalar(select(WorkingGroup).where(WorkingGroup.slug == slug))


def member_companies(group: WorkingGroup):
    """The organisations in the group now, by name, as a select() to read a page at a time
    (a group may have hundreds of member companies)."""
    return (select(Organisation)
            .join(GroupMembership, GroupMembership.organisation_id == Organisation.id)
            .where(GroupMembership.working_group_id == group.id,
                   GroupMembership.status == "active")
            .order_by(func.lower(Organisation.name), Organisation.id))


def people_of(organisations: list[Organisation]) -> dict[int, list[str]]:
    """The names of the active people of each of these organisations, by organisation id, in
    one statement: names only, as a group's page lists them (no one of an inactive one)."""
    active = [o.id for o in organisations if o.is_active]
    names: dict[int, list[str]] = {o.id: [] for o in organisations}
    if active:
        for organisation_id, name in db.session.execute(
                select(User.organisation_id, User.name)
                .where(User.organisation_id.in_(active), User.is_active_flag)
                .order_by(User.id)):
            names[organisation_id].append(name)
    return names


def member_company_count(group: WorkingGroup) -> int:
    """How many organisations are in the group now."""
    return db.session.scalar(select(func.count()).select_from(GroupMembership).where(
        GroupMembership.working_group_id == group.id, GroupMembership.status == "active")) or 0


DIRECTORY_NAMES = 8  # member companies named on a group's card; the rest are counted


def directory() -> list[tuple[WorkingGroup, int, list[str]]]:
    """Each group with its number of active member companies and the first few of their
    names, counted and chosen by the database (a group may have hundreds of members)."""
    groups = db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.position).options(
        selectinload(WorkingGroup.positions).joinedload(ChairPosition.user)
        .joinedload(User.organisation))).all()
    active = and_(GroupMembership.status == "active", Organisation.is_active)
    ranked = (select(GroupMembership.working_group_id.label("group_id"), Organisation.name,
                     func.row_number().over(partition_by=GroupMembership.working_group_id,
                                            order_by=(func.lower(Organisation.name),
                                                      Organisation.id)).label("rank"),
                     func.count().over(partition_by=GroupMembership.working_group_id)
                     .label("total"))
              .join(Organisation, Organisation.id == GroupMembership.organisation_id)
              .where(active).subquery())
    counts: dict[int, int] = {}
    names: dict[int, list[str]] = {}
    for group_id, name, _rank, total in db.session.execute(
            select(ranked).where(ranked.c.rank <= DIRECTORY_NAMES)
            .order_by(ranked.c.group_id, ranked.c.rank)):
        counts[group_id] = total
        names.setdefault(group_id, []).append(name)
    return [(g, counts.get(g.id, 0), names.get(g.id, [])) for g in groups]


def group_list() -> list[WorkingGroup]:
    """The groups in their customary order, nothing else loaded (for choices and filters)."""
    return list(db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.position)))


def all_groups() -> list[WorkingGroup]:
    """The groups in their customary order, with members and chairs loaded in a few queries."""
    query = select(WorkingGroup).order_by(WorkingGroup.position).options(
        selectinload(WorkingGroup.memberships).joinedload(GroupMembership.organisation),
        selectinload(WorkingGroup.positions).joinedload(ChairPosition.user)
        .joinedload(User.organisation),
    )
    return list(db.session.scalars(query))
