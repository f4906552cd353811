"""Publishing is atomic: a failure while writing leaves the previous publication untouched."""

from __future__ import annotations

import pytest

import flows.publish as publish_module
from extractors.pack import extract_pack
from flows.outcomes import PackOutcome
from flows.publish import load_published, merge_frames, publish, recover_interrupted_swap
from flows.validate import gate
from tests.conftest import KENT

AGENDA = KENT / "cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
MINUTES = KENT / "cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"


def _publish(out, path):
    result = extract_pack(path, path.name)
    outcome = PackOutcome(path.name, path.name, result.pack_id, result.sha256, result.page_count, result.frames)
    previous, previous_q = load_published(out)
    checked = gate(result.frames)
    published = merge_frames(previous, checked.published, {result.pack_id})
    quarantined = merge_frames(previous_q, checked.quarantined, {result.pack_id})
    return publish(out, [outcome], published, quarantined, {"datasets": checked.summary}), result


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_failure_during_publish_leaves_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    _publish(out, AGENDA)
    before = snapshot(out)
    calls = {"n": 0}
    real = publish_module.write_parquet

    def failing(table, path):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full (injected)")
        real(table, path)

    monkeypatch.setattr(publish_module, "write_parquet", failing)
    with pytest.raises(OSError, match="injected"):
        _publish(out, MINUTES)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"], "staging folder left behind"


def test_a_second_pack_is_added_not_swapped_for_the_first(tmp_path):
    out = tmp_path / "outputs"
    _, first = _publish(out, AGENDA)
    manifest, second = _publish(out, MINUTES)
    published, _ = load_published(out)
    assert sorted(published["packs"]["pack_id"]) == sorted([first.pack_id, second.pack_id])
    assert {p["pack_id"] for p in manifest["packs"]} == {first.pack_id, second.pack_id}


def test_interrupted_swap_is_recovered(tmp_path):
    out = tmp_path / "outputs"
    _publish(out, AGENDA)
    before = snapshot(out)
    # A crash between the two renames of a swap leaves only the renamed previous tree.
    out.rename(tmp_path / ".outputs.old-deadbeef")
    recover_interrupted_swap(out)
    assert snapshot(out) == before


def test_a_missing_value_is_null_in_parquet_and_empty_in_csv(tmp_path):
    import csv

    import pyarrow.parquet as pq

    from flows.publish import write_tree
    from schemas.contract import DATASETS
    from schemas.frames import make_frame

    pack = "0123456789abcdef"
    frames = {name: make_frame(name) for name in DATASETS}
    frames["agenda_items"] = make_frame("agenda_items", [{"pack_id": pack, "page": 1, "item_number": "1", "title": "Apologies", "description": ""}])
    frames["performance_measures"] = make_frame(
        "performance_measures", [{"pack_id": pack, "page": 2, "action_refs": "1.1", "measure": "Audits", "data_source": "Case audits", "scorecard_refs": ""}]
    )
    quarantined = {name: make_frame(name).assign(reasons=[]) for name in DATASETS}
    checked = gate(frames)
    assert checked.published["agenda_items"]["description"].tolist() == [None]
    write_tree(tmp_path / "out", frames, quarantined)
    assert pq.read_table(tmp_path / "out" / "agenda_items.parquet").column("description").to_pylist() == [None]
    assert pq.read_table(tmp_path / "out" / "performance_measures.parquet").column("scorecard_refs").to_pylist() == [None]
    with (tmp_path / "out" / "agenda_items.csv").open(newline="") as handle:
        assert next(csv.DictReader(handle))["description"] == ""
    # A required text column left empty is missing, so its row is quarantined, not published with "".
    frames["agenda_items"].at[0, "title"] = ""
    blocked = gate(frames)
    assert len(blocked.quarantined["agenda_items"]) == 1 and "title is required" in blocked.quarantined["agenda_items"]["reasons"].iat[0]
    # ...and written to quarantine with its reason, although the published schema forbids the null.
    write_tree(tmp_path / "blocked", blocked.published, blocked.quarantined)
    held = pq.read_table(tmp_path / "blocked" / "quarantine" / "agenda_items.parquet")
    assert held.column("title").to_pylist() == [None] and held.column("item_number").to_pylist() == ["1"]
    assert "title is required" in held.column("reasons").to_pylist()[0]
    assert pq.read_table(tmp_path / "blocked" / "agenda_items.parquet").schema.field("title").nullable is False


def test_the_sample_run_publishes_no_empty_strings(sample_run):
    import pyarrow.parquet as pq

    from schemas.contract import DATASETS

    _, out = sample_run
    for name, ds in DATASETS.items():
        table = pq.read_table(out / f"{name}.parquet")
        for column in ds.columns:
            if column.kind == "string":
                assert "" not in table.column(column.name).to_pylist(), (name, column.name)


def test_a_publication_of_the_previous_contract_is_carried_over(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "outputs"
    _, first = _publish(out, AGENDA)
    # As contract 1 wrote it: no `floor` column, no derived datasets.
    table = pq.read_table(out / "scorecard_indicators.parquet")
    pq.write_table(table.drop_columns(["floor"]), out / "scorecard_indicators.parquet")
    for name in ("indicator_history", "action_history"):
        (out / f"{name}.parquet").unlink()
    _, second = _publish(out, MINUTES)
    published, _ = load_published(out)
    assert sorted(published["packs"]["pack_id"]) == sorted([first.pack_id, second.pack_id])
    assert "floor" in pq.read_table(out / "scorecard_indicators.parquet").column_names
