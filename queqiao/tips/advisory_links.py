"""Advisory Board recommendations can cite the tips that support them; each reader sees
only the tips the sharing rules show them."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from advisory.links import object_resolver, register_link_kind

from .models import Tip

register_link_kind("tip", object_resolver(
    Tip, "tip.view", lambda t: t.title,
    lambda t: url_for("queqiao.tip_detail", tip_id=t.id)), _l("Queqiao tip"))
