"""`scrutiny verify`: a re-extraction of the published packs matches, and any edit or loss is caught."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from tests.conftest import SAMPLE, run_cli

AGENDA = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    source = folder / "agenda.pdf"
    shutil.copy(AGENDA, source)
    out = folder / "outputs"
    assert run_cli("run", str(source), "--output", str(out)).exit_code == 0
    return out, source


def test_an_untouched_publication_verifies(published):
    out, _ = published
    result = run_cli("verify", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "verify: identical; 1 packs" in result.output


def test_a_hand_edited_csv_is_caught_and_its_row_named(published, tmp_path):
    out = tmp_path / "outputs"
    shutil.copytree(published[0], out)
    path = out / "agenda_items.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    title = rows[0].index("title")
    original = rows[3][title]
    rows[3][title] = "Something else"
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    pack_id = json.loads((out / "manifest.json").read_text())["packs"][0]["pack_id"]
    result = run_cli("verify", "--output", str(out), pack_id)
    assert result.exit_code == 1
    assert "agenda_items.csv: changed after publication" in result.output
    assert "agenda_items.csv: 0 rows added, 0 removed, 1 changed" in result.output
    item = rows[3][rows[0].index("item_number")]
    assert f"changed: line 4 (pack_id='{pack_id}', item_number='{item}'): title: 'Something else' published, {original!r} extracted" in result.output


def test_a_missing_source_exits_2(published, tmp_path, monkeypatch):
    out, source = published
    copy = tmp_path / "outputs"
    shutil.copytree(out, copy)
    # Neither the stored copy nor the recorded source is there any more.
    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path / "elsewhere"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["packs"][0]["sources"] = [str(tmp_path / "gone.pdf")]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = run_cli("verify", "--output", str(copy))
    assert result.exit_code == 2
    assert "missing source" in result.output


def test_an_unknown_pack_id_is_a_usage_error(published):
    result = run_cli("verify", "--output", str(published[0]), "0000000000000000")
    assert result.exit_code == 2
    assert "not in the manifest" in result.output
