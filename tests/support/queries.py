"""Counting the SQL statements a request costs, to catch one query per row."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db


@contextmanager
def statements() -> Iterator[list[str]]:
    """Collect every statement the app's engine runs inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def query_cost(fetch: Callable) -> int:
    """How many statements `fetch()` (a request answering 200) runs, starting cold."""
    db.session.expire_all()
    with statements() as seen:
        response = fetch()
    assert response.status_code == 200
    return len(seen)
