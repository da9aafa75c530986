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
from functools import lru_cache
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


def unsettled_finder(seen: frozenset[str] | None = None) -> Any:
    """Return find(raw) -> ascending end offsets of the characters the batch byte path
    cannot settle (normalisation's `unsettled_ranges`) in translated batch bytes, or None
    without hyperscan (normalisation then searches with a regular expression).

    With `seen`, the characters a rule set's terms hold, only those that matter to such
    terms are found (normalisation's `unsettled_for`): for a rule set, its own finder.
    """
    if hyperscan is None:
        return None
    return _unsettled_finder(tables(), seen)


@lru_cache(maxsize=64)  # a rule set asks for one per price band
def _unsettled_finder(t: Any, seen: frozenset[str] | None) -> Any:
    ranges = t.unsettled_ranges if seen is None else t.unsettled_for(seen)
    database = character_database([code for low, high in ranges for code in range(low, high + 1)])

    def find(raw: bytes) -> list[int]:
        return [end for end, _ in scan(database, raw)]

    return find


# Characters of U+4000-U+9FFF (most Han ideographs, led by the bytes E4-E9 that most of
# a Chinese title is) up to which one byte pattern per lead byte scans about as fast as a
# set of literals or faster; beyond, the literal set is faster. Measured on two kinds of
# titles, the bench's marketplace and zipf shapes (ms per 60,000 and 30,000 titles):
#   Han characters vetted         marketplace: literals / patterns   zipf: literals / patterns
#   0 (the version 1 form)             3.8 / 2.5                          0.4 / 0.4
#   64 (terms of two characters)       -                                  2.8 / 3.8
#   165 (1,000 marketplace rules)      10.0 / 5.7                         10.1 / 4.9
#   276, 328 (1,000 zipf, pairs)       -                                  10.8 / 8.2, 11.4 / 10.2
#   about 480 (10,000 zipf, pairs)     10.7 / 13.0                        11.2 / 15.6
#   3,204 (all of them)                9.4 / 15.8                         8.8 / 17.3
_PATTERN_HAN = 400


def character_database(codes: list[int]) -> Any:
    """Return a hyperscan database reporting where each of the characters `codes` (U+3000-U+FFFF) ends."""
    if sum(1 for code in codes if 0x4000 <= code <= 0x9FFF) > _PATTERN_HAN:
        return literal_database(enumerate(map(chr, codes)))
    expressions = _lead_patterns(codes)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=list(range(len(expressions))),
                     elements=len(expressions), flags=[0] * len(expressions))
    return database


def _lead_patterns(codes: list[int]) -> list[bytes]:
    """Return one pattern per UTF-8 lead byte matching exactly the three-byte characters `codes`.

    Within a lead byte, the second bytes whose third bytes form the same class share one
    alternative, which keeps the patterns short.
    """
    tree: dict[int, dict[int, set[int]]] = {}
    for code in codes:
        lead, second, third = chr(code).encode()
        tree.setdefault(lead, {}).setdefault(second, set()).add(third)
    patterns = []
    for lead, seconds in sorted(tree.items()):
        by_third: dict[bytes, list[int]] = {}
        for second, thirds in sorted(seconds.items()):
            by_third.setdefault(_byte_class(thirds), []).append(second)
        alternatives = b"|".join(_byte_class(set(group)) + third for third, group in by_third.items())
        patterns.append(b"\\x%02x(?:%s)" % (lead, alternatives))
    return patterns


def _byte_class(values: set[int]) -> bytes:
    """Return a pattern class of the bytes `values` (a plain byte when there is one)."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and runs[-1][1] == value - 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    if len(runs) == 1 and runs[0][0] == runs[0][1]:
        return b"\\x%02x" % runs[0][0]
    return b"[%s]" % b"".join(
        b"\\x%02x" % low if low == high else b"\\x%02x-\\x%02x" % (low, high) for low, high in runs)


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
