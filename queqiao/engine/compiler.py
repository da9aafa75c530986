"""Compile many rules into one Aho-Corasick automaton and match listings against all of them.

Every distinct normalised term (from `all`, `any` and `none` of every rule) becomes one
key of a single pyahocorasick automaton, valued with a small integer term index. The
automata work on normalised text, code point by code point (scanning UTF-8 bytes was
measured slower: three steps per Chinese character). For one listing, an
`Automaton.iter` pass over the title yields the set of term indices present; `iter`
(not `iter_long`) is used because overlapping matches matter ("包" inside "包包" must
be seen as well as "包包").

Rules are then reached through *anchors*, so that per-listing work depends on the terms
found, not on the number of rules:

* a rule whose only positive term is one `all` term is anchored on that term;
* a rule with several `all` terms and no `any` terms is anchored on the *pair* of its
  two rarest `all` terms, so it is looked at only when both are present;
* a rule with `all` and `any` terms is anchored on the pairs (its rarest `all` term,
  each `any` term), which settles the `any` condition by the anchor itself;
* a rule with only `any` terms is anchored on each of them.

"Rarest" is estimated as "used by the fewest rules", then "longest".

A pair is looked up from one of its terms, its *trigger*. Brand names and product
words each turn up in most titles, so which member triggers matters: triggers are
chosen as a small vertex cover of the graph of pairs (greedily, most pairs first), so
that a typical title contains one or two triggers however many pairs exist. Per
listing, one C-level set intersection finds the triggers present (most listings stop
there); each trigger's partner table is intersected with the terms found; whatever an
anchor does not settle (further `all` terms, `none` terms, price ceiling, regions) is
checked with precomputed frozensets only for the few candidates that remain.

Listings are matched in batches, so that per-title Python overhead is paid per batch.
Within a batch, listings are grouped by price band; each group's titles are normalised
as one text (`normalisation.batch_text_form`, titles separated by a no-break space,
which normalisation never leaves in a title or a term) and scanned once by a small
automaton holding only that band's triggers. A listing without a trigger of its band
cannot match anything, and most listings have none, so only the few where a trigger
turns up are looked at further, on their own slice of the text: a small trigger table
by testing its partner terms as substrings, a large one (or a rule that needs every
term found) by the full automaton pass.

With the `hyperscan` package installed the band scan is hyperscan's instead (see
queqiao.engine.scanner), with a database per band (or two shared ones for very large
sets). Where the sample shows a band's triggers in few titles, it reads the batch's
UTF-8 bytes before CJK separators are dropped, with trigger patterns that allow them,
and the bytes of a listing where a trigger turns up mostly settle its terms without the
title being joined (see _settle_bytes). Where they are in most titles (zipf-like
workloads, cheap price bands), the batch is joined whole and each title scanned once,
each trigger reported once. Terms of literal conditions live in a second automaton over
the titles' literal forms; a rule set holding any scans both forms with pyahocorasick.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import Any

import ahocorasick

from queqiao.engine import scanner
from queqiao.engine.errors import RuleError
from queqiao.engine.listing import Listing
from queqiao.engine.normalisation import (
    TEXT_SEPARATOR,
    batch_literal_text_form,
    batch_text_form,
    join_batch_titles,
    normalise,
    prepare_batch,
)
from queqiao.engine.rules import RuleId, RuleSpec

# What is left to check for a rule once its anchor has been found:
# (rule ordinal, further required term set, none-term set, max price, regions).
# Unused parts are None so the hot loop can skip them with one test.
_Check = tuple[
    int,
    frozenset[int] | None,
    frozenset[int] | None,
    int | None,
    frozenset[str] | None,
]
# Rules behind one anchor: ordinals that match outright, the checks of the others, the
# highest price ceiling among them (None if some rule has none), so a bucket of
# price-capped rules can be dismissed with one comparison, and whether some check needs
# the complete set of terms found (further `all` terms or `none` terms), so that the
# full automaton pass over a title runs only for those.
_Bucket = tuple[tuple[int, ...], tuple[_Check, ...], int | None, bool]
# An anchor: one term index, or a pair of them in ascending order.
_Anchor = int | tuple[int, int]
# Per trigger term: its buckets keyed by the pair's other term, or by the trigger
# itself for rules anchored on it alone (a found trigger is always in the found set).
_Table = dict[int, _Bucket]
# How a found trigger is settled in one price band: the bucket of the rules anchored on
# it alone (or None), then either its partner terms to probe for as substrings (text,
# whether it is a literal term, bucket) with no table, or (when it has more than
# _PROBE_LIMIT partners) no probes and its whole table, looked up by the terms the full
# automaton pass finds.
_Entry = tuple[_Bucket | None, tuple[tuple[str, bool, _Bucket], ...], _Table | None]
# A term as the bytes of a title not yet joined are tested for it: its UTF-8 form, its
# characters' (each once), whether it is free of CJK neighbours (see scanner.has_gaps),
# and the bucket it leads to as a partner (None for a trigger).
_Probe = tuple[bytes, tuple[bytes, ...], bool, _Bucket | None]
# How the bytes settle a trigger: the trigger itself, the bucket of rules anchored on it
# alone (or None), and its partner terms.
_View = tuple[_Probe, _Bucket | None, tuple[_Probe, ...]]
# The trigger entries that can matter for listings in one price band, and their keys.
_Band = tuple[dict[int, _Entry], frozenset[int]]
# A term as the automata know it: whether it is in the literal form, and its text.
_TermKey = tuple[bool, str]
# At most this many price boundaries; more distinct ceilings share bands.
_MAX_BOUNDS = 32
# Listings normalised and scanned together: large enough that per-batch calls cost
# nothing per listing, small enough that iter_matches stays lazy and memory flat.
BATCH = 2048
# A trigger table with at most this many keys is settled by substring tests of its
# partner terms; a larger one by the full automaton pass over the title.
_PROBE_LIMIT = 24

_term_index = itemgetter(1)
_NOT_YET = object()


def _id_order(rule_id: RuleId) -> tuple[int, int | str]:
    """Sort key putting int ids (numerically) before str ids, so mixed ids still sort."""
    return (0, rule_id) if isinstance(rule_id, int) else (1, rule_id)


class CompiledRuleSet:
    """An immutable, thread-safe matcher for a fixed set of rules; build it with compile_rules."""

    __slots__ = (
        "_rules", "_ids", "_automaton", "_literal_automaton", "_finders", "_forms", "_literal",
        "_bounds", "_bands", "_term_count", "_databases", "_alone", "_views", "_seen",
    )

    _rules: tuple[RuleSpec, ...]
    _ids: tuple[RuleId, ...]
    _automaton: Any
    _literal_automaton: Any
    _finders: tuple[tuple[Any, Any], ...]
    _databases: tuple[tuple[bool | object, Any] | None, ...] | None
    _forms: tuple[str, ...]
    _literal: tuple[bool, ...]
    _bounds: tuple[int, ...]
    _bands: tuple[_Band, ...]
    _alone: tuple[dict[int, _Bucket], ...]
    _views: tuple[dict[int, _View], ...]
    _term_count: int
    _seen: tuple[frozenset[str], ...]

    def __init__(self, rules: Iterable[RuleSpec], sample: Iterable[str] | None = None) -> None:
        """Compile `rules`; prefer compile_rules(), which reads better at call sites."""
        ordered = sorted(_checked(rules), key=lambda rule: _id_order(rule.id))
        terms: dict[_TermKey, int] = {}
        for rule in ordered:
            for key in _term_keys(rule):
                terms.setdefault(key, len(terms))
        forms = tuple(text for _, text in terms)
        literal = tuple(is_literal for is_literal, _ in terms)

        automaton = _automaton_of({i: forms[i] for i in range(len(forms)) if not literal[i]})
        literal_automaton = _automaton_of({i: forms[i] for i in range(len(forms)) if literal[i]})
        share, seen = _term_shares(automaton, literal_automaton, len(terms), sample)
        anchors = _build_anchors(ordered, terms, share)
        bounds, bands = _price_bands(anchors, share, forms, literal)
        finders = _finders(bands, forms, literal)
        # Hyperscan scans the batch bytes when it is installed; rule sets with literal
        # terms need two forms scanned and stay with pyahocorasick.
        databases = None
        if scanner.available() and not any(literal):
            databases = _databases(bands, forms, _densities(bands, seen))
        set_ = object.__setattr__
        set_(self, "_databases", databases)
        set_(self, "_rules", tuple(ordered))
        set_(self, "_ids", tuple(rule.id for rule in ordered))
        set_(self, "_automaton", automaton)
        set_(self, "_literal_automaton", literal_automaton)
        set_(self, "_finders", finders)
        set_(self, "_forms", forms)
        set_(self, "_literal", literal)
        set_(self, "_term_count", len(terms))
        # What the batch byte path must vet for each band's terms (scanner.unsettled_finder).
        set_(self, "_seen", tuple(_seen(entries, forms) for entries, _ in bands))
        set_(self, "_bounds", bounds)
        set_(self, "_bands", bands)
        set_(self, "_alone", tuple(_alone(entries) for entries, _ in bands))
        set_(self, "_views", tuple(_views(entries, forms) for entries, _ in bands))

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse mutation: a compiled set is shared between threads."""
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        """Refuse mutation: a compiled set is shared between threads."""
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __len__(self) -> int:
        """Return the number of compiled rules."""
        return len(self._ids)

    def __repr__(self) -> str:
        """Summarise the set by size."""
        return f"<CompiledRuleSet rules={len(self._ids)} terms={self._term_count}>"

    @property
    def rule_ids(self) -> tuple[RuleId, ...]:
        """Ids of the compiled rules, sorted (ints first, then strs)."""
        return self._ids

    @property
    def rules(self) -> tuple[RuleSpec, ...]:
        """The compiled rules, in rule_ids order."""
        return self._rules

    @property
    def term_count(self) -> int:
        """Number of distinct normalised terms in the automaton."""
        return self._term_count

    @property
    def terms(self) -> tuple[tuple[bool, str], ...]:
        """The distinct terms as (literal form?, text), in term index order (see match_found)."""
        return tuple(zip(self._literal, self._forms, strict=True))

    def match_found(self, listing: Listing, found: set[int], title: str) -> list[RuleId]:
        """Return the ids of the rules `listing` matches, given every term its title holds.

        For callers that scan titles themselves: `found` is the set of indices (into
        `terms`) of the matching-form terms found in `title`, the listing's matching form.
        Rule resolution is the engine's own. Not for rule sets with literal terms.
        """
        if self._literal_automaton is not None:
            raise ValueError("match_found does not take rule sets with literal terms")
        price = listing.price
        band = len(self._bounds) if price is None else bisect_left(self._bounds, price)
        entries, triggers = self._bands[band]
        present = [term for term in found if term in triggers]
        if not present:
            return []
        ids = self._ids
        return [ids[o] for o in self._resolve(entries, present, title, None, listing, set(found))]

    def match(self, listing: Listing) -> list[RuleId]:
        """Return the ids of all rules `listing` matches, sorted like rule_ids."""
        return [rule_id for _, rule_id in self.iter_matches((listing,))]

    def match_many(self, listings: Iterable[Listing]) -> list[tuple[str, RuleId]]:
        """Return (listing id, rule id) for every match, in listing order then rule_ids order."""
        matches: list[tuple[str, RuleId]] = []
        for batch in self._batches(listings):
            matches.extend(self._match_batch(batch))
        return matches

    def iter_matches(self, listings: Iterable[Listing]) -> Iterator[tuple[str, RuleId]]:
        """Yield (listing id, rule id) for every match, lazily, in match_many's order.

        Listings are taken in batches of BATCH; within a batch, those in one price band
        are normalised as one text and scanned once by that band's trigger automaton,
        and only listings where a trigger turns up are looked at further.
        """
        for batch in self._batches(listings):
            yield from self._match_batch(batch)

    def _batches(self, listings: Iterable[Listing]) -> Iterator[list[Listing]]:
        """Yield `listings` in lists of BATCH (none at all when there is nothing to find)."""
        if not self._term_count:
            return
        listings = iter(listings)
        while batch := list(islice(listings, BATCH)):
            yield batch

    def _match_batch(self, batch: list[Listing]) -> list[tuple[str, RuleId]]:
        """Return the matches of one batch of listings, in listing then rule_ids order."""
        # Bound locals: this runs for every batch. Nothing is kept beyond the batch, so
        # concurrent callers cannot interfere.
        bounds = self._bounds
        no_price = len(bounds)
        finders = self._finders
        # A missing price fails every ceiling, like a price above all of them.
        groups: dict[int, list[int]] = {}
        for number, listing in enumerate(batch):
            price = listing.price
            band = no_price if price is None else bisect_left(bounds, price)
            if band in groups:
                groups[band].append(number)
            else:
                groups[band] = [number]
        found_hits: list[tuple[int, list[int]]] = []
        for band, members in groups.items():
            finder, literal_finder = finders[band]
            if finder is None and literal_finder is None:
                continue
            listings = list(map(batch.__getitem__, members))
            if self._databases is not None:
                found_hits.extend(self._match_band_bytes(band, finder, listings, members))
            elif self._literal_automaton is None:
                found_hits.extend(self._match_band(band, finder, listings, members))
            else:
                found_hits.extend(self._match_band_literal(band, listings, members))
        if len(groups) > 1:
            found_hits.sort()
        ids = self._ids
        return [(batch[number].id, ids[ordinal]) for number, hits in found_hits for ordinal in hits]

    def _match_band(
        self, band: int, finder: Any, listings: list[Listing], numbers: list[int]
    ) -> Iterator[tuple[int, list[int]]]:
        """Yield (batch number, rule ordinals) for `listings`, which all fall in price `band`.

        Their titles are normalised into one text and scanned by the band's trigger
        automaton; a listing without a trigger of its band cannot match, so only listings
        where one turns up are looked at further (see _resolve), on their own slice of
        the text. (Rule sets holding literal terms take _match_band_literal instead.)
        """
        text = batch_text_form([listing.title for listing in listings])
        entries = self._bands[band][0]
        resolve = self._resolve
        find = text.find
        rfind = text.rfind
        count = text.count
        # Listing `index` starts at `begin` and ends at `start`; triggers arrive in text
        # order, so both only move forward and the separators are counted once.
        index = begin = start = 0
        present: list[int] = []
        for end, term in finder.iter(text):
            if end < start:  # a further trigger in the current listing
                if term not in present:
                    present.append(term)
                continue
            if present:
                hits = resolve(entries, present, text[begin:start], None, listings[index])
                if hits:
                    yield numbers[index], hits
            begin = rfind(TEXT_SEPARATOR, start, end) + 1
            index += count(TEXT_SEPARATOR, start, begin)
            start = find(TEXT_SEPARATOR, end)
            if start < 0:
                start = len(text)
            present = [term]
        if present:
            hits = resolve(entries, present, text[begin:start], None, listings[index])
            if hits:
                yield numbers[index], hits

    def _match_band_bytes(
        self, band: int, finder: Any, listings: list[Listing], numbers: list[int]
    ) -> Iterator[tuple[int, list[int]]]:
        """Like _match_band, scanning the batch's UTF-8 bytes with hyperscan (see scanner).

        The bytes are the titles' matching forms but for the dropping of CJK separators,
        which the trigger patterns allow for; a listing where a trigger turns up has its
        title brought to the matching form before it is resolved.
        """
        titles = [listing.title for listing in listings]
        scanning = self._databases[band]  # type: ignore[index]
        if scanning is None:
            return
        joined, database = scanning
        if joined is _TITLES:
            yield from self._match_band_titles(band, finder, database, listings, numbers)
            return
        # Joined: too many triggers for patterns with separator gaps to compile quickly,
        # so the matching forms, joined over the batch, are scanned for the plain terms.
        raw = prepare_batch(titles, scanner.unsettled_finder(self._seen[band]), joined=joined)
        if raw is None:  # a title holds NUL or a lone surrogate
            yield from self._match_band(band, finder, listings, numbers)
            return
        entries = self._bands[band][0]
        # Joined text is already in the matching form, and its triggers are plain terms;
        # otherwise the listings whose bytes cannot settle every trigger wait, so that
        # their titles are joined together.
        alone = self._alone[band] if joined else self._views[band]
        waiting: list[tuple[int, list[int], list[int], bytes]] = []
        found: list[tuple[int, list[int]]] = []

        def settle(index: int, present: list[int], title: bytes) -> None:
            if joined:
                hits = self._resolve_joined(entries, alone, present, title, listings[index])
            else:
                hits, rest = self._settle_bytes(alone, present, title, listings[index])
                if rest:
                    waiting.append((index, hits, rest, title))
                    return
            if hits:
                found.append((index, hits))

        find = raw.find
        rfind = raw.rfind
        count = raw.count
        index = begin = start = 0
        present: list[int] = []
        for end, term in scanner.scan(database, raw):
            if term not in entries:  # a trigger of another price band
                continue
            end -= 1  # hyperscan reports the offset after the match
            if end < start:  # a further trigger in the current listing
                if term not in present:
                    present.append(term)
                continue
            if present:
                settle(index, present, raw[begin:start])
            begin = rfind(0xFF, start, end) + 1
            index += count(0xFF, start, begin)
            start = find(0xFF, end)
            if start < 0:
                start = len(raw)
            present = [term]
        if present:
            settle(index, present, raw[begin:start])
        if waiting:
            titles_joined = join_batch_titles([title.decode() for _, _, _, title in waiting])
            for (index, hits, rest, _), title in zip(waiting, titles_joined, strict=True):
                hits = self._finish(entries, hits, rest, title, listings[index])
                if hits:
                    found.append((index, hits))
            found.sort()
        for index, hits in found:
            yield numbers[index], hits

    def _match_band_titles(
        self, band: int, finder: Any, database: Any, listings: list[Listing], numbers: list[int]
    ) -> Iterator[tuple[int, list[int]]]:
        """Like _match_band_bytes for a band whose triggers turn up in most titles.

        The batch is brought to the matching form whole and each title scanned on its
        own, each trigger reported once: when most titles hold one, that is cheaper than
        telling, match by match, whose title a match of one scan of the batch lies in.
        """
        titles = [listing.title for listing in listings]
        entries = self._bands[band][0]
        alone = self._alone[band]
        settle = self._resolve_joined
        found: list[int] = []
        append = found.append

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            append(index)

        scan = database.scan
        scratch = scanner.scratch_for(database)
        raw = prepare_batch(titles, scanner.unsettled_finder(self._seen[band]), joined=True)
        if raw is None:  # a title holds NUL or a lone surrogate
            yield from self._match_band(band, finder, listings, numbers)
            return
        for number, title in enumerate(raw.split(b"\xff")):
            scan(title, on_match, 0, None, scratch)
            if not found:
                continue
            present = [term for term in found if term in entries]
            found.clear()
            if present:
                hits = settle(entries, alone, present, title, listings[number])
                if hits:
                    yield numbers[number], hits

    def _resolve_joined(
        self,
        entries: dict[int, _Entry],
        alone: dict[int, _Bucket],
        present: list[int],
        raw: bytes,
        listing: Listing,
    ) -> list[int]:
        """Resolve a listing whose title's bytes, already in the matching form, showed `present` triggers.

        A trigger that settles its rules alone (see _alone) needs no title; the title is
        decoded only for the others.
        """
        hits: list[int] = []
        rest = []
        for term in present:
            settled = alone.get(term)
            if settled is None:
                rest.append(term)
            else:
                _settle(settled, None, listing, hits)
        if rest:
            hits.extend(self._resolve(entries, rest, raw.decode(), None, listing))
        if len(hits) > 1:
            hits = sorted(set(hits))
        return hits

    def _settle_bytes(
        self, views: dict[int, _View], present: list[int], raw: bytes, listing: Listing
    ) -> tuple[list[int], list[int]]:
        """Settle what a listing's title bytes (not yet CJK-joined) can of its `present` triggers.

        The bytes often settle a term without the title being joined (see _View): one
        standing in them unbroken is in the matching form too, since joining drops only
        separator runs between CJK characters and a term in the matching form holds none,
        nor one at its ends beside a CJK character; one missing any of its characters is
        not; one without two CJK neighbours is there exactly when it stands unbroken. Only
        the triggers the bytes cannot settle, or whose partners they cannot, have the
        title joined, and are then checked against it: the patterns' separators cover a
        few letters too (see scanner.SEPARATOR).

        Returns the rules found and the triggers left for the joined title (see _finish).
        """
        hits: list[int] = []
        rest = []
        for term in present:
            view = views.get(term)
            if view is None:
                rest.append(term)
                continue
            known = _known(view[0], raw)
            if known is None:
                rest.append(term)
                continue
            if not known:
                continue
            own, probes = view[1], view[2]
            buckets = []
            for probe in probes:
                known = _known(probe, raw)
                if known is None:
                    buckets = None
                    break
                if known:
                    buckets.append(probe[3])
            if buckets is None:
                rest.append(term)
                continue
            if own is not None:
                _settle(own, None, listing, hits)
            for bucket in buckets:
                _settle(bucket, None, listing, hits)
        if not rest and len(hits) > 1:
            hits = sorted(set(hits))
        return hits, rest

    def _finish(
        self, entries: dict[int, _Entry], hits: list[int], rest: list[int], title: str,
        listing: Listing,
    ) -> list[int]:
        """Add to `hits` the rules the `rest` of a listing's triggers give, in its joined `title`."""
        forms = self._forms
        rest = [term for term in rest if forms[term] in title]
        if rest:
            hits.extend(self._resolve(entries, rest, title, None, listing))
        if len(hits) > 1:
            hits = sorted(set(hits))
        return hits

    def _match_band_literal(
        self, band: int, listings: list[Listing], numbers: list[int]
    ) -> Iterator[tuple[int, list[int]]]:
        """Like _match_band, for a rule set holding literal terms: both forms are scanned.

        The titles' matching and literal forms are each scanned by the band's trigger
        automaton of that form; a listing where either finds a trigger is resolved with
        both of its forms at hand.
        """
        titles = [listing.title for listing in listings]
        matching = batch_text_form(titles).split(TEXT_SEPARATOR)
        literal = batch_literal_text_form(titles).split(TEXT_SEPARATOR)
        finder, literal_finder = self._finders[band]
        present: dict[int, list[int]] = {}
        for automaton, forms in ((finder, matching), (literal_finder, literal)):
            if automaton is None:
                continue
            for index, form in enumerate(forms):
                for _, term in automaton.iter(form):
                    terms = present.setdefault(index, [])
                    if term not in terms:
                        terms.append(term)
        entries = self._bands[band][0]
        for index in sorted(present):
            hits = self._resolve(entries, present[index], matching[index], literal[index],
                                 listings[index])
            if hits:
                yield numbers[index], hits

    def _found(self, title: str, literal_title: str | None) -> set[int]:
        """Return the indices of every term in the title (both forms when literal terms exist)."""
        found = set() if self._automaton is None else set(map(_term_index, self._automaton.iter(title)))
        if self._literal_automaton is not None:
            if literal_title is None:
                raise AssertionError("a rule set with literal terms needs the literal title")
            found.update(map(_term_index, self._literal_automaton.iter(literal_title)))
        return found

    def _resolve(
        self,
        entries: dict[int, _Entry],
        present: list[int],
        title: str,
        literal_title: str | None,
        listing: Listing,
        found: set[int] | None = None,
    ) -> list[int]:
        """Return the sorted ordinals of the rules `listing` matches, given its triggers.

        `title` is the listing's matching form and `literal_title` its literal form (None
        when the set has no literal terms). A trigger with few partners is settled by
        testing its partner terms as substrings of the title of their form, which is what
        the automata would report; the full automaton pass over the title runs only for a
        trigger with many partners or once a bucket needs the complete set of terms found
        (`found`, when the caller already has it).
        """
        hits: list[int] = []
        for term in present:
            own, probes, table = entries[term]
            if table is None:
                buckets = [
                    bucket for form, is_literal, bucket in probes
                    if form in (literal_title if is_literal else title)  # type: ignore[operator]
                ]
                if own is not None:
                    buckets.append(own)
                if not buckets:
                    continue
            else:
                if found is None:
                    found = self._found(title, literal_title)
                buckets = [table[key] for key in table.keys() & found]
            for bucket in buckets:
                direct, checks, ceiling, needs_found = bucket
                if direct:
                    hits.extend(direct)
                if not checks:
                    continue
                price = listing.price
                if ceiling is not None and (price is None or price > ceiling):
                    continue
                if needs_found and found is None:
                    found = self._found(title, literal_title)
                _collect(checks, found, listing, hits)
        if len(hits) > 1:
            # A rule anchored on several `any` terms can be reached twice.
            hits = sorted(set(hits))
        return hits


