"""Tamper-evident hash chain for the append-only chain-of-custody log of evidence.

Every entry stores the hash of the entry before it (``GENESIS`` for the first
one) and its own hash, computed by :func:`entry_hash` over that previous hash
and the entry's fields.  Changing any field, any stored hash, the order of the
entries, or removing one breaks the chain at a point :func:`verify_chain` can
name.  Evidence files are pinned by their recorded SHA-256; to protect that
recorded value as well, callers should also include it among the hashed fields.

Canonical form hashed by :func:`entry_hash` (SHA-256, lowercase hex digest)::

    json.dumps([previous_hash, fields], sort_keys=True, ensure_ascii=False,
               separators=(",", ":"), allow_nan=False).encode("utf-8")

that is, a two-element JSON array holding the previous hash string and an
object of the fields with keys sorted by code point, no insignificant
whitespace, non-ASCII characters written as raw UTF-8 rather than ``\\u``
escapes.  Field keys are strings; values are strings, integers or ``None``
(``null``).  Strings are hashed exactly as given, without Unicode normalisation.

Versions.  An entry of version 1 stores the plain SHA-256 above.  An entry of
version 2 stores the HMAC-SHA256 of the same canonical bytes under a key kept
outside the database (:func:`entry_mac`), so that whoever can write the
database but does not hold the key cannot recompute it.  Each entry says which
it is, so chains begun before keyed entries existed still verify; once a chain
holds a keyed entry, an unkeyed one after it is refused (a rewrite that falls
back to plain hashes is caught).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "GENESIS",
    "ChainEntry",
    "ChainProblem",
    "ChainReport",
    "ProblemKind",
    "PLAIN",
    "KEYED",
    "canonical_bytes",
    "entry_hash",
    "entry_mac",
    "files_under",
    "next_entry",
    "sha256_file",
    "verify_chain",
]

FieldValue = str | int | None

GENESIS = "0" * 64
"""Previous hash stored by the first entry of every chain."""

PLAIN = 1
"""Version of an entry hashed with plain SHA-256 (entries written before keys)."""
KEYED = 2
"""Version of an entry authenticated with HMAC-SHA256 under the custody key."""

_CHUNK_SIZE = 1 << 16
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _canonical_fields(fields: Mapping[str, FieldValue]) -> dict[str, FieldValue]:
    """Return the fields as a plain dict sorted by key, rejecting unhashable values."""
    for key in fields:
        if not isinstance(key, str):
            raise ValueError(f"field names must be strings, got {key!r}")
    result: dict[str, FieldValue] = {}
    for key in sorted(fields):
        value = fields[key]
        # bool would serialise as true/false and float has no single canonical
        # text form, so both are refused rather than silently hashed.
        if isinstance(value, bool) or not isinstance(value, str | int | None):
            raise ValueError(f"field {key!r} must be a string, integer or None, got {value!r}")
        result[key] = value
    return result


def canonical_bytes(previous_hash: str, fields: Mapping[str, FieldValue]) -> bytes:
    """Return the canonical UTF-8 JSON of previous hash and fields that both versions cover."""
    if not isinstance(previous_hash, str):
        raise ValueError(f"previous hash must be a string, got {previous_hash!r}")
    canonical = json.dumps(
        [previous_hash, _canonical_fields(fields)],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return canonical.encode("utf-8")


def entry_hash(previous_hash: str, fields: Mapping[str, FieldValue]) -> str:
    """Return the SHA-256 hex digest of the canonical JSON of previous hash and fields."""
    return hashlib.sha256(canonical_bytes(previous_hash, fields)).hexdigest()


def entry_mac(key: bytes, previous_hash: str, fields: Mapping[str, FieldValue]) -> str:
    """Return the HMAC-SHA256 hex digest, under ``key``, of the same canonical JSON."""
    if not isinstance(key, bytes) or not key:
        raise ValueError("the custody key must be non-empty bytes")
    return hmac.new(key, canonical_bytes(previous_hash, fields), hashlib.sha256).hexdigest()


def sha256_file(path: str | os.PathLike[str], chunk_size: int = _CHUNK_SIZE) -> str:
    """Return the SHA-256 hex digest of a file, read in chunks to bound memory use."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def files_under(root: str | os.PathLike[str]) -> Callable[[str], str | None]:
    """Return a ``file_hashes`` callable hashing paths relative to ``root``."""
    base = Path(root).resolve()

    def file_hash(relative: str) -> str | None:
        """Return the file's SHA-256, or None if it is missing or outside ``root``."""
        target = (base / relative).resolve()
        # A stored path must not be able to point the verifier outside the
        # evidence store, e.g. through "../" segments or an absolute path.
        if not target.is_relative_to(base) or not target.is_file():
            return None
        try:
            return sha256_file(target)
        except FileNotFoundError:
            # Removed between the check and the read: still simply missing.
            return None

    return file_hash


