"""Tests for the custody log hash chain and evidence file verification."""

import dataclasses
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testbuys.custody import (
    GENESIS,
    ChainEntry,
    ChainProblem,
    ProblemKind,
    entry_hash,
    files_under,
    next_entry,
    sha256_file,
    verify_chain,
)

ACTIONS = ["purchased", "received", "photographed", "sealed", "handed over"]


def build_chain(field_list: list[dict[str, str | int | None]]) -> list[ChainEntry]:
    """Link the given field dicts into a chain numbered from 1."""
    entries: list[ChainEntry] = []
    for fields in field_list:
        entries.append(next_entry(entries[-1] if entries else None, fields))
    return entries


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    """Return a directory holding the evidence photo of the sample chain."""
    store = tmp_path / "evidence"
    (store / "buy-17").mkdir(parents=True)
    (store / "buy-17" / "photo.jpg").write_bytes(b"\xff\xd8 fake jpeg of a counterfeit bag")
    return store


@pytest.fixture
def chain(evidence_dir: Path) -> list[ChainEntry]:
    """Return a five-entry custody chain whose last entry pins an evidence photo."""
    photo_hash = sha256_file(evidence_dir / "buy-17" / "photo.jpg")
    entries: list[ChainEntry] = []
    for seq, action in enumerate(ACTIONS, start=1):
        with_photo = seq == 5
        fields: dict[str, str | int | None] = {
            "seq": seq,
            "action": action,
            "actor": "bolt" if seq % 2 else "acme",
            "note": "样品已封存" if seq == 4 else None,
            "evidence_sha256": photo_hash if with_photo else None,
        }
        entries.append(
            next_entry(
                entries[-1] if entries else None,
                fields,
                evidence_path="buy-17/photo.jpg" if with_photo else None,
                evidence_sha256=photo_hash if with_photo else None,
            )
        )
    return entries


def replace_at(entries: list[ChainEntry], index: int, **changes: object) -> list[ChainEntry]:
    """Return a copy of the chain with one entry's attributes replaced."""
    copy = list(entries)
    copy[index] = dataclasses.replace(copy[index], **changes)  # type: ignore[arg-type]
    return copy


# --- hashing --------------------------------------------------------------


def test_entry_hash_canonical_form() -> None:
    """The hash covers a compact, key-sorted JSON array of previous hash and fields."""
    fields = {"b": "x", "a": 1, "c": None, "d": "假"}
    canonical = '["' + GENESIS + '",{"a":1,"b":"x","c":null,"d":"假"}]'
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert entry_hash(GENESIS, fields) == expected
    assert entry_hash(GENESIS, dict(reversed(list(fields.items())))) == expected


def test_entry_hash_depends_on_previous_hash_and_every_field() -> None:
    """Changing the previous hash or any field value changes the hash."""
    base = entry_hash(GENESIS, {"a": "1"})
    assert entry_hash("1" * 64, {"a": "1"}) != base
    assert entry_hash(GENESIS, {"a": 1}) != base
    assert entry_hash(GENESIS, {"a": None}) != base
    assert entry_hash(GENESIS, {"a": "1", "b": None}) != base


@pytest.mark.parametrize("value", [True, 1.5, ["x"], {"x": 1}, b"x"])
def test_entry_hash_rejects_non_canonical_values(value: object) -> None:
    """Only strings, integers and None can be hashed unambiguously."""
    with pytest.raises(ValueError, match="must be a string, integer or None"):
        entry_hash(GENESIS, {"a": value})  # type: ignore[dict-item]


def test_entry_hash_rejects_non_string_keys() -> None:
    """Field names must be strings."""
    with pytest.raises(ValueError, match="field names must be strings"):
        entry_hash(GENESIS, {1: "x"})  # type: ignore[dict-item]


def test_sha256_file_streams_in_chunks(tmp_path: Path) -> None:
    """The streamed digest equals the digest of the whole content."""
    data = bytes(range(256)) * 1000
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_file(path, chunk_size=7) == expected
    assert sha256_file(str(path)) == expected


def test_files_under_stays_inside_root(tmp_path: Path, evidence_dir: Path) -> None:
    """Paths escaping the evidence store and missing files hash to None."""
    (tmp_path / "outside.jpg").write_bytes(b"not evidence")
    file_hashes = files_under(evidence_dir)
    assert file_hashes("buy-17/photo.jpg") == sha256_file(evidence_dir / "buy-17" / "photo.jpg")
    assert file_hashes("../outside.jpg") is None
    assert file_hashes(str(tmp_path / "outside.jpg")) is None
    assert file_hashes("buy-17/absent.jpg") is None
    assert file_hashes("buy-17") is None


