"""Text normalisation shared by titles, terms, exclusions and regions.

Matching is a plain substring test, so titles and terms must go through exactly the
same function. There are two forms:

* the *matching form* (``normalise``, version NORMALISATION), built so that the usual
  ways of dodging a keyword change nothing: invisible characters (format characters
  such as U+200B, soft hyphens, variation selectors) dropped; Unicode NFKC (full-width
  letters and digits become ordinary ones); casefold; accents, look-alike letters of
  other scripts (TR39 confusables) and traditional Chinese characters folded (see
  queqiao.engine.folding); white space runs collapsed to one space and the ends
  stripped; and finally every run of separators (white space, punctuation, symbols:
  any character that is neither a letter nor a digit, i.e. not ``\\w``, and the
  underscore) dropped when it stands between two CJK characters, or between a CJK
  character and the start or end of the text, so that "高 仿", "高.仿" and "【高仿】"
  all read "高仿";
* the *literal form* (``literal_form``, LITERAL_NORMALISATION): invisible characters
  dropped, NFKC, casefold, white space collapsed, and nothing else, for the terms of
  rules that ask to be matched literally (a fold can merge two words that differ: 乾
  folds to 干).

Batches of titles are normalised together by way of their UTF-8 bytes: a byte table
settles ASCII and lets the three-byte characters U+3000-U+FFFF through, one regular
expression search finds any such character that is not a plain CJK letter (punctuation,
a traditional character, anything NFKC or the folds would change), and only titles
holding one of those, or a character the byte table cannot settle, go through
normalise() one by one. CJK separators the byte path settles are dropped over the whole
batch at once, before it is encoded.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import cache, partial
from unicodedata import normalize as _unicode_normalize

from queqiao.engine import folding

NORMALISATION = (
    "queqiao-match/2:drop-invisible+NFKC+casefold+fold-accents+fold-confusables"
    "+fold-traditional+collapse-whitespace+join-cjk"
)
LITERAL_NORMALISATION = "queqiao-literal/2:drop-invisible+NFKC+casefold+collapse-whitespace"
# The only form before version 2: what exports made then were normalised with.
NORMALISATION_V1 = "NFKC+casefold+collapse-whitespace"

# Joins normalised titles in a batch's text form. str.split() counts the no-break space
# as white space, so no normalised text holds it: no title holds it and no term can
# match across two titles. Joining CJK separators treats it as a text boundary.
TEXT_SEPARATOR = "\xa0"
# The same in the batch's UTF-8 bytes: 0xFF never occurs in UTF-8.
BYTE_SEPARATOR = b"\xff"


class _Tables:
    """The compiled tables and patterns, built once on first use (building takes ~0.5 s)."""

    def __init__(self) -> None:
        invisible = folding.invisible_characters()
        fold = folding.fold_table()
        cjk = folding.cjk_ranges()
        self.invisible = dict.fromkeys(map(ord, invisible))
        self.has_invisible = _searcher(_ranges_of(invisible))
        self.fold = fold
        self.has_fold = _searcher(_ranges_of(map(chr, fold)))
        # Every invisible character outlives NFKC and casefold (and composes with no
        # neighbour), so one search of a text's NFKC form tells whether it needs either.
        self.has_invisible_or_fold = _searcher(_ranges_of([*invisible, *map(chr, fold)]))
        self.has_cjk = _searcher(cjk)
        separators = _separator_ranges()
        # Drops the CJK separators of a text below U+10000 (join_batch_titles).
        self.join_bmp = _join_pattern(f"[{_bmp_class(separators)}]", _bmp_class(cjk)).sub
        self.join = _joiner(self.join_bmp, cjk)
        self.unsettled_ranges = _unsettled_ranges(fold, invisible, separators)
        self.unsettled = re.compile(f"[{folding.char_class(self.unsettled_ranges)}]")
        # The unsettled characters that are so only for folding to one CJK character
        # (traditional ones, mostly), by what they fold to (see unsettled_for).
        self.cjk_folds = _cjk_folds(fold, invisible)
        self._unsettled_for: dict[frozenset[str], tuple[tuple[int, int], ...]] = {}
        # Drops the CJK separators of a batch before it is encoded (see _prepare). The
        # batch path sees only characters below U+10000 (the byte table sends every title
        # with a four-byte character the per-title way).
        self.batch_join = _join_pattern(
            f"[{folding.char_class(_batch_separators(separators, self.unsettled_ranges))}]",
            _bmp_class(cjk), boundary="\\x00",
        ).sub

    def unsettled_for(self, seen: frozenset[str]) -> tuple[tuple[int, int], ...]:
        """Return the unsettled characters that matter to terms holding only the characters `seen`.

        A character of `cjk_folds` whose fold no term holds is left out: folding it
        swaps one CJK character for another that is in no term (nor is the character
        itself: terms are in the matching form), so no term is found, or not found, at
        another place, and separators next to it are dropped alike. Its title can stay
        on the batch byte path, unfolded, for such terms. Kept per set of characters.
        """
        ranges = self._unsettled_for.get(seen)
        if ranges is None:
            unseen = {code for code, folded in self.cjk_folds.items() if folded not in seen}
            ranges = folding._as_ranges([
                code for low, high in self.unsettled_ranges for code in range(low, high + 1)
                if code not in unseen
            ])
            if len(self._unsettled_for) >= 64:  # rule sets are recompiled now and then
                self._unsettled_for.clear()
            self._unsettled_for[seen] = ranges
        return ranges


def _cjk_folds(fold: dict[int, str], invisible: frozenset[str]) -> dict[int, str]:
    """Return {code: fold} of the characters of U+3000-U+FFFF unsettled only for folding to one CJK character.

    Both are CJK (folding.cjk_ranges), and but for the fold the character is one the
    batch byte path lets through (see _unsettled_ranges; a CJK character is no separator).
    """
    cjk = folding.cjk_ranges()
    return {
        code: folded for code, folded in fold.items()
        if 0x3000 <= code <= 0xFFFF and len(folded) == 1
        and _in(code, cjk) and _in(ord(folded), cjk) and _settled_unfolded(chr(code), invisible)
    }


def _settled_unfolded(char: str, invisible: frozenset[str]) -> bool:
    """Return True when NFKC, casefold, white space, composition and invisibility leave `char` be."""
    return (
        char not in invisible
        and _unicode_normalize("NFKC", char) == char
        and char.casefold() == char
        and not char.isspace()
        and not unicodedata.combining(char)
    )


def _separator_ranges() -> tuple[tuple[int, int], ...]:
    """Return the separators of joined CJK text below U+10000: not \\w (the underscore is), not U+00A0.

    Spelled out rather than as [^\\w], so that the regular-expression engine tests them
    with a bitmap instead of a Unicode database lookup per character.
    """
    codes = [code for code in range(0x10000) if not chr(code).isalnum() and code != 0xA0]
    return folding._as_ranges(codes)


def _in(code: int, ranges) -> bool:
    """Return True when `code` lies in one of the sorted inclusive `ranges`."""
    index = bisect.bisect_right(ranges, (code, 0x10FFFF))
    return index > 0 and ranges[index - 1][0] <= code <= ranges[index - 1][1]


def _ranges_of(chars) -> tuple[tuple[int, int], ...]:
    """Return characters as sorted inclusive code point ranges."""
    return folding._as_ranges(sorted({ord(char) for char in chars}))


def _bmp_class(ranges) -> str:
    """Return a character class body of the part of `ranges` below U+10000."""
    return folding.char_class([(low, min(high, 0xFFFF)) for low, high in ranges if low <= 0xFFFF])


def _searcher(ranges):
    """Return search(text) for a character of `ranges`.

    The regular-expression engine tests a class confined to U+0000-U+FFFF with a bitmap
    but one reaching further range by range, hundreds of times slower; almost all text
    stays below U+10000, so that case gets the fast class.
    """
    small = re.compile(f"[{_bmp_class(ranges)}]").search
    full = re.compile(f"[{folding.char_class(ranges)}]").search

    def search(text: str):
        return small(text) or (_beyond_bmp(text) and full(text))

    return search


# One range, which the regular-expression engine tests in two comparisons.
_beyond_bmp = re.compile("[\U00010000-\U0010ffff]").search


def _join_pattern(sep_class: str, cjk_class: str, boundary: str = "\\xa0") -> re.Pattern[str]:
    """Return the pattern of separator runs to drop (see the module docstring).

    A run is matched from its first separator, which lets the regular-expression engine
    skip quickly to candidates; the lookbehinds check what stands before the run (a CJK
    character, or the `boundary` texts are padded and titles joined with), the
    lookaheads what follows it.
    """
    sep = sep_class
    # Possessive: a run is dropped whole or not at all, so its end is never given back.
    return re.compile(
        f"{sep}(?:(?<=[{cjk_class}].){sep}*+(?=[{cjk_class}{boundary}])|(?<={boundary}.){sep}*+(?=[{cjk_class}]))",
        re.DOTALL,
    )


def _batch_separators(separators, unsettled) -> list[tuple[int, int]]:
    """Return the separators the batch byte path lets through unchanged.

    The ASCII ones the byte table keeps (all but NUL and the white space other than the
    space), and those of U+3000-U+FFFF that are not in `unsettled`. Dropping only these
    before a batch is encoded leaves each title exactly as settled or unsettled as it
    was, and is exact for a settled title, whose other characters are all left as they
    are too.
    """
    settled = [code for code in range(1, 0x80) if _BATCH_TABLE[code] and _in(code, separators)]
    settled += [
        code for low, high in PATTERN_SEPARATORS for code in range(low, high + 1)
        if _in(code, separators) and not _in(code, unsettled)
    ]
    return list(folding._as_ranges(settled))


def _joiner(small, cjk):
    """Return join(text) dropping the separator runs of `text` padded with no-break spaces.

    `small` is the substitution of the pattern for text below U+10000.
    """
    full = _join_pattern(r"(?:[^\w\xa0]|_)", folding.char_class(cjk)).sub

    def join(text: str) -> str:
        return (full if _beyond_bmp(text) else small)("", text)

    return join


# Where the separators of a batch title may lie, beyond ASCII: the hyperscan patterns
# allow for these (scanner.SEPARATOR); a title with a separator elsewhere (a Yijing
# hexagram, a Yi radical) is normalised on its own.
PATTERN_SEPARATORS = ((0x3000, 0x30FF), (0xE000, 0xFFFF))


def _unsettled_ranges(
    fold: dict[int, str], invisible: frozenset[str], separators: tuple[tuple[int, int], ...]
) -> list[tuple[int, int]]:
    """Return the characters of U+3000-U+FFFF the batch byte path must not pass through.

    The byte table lets every character of those lead bytes (E3-EF) through unchanged;
    that is right only for one that NFKC, casefold and the folds leave alone and that is
    neither white space, a combining mark (NFKC could compose it with a neighbour) nor
    invisible. The rest (traditional characters, compatibility forms, variation
    selectors...) sends its title the per-title way. Separators stay: the batch's
    joining pass sees them, as long as they lie in PATTERN_SEPARATORS.
    """
    unsettled: list[int] = []
    for code in range(0x3000, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        settled = (
            code not in fold
            and _settled_unfolded(chr(code), invisible)
            and (not _in(code, separators) or _in(code, PATTERN_SEPARATORS))
        )
        if not settled:
            unsettled.append(code)
    return list(folding._as_ranges(unsettled))


@cache
def tables() -> _Tables:
    """Return the shared tables, building them on first use."""
    return _Tables()


def normalise(text: str) -> str:
    """Return the matching form of `text` (see the module docstring)."""
    # NFKC is the identity on ASCII, casefold() equals lower() there and ASCII holds
    # nothing to fold or join; skipping the Unicode machinery matters for a million titles.
    if text.isascii():
        return " ".join(text.lower().split())
    return join_cjk(_unjoined(text))


def _unjoined(text: str) -> str:
    """Return the matching form of a text that is not ASCII, but for joining CJK separators."""
    # str.split() with no argument splits on any Unicode whitespace run and drops the
    # ends, which is exactly "collapse and strip".
    return " ".join(_folded(text, tables()).split())


def join_cjk(text: str) -> str:
    """Return `text` (otherwise normalised) with the separators between CJK characters dropped."""
    t = tables()
    if t.has_cjk(text):
        return t.join(f"\xa0{text}\xa0")[1:-1]
    return text


def normalise_many(texts: list[str]) -> list[str]:
    """Return list(map(normalise, texts)), dropping the CJK separators of all of them at once."""
    forms = [" ".join(text.lower().split()) if text.isascii() else None for text in texts]
    unjoined = [number for number, form in enumerate(forms) if form is None]
    joined = join_many([_unjoined(texts[number]) for number in unjoined])
    for number, form in zip(unjoined, joined, strict=True):
        forms[number] = form
    return forms


def join_many(texts: list[str]) -> list[str]:
    """Return list(map(join_cjk, texts)) with one pass of the joining pattern.

    Texts otherwise normalised hold no no-break space (str.split() takes it for white
    space), so one between each two marks their boundaries as the padding of a single
    text does.
    """
    return _joined_apart(texts, tables().join)


def join_batch_titles(texts: list[str]) -> list[str]:
    """Return join_many(texts) for titles of a prepared batch (prepare_batch), decoded.

    Those hold no character beyond U+FFFF but in titles normalised on their own, which
    are joined already and which the pattern for the rest leaves alone, so the search
    for such characters that join_cjk makes is skipped.
    """
    return _joined_apart(texts, partial(tables().join_bmp, ""))


def _joined_apart(texts: list[str], join) -> list[str]:
    """Return `texts` each joined, by one `join` of them all padded and split by no-break spaces."""
    if len(texts) < 2:
        return list(map(join_cjk, texts))
    return join(f"\xa0{TEXT_SEPARATOR.join(texts)}\xa0")[1:-1].split(TEXT_SEPARATOR)


def _folded(text: str, t: _Tables) -> str:
    """Return `text` without invisible characters, NFKC-normalised, casefolded and folded."""
    settled = _unicode_normalize("NFKC", text).casefold()
    # Most titles hold nothing invisible and nothing to fold. Every invisible character
    # would still be in this form (a property test checks each), so finding neither
    # here, in a form that NFKC leaves alone, means the whole work is done.
    if not t.has_invisible_or_fold(settled) and unicodedata.is_normalized("NFKC", settled):
        return settled
    if t.has_invisible(text):
        # Before NFKC, so that a character hidden between a letter and its accent
        # cannot keep the two from composing.
        text = text.translate(t.invisible)
    text = _unicode_normalize("NFKC", text).casefold()
    # Dropping an accent can leave two neighbours that NFKC composes (a Hangul jamo, say)
    # or text casefold has moved out of NFKC; a few rounds settle it for good.
    for _ in range(3):
        if t.has_fold(text):
            text = text.translate(t.fold)
        if unicodedata.is_normalized("NFKC", text):
            break
        text = _unicode_normalize("NFKC", text).casefold()
    return text


def literal_form(text: str) -> str:
    """Return the literal form of `text`: invisible characters dropped, NFKC, casefold, spaces collapsed."""
    if text.isascii():
        return " ".join(text.lower().split())
    t = tables()
    if t.has_invisible(text):
        text = text.translate(t.invisible)
    text = _unicode_normalize("NFKC", text).casefold()
    # Casefolding can leave text that NFKC changes again ("ß" + U+0301 becomes "ss" +
    # U+0301, which composes); a few rounds settle it for good.
    for _ in range(3):
        if unicodedata.is_normalized("NFKC", text):
            break
        text = _unicode_normalize("NFKC", text).casefold()
    return " ".join(text.split())


def normalise_v1(text: str) -> str:
    """Return `text` in the version 1 form (NFKC, casefold, spaces collapsed): old exports use it."""
    if text.isascii():
        return " ".join(text.lower().split())
    return " ".join(_unicode_normalize("NFKC", text).casefold().split())


def _byte_table() -> bytes:
    """Map ASCII capitals to lower case, keep safe bytes, and turn the rest into NUL.

    Safe are ASCII other than NUL and white space besides the space, continuation bytes,
    and the lead bytes E3-EF of U+3000-U+FFFF (whose characters the `unsettled` search
    vets). NUL, which joins the titles of a batch, becomes the separator 0xFF.
    """
    table = bytearray(range(256))
    for byte in range(0x41, 0x5B):
        table[byte] = byte + 0x20
    # ASCII white space other than the space needs the general path (str.split() also
    # treats the information separators 0x1C-0x1F as white space).
    for byte in (*range(0x09, 0x0E), *range(0x1C, 0x20)):
        table[byte] = 0
    for lead in range(0xC0, 0x100):
        if not 0xE3 <= lead <= 0xEF:
            table[lead] = 0
    table[0] = 0xFF
    return bytes(table)


_BATCH_TABLE = _byte_table()
# Reads separators as spaces, so that one search finds every space to collapse.
_SEPARATOR_AS_SPACE = bytes(range(0xFF)) + b" "


def batch_text_form(titles: list[str], find_unsettled=None) -> str:
    """Return TEXT_SEPARATOR.join(map(normalise, titles)), paying per-call overhead once per batch.

    Scanning code points rather than UTF-8 bytes reads each Chinese character as one
    step instead of three. The batch goes the byte path (prepare_batch, joined) and is
    decoded. `find_unsettled` as for prepare_batch.
    """
    raw = prepare_batch(titles, find_unsettled, joined=True)
    if raw is None:
        return TEXT_SEPARATOR.join(map(normalise, titles))
    # The bytes are UTF-8 (no surrogates: the batch encoded) joined by 0xFF, which
    # becomes the no-break space.
    return raw.replace(b"\xff", b"\xc2\xa0").decode()


def prepare_batch(titles: list[str], find_unsettled=None, *, joined: bool = False) -> bytes | None:
    """Return the titles' matching forms as UTF-8 joined by 0xFF, their CJK separators dropped if `joined`.

    Without `joined`, every title the batch byte path settles keeps its CJK separators
    (the hyperscan patterns of sparse bands allow for them); a title it cannot settle is
    fully normalised (joined as well, which joining again would not change). None means
    a title holds NUL or a lone surrogate. `find_unsettled(raw)`, when given, returns the
    ascending end offsets in the batch's translated bytes of every character of
    `tables().unsettled_ranges` (a faster scanner than the regular expression that looks
    for them otherwise).
    """
    prepared = _prepare(titles, find_unsettled, joined)
    if prepared is None:
        return None
    raw, flawed = prepared
    return _repair(raw, flawed, titles, normalise_many)


def batch_literal_text_form(titles: list[str]) -> str:
    """Return TEXT_SEPARATOR.join(map(literal_form, titles)), by the batch byte path."""
    prepared = _prepare(titles)
    if prepared is None:
        return TEXT_SEPARATOR.join(map(literal_form, titles))
    raw, flawed = prepared
    return _repair(raw, flawed, titles, _literal_forms).replace(b"\xff", b"\xc2\xa0").decode()


def _prepare(
    titles: list[str], find_unsettled=None, join: bool = False
) -> tuple[bytes, list[int]] | None:
    """Return the batch translated and collapsed, and the titles it could not settle.

    The whole batch is encoded and byte-translated at once; a title holding a byte the
    table maps to 0 or a character the `unsettled` search finds must be normalised on
    its own. White space is collapsed over the batch with the separators treated as
    title ends. With `join`, CJK separators are dropped first, over the whole batch:
    only separators the byte path lets through (so a title it settles stays settled and
    one it does not stays unsettled), and, in a title it settles, dropping them before
    lower-casing and collapsing spaces gives what dropping them after would. None means
    a title holds NUL or a lone surrogate.
    """
    joined = "\x00".join(titles)
    # A title holding NUL itself would be split in two: take the per-title path.
    if joined.count("\x00") != len(titles) - 1:
        return None
    if join:
        joined = tables().batch_join("", f"\x00{joined}\x00")[1:-1]
    try:
        encoded = joined.encode()
    except UnicodeEncodeError:  # lone surrogates
        return None
    raw = encoded.translate(_BATCH_TABLE)
    flawed = _flawed(raw, joined, find_unsettled)
    # One search instead of three: with separators read as spaces, a double space is a
    # run of spaces, a space at a title's end, or an empty title (harmless to collapse).
    if raw[:1] == b" " or raw[-1:] == b" " or b"  " in raw.translate(_SEPARATOR_AS_SPACE):
        # Only the plain space is left to collapse: every other white-space character is
        # a flaw, so its title is normalised on its own.
        raw = b" ".join(raw.split()).replace(b" \xff", b"\xff").replace(b"\xff ", b"\xff")
    return raw, flawed


def _flawed(raw: bytes, joined: str, find_unsettled=None) -> list[int]:
    """Return the sorted numbers of the titles the batch path cannot settle."""
    flawed = set(_titles_at(raw, 0xFF, _offsets(raw.find, 0, 0xFF)))
    if find_unsettled is not None:
        # The characters the search looks for are three bytes led by E3-EF, which the
        # byte table leaves as they are.
        flawed.update(_titles_at(raw, 0xFF, find_unsettled(raw)))
        return sorted(flawed)
    search = tables().unsettled.search

    def unsettled(start: int) -> int:
        found = search(joined, start)
        return -1 if found is None else found.start()

    flawed.update(_titles_at(joined, "\x00", _offsets(unsettled, None, "\x00", joined.find)))
    return sorted(flawed)


def _offsets(find, target, separator, find_separator=None):
    """Yield the offset of the first hit of find() in each title that has one.

    `find(start)` (or `find(target, start)`) returns the next hit from `start` or -1;
    after a hit the search goes on from the title's end, so a title is reported once.
    """
    find_separator = find_separator or find
    position = find(0) if target is None else find(target, 0)
    while position >= 0:
        yield position
        end = find_separator(separator, position)
        if end < 0:
            return
        position = find(end) if target is None else find(target, end)


def _titles_at(text, separator, offsets):
    """Yield the title number of each of the ascending `offsets` into `text`, counting once."""
    counted = number = 0
    for offset in offsets:
        number += text.count(separator, counted, offset)
        counted = offset
        yield number


def _literal_forms(texts: list[str]) -> list[str]:
    """Return the literal forms of `texts`."""
    return list(map(literal_form, texts))


def _repair(raw: bytes, flawed: list[int], titles: list[str], forms) -> bytes:
    """Replace the titles numbered `flawed` in `raw` by forms(those titles), UTF-8 encoded."""
    if not flawed:
        return raw
    parts = raw.split(b"\xff")
    for number, form in zip(flawed, forms([titles[n] for n in flawed]), strict=True):
        parts[number] = form.encode()
    return b"\xff".join(parts)