@dataclass(frozen=True)
class ChainEntry:
    """One stored custody log entry as read back for verification."""

    seq: int
    fields: Mapping[str, FieldValue]
    previous_hash: str
    hash: str
    evidence_path: str | None = None
    evidence_sha256: str | None = None
    version: int = PLAIN

    def __post_init__(self) -> None:
        """Freeze a private copy of the fields so the entry cannot change later."""
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))


def next_entry(
    previous: ChainEntry | None,
    fields: Mapping[str, FieldValue],
    *,
    evidence_path: str | None = None,
    evidence_sha256: str | None = None,
    first_seq: int = 1,
    key: bytes | None = None,
) -> ChainEntry:
    """Build the entry that follows ``previous`` (or starts a chain when it is None).

    With ``key`` the entry is keyed (version 2, HMAC-SHA256); without, plain SHA-256.
    """
    previous_hash = GENESIS if previous is None else previous.hash
    seq = first_seq if previous is None else previous.seq + 1
    return ChainEntry(
        seq=seq,
        fields=fields,
        previous_hash=previous_hash,
        hash=entry_hash(previous_hash, fields) if key is None
        else entry_mac(key, previous_hash, fields),
        evidence_path=evidence_path,
        evidence_sha256=evidence_sha256,
        version=PLAIN if key is None else KEYED,
    )


class ProblemKind(StrEnum):
    """Machine-readable category of a chain problem."""

    SEQUENCE = "sequence"
    HASH = "hash"
    LINK = "link"
    EVIDENCE_UNRECORDED = "evidence_unrecorded"
    EVIDENCE_MISSING = "evidence_missing"
    EVIDENCE_CHANGED = "evidence_changed"
    UNKEYED = "unkeyed"
    STATE = "state"
    CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class ChainProblem:
    """A single break in the chain: the entry's sequence number and why it fails."""

    seq: int
    kind: ProblemKind
    reason: str
    fact: str | None = None
    """For a stored fact that differs from the chain: the fact's name (cost, verdict …)."""