def test_entries_cannot_be_changed_through_the_original_dict() -> None:
    """An entry keeps its own frozen copy of the fields."""
    fields: dict[str, str | int | None] = {"action": "sealed"}
    entry = next_entry(None, fields)
    fields["action"] = "opened"
    assert entry.fields["action"] == "sealed"
    with pytest.raises(TypeError):
        entry.fields["action"] = "opened"  # type: ignore[index]


# --- verification ---------------------------------------------------------


def test_intact_chain_verifies(chain: list[ChainEntry], evidence_dir: Path) -> None:
    """An untouched chain with untouched evidence is reported ok."""
    report = verify_chain(chain, files_under(evidence_dir))
    assert report.ok
    assert report.problems == ()
    assert report.first_broken is None
    assert report.checked == 5
    assert chain[0].previous_hash == GENESIS
    assert [entry.seq for entry in chain] == [1, 2, 3, 4, 5]


def test_empty_chain_verifies() -> None:
    """A chain with no entries has nothing wrong with it."""
    report = verify_chain([])
    assert report.ok
    assert report.checked == 0


def test_altered_field_is_detected_at_that_entry(chain: list[ChainEntry]) -> None:
    """Changing a field breaks only that entry's own hash."""
    tampered = replace_at(chain, 2, fields={**chain[2].fields, "actor": "mallory"})
    report = verify_chain(tampered)
    assert not report.ok
    assert report.problems == (
        ChainProblem(3, ProblemKind.HASH, "entry 3: stored hash does not match its contents"),
    )
    assert report.first_broken == 3


def test_unhashable_field_is_reported_not_raised(chain: list[ChainEntry]) -> None:
    """A field value that cannot be hashed counts as a hash mismatch."""
    tampered = replace_at(chain, 1, fields={**chain[1].fields, "seq": 2.0})
    assert verify_chain(tampered).reasons == ["entry 2: stored hash does not match its contents"]


def test_rehashed_entry_breaks_the_next_link(chain: list[ChainEntry]) -> None:
    """Recomputing a tampered entry's own hash shows up at the following entry."""
    fields = {**chain[2].fields, "action": "lost"}
    tampered = replace_at(chain, 2, fields=fields, hash=entry_hash(chain[2].previous_hash, fields))
    report = verify_chain(tampered)
    assert report.problems == (
        ChainProblem(4, ProblemKind.LINK, "entry 4: previous-hash link does not match entry 3"),
    )


def test_altered_stored_hash_is_detected(chain: list[ChainEntry]) -> None:
    """A forged stored hash fails its own check and the successor's link."""
    tampered = replace_at(chain, 2, hash="f" * 64)
    assert verify_chain(tampered).reasons == [
        "entry 3: stored hash does not match its contents",
        "entry 4: previous-hash link does not match entry 3",
    ]


def test_altered_previous_hash_is_detected(chain: list[ChainEntry]) -> None:
    """A forged previous-hash link fails both checks of that entry."""
    tampered = replace_at(chain, 3, previous_hash="a" * 64)
    assert verify_chain(tampered).reasons == [
        "entry 4: stored hash does not match its contents",
        "entry 4: previous-hash link does not match entry 3",
    ]


def test_altered_first_link_names_genesis(chain: list[ChainEntry]) -> None:
    """The first entry must link to the genesis value."""
    fields = dict(chain[0].fields)
    tampered = replace_at(chain, 0, previous_hash="1" * 64, hash=entry_hash("1" * 64, fields))
    # The rehashed first entry is self-consistent, so its successor's link breaks too.
    assert verify_chain(tampered).reasons == [
        "entry 1: previous-hash link does not match the genesis value",
        "entry 2: previous-hash link does not match entry 1",
    ]


def test_swapped_entries_are_detected(chain: list[ChainEntry]) -> None:
    """Reordering entries is reported at the first entry out of place."""
    swapped = [chain[0], chain[1], chain[3], chain[2], chain[4]]
    report = verify_chain(swapped)
    assert report.first_broken == 4
    assert report.problems[0].kind is ProblemKind.SEQUENCE
    assert report.reasons[:2] == [
        "entry 4: sequence number out of order, expected 3 after entry 2 "
        "(entry missing, duplicated or moved)",
        "entry 4: previous-hash link does not match entry 2",
    ]
    assert "entry 3: previous-hash link does not match entry 4" in report.reasons


def test_deleted_middle_entry_is_detected(chain: list[ChainEntry]) -> None:
    """Removing an entry breaks the sequence and the link of its successor."""
    shortened = [chain[0], chain[1], chain[3], chain[4]]
    report = verify_chain(shortened)
    assert report.problems == (
        ChainProblem(
            4,
            ProblemKind.SEQUENCE,
            "entry 4: sequence number out of order, expected 3 after entry 2 "
            "(entry missing, duplicated or moved)",
        ),
        ChainProblem(4, ProblemKind.LINK, "entry 4: previous-hash link does not match entry 2"),
    )


