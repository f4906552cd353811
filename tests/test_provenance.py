"""Provenance: the cells a table row was read from are kept beside the datasets, and `scrutiny show` draws them."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
from PIL import Image

from schemas.contract import DATASETS
from tests.conftest import SAMPLE, TAMESIDE_PDF, run_cli


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("provenance") / "outputs"
    assert run_cli("run", str(TAMESIDE_PDF), "--output", str(out)).exit_code == 0
    return out


def test_every_published_action_has_its_cells_keyed_like_the_dataset(published):
    table = pq.read_table(published / "provenance" / "action_plan.parquet")
    key = list(DATASETS["action_plan"].key)
    assert table.column_names[: len(key)] == key
    boxes = table.to_pylist()
    with (published / "action_plan.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 32
    keyed = {tuple(b[c] for c in key) for b in boxes}
    assert {tuple(r[c] for c in key) for r in rows} <= keyed
    # Action 1.1 of the Tameside plan starts on page 17: its ref cell is at the left of the table.
    ref = next(b for b in boxes if b["ref"] == "1.1" and b["column"] == "ref")
    assert ref["page"] == 17 and 30 < ref["x0"] < ref["x1"] < 120 and ref["top"] < ref["bottom"]
    # The datasets' own columns stay as the contract says.
    assert pq.read_table(published / "action_plan.parquet").schema.equals(DATASETS["action_plan"].arrow_schema)
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["provenance"]["action_plan"]["rows"] == len(boxes)


def test_show_draws_the_rows_of_a_page(published, tmp_path):
    png = tmp_path / "page17.png"
    result = run_cli("show", "f89538e73669539c", "--page", "17", "--out", str(png), "--output", str(published))
    assert result.exit_code == 0, result.output
    assert "action_plan" in result.output and "cells outlined" in result.output
    image = Image.open(png)
    assert image.size[0] > 1000
    # Outlines are drawn in the action plan's colour where the ref cell of 1.1 is.
    pixels = image.convert("RGB").load()
    boxes = [b for b in pq.read_table(published / "provenance" / "action_plan.parquet").to_pylist() if b["page"] == 17]
    first = min(boxes, key=lambda b: (b["top"], b["x0"]))
    x, y = int(first["x0"] * 2), int((first["top"] + first["bottom"]))
    assert any(pixels[x + dx, y] != (255, 255, 255) for dx in range(-3, 6))


def test_show_names_a_missing_page(published, tmp_path):
    result = run_cli("show", "f89538e73669539c", "--page", "61", "--out", str(tmp_path / "x.png"), "--output", str(published))
    assert result.exit_code == 2
    assert "pages 1-60" in result.output


def test_a_pack_without_tables_has_no_provenance_rows(tmp_path):
    out = tmp_path / "outputs"
    assert run_cli("run", str(SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"), "--output", str(out)).exit_code == 0
    assert not (out / "provenance").exists()
