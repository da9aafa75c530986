"""Text normalisation shared by titles, terms and regions.

Matching is a plain substring test on normalised text, so titles and terms must go
through exactly the same function: Unicode NFKC (full-width letters, digits and the
ideographic space become their ordinary forms), casefold, then every run of
whitespace collapsed to one space and the ends stripped.

Batches of titles are normalised together by way of their UTF-8 bytes: a byte table
settles ASCII and the characters normalisation leaves alone, so only the rare title
holding another character goes through normalise() (`batch_scan_form`, the bytes
decoded one byte per char; `batch_text_form`, decoded as UTF-8, which the matcher scans).
"""

from __future__ import annotations

from unicodedata import combining
from unicodedata import normalize as _unicode_normalize

NORMALISATION = "NFKC+casefold+collapse-whitespace"


def normalise(text: str) -> str:
    """Return `text` NFKC-normalised, casefolded, with whitespace runs collapsed and stripped."""
    # NFKC is the identity on ASCII and casefold() equals lower() there; skipping the
    # Unicode machinery matters when a million titles go through this.
    text = text.lower() if text.isascii() else _unicode_normalize("NFKC", text).casefold()
    # str.split() with no argument splits on any Unicode whitespace run and drops the
    # ends, which is exactly "collapse and strip".
    return " ".join(text.split())


def _byte_table(safe_leads: range | tuple[int, ...]) -> bytes:
    """Map ASCII capitals to lower case, keep safe bytes, and turn the rest into NUL."""
    table = bytearray(range(256))
    for byte in range(0x41, 0x5B):
        table[byte] = byte + 0x20
    # NUL itself and ASCII whitespace other than the space need the general path
    # (str.split() also treats the information separators 0x1C-0x1F as whitespace).
    for byte in (0x00, *range(0x09, 0x0E), *range(0x1C, 0x20)):
        table[byte] = 0
    for lead in range(0xC0, 0x100):
        if lead not in safe_leads:
            table[lead] = 0
    return bytes(table)


# UTF-8 lead bytes whose every code point is unchanged by NFKC and by casefold, is not
# whitespace and cannot compose with a neighbour: U+4000-U+9FFF (CJK ideographs) and
# U+B000-U+DFFF (Hangul syllables; surrogates). Text made only of these and ASCII needs
# nothing but ASCII lower-casing. (tests check these ranges against unicodedata)
NFKC_STABLE_LEADS = (0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEB, 0xEC, 0xED)
# Lead bytes whose code points, once text is NFKC-normalised, are unchanged by casefold
# and are not whitespace: adds CJK punctuation and kana (U+3000-U+3FFF) and the
# remaining full-width and half-width forms (U+E000-U+FFFF).
CASEFOLD_STABLE_LEADS = (*NFKC_STABLE_LEADS, 0xE3, 0xEE, 0xEF)
_FAST = _byte_table(NFKC_STABLE_LEADS)
_AFTER_NFKC = _byte_table(CASEFOLD_STABLE_LEADS)

# The batch form separates titles by the byte 0xFF, which never occurs in UTF-8, so no
# encoded term can match across two titles. Titles are joined by NUL before encoding
# and the batch table turns each NUL into that separator. It is the after-NFKC table,
# so it lets through the lead bytes of CJK punctuation, kana and full-width forms; the
# few of their characters that NFKC changes (UNSTABLE_CHARACTERS below) are found by
# _next_flaw, and their titles, like those holding any byte the table maps to 0, take
# the per-title path.
SEPARATOR = "\xff"
_BATCH = bytearray(_AFTER_NFKC)
_BATCH[0] = 0xFF
_BATCH_TABLE = bytes(_BATCH)
del _BATCH
# Reads separators as spaces, so that one search finds every space to collapse.
_SEPARATOR_AS_SPACE = bytes(range(0xFF)) + b" "


def _unstable_characters() -> list[str]:
    """Characters with a lead byte only the after-NFKC table lets through that it cannot settle.

    These are the ones NFKC changes and combining marks (which compose with or reorder
    around their neighbours), and (for safety) any that casefold changes or that are
    white space; the rest of those lead bytes' characters stand for themselves. (The
    characters of NFKC_STABLE_LEADS all do; tests check both.)
    """
    found = []
    for lead in sorted(set(CASEFOLD_STABLE_LEADS) - set(NFKC_STABLE_LEADS)):
        first = (lead & 0x0F) << 12
        for code in range(first, first + 0x1000):
            if 0xD800 <= code <= 0xDFFF:
                continue
            char = chr(code)
            if (
                _unicode_normalize("NFKC", char) != char
                or combining(char)
                or char.casefold() != char
                or char.isspace()
            ):
                found.append(char)
    return found


UNSTABLE_CHARACTERS = frozenset(_unstable_characters())
# Their UTF-8 forms, and a table marking the bytes _next_flaw stops at: 0 (a byte the
# batch table could not settle) and the lead bytes of those characters.
UNSTABLE_FORMS = frozenset(char.encode() for char in UNSTABLE_CHARACTERS)
_STOPS = bytes(1 if byte in (0, *{form[0] for form in UNSTABLE_FORMS}) else 2 for byte in range(256))