def _seen(entries: dict[int, _Entry], forms: tuple[str, ...]) -> frozenset[str]:
    """Return the characters of every term a listing of one price band can be tested for.

    Its triggers, their partner terms and table keys, and the further required and
    excluded terms of its rules: a character folding to none of these changes nothing
    the band finds (normalisation's unsettled_for). A band whose rules are fewer (the
    last, for listings above every ceiling, say) so has fewer characters to vet.
    """
    terms: set[int] = set()
    texts: list[str] = []

    def add(bucket: _Bucket | None) -> None:
        if bucket is not None:
            for _ordinal, rest, none_of, _price, _regions in bucket[1]:
                terms.update(rest or ())
                terms.update(none_of or ())

    for term, (own, probes, table) in entries.items():
        terms.add(term)
        add(own)
        for form, _literal, bucket in probes:
            texts.append(form)
            add(bucket)
        for key, bucket in (table or {}).items():
            terms.add(key)
            add(bucket)
    return frozenset("".join([*texts, *(forms[term] for term in terms)]))


def _alone(entries: dict[int, _Entry]) -> dict[int, _Bucket]:
    """Return the triggers of one band that settle their rules alone, with their bucket.

    Such a trigger has no partner terms and only rules anchored on it alone whose
    remaining checks (price, regions) need neither the title nor the other terms found.
    """
    return {
        term: own
        for term, (own, probes, table) in entries.items()
        if own is not None and not probes and table is None and not own[3]
    }


