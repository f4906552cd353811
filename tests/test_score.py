"""The scorer can fail: empty truth scopes its pack, keys are not matches, rows pair only on the key."""

from __future__ import annotations

import csv

from bench.score import score_folder, score_rows
from schemas.contract import DATASETS

PACK = "0123456789abcdef"


def _write(path, name, rows):
    columns = DATASETS[name].column_names
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def test_an_empty_truth_file_still_scopes_its_pack(tmp_path):
    truth, out = tmp_path / "t.truth", tmp_path / "out"
    truth.mkdir()
    out.mkdir()
    pack = {"pack_id": PACK, "page": "1", "sha256": "0" * 64, "source": "x", "file_name": "x.pdf", "page_count": "3"}
    _write(truth / "packs.csv", "packs", [pack])
    _write(out / "packs.csv", "packs", [pack])
    _write(truth / "minute_actions.csv", "minute_actions", [])
    action = {"pack_id": PACK, "page": "2", "meeting_date": "2024-01-01", "minute_number": "3", "action": "Invented"}
    _write(out / "minute_actions.csv", "minute_actions", [action, {**action, "pack_id": "f" * 16}])
    score = score_folder(out, truth)["minute_actions"]
    assert score["predicted_rows"] == 1, "only the scoped pack's rows count"
    assert score["precision"] == 0.0 and score["f1"] == 0.0


def test_key_columns_and_pack_id_are_not_matched_fields():
    columns = DATASETS["agenda_items"].column_names
    truth = [{"pack_id": PACK, "item_number": "4", "page": "1", "title": "Minutes", "description": "", "pages_from": "3", "pages_to": "9"}]
    wrong = [{"pack_id": PACK, "item_number": "4", "page": "2", "title": "Other", "description": "x", "pages_from": "4", "pages_to": "8"}]
    score = score_rows(wrong, truth, columns, DATASETS["agenda_items"].key)
    assert score["paired_rows"] == 1 and score["tp_fields"] == 0 and score["f1"] == 0.0
    assert "pack_id" not in score["scored_fields"] and "item_number" not in score["scored_fields"]


def test_rows_pair_only_on_the_key():
    columns = DATASETS["agenda_items"].column_names
    truth = [{"pack_id": PACK, "item_number": "4", "page": "1", "title": "Minutes", "description": "", "pages_from": "3", "pages_to": "9"}]
    # Every field right but the key: not the same row, so nothing matches.
    pred = [{**truth[0], "item_number": "5"}]
    score = score_rows(pred, truth, columns, DATASETS["agenda_items"].key)
    assert score["paired_rows"] == 0 and score["tp_fields"] == 0
    right = score_rows(truth, truth, columns, DATASETS["agenda_items"].key)
    assert right["f1"] == 1.0 and right["tp_fields"] == len(right["scored_fields"]) == 5
