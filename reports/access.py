"""Who may read which report (registered with the one access policy).

The alliance dashboard and the annual report show alliance-wide aggregates only, so every
signed-in person reads them. A brand's own report is for that organisation's people; the
platform staff and the secretariat, who see every brand's records already, may read any.
"""

from typing import Any

from portal.authz import rule


@rule("report.alliance")
def can_read_alliance(user: Any, obj: Any = None) -> bool:
    """Alliance-wide aggregates: every signed-in person."""
    return True


@rule("report.organisation")
def can_read_organisation(user: Any, organisation: Any = None) -> bool:
    """One organisation's figures: its own people, platform staff and the secretariat."""
    if organisation is None:
        return True
    return organisation.id == user.organisation_id or user.is_staff or user.is_admin


@rule("report.any_organisation")
def can_pick_organisation(user: Any, obj: Any = None) -> bool:
    """Choosing another organisation's report from a list: staff and the secretariat."""
    return user.is_staff or user.is_admin


@rule("report.edit")
def can_edit(user: Any, edition: Any = None) -> bool:
    """The secretariat writes the foreword and notes and publishes an edition."""
    return user.is_admin