def _views(entries: dict[int, _Entry], forms: tuple[str, ...]) -> dict[int, _View]:
    """Return how the bytes of a title not yet joined settle each trigger of one band (see _View).

    Triggers with a table, or with a rule that needs every term found, have none.
    """
    views: dict[int, _View] = {}
    for term, (own, probes, table) in entries.items():
        buckets = [bucket for _form, _literal, bucket in probes]
        if own is not None:
            buckets.append(own)
        if table is not None or any(bucket[3] for bucket in buckets):
            continue
        views[term] = (_probe(forms[term], None), own,
                       tuple(_probe(form, bucket) for form, _literal, bucket in probes))
    return views


def _probe(form: str, bucket: _Bucket | None) -> _Probe:
    """Return a term as bytes are tested for it (see _known)."""
    return form.encode(), tuple(dict.fromkeys(char.encode() for char in form)), \
        not scanner.has_gaps(form), bucket


def _known(probe: _Probe, raw: bytes) -> bool | None:
    """Whether the term of `probe` is in the matching form of the title whose bytes, not yet
    CJK-joined, are `raw`; None when only joining the title can tell (see _settle_bytes).

    bytes.find rather than `in`: for bytes, `in` first tries its operand as an integer
    and formats (then drops) a TypeError each time, which costs more than the search.
    """
    find = raw.find
    if find(probe[0]) >= 0:
        return True
    if probe[2]:
        return False
    for char in probe[1]:
        if find(char) < 0:
            return False
    return None


