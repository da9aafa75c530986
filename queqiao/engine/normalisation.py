"""Text normalisation shared by titles, terms and regions.

Matching is a plain substring test on normalised text, so titles and terms must go
through exactly the same function: Unicode NFKC (full-width letters, digits and the
ideographic space become their ordinary forms), casefold, then every run of
whitespace collapsed to one space and the ends stripped.

The matcher scans the UTF-8 bytes of normalised text rather than its code points
(`scan_form`). UTF-8 is self-synchronising -- lead bytes and continuation bytes never
coincide -- so an encoded term occurs in an encoded title exactly where the term occurs
in the title. Scanning bytes keeps the automaton's alphabet at most 256 symbols however
many distinct Chinese characters the rules use; pyahocorasick looks up a node's
children by linear search, so a root with thousands of first characters would make
every step of the scan slow.
"""

from __future__ import annotations

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


def _general_scan_form(text: str) -> str:
    """Return scan_form(text) by way of normalise(), for text the byte paths cannot take."""
    return normalise(text).encode("utf-8", "surrogatepass").decode("latin-1")


def scan_term(term: str) -> str:
    """Return an already-normalised term in the byte form scan_form produces."""
    return term.encode("utf-8", "surrogatepass").decode("latin-1")
