"""Engine settings that keep SQLite honest: foreign keys on, WAL, waiting on locks."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """Enforce foreign keys and let readers and one writer work side by side."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


# Full-text search structures the models cannot describe (SQLite FTS5 tables with their
# shadow tables, PostgreSQL expression indexes). Migrations create them by hand; schema
# comparisons and autogenerate leave objects whose names start with these prefixes alone.
_unmanaged_prefixes: set[str] = set()


def unmanaged(prefix: str) -> None:
    """Declare database objects named `prefix...` as kept by hand in the migrations."""
    _unmanaged_prefixes.add(prefix)


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ARG001
    """Alembic's filter: skip reflected objects that are kept by hand."""
    return not (reflected and compare_to is None and name
                and name.startswith(tuple(_unmanaged_prefixes)))
