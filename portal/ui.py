"""What every page needs: navigation, language, the bell, filters for user text, money and
moments (relative, with the exact time in the reader's zone on hover)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_timedelta
from flask import Flask, current_app, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from .authz import can
from .i18n import current_locale
from .richtext import render_markdown


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation."""

    endpoint: str
    label: object  # a lazy string
    rule: str
    icon: str = ""
    prefix: str = ""
    menu: object = None  # the lazy label of the menu it shares with related entries


@dataclass(frozen=True)
class NavMenu:
    """Related entries under one drop-down, so the bar fits a laptop's width."""

    label: object
    icon: str
    items: list[NavItem]

    def is_active(self, path: str) -> bool:
        """Whether the page at `path` is one of the menu's."""
        return any(i.prefix and path.startswith(i.prefix) for i in self.items)


_nav: list[NavItem] = []


def nav_item(endpoint: str, label, rule: str = "signed_in", icon: str = "", prefix: str = "",
             menu=None) -> None:
    """Add an entry to the main navigation, shown to those the rule allows; entries with the
    same `menu` label share one drop-down when someone sees more than one of them."""
    if all(item.endpoint != endpoint for item in _nav):
        _nav.append(NavItem(endpoint, label, rule, icon, prefix, menu))


def navigation_entries(items: list[NavItem]) -> list[NavItem | NavMenu]:
    """The visible entries in order, related ones gathered where the first of them stands."""
    entries: list[NavItem | NavMenu] = []
    menus: dict[str, NavMenu] = {}
    keys = [str(item.menu) if item.menu else None for item in items]  # each label read once
    for item, key in zip(items, keys, strict=True):
        if key is None or keys.count(key) < 2:
            entries.append(item)
        elif key in menus:
            menus[key].items.append(item)
        else:
            menus[key] = NavMenu(item.menu, item.icon, [item])
            entries.append(menus[key])
    return entries


def format_money(amount: int | None, currency: str = "CNY") -> str:
    """Minor units as a readable amount: 12345 -> '¥123.45'."""
    if amount is None:
        return "—"
    symbols = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "¥"}
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{symbols.get(currency, currency + ' ')}{whole:,}.{cents:02d}"


def register(app: Flask) -> None:
    """Context processors and template filters."""
    from .accounts.services import wants_timezone_guess
    from .notifications.services import unread_count

    @app.context_processor
    def navigation():
        # The person behind the proxy, looked up once for the whole page rather than on every
        # question the navigation and the templates ask about them.
        user = current_user._get_current_object()
        signed_in = user.is_authenticated
        items = [i for i in _nav if can(user, i.rule)] if signed_in else []
        return {
            "nav_entries": navigation_entries(items),
            "locale": current_locale(),
            "unread_notifications": unread_count(user.id) if signed_in else 0,
            "can": lambda action, obj=None: can(user, action, obj),
            "current_path": request.full_path.rstrip("?"),
        }

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["localname"] = lambda obj: obj.name(current_locale())
    app.jinja_env.filters["moment"] = render_moment
    # Figures kept as JSON carry their moments as ISO 8601 text.
    app.jinja_env.filters["fromiso"] = datetime.fromisoformat
    app.jinja_env.globals.update(reader_zone=reader_zone, exact_time=exact_time,
                                 wants_timezone_guess=wants_timezone_guess)


def reader_zone(reader=None) -> ZoneInfo:
    """The reader's time zone (the signed-in person's unless another is named) if their
    profile has one, else the portal's default (UTC)."""
    name = None
    if reader is not None:
        name = getattr(reader, "timezone", None)
    elif has_request_context():
        name = getattr(current_user, "timezone", None)
    name = name or current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_offset_label(moment: datetime) -> str:
    """'UTC', or 'UTC+08:00': the offset of an aware moment, as people compare zones."""
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def exact_time(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """'2026-12-01 17:05 Asia/Shanghai (UTC+08:00)': to the minute in the reader's zone, named."""
    zone = zone or reader_zone()
    local = _aware(moment).astimezone(zone)
    text = f"{_day(local)} {local.hour:02d}:{local.minute:02d}"
    label = zone_offset_label(local)
    return f"{text} {label}" if zone.key == "UTC" else f"{text} {zone.key} ({label})"


def relative_time(moment: datetime, now: datetime | None = None,
                  zone: ZoneInfo | None = None) -> str:
    """'3 minutes ago', 'in 2 days', 'yesterday' in the reader's language; beyond a week the
    day itself in the reader's zone ('2026-11-20')."""
    zone = zone or reader_zone()
    locale = current_locale()
    moment = _aware(moment)
    now = _aware(now or datetime.now(UTC))
    delta = moment - now
    if abs(delta) < timedelta(seconds=45):
        return _("just now")
    days = (moment.astimezone(zone).date() - now.astimezone(zone).date()).days
    if abs(delta) < timedelta(hours=6) or days == 0:
        return format_timedelta(delta, add_direction=True, threshold=1, locale=locale)
    if days == -1:
        return _("yesterday")
    if days == 1:
        return _("tomorrow")
    if abs(days) <= 7:
        return format_timedelta(timedelta(days=days), granularity="day", add_direction=True,
                                threshold=1, locale=locale)
    return _day(moment.astimezone(zone))


def _day(moment: datetime) -> str:
    """'2026-12-01': what Babel's pattern yyyy-MM-dd gives in every language the portal
    speaks (digits only), written out directly: a list page shows dozens of moments."""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"


def render_moment(value: datetime | None, exact: bool = False,
                  now: datetime | None = None) -> Markup:
    """A moment as `<time>`: the relative text (or, with `exact`, the date and time in the
    reader's zone, then the relative text), the exact time with its zone on hover, and the
    moment in UTC for machines and the refreshing script."""
    if value is None or value == "":
        return Markup("—")
    zone = reader_zone()
    moment = _aware(value)
    # Digits, '-', ':', 'T' and 'Z' only: nothing to escape.
    iso = moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    title = escape(exact_time(moment, zone))
    relative = escape(relative_time(moment, now, zone))
    if exact:
        return Markup(f'<time datetime="{iso}" title="{title}" class="moment-exact">{title}</time> '
                      f'<span class="text-muted small moment-relative" data-relative="{iso}">'
                      f'{relative}</span>')
    return Markup(f'<time datetime="{iso}" title="{title}" data-relative="{iso}">{relative}</time>')


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
