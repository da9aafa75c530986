"""The board: three chairs (quorum two), a vice-chair, member, outsider, staff, secretariat."""

import pytest

from tests.advisory import helpers
from tests.support import factories


@pytest.fixture
def board(app):
    """Everyone the tracker's rules tell apart."""
    chair = helpers.chair_of("luxury-goods", "Lena Luxury")
    return {
        "chair": chair,
        "vice": helpers.vice_chair_of("luxury-goods"),
        "chair2": helpers.chair_of("pharmaceutical", "Paul Pharma"),
        "chair3": helpers.chair_of("food-beverage", "Fiona Food"),
        "member": factories.make_user("member", groups=("luxury-goods",)),
        "outsider": factories.make_user("member", groups=("alcohol-tobacco",)),
        "staff": factories.make_user("staff"),
        "admin": factories.make_user("admin"),
    }