def _settle(bucket: _Bucket, found: set[int] | None, listing: Listing, hits: list[int]) -> None:
    """Append to `hits` the ordinals of the rules in `bucket` that `listing` satisfies."""
    direct, checks, ceiling, _needs_found = bucket
    if direct:
        hits.extend(direct)
    if checks:
        price = listing.price
        if ceiling is None or (price is not None and price <= ceiling):
            _collect(checks, found, listing, hits)


def _collect(
    checks: tuple[_Check, ...], found: set[int] | None, listing: Listing, hits: list[int]
) -> None:
    """Append to `hits` the ordinals of the rules `checks` stand for that `listing` satisfies.

    `found` is the set of terms in the title, or None when no check needs it.
    """
    price = listing.price
    region: object = _NOT_YET
    for ordinal, rest, none_of, max_price, regions in checks:
        if max_price is not None and (price is None or price > max_price):
            continue
        if rest is not None and not rest <= found:  # type: ignore[operator]
            continue
        if none_of is not None and not none_of.isdisjoint(found):  # type: ignore[arg-type]
            continue
        if regions is not None:
            if region is _NOT_YET:
                region = None if listing.region is None else normalise(listing.region)
            if region not in regions:
                continue
        hits.append(ordinal)


def _checked(rules: Iterable[RuleSpec]) -> list[RuleSpec]:
    """Return `rules` as a list after rejecting non-rules and duplicate ids."""
    result: list[RuleSpec] = []
    seen: set[RuleId] = set()
    for rule in rules:
        if not isinstance(rule, RuleSpec):
            raise TypeError(f"expected RuleSpec, got {type(rule).__name__}")
        # RuleSpec validates itself; this catches instances forced past __post_init__.
        if not rule.all and not rule.any:
            raise RuleError(rule.id, "a rule needs at least one 'all' or 'any' term")
        if rule.id in seen:
            raise RuleError(rule.id, "duplicate rule id")
        seen.add(rule.id)
        result.append(rule)
    return result


