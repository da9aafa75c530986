"""Reading the home page's "Needs you" section."""

import re


def needs_section(page) -> str:
    """The HTML of the "Needs you" section of a home page (a response or its text)."""
    text = page if isinstance(page, str) else page.get_data(as_text=True)
    found = re.search(r'<section[^>]*id="needs-you".*?</section>', text, re.S)
    assert found, "the home page has no Needs you section"
    return found.group(0)