def test_deleted_first_entry_is_detected(chain: list[ChainEntry]) -> None:
    """Removing the first entry leaves a chain that does not start at genesis."""
    report = verify_chain(chain[1:])
    assert report.first_broken == 2
    assert report.reasons == [
        "entry 2: sequence number out of order, expected 1 after the chain start "
        "(entry missing, duplicated or moved)",
        "entry 2: previous-hash link does not match the genesis value",
    ]


def test_changed_evidence_file_is_detected(chain: list[ChainEntry], evidence_dir: Path) -> None:
    """Overwriting an evidence file is reported with its new and recorded digests."""
    photo = evidence_dir / "buy-17" / "photo.jpg"
    photo.write_bytes(b"a different picture")
    new_hash = hashlib.sha256(b"a different picture").hexdigest()
    report = verify_chain(chain, files_under(evidence_dir))
    assert report.problems == (
        ChainProblem(
            5,
            ProblemKind.EVIDENCE_CHANGED,
            f"entry 5: evidence file photo.jpg has changed "
            f"(sha256 {new_hash}, recorded {chain[4].evidence_sha256})",
        ),
    )


def test_missing_evidence_file_is_detected(chain: list[ChainEntry], evidence_dir: Path) -> None:
    """A deleted evidence file is reported as missing."""
    (evidence_dir / "buy-17" / "photo.jpg").unlink()
    report = verify_chain(chain, files_under(evidence_dir))
    assert report.reasons == ["entry 5: evidence file photo.jpg is missing"]
    assert report.problems[0].kind is ProblemKind.EVIDENCE_MISSING


def test_evidence_without_recorded_hash_is_reported(
    chain: list[ChainEntry], evidence_dir: Path
) -> None:
    """An evidence path with no usable recorded digest cannot be verified."""
    tampered = replace_at(chain, 4, evidence_sha256=None)
    report = verify_chain(tampered, files_under(evidence_dir))
    assert report.reasons == ["entry 5: evidence file photo.jpg has no valid recorded sha256"]


def test_evidence_is_not_checked_without_file_hashes(
    chain: list[ChainEntry], evidence_dir: Path
) -> None:
    """Without a file_hashes callable only the chain itself is verified."""
    (evidence_dir / "buy-17" / "photo.jpg").unlink()
    assert verify_chain(chain).ok


def test_chain_may_start_at_another_sequence_number() -> None:
    """first_seq lets a chain numbered from zero verify."""
    entries = [next_entry(None, {"action": "purchased"}, first_seq=0)]
    entries.append(next_entry(entries[0], {"action": "received"}))
    assert [entry.seq for entry in entries] == [0, 1]
    assert verify_chain(entries, first_seq=0).ok
    assert verify_chain(entries).first_broken == 0


# --- properties -----------------------------------------------------------

field_values = st.one_of(st.none(), st.integers(), st.text(max_size=12))
field_dicts = st.dictionaries(st.text(min_size=1, max_size=6), field_values, max_size=4)
chains = st.lists(field_dicts, min_size=1, max_size=8).map(build_chain)


@settings(deadline=None, max_examples=100)
@given(entries=chains)
def test_built_chains_verify(entries: list[ChainEntry]) -> None:
    """Any chain built with next_entry verifies."""
    assert verify_chain(entries).ok


@settings(deadline=None, max_examples=100)
@given(entries=chains, data=st.data())
def test_any_field_change_is_pinpointed(entries: list[ChainEntry], data: st.DataObject) -> None:
    """Changing, adding or removing any field is reported at exactly that entry."""
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1))
    fields = dict(entries[index].fields)
    key = data.draw(st.text(min_size=1, max_size=6))
    if key in fields and data.draw(st.booleans()):
        del fields[key]
    else:
        fields[key] = data.draw(
            field_values.filter(lambda v: key not in fields or v != fields[key])
        )
    tampered = replace_at(entries, index, fields=fields)
    report = verify_chain(tampered)
    seq = entries[index].seq
    assert report.problems == (
        ChainProblem(
            seq, ProblemKind.HASH, f"entry {seq}: stored hash does not match its contents"
        ),
    )


@settings(deadline=None, max_examples=100)
@given(entries=st.lists(field_dicts, min_size=3, max_size=8).map(build_chain), data=st.data())
def test_any_deleted_middle_entry_is_pinpointed(
    entries: list[ChainEntry], data: st.DataObject
) -> None:
    """Deleting any middle entry is reported at the entry that followed it."""
    index = data.draw(st.integers(min_value=1, max_value=len(entries) - 2))
    shortened = entries[:index] + entries[index + 1 :]
    report = verify_chain(shortened)
    assert report.first_broken == entries[index + 1].seq
    assert (
        f"entry {entries[index + 1].seq}: previous-hash link does not match "
        f"entry {entries[index - 1].seq}"
    ) in report.reasons
