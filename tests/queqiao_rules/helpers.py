"""One-line factories for rules, corpus listings and scans."""

from queqiao.listings.readers import read_listing
from queqiao.rules import services
from queqiao.scanning.services import scan


def make_rule(staff, status="shadow", name="Gucci markers", **conditions):
    """A rule (activated with override when asked) with the given conditions."""
    conditions = conditions or {"all": ["gucci"], "any": ["高仿", "1:1"]}
    rule = services.create_rule(staff, {"name": name, "conditions": conditions})
    if status in ("active", "retired"):
        services.change_status(staff, rule, "active", override=True,
                               reason="activated for the test")
    if status == "retired":
        services.change_status(staff, rule, "retired")
    return rule


def listing(id_="L1", title="GUCCI 高仿 马蒙包", price=30000, seller="shop-1", region="广东"):
    """A listing in the API's shape."""
    return {"id": id_, "title": title, "price": {"amount": price, "currency": "CNY"},
            "seller_id": seller, "region": region, "url": f"https://market.example/{id_}"}


def scan_dicts(staff, *items):
    """Scan listing dicts through the service."""
    return scan(staff, [read_listing(item) for item in items])


def count(model, **where):
    """Rows of `model` matching the keyword filters."""
    from sqlalchemy import func, select

    from portal.extensions import db

    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)