def _term_keys(rule: RuleSpec) -> Iterator[_TermKey]:
    """Yield the automaton keys of the rule's terms, in all, any, none order."""
    for role in ("all", "any", "none"):
        is_literal = rule.is_literal(role)
        for term in getattr(rule, role):
            yield is_literal, term


def _automaton_of(keys: dict[int, str]) -> Any:
    """Return a pyahocorasick automaton mapping each text of `keys` to its term index (None if none)."""
    if not keys:
        return None
    # STORE_ANY hands back the stored int object itself; STORE_INTS would build a fresh
    # int for every match.
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
    for index, text in keys.items():
        automaton.add_word(text, index)
    automaton.make_automaton()
    return automaton


def _term_shares(
    automaton: Any, literal_automaton: Any, count: int, sample: Iterable[str] | None
) -> tuple[list[float], list[frozenset[int]]]:
    """Estimate each term's share of listings from sample titles (all 1.0 without a sample).

    Also returns the terms each sample title holds (none without a sample), from which
    the share of listings a band's triggers turn up in is estimated (see _densities).
    """
    shares = [1.0] * count
    sightings: list[frozenset[int]] = []
    if sample is None or not count:
        return shares, sightings
    seen = [0] * count
    titles = 0
    sample = iter(sample)
    # Normalised in batches, as listings are: per title it would take longer than the rest.
    while chunk := list(islice(sample, BATCH)):
        titles += len(chunk)
        matching = batch_text_form(chunk).split(TEXT_SEPARATOR)
        literal = batch_literal_text_form(chunk).split(TEXT_SEPARATOR) if literal_automaton else chunk
        for title, literal_title in zip(matching, literal, strict=True):
            found = set() if automaton is None else set(map(_term_index, automaton.iter(title)))
            if literal_automaton is not None:
                found.update(map(_term_index, literal_automaton.iter(literal_title)))
            for index in found:
                seen[index] += 1
            sightings.append(frozenset(found))
    if titles:
        # Half a sighting for unseen terms: rare, but not free to look up.
        shares = [max(n, 0.5) / titles for n in seen]
    return shares, sightings


