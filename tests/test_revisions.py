"""Rows added, removed and changed between two versions of a pack, and the manifest's revision history."""

from __future__ import annotations

from flows.revisions import SourceRecord, amend_manifest, fill_from_source, row_changes
from flows.outcomes import PackOutcome
from schemas.frames import make_frame

OLD, NEW = "a" * 16, "b" * 16


def _pack(pack_id: str, **values) -> dict:
    return {"pack_id": pack_id, "page": 1, "sha256": pack_id * 4, "source": "u", "file_name": "f", "page_count": 2, **values}


def test_the_one_pack_row_of_each_version_is_compared_as_one_record():
    old = make_frame("packs", [_pack(OLD, committee="Cabinet")])
    new = make_frame("packs", [_pack(NEW, committee="County Council")])
    assert row_changes("packs", old, new) == {"added": 0, "removed": 0, "changed": 1}
    assert row_changes("packs", old, make_frame("packs", [_pack(NEW, committee="Cabinet")])) == {"added": 0, "removed": 0, "changed": 0}


def test_keyed_rows_are_matched_on_their_key_without_the_pack_id():
    old = make_frame("agenda_items", [{"pack_id": OLD, "page": 1, "item_number": n, "title": t} for n, t in [("1", "Apologies"), ("2", "Minutes")]])
    new = make_frame("agenda_items", [{"pack_id": NEW, "page": 1, "item_number": n, "title": t} for n, t in [("1", "Apologies"), ("2", "Minutes of 9 Jan"), ("3", "Budget")]])
    assert row_changes("agenda_items", old, new) == {"added": 1, "removed": 0, "changed": 1}
    assert row_changes("agenda_items", new, old) == {"added": 0, "removed": 1, "changed": 1}


def test_the_site_fills_council_and_committee_only_where_the_pdf_is_silent():
    outcome = PackOutcome("u", "f", NEW, NEW * 4, frames={"packs": make_frame("packs", [_pack(NEW, committee="Cabinet")])})
    fill_from_source(outcome, SourceRecord("site/meeting/1/agenda", council="Kent", committee="Scrutiny Committee"))
    row = outcome.frames["packs"].iloc[0]
    assert (row["council"], row["committee"]) == ("Kent", "Cabinet")


def test_the_manifest_keeps_the_revision_history_and_marks_replaced_versions():
    earlier = {"revisions": [{"pack_id": OLD, "previous_pack_id": "c" * 16, "source_id": "s", "rows": {}}]}
    manifest = {"run": {}, "packs": [{"pack_id": OLD}, {"pack_id": NEW}]}
    amend_manifest(manifest, earlier, [{"pack_id": NEW, "previous_pack_id": OLD, "source_id": "s", "rows": {}}])
    assert [r["pack_id"] for r in manifest["revisions"]] == [OLD, NEW]
    assert manifest["packs"][0]["superseded_by"] == NEW and "superseded_by" not in manifest["packs"][1]
    assert manifest["run"]["revisions"] == 1


def test_a_new_version_extracted_again_keeps_its_revision_row():
    from flows.revisions import record_revisions

    earlier = make_frame("revisions", [{"pack_id": NEW, "source_id": "s", "previous_pack_id": OLD, "changed_datasets": "packs"}])
    published = {"revisions": earlier, "packs": make_frame("packs", [_pack(NEW)])}
    outcome = PackOutcome("u", "f", NEW, NEW * 4, frames={"packs": make_frame("packs", [_pack(NEW)])})
    entries = record_revisions([outcome], {NEW * 4: SourceRecord("s", earlier_pack_ids=(OLD,))}, published, {}, {OLD, NEW}, frozenset({OLD}))
    assert entries == []
    assert outcome.frames["revisions"].iloc[0]["previous_pack_id"] == OLD


def test_derived_datasets_are_not_compared_between_versions():
    from flows.revisions import record_revisions

    published = {
        "packs": make_frame("packs", [_pack(OLD, committee="Cabinet")]),
        "indicator_history": make_frame("indicator_history", [{"pack_id": OLD, "indicator_key": "kent/CIN1", "period": "2025-01"}]),
    }
    outcome = PackOutcome("u", "f", NEW, NEW * 4, frames={"packs": make_frame("packs", [_pack(NEW, committee="Scrutiny")])})
    (entry,) = record_revisions([outcome], {NEW * 4: SourceRecord("s", earlier_pack_ids=(OLD,))}, published, {}, {OLD})
    assert list(entry["rows"]) == ["packs"]
    assert outcome.frames["revisions"].iloc[0]["changed_datasets"] == "packs"
