import pytest

from tests.reports import alliance


@pytest.fixture
def known(app):
    """The known alliance of tests/reports/alliance.py."""
    return alliance.build(app)