def _densities(bands: tuple[_Band, ...], sightings: list[frozenset[int]]) -> list[float]:
    """Return per price band the share of sample titles holding one of its triggers.

    Without a sample nothing is known, and every band counts as sparse (0.0).
    """
    if not sightings:
        return [0.0] * len(bands)
    return [sum(not triggers.isdisjoint(found) for found in sightings) / len(sightings)
            for _, triggers in bands]


def _build_anchors(
    rules: list[RuleSpec], terms: dict[_TermKey, int], share: list[float]
) -> dict[_Anchor, _Bucket]:
    """Index every rule under its anchor term or anchor pairs (see the module docstring)."""
    usage = [0] * len(terms)
    for rule in rules:
        for index in {*_role_ids(rule, "all", terms), *_role_ids(rule, "any", terms)}:
            usage[index] += 1
    lengths = [0] * len(terms)
    for (_, term), index in terms.items():
        lengths[index] = len(term)

    def rarity(index: int) -> tuple[float, int, int, int]:
        # Least common in the sample, then used by the fewest rules, then longest, then
        # index so the choice is deterministic.
        return (share[index], usage[index], -lengths[index], index)

    def pair(first: int, second: int) -> _Anchor:
        if first == second:  # a term in both `all` and `any`: the pair is one term
            return first
        return (first, second) if first < second else (second, first)

    collected: dict[_Anchor, list[_Check]] = {}
    for ordinal, rule in enumerate(rules):
        all_ids = sorted(_role_ids(rule, "all", terms), key=rarity)
        any_ids = sorted(_role_ids(rule, "any", terms), key=rarity)
        none_of = frozenset(_role_ids(rule, "none", terms)) or None
        regions = frozenset(rule.regions) or None
        if all_ids and any_ids:
            keys = [pair(all_ids[0], second) for second in any_ids]
            rest = frozenset(all_ids[1:])
        elif len(all_ids) >= 2:
            keys = [pair(all_ids[0], all_ids[1])]
            rest = frozenset(all_ids[2:])
        else:
            keys = list(all_ids or any_ids)
            rest = frozenset()
        check = (ordinal, rest or None, none_of, rule.max_price, regions)
        for key in dict.fromkeys(keys):
            collected.setdefault(key, []).append(check)

    return {key: _bucket(checks) for key, checks in collected.items()}


