"""What every page needs: navigation, language, the bell, filters for user text and money."""

from dataclasses import dataclass

from flask import Flask, request
from flask_login import current_user

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
    for item in items:
        key = str(item.menu) if item.menu else None
        if key is None or sum(1 for i in items if i.menu and str(i.menu) == key) < 2:
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
    from .notifications.services import unread_count

    @app.context_processor
    def navigation():
        signed_in = current_user.is_authenticated
        items = [i for i in _nav if can(current_user, i.rule)] if signed_in else []
        return {
            "nav_entries": navigation_entries(items),
            "locale": current_locale(),
            "unread_notifications": unread_count(current_user.id) if signed_in else 0,
            "can": lambda action, obj=None: can(current_user, action, obj),
            "current_path": request.full_path.rstrip("?"),
        }

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["localname"] = lambda obj: obj.name(current_locale())
