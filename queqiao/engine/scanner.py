"""Hyperscan as the batch trigger scanner, when the `hyperscan` package is installed.

Hyperscan scans bytes many times faster than an Aho-Corasick pass in Python, so with it
a batch is scanned as the UTF-8 bytes normalisation produces, before the text is even
decoded. Dropping the separators between CJK characters (the last step of the matching
form) is the one step left undone on those bytes: it costs more over a whole batch than
all the rest. Each trigger term's pattern allows instead what that step would have
dropped: any run of separators between two of its CJK characters. On text that has had
every other step, matching such a pattern is exactly finding the term in the matching
form (a separator run between two CJK characters is dropped whole; runs next to other
characters stay, and the pattern spells them out), so only the few listings where a
trigger turns up need their title brought to the matching form.

On the batch byte path the only separators left in a title that is not normalised on
its own are ASCII ones and those of U+3000-U+30FF and U+E000-U+FFFF that normalisation
leaves alone (CJK punctuation, for instance); a title normalised on its own is already
in the matching form, where no separator stands between CJK characters. SEPARATOR
covers both.

Without hyperscan (`available()` is False) the engine scans decoded text with
pyahocorasick instead; results are the same.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache
from typing import Any

from queqiao.engine.normalisation import tables

try:  # an optional accelerator: the engine is complete without it
    import hyperscan
except ImportError:  # pragma: no cover - depends on the installation
    hyperscan = None


def available() -> bool:
    """Return True when hyperscan can be used."""
    return hyperscan is not None


# One byte of a separator of a batch title, or of a little more: ASCII separators, and
# the bytes of U+3000-U+3FFF and U+E000-U+FFFF (CJK punctuation, but also kana and the
# first CJK extension). One byte class keeps patterns quick to compile. Any separator
# outside these normalisation sends the per-title way (normalisation.PATTERN_SEPARATORS);
# the letters it also covers can make a pattern match where the term is not in the
# matching form, so found triggers are checked against the joined title.
SEPARATOR = rb"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\x80-\xbf\xe3\xee\xef]"


def _is_cjk(char: str) -> bool:
    """Return True when `char` is a CJK character (folding.cjk_ranges)."""
    return tables().has_cjk(char) is not None


def has_gaps(term: str) -> bool:
    """Return True when the term's pattern allows separators somewhere (two CJK neighbours)."""
    return tables().has_cjk(term) is not None and any(
        _is_cjk(a) and _is_cjk(b) for a, b in zip(term, term[1:], strict=False)
    )


def term_pattern(term: str, separator: bytes = SEPARATOR) -> bytes:
    """Return the pattern of a matching-form `term` on text not yet CJK-joined."""
    is_cjk = _is_cjk
    pieces: list[bytes] = []
    for position, char in enumerate(term):
        if position and is_cjk(char) and is_cjk(term[position - 1]):
            pieces.append(separator + b"*")
        pieces.append(b"".join(b"\\x%02x" % byte for byte in char.encode()))
    return b"".join(pieces)


def trigger_database(terms: Iterable[tuple[int, str]], separator: bytes = SEPARATOR) -> Any:
    """Return a hyperscan block-mode database reporting (term index) for every term found."""
    ids, expressions = [], []
    for index, term in terms:
        ids.append(index)
        expressions.append(term_pattern(term, separator))
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(ids), flags=[0] * len(ids))
    return database


def literal_database(terms: Iterable[tuple[int, str]], once: bool = False) -> Any:
    """Return a hyperscan database of the terms' UTF-8 forms as plain literals.

    With `once`, a scan reports each term at most once (for scanning one title at a time).
    """
    ids, expressions = [], []
    for index, term in terms:
        ids.append(index)
        expressions.append(term.encode())
    flag = hyperscan.HS_FLAG_SINGLEMATCH if once else 0
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(ids), flags=[flag] * len(ids),
                     literal=True)
    return database


def unsettled_finder() -> Any:
    """Return find(raw) -> ascending end offsets of the characters the batch byte path
    cannot settle (normalisation's `unsettled_ranges`) in translated batch bytes, or None
    without hyperscan (normalisation then searches with a regular expression)."""
    if hyperscan is None:
        return None
    return _unsettled_finder()


@cache
def _unsettled_finder() -> Any:
    characters = [chr(code) for low, high in tables().unsettled_ranges
                  for code in range(low, high + 1)]
    database = literal_database(enumerate(characters))

    def find(raw: bytes) -> list[int]:
        return [end for end, _ in scan(database, raw)]

    return find


# A scan needs scratch space that no other scan uses at the same time: one per thread
# and database, so that a compiled rule set can be shared between threads.
_scratch = threading.local()


def scratch_for(database: Any) -> Any:
    """Return this thread's scratch space for `database`."""
    spaces = getattr(_scratch, "spaces", None)
    if spaces is None:
        spaces = _scratch.spaces = {}
    space = spaces.get(id(database))
    if space is None or space[0] is not database:
        if len(spaces) >= 64:  # rule sets are recompiled now and then: forget old ones
            spaces.clear()
        space = spaces[id(database)] = (database, hyperscan.Scratch(database))
    return space[1]


def scan(database: Any, data: bytes) -> list[tuple[int, int]]:
    """Return (end offset, term index) of every match in `data`, in order of end offset."""
    found: list[tuple[int, int]] = []
    append = found.append

    def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
        append((end, index))

    database.scan(data, match_event_handler=on_match, scratch=scratch_for(database))
    # Matches arrive by end offset; sorting (nearly free on sorted input) makes sure.
    found.sort()
    return found
