"""Links to pages that work inside and outside a request (CLI, background work)."""

from flask import current_app, has_request_context, url_for


def page_url(endpoint: str, **values) -> str:
    """The path of a page, e.g. for a notification's link."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
