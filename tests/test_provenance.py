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


def _words_in(page: int, box: dict) -> str:
    """The words pdfplumber reads wholly inside a provenance box (with half a point of slack)."""
    import pdfplumber

    with pdfplumber.open(TAMESIDE_PDF) as pdf:
        area = pdf.pages[page - 1].within_bbox((box["x0"] - 0.5, box["top"] - 0.5, box["x1"] + 0.5, box["bottom"] + 0.5))
        return " ".join(w["text"] for w in area.extract_words())


@pytest.mark.parametrize("name", ["scorecard_indicators", "scorecard_values", "scorecard_benchmarks", "performance_measures"])
def test_scorecard_and_measure_rows_have_their_cells_inside_the_page(published, name):
    table = pq.read_table(published / "provenance" / f"{name}.parquet")
    key = list(DATASETS[name].key) or ["pack_id", "row_page", "row_index"]
    assert table.column_names[: len(key)] == key
    boxes = table.to_pylist()
    with (published / f"{name}.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    # Every published row has boxes (rows of keyless datasets are named by page and place).
    if DATASETS[name].key:
        assert {tuple(r[c] for c in key) for r in rows} <= {tuple("" if b[c] is None else str(b[c]) for c in key) for b in boxes}
    else:
        assert len({(b["row_page"], b["row_index"]) for b in boxes}) == len(rows)
    # A4 landscape and portrait pages of the pack: 842 x 595 points at most.
    assert all(0 <= b["x0"] < b["x1"] <= 842 and 0 <= b["top"] < b["bottom"] <= 842 for b in boxes)
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["provenance"][name]["rows"] == len(boxes)


def test_a_value_box_holds_the_printed_value(published):
    values = pq.read_table(published / "provenance" / "scorecard_values.parquet").to_pylist()
    (fd1,) = [b for b in values if b["ref"] == "FD1" and b["period"] == "2023-08"]
    assert fd1["page"] == 44 and fd1["column"] == "Aug-23"
    assert _words_in(44, fd1) == "1169"
    indicators = pq.read_table(published / "provenance" / "scorecard_indicators.parquet").to_pylist()
    cells = {b["column"]: b for b in indicators if b["ref"] == "FD1"}
    assert _words_in(44, cells["ref"]) == "FD1"
    assert _words_in(44, cells["indicator"]).startswith("Contact Received inc LCS")
    assert _words_in(44, cells["previous_year"]) == "1350"
    assert _words_in(44, cells["direction"]) == "↑"
    assert _words_in(44, cells["target"]) == "", "a read column's empty cell is kept: its box shows where the value was looked for"
    benchmarks = pq.read_table(published / "provenance" / "scorecard_benchmarks.parquet").to_pylist()
    (gm,) = [b for b in benchmarks if b["ref"] == "WF1" and b["benchmark"] == "Greater Manchester Average"]
    assert gm["page"] == 51 and _words_in(51, gm) == "2087"


def test_a_measure_box_holds_its_data_source(published):
    boxes = pq.read_table(published / "provenance" / "performance_measures.parquet").to_pylist()
    with (published / "performance_measures.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    index = next(i for i, r in enumerate(rows) if r["measure"] == "Audits")
    cells = {b["column"]: b for b in boxes if b["row_index"] == index}
    assert cells["measure"]["page"] == 40 and _words_in(40, cells["measure"]) == "• Audits"  # the bullet is dropped from the row
    assert _words_in(40, cells["data_source"]) == "Scorecard - SG16-20 and Quality Assurance Reporting"


def test_a_kpi_card_row_keeps_the_boxes_of_its_title_rating_and_figures():
    import pdfplumber

    from extractors.pack import extract_pack
    from tests.conftest import SHARED

    qpr = SHARED / "corpus/uk_council/kent_cc/cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf"
    result = extract_pack(qpr, qpr.name)
    boxes = [b for b in result.provenance["scorecard_indicators"] if b["page"] == 9 and b["service_area"] == "Customer Services"]
    first = min(boxes, key=lambda b: b["top"])["indicator"]
    cells = {b["column"]: b for b in boxes if b["indicator"] == first}
    with pdfplumber.open(qpr) as pdf:
        page = pdf.pages[8]

        def words(box: dict) -> str:
            return " ".join(w["text"] for w in page.within_bbox((box["x0"] - 0.5, box["top"] - 0.5, box["x1"] + 0.5, box["bottom"] + 0.5)).extract_words())

        assert words(cells["indicator"]) == "Percentage of callers to Contact Point who rated the advisor who dealt with their call as good"
        assert words(cells["performance_rag"]) == "GREEN"
        assert words(cells["latest"]) == "Latest: 97%"
        assert words(cells["floor, target"]).startswith("Target: 97%, Floor: 90%")
        assert words(cells["previous"]) == "Previous: 97% (Green)"
