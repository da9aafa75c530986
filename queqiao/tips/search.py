"""Full-text search over tips: SQLite FTS5 (trigram) or PostgreSQL full-text search.

The migration creates what each dialect needs: on SQLite a `tips_fts` FTS5 table kept
in step by triggers, on PostgreSQL a GIN index on the tips' text vector. Chinese has no
spaces between words, so terms a tokenizer cannot find are matched as substrings too.
The caller combines the clause with the visibility filter: search never widens access.
"""

from sqlalchemy import and_, func, literal_column, or_, select, text, true

from portal.database import unmanaged
from portal.extensions import db

from .models import Tip

unmanaged("tips_fts")

FTS_TABLE = "tips_fts"
PG_VECTOR = ("to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '') "
             "|| ' ' || coalesce(keywords_text, ''))")


def terms_of(query: str) -> list[str]:
    """The words of a query (at most ten, each at most 100 characters). Control characters
    (NUL among them) separate words and lone surrogates are dropped: neither database can
    compare text holding them."""
    cleaned = "".join(" " if c < " " else "" if "\ud800" <= c <= "\udfff" else c
                      for c in (query or ""))
    return [t[:100] for t in cleaned.split()][:10]


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _document():
    return func.lower(Tip.title + " " + Tip.description + " " + Tip.keywords_text)


def sqlite_clause(terms: list[str]):
    """FTS5 trigram MATCH for terms of three or more characters, substring for shorter ones."""
    clauses = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        expression = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        matching = select(literal_column("rowid")).select_from(text(FTS_TABLE)).where(
            text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=expression))
        clauses.append(Tip.id.in_(matching))
    clauses += [_document().like(_like(t), escape="\\") for t in terms if len(t) < 3]
    return and_(*clauses)


def postgresql_clause(terms: list[str]):
    """Each term found by the text vector or, for unsegmented Chinese, as a substring."""
    vector = literal_column(PG_VECTOR)  # the indexed expression, word for word
    return and_(*[
        or_(vector.op("@@")(func.plainto_tsquery(literal_column("'simple'"), t)),
            _document().like(_like(t), escape="\\"))
        for t in terms
    ])


def search_clause(query: str):
    """A where-clause over Tip for the query's terms (true when there are none)."""
    terms = terms_of(query)
    if not terms:
        return true()
    if db.engine.dialect.name == "postgresql":
        return postgresql_clause(terms)
    return sqlite_clause(terms)