def scan_form(text: str) -> str:
    """Return normalise(text) as UTF-8 bytes decoded one byte per char (Latin-1)."""
    try:
        raw = text.encode()
    except UnicodeEncodeError:  # lone surrogates
        return _general_scan_form(text)
    # Common case: ASCII plus CJK ideographs, where normalising is ASCII lower-casing,
    # done here by one byte translation instead of per-code-point Unicode lookups.
    raw = raw.translate(_FAST)
    if 0 in raw:
        raw = _unicode_normalize("NFKC", text).encode().translate(_AFTER_NFKC)
        if 0 in raw:
            return _general_scan_form(text)
        if b"  " in raw or raw[:1] == b" " or raw[-1:] == b" ":
            raw = b" ".join(raw.split())
    # On this path no character changed width, so spaces can be checked on the str,
    # which is cheaper than on the bytes.
    elif "  " in text or text[:1] == " " or text[-1:] == " ":
        raw = b" ".join(raw.split())
    return raw.decode("latin-1")


def batch_scan_form(titles: list[str]) -> str:
    """Return SEPARATOR.join(map(scan_form, titles)), paying per-call overhead once per batch."""
    raw = _batch_bytes(titles)
    if raw is None:
        return SEPARATOR.join(map(scan_form, titles))
    return raw.decode("latin-1")


# The text form of a batch joins normalised titles by a no-break space. str.split()
# counts it as white space, so normalise() never outputs it: no title holds it and no
# term (terms are normalised) can match across two titles.
TEXT_SEPARATOR = "\xa0"


def batch_text_form(titles: list[str]) -> str:
    """Return TEXT_SEPARATOR.join(map(normalise, titles)), paying per-call overhead once per batch.

    Scanning code points rather than UTF-8 bytes reads each Chinese character as one
    step instead of three; this is the batch byte form, decoded.
    """
    raw = _batch_bytes(titles)
    if raw is None:
        return TEXT_SEPARATOR.join(map(normalise, titles))
    # The bytes are the titles' UTF-8 forms (no surrogates: the batch encoded) joined
    # by 0xFF; C2 A0 is the separator's UTF-8 form.
    return raw.replace(b"\xff", b"\xc2\xa0").decode()


def _batch_bytes(titles: list[str]) -> bytes | None:
    """Return the scan forms of `titles` as bytes joined by 0xFF, or None for the per-title path.

    The whole batch is encoded and byte-translated at once; only titles holding a
    character the byte table cannot settle (NFKC or casefold needed, odd whitespace) go
    through scan_form one by one, and white space is collapsed over the batch with the
    separators treated as title ends. None means a title holds NUL or a lone surrogate.
    """
    joined = "\x00".join(titles)
    # A title holding NUL itself would be split in two: take the per-title path.
    if joined.count("\x00") != len(titles) - 1:
        return None
    try:
        encoded = joined.encode()
    except UnicodeEncodeError:  # lone surrogates
        return None
    raw = encoded.translate(_BATCH_TABLE)
    stops = raw.translate(_STOPS)
    if _next_flaw(raw, stops, 0) >= 0:
        raw = _repair(raw, stops, encoded)
    # One search instead of three: with separators read as spaces, a double space is a
    # run of spaces, a space at a title's end, or an empty title (harmless to collapse).
    if raw[:1] == b" " or raw[-1:] == b" " or b"  " in raw.translate(_SEPARATOR_AS_SPACE):
        # Only the plain space is left to collapse: every other white-space character is
        # a flaw, so its title was repaired above.
        raw = b" ".join(raw.split()).replace(b" \xff", b"\xff").replace(b"\xff ", b"\xff")
    return raw


def _repair(raw: bytes, stops: bytes, encoded: bytes) -> bytes:
    """Replace every title of `raw` with a flaw (see _next_flaw) by its scan_form.

    `encoded` is the batch before translation; translation maps byte to byte, so a
    title occupies the same offsets in both. White space is left to batch_scan_form,
    which collapses it over the whole batch.
    """
    pieces: list[bytes] = []
    done = 0
    flawed = _next_flaw(raw, stops, 0)
    while flawed >= 0:
        start = raw.rfind(0xFF, 0, flawed) + 1
        stop = raw.find(0xFF, flawed)
        if stop < 0:
            stop = len(raw)
        pieces.append(raw[done:start])
        pieces.append(scan_form(encoded[start:stop].decode()).encode("latin-1"))
        done = stop
        flawed = _next_flaw(raw, stops, stop)
    pieces.append(raw[done:])
    return b"".join(pieces)


def _next_flaw(raw: bytes, stops: bytes, start: int) -> int:
    """Return the offset of the next byte from `start` that the batch table cannot settle, or -1.

    That is a byte the table maps to 0, or the start of one of UNSTABLE_CHARACTERS.
    `stops` is raw.translate(_STOPS), so that C finds every candidate and Python looks
    only at the lead bytes those characters share with stable ones.
    """
    flawed = stops.find(1, start)
    while flawed >= 0 and raw[flawed] and raw[flawed:flawed + 3] not in UNSTABLE_FORMS:
        flawed = stops.find(1, flawed + 3)
    return flawed


def _general_scan_form(text: str) -> str:
    """Return scan_form(text) by way of normalise(), for text the byte paths cannot take."""
    return normalise(text).encode("utf-8", "surrogatepass").decode("latin-1")


def scan_term(term: str) -> str:
    """Return an already-normalised term in the byte form scan_form produces."""
    return term.encode("utf-8", "surrogatepass").decode("latin-1")