def _role_ids(rule: RuleSpec, role: str, terms: dict[_TermKey, int]) -> set[int]:
    """Return the term indices of one condition of `rule`."""
    is_literal = rule.is_literal(role)
    return {terms[(is_literal, term)] for term in getattr(rule, role)}


def _bucket(checks: list[_Check]) -> _Bucket:
    """Split checks into ordinals that match outright and checks still to evaluate."""
    unconditional = (None, None, None, None)
    direct = tuple(c[0] for c in checks if c[1:] == unconditional)
    rest = tuple(c for c in checks if c[1:] != unconditional)
    ceilings = [c[3] for c in rest]
    # No ceiling for the bucket as soon as one of its rules has none.
    ceiling = None if direct or None in ceilings else max(c for c in ceilings if c is not None)
    needs_found = any(c[1] is not None or c[2] is not None for c in rest)
    return direct, rest, ceiling, needs_found


def _build_triggers(anchors: dict[_Anchor, _Bucket], share: list[float]) -> dict[int, _Table]:
    """Choose which term of each pair looks it up, and group buckets by that trigger."""
    pairs = [key for key in anchors if isinstance(key, tuple)]
    # Greedy weighted vertex cover with a lazy heap: repeatedly take the term that
    # settles the most pairs not yet covered per unit of its share of listings (how
    # often it would be looked up). Ties go to the smaller index (deterministic).
    incident: dict[int, list[tuple[int, int]]] = {}
    for key in pairs:
        for term in key:
            incident.setdefault(term, []).append(key)
    heap = [(-len(keys) / share[term], term) for term, keys in incident.items()]
    heapq.heapify(heap)
    covered: set[tuple[int, int]] = set()
    owner: dict[tuple[int, int], int] = {}
    while heap and len(covered) < len(pairs):
        priority, term = heapq.heappop(heap)
        fresh = [key for key in incident[term] if key not in covered]
        current = -len(fresh) / share[term]
        if current > priority:
            if fresh:
                heapq.heappush(heap, (current, term))
            continue
        for key in fresh:
            covered.add(key)
            owner[key] = term

    tables: dict[int, _Table] = {}
    for key, bucket in anchors.items():
        if isinstance(key, int):
            tables.setdefault(key, {})[key] = bucket
        else:
            trigger = owner[key]
            other = key[1] if key[0] == trigger else key[0]
            tables.setdefault(trigger, {})[other] = bucket
    return {term: tables[term] for term in sorted(tables)}


