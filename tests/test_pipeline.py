"""End to end: `scrutiny run` on the embedded sample publishes every dataset, deterministically."""

from __future__ import annotations

import csv
import hashlib
import json

import pyarrow.parquet as pq

from bench.score import score_folder
from schemas.contract import DATASETS
from tests.conftest import SAMPLE, TAMESIDE_TRUTH, run_cli


def test_exit_code_is_1_and_the_bad_file_is_named(sample_run, not_a_pdf):
    result, out = sample_run
    assert result.exit_code == 1
    manifest = json.loads((out / "manifest.json").read_text())
    failed = [p for p in manifest["packs"] if p["status"] == "error"]
    assert [p["file_name"] for p in failed] == ["minutes.pdf"]
    assert failed[0]["error"]["code"] == "not_pdf"
    assert "not a PDF" in failed[0]["error"]["message"]
    assert "not_pdf" in result.output


def test_the_other_packs_are_published(sample_run):
    _, out = sample_run
    with (out / "packs.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(list(SAMPLE.glob("*.pdf"))) == 3
    tameside = next(r for r in rows if r["file_name"].startswith("tameside"))
    assert tameside["pack_id"] == "f89538e73669539c"
    assert tameside["page_count"] == "60"
    assert tameside["meeting_date"] == "2024-03-06"
    assert tameside["meeting_time"] == "18:00"
    assert tameside["venue"] == "Committee Room 1 - Tameside One"


def test_every_dataset_in_both_formats_with_contract_columns_and_types(sample_run):
    _, out = sample_run
    for name, ds in DATASETS.items():
        table = pq.read_table(out / f"{name}.parquet")
        assert table.schema.equals(ds.arrow_schema), name
        with (out / f"{name}.csv").open() as handle:
            assert next(csv.reader(handle)) == ds.column_names
        with (out / "quarantine" / f"{name}.csv").open() as handle:
            assert next(csv.reader(handle)) == [*ds.column_names, "reasons"]


def test_manifest_traces_versions_inputs_and_files(sample_run):
    _, out = sample_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["contract_version"] and manifest["extractor_version"]
    tameside = next(p for p in manifest["packs"] if p["pack_id"] == "f89538e73669539c")
    assert tameside["sha256"].startswith("f89538e73669539c")
    assert tameside["rows"]["documents"] == 6
    for info in manifest["datasets"].values():
        for rel, digest in info["sha256"].items():
            assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest, rel


def test_packs_and_documents_match_the_tameside_truth(sample_run):
    _, out = sample_run
    scores = score_folder(out, TAMESIDE_TRUTH)
    assert scores["packs"]["f1"] >= 0.99
    assert scores["documents"]["f1"] >= 0.99


def test_two_runs_give_identical_bytes(sample_run, tmp_path, not_a_pdf):
    _, first = sample_run
    second = tmp_path / "outputs"
    run_cli("run", str(SAMPLE), str(not_a_pdf), "--output", str(second))
    data_files = sorted(p.relative_to(first) for p in first.rglob("*") if p.suffix in (".csv", ".parquet"))
    assert len(data_files) == 4 * len(DATASETS)
    for rel in data_files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_rows_of_a_low_confidence_table_are_quarantined_with_the_reason(tmp_path):
    from tests.pdf_builder import PageSpec, write_pdf

    page = PageSpec()
    columns = [40, 80, 260, 340, 420, 500, 580, 660, 740]
    for x, text in zip(columns, ["No.", "Action", "Owner", "Alpha", "Beta", "Gamma", "Delta", "Epsilon"]):
        page.text(x + 3, 64, text, 9, bold=True)
    for x, text in zip(columns, ["1", "Do the thing", "Someone", "a", "b", "c", "d", "e"]):
        page.text(x + 3, 84, text, 9)
    page.grid(columns, [60, 80, 100])
    pdf = write_pdf(tmp_path / "odd-plan.pdf", [page])
    out = tmp_path / "outputs"
    result = run_cli("run", str(pdf), "--output", str(out))
    assert result.exit_code == 0, result.output
    with (out / "quarantine" / "action_plan.csv").open() as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["ref"] == "1" and row["action"] == "Do the thing"
    assert "only 38% of its headers map to the contract" in row["reasons"]
    assert pq.read_table(out / "action_plan.parquet").num_rows == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["validation"]["datasets"]["action_plan"]["rows_rejected_by_extractor"] == 1


def test_a_pack_already_published_is_not_extracted_twice(tmp_path):
    agenda = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
    out = tmp_path / "outputs"
    assert run_cli("run", str(agenda), "--output", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    first = json.loads((out / "manifest.json").read_text())

    again = run_cli("run", str(agenda), "--output", str(out))
    assert again.exit_code == 0
    assert "unchanged" in again.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["run"]["packs_unchanged"], manifest["run"]["packs_ok"]) == (1, 0)
    assert manifest["packs"] == first["packs"], "the pack's entry stands as published"
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == before

    forced = run_cli("run", str(agenda), "--output", str(out), "--force")
    assert json.loads((out / "manifest.json").read_text())["run"]["packs_ok"] == 1
    assert forced.exit_code == 0
