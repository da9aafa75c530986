"""Home page."""

from collections.abc import Callable

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..accounts.models import Organisation
from ..authz import access
from ..extensions import db
from . import bp
from .needs import needs_of, needs_you  # noqa: F401  (packages register through here too)

# Feature packages add cards (activity: latest and upcoming) to the home page; their
# to-dos go to the "Needs you" section above them (see needs.py).
_panels: list[Callable] = []


def home_panel(fn: Callable) -> Callable:
    """Register fn(user) -> dict(title, items, url, empty) | None for the home page."""
    _panels.append(fn)
    return fn


def alliance_figures() -> dict:
    """Member companies, countries and groups, counted from the directory."""
    # One statement for both: COUNT(DISTINCT country) leaves out companies without a country.
    companies, countries = db.session.execute(
        select(func.count(Organisation.id), func.count(func.distinct(Organisation.country)))
        .where(Organisation.kind == "member", Organisation.is_active)).one()
    return {"member_companies": companies, "countries": countries, "working_groups": 12}


@access("public")
def index():
    """The site root: home when signed in, else sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    return redirect(url_for("auth.login"))


bp.add_url_rule("/", "index", index)


@bp.get("/home")
@access("signed_in")
def home():
    """The signed-in home page."""
    user = current_user._get_current_object()  # every panel asks about the person
    panels = [p for p in (panel(user) for panel in _panels) if p]
    return render_template("dashboard/home.html", needs=needs_of(user), panels=panels,
                           figures=alliance_figures())