def _price_bands(
    anchors: dict[_Anchor, _Bucket],
    share: list[float],
    forms: tuple[str, ...],
    literal: tuple[bool, ...],
) -> tuple[tuple[int, ...], tuple[_Band, ...]]:
    """Split the anchors by listing price so over-priced listings skip capped rules.

    With boundaries b[0] < b[1] < ..., a listing priced p falls in band k = bisect_left(b, p),
    so b[k-1] < p; a bucket whose highest ceiling is at most b[k-1] cannot match it and is
    left out of that band. Band len(b) (above every boundary, or no price) keeps only
    buckets holding a rule without a ceiling. Triggers are chosen per band: once the
    price-capped (brand, product) pairs drop out, a brand need no longer trigger the
    pairs it shares with a rare term, which then triggers them alone. `forms` are the
    terms' texts, which the entries of small tables probe for in the form `literal` says.
    """
    ceilings: list[int] = sorted({bucket[2] for bucket in anchors.values()} - {None})
    if len(ceilings) > _MAX_BOUNDS:
        step = len(ceilings) / _MAX_BOUNDS
        ceilings = sorted({ceilings[int(i * step)] for i in range(_MAX_BOUNDS)} | {ceilings[-1]})
    bounds = tuple(ceilings)
    bands: list[_Band] = []
    for band in range(len(bounds) + 1):
        floor = bounds[band - 1] if band else None
        kept = {
            key: bucket
            for key, bucket in anchors.items()
            if floor is None or bucket[2] is None or bucket[2] > floor
        }
        entries = {
            term: _entry(term, table, forms, literal)
            for term, table in _build_triggers(kept, share).items()
        }
        bands.append((entries, frozenset(entries)))
    return bounds, tuple(bands)


def _entry(term: int, table: _Table, forms: tuple[str, ...], literal: tuple[bool, ...]) -> _Entry:
    """Return how trigger `term` with `table` is settled once found (see _Entry)."""
    if len(table) > _PROBE_LIMIT:
        return None, (), table
    probes = tuple(
        (forms[key], literal[key], bucket) for key, bucket in table.items() if key != term
    )
    return table.get(term), probes, None


def _finders(
    bands: tuple[_Band, ...], forms: tuple[str, ...], literal: tuple[bool, ...]
) -> tuple[tuple[Any, Any], ...]:
    """Return per price band automata of just its trigger terms, matching and literal ones.

    Either is None when the band has no trigger of that form.
    """
    finders: list[tuple[Any, Any]] = []
    for _, trigger_terms in bands:
        pair = []
        for is_literal in (False, True):
            keys = {index: forms[index] for index in sorted(trigger_terms) if literal[index] == is_literal}
            pair.append(_automaton_of(keys) if keys else None)
        finders.append((pair[0], pair[1]))
    return tuple(finders)


# At most this many trigger patterns with separator gaps (see scanner) go into one
# hyperscan database: compiling grows steeply with them (some 2 s for 900, 15 s for 6,000).
_GAP_LIMIT = 400


# From this share of listings holding a trigger on (estimated from the sample), a band's
# batch is brought to the matching form whole and each title scanned for plain terms:
# joining CJK separators over the batch then costs less than joining so many titles one
# by one, and a scan per title less than placing every match of one scan of the batch.
_DENSE = 0.5
# Up to this many triggers over all price bands, each band compiles a database of its own
# (10,000 marketplace rules make 13,600 in seven bands, which compile in about 1.5 s).
_OWN_DATABASES_LIMIT = 20_000
# How a dense band scans (see _database).
_TITLES = object()


def _databases(
    bands: tuple[_Band, ...], forms: tuple[str, ...], densities: list[float]
) -> tuple[tuple[bool | object, Any] | None, ...]:
    """Return per price band (how it scans, hyperscan database), None for a band without triggers.

    Each band has a database of its own triggers, so that a scan reports no trigger of
    another band (in the marketplace benchmark at 1,000 rules, seven matches in ten were
    such). Compiling takes far longer than building the automata, though: with more than
    _OWN_DATABASES_LIMIT triggers over all bands, the bands share two databases, the last
    band's (listings above every ceiling or without a price, most of them) and one of all
    the others' triggers (a found trigger of another band is then skipped).
    """
    if sum(len(triggers) for _, triggers in bands) <= _OWN_DATABASES_LIMIT:
        return tuple(_database(triggers, forms, density >= _DENSE)
                     for density, (_, triggers) in zip(densities, bands, strict=True))
    last = _database(bands[-1][1], forms, densities[-1] >= _DENSE)
    # The shared database scans per title only if every band it serves is dense.
    shared = [density for density, (_, triggers) in zip(densities[:-1], bands[:-1], strict=True)
              if triggers]
    rest = _database(set().union(*(triggers for _, triggers in bands[:-1])), forms,
                     min(shared, default=0.0) >= _DENSE)
    return tuple(rest if triggers else None for _, triggers in bands[:-1]) + (last,)


def _database(
    triggers: Iterable[int], forms: tuple[str, ...], dense: bool
) -> tuple[bool | object, Any] | None:
    """Return (how it scans, a hyperscan database of `triggers`), or None without any.

    Where triggers are rare, patterns that allow for CJK separators scan bytes not yet
    joined (False), so only the few titles with a trigger are joined; with too many
    such patterns to compile quickly, plain terms scan the batch in the matching form
    (True). Where they are common (`dense`), plain terms scan each title of the batch
    in the matching form, reported once each (_TITLES).
    """
    terms = [(index, forms[index]) for index in sorted(triggers)]
    if not terms:
        return None
    if dense:
        return _TITLES, scanner.literal_database(terms, once=True)
    if sum(scanner.has_gaps(term) for _, term in terms) <= _GAP_LIMIT:
        return False, scanner.trigger_database(terms)
    return True, scanner.literal_database(terms)


def compile_rules(
    rules: Iterable[RuleSpec], *, sample: Iterable[str] | None = None
) -> CompiledRuleSet:
    """Compile `rules` into one shared automaton; raises RuleError on invalid or duplicate rules.

    `sample`, optional listing titles (recent ones, say), is used only to estimate how
    common each term is so that lookups key on rare terms; it changes speed, never results.
    """
    return CompiledRuleSet(rules, sample)
