"""One-line factories for test purchases, through the services."""

from datetime import UTC, datetime, timedelta

from testbuys import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def propose(user, seller="seller-1", platform="taobao", **kw):
    """A proposed purchase (of the luxury-goods group unless told otherwise)."""
    return services.propose(user, platform=platform, seller_id=seller,
                            working_group=kw.pop("working_group", "luxury-goods"),
                            listing_url=kw.pop("listing_url", "https://item.example/1"),
                            reason=kw.pop("reason", "replica bags"), **kw)


def later(days=3) -> datetime:
    """A time `days` from now."""
    return datetime.now(UTC) + timedelta(days=days)


def scheduled(member, partner=None, seller="seller-1", **kw):
    """A purchase proposed by member's company, joined by partner's, scheduled."""
    p = propose(member, seller, **kw)
    if partner is not None:
        services.join(partner, p.id, 2)
    return services.schedule(member, p.id, scheduled_for=later(), purchaser_id=member.id)


def received(member, partner=None, seller="seller-1", cost=10_000):
    """A purchase that was ordered and received."""
    p = scheduled(member, partner, seller)
    services.order(member, p.id, order_number="A-1", cost=(cost, "CNY"))
    return services.receive(member, p.id, received_at=None, notes="box sealed")
