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