@dataclass(frozen=True)
class ChainReport:
    """Outcome of verifying a chain: ok, or every problem found in chain order."""

    checked: int
    problems: tuple[ChainProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Return True when no problem was found."""
        return not self.problems

    @property
    def first_broken(self) -> int | None:
        """Return the sequence number of the first problem, or None if the chain is intact."""
        return self.problems[0].seq if self.problems else None

    @property
    def reasons(self) -> list[str]:
        """Return the human-readable reasons in chain order."""
        return [problem.reason for problem in self.problems]


def _display_name(path: str) -> str:
    """Return the file name shown in messages, hiding the storage layout."""
    return os.path.basename(path.rstrip("/\\")) or path


def _check_evidence(
    entry: ChainEntry, file_hashes: Callable[[str], str | None]
) -> ChainProblem | None:
    """Compare an entry's evidence file against its recorded SHA-256."""
    if entry.evidence_path is None:
        return None
    name = _display_name(entry.evidence_path)
    prefix = f"entry {entry.seq}: evidence file {name}"
    recorded = entry.evidence_sha256.lower() if entry.evidence_sha256 is not None else None
    if recorded is None or not _HEX64.fullmatch(recorded):
        return ChainProblem(
            entry.seq, ProblemKind.EVIDENCE_UNRECORDED, f"{prefix} has no valid recorded sha256"
        )
    actual = file_hashes(entry.evidence_path)
    if actual is None:
        return ChainProblem(entry.seq, ProblemKind.EVIDENCE_MISSING, f"{prefix} is missing")
    if actual.lower() != recorded:
        return ChainProblem(
            entry.seq,
            ProblemKind.EVIDENCE_CHANGED,
            f"{prefix} has changed (sha256 {actual.lower()}, recorded {recorded})",
        )
    return None


def verify_chain(
    entries: Sequence[ChainEntry],
    file_hashes: Callable[[str], str | None] | None = None,
    *,
    first_seq: int = 1,
    key: bytes | None = None,
) -> ChainReport:
    """Verify sequence, hashes, links and (if ``file_hashes`` is given) evidence files.

    ``entries`` must be in stored order.  ``file_hashes`` maps an evidence path
    to the file's current SHA-256, or None when the file is missing; without it
    evidence files are not checked.  Each entry is checked on its own terms and
    against the entry stored just before it, so one tampered entry is reported
    where it is rather than making every later entry fail too.  Entries cut
    from the end leave a valid shorter chain; catching that needs the latest
    hash kept somewhere else and compared with the last entry's hash.

    Keyed entries (version 2) are checked with ``key``; without it they cannot be
    and count as broken.  An unkeyed entry after a keyed one is reported too.
    """
    problems: list[ChainProblem] = []
    previous: ChainEntry | None = None
    keyed_seen = False
    for entry in entries:
        seq = entry.seq
        expected_seq = first_seq if previous is None else previous.seq + 1
        if seq != expected_seq:
            where = "the chain start" if previous is None else f"entry {previous.seq}"
            problems.append(
                ChainProblem(
                    seq,
                    ProblemKind.SEQUENCE,
                    f"entry {seq}: sequence number out of order, expected {expected_seq} "
                    f"after {where} (entry missing, duplicated or moved)",
                )
            )

        recomputed: str | None = None
        try:
            if entry.version == KEYED and key is not None:
                recomputed = entry_mac(key, entry.previous_hash, entry.fields)
            elif entry.version == PLAIN:
                recomputed = entry_hash(entry.previous_hash, entry.fields)
        except ValueError:
            # Fields that cannot be hashed can only have been written by tampering.
            recomputed = None
        if recomputed is None or not hmac.compare_digest(recomputed, str(entry.hash)):
            if entry.version == KEYED and key is None:
                reason = f"entry {seq}: keyed entry cannot be checked without the custody key"
            elif entry.version not in (PLAIN, KEYED):
                reason = f"entry {seq}: unknown entry version {entry.version!r}"
            elif entry.version == KEYED:
                reason = (f"entry {seq}: stored hash does not match its contents "
                          "(changed, or authenticated with another key)")
            else:
                reason = f"entry {seq}: stored hash does not match its contents"
            problems.append(ChainProblem(seq, ProblemKind.HASH, reason))
        if entry.version == PLAIN and keyed_seen:
            problems.append(
                ChainProblem(
                    seq,
                    ProblemKind.UNKEYED,
                    f"entry {seq}: an unkeyed entry after keyed ones (the chain was rewritten "
                    "with plain hashes)",
                )
            )
        keyed_seen = keyed_seen or entry.version == KEYED

        # Compare with the stored hash of the predecessor, not a recomputed one,
        # so a tampered entry does not also flag its intact successor.
        expected_link = GENESIS if previous is None else previous.hash
        if entry.previous_hash != expected_link:
            target = "the genesis value" if previous is None else f"entry {previous.seq}"
            problems.append(
                ChainProblem(
                    seq,
                    ProblemKind.LINK,
                    f"entry {seq}: previous-hash link does not match {target}",
                )
            )

        if file_hashes is not None:
            evidence_problem = _check_evidence(entry, file_hashes)
            if evidence_problem is not None:
                problems.append(evidence_problem)
        previous = entry
    return ChainReport(checked=len(entries), problems=tuple(problems))
