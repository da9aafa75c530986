"""What a recommendation can link to from the groups and the core: the meeting it came
from and test-purchase findings. Tips register themselves from queqiao, which the
tracker may not import."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from testbuys.models import TestPurchase
from workinggroups.meetings.models import Meeting

from .links import object_resolver, register_link_kind

register_link_kind("meeting", object_resolver(
    Meeting, "meeting.view", lambda m: m.title,
    lambda m: url_for("workinggroups.meeting", slug=m.group.slug, meeting_id=m.id)),
    _l("Meeting"))
register_link_kind("test_purchase", object_resolver(
    TestPurchase, "test_purchase.view", lambda p: f"{p.platform} · {p.seller_id}",
    lambda p: url_for("testbuys.show", purchase_id=p.id)),
    _l("Test purchase"))
