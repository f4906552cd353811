"""End to end: `scrutiny run` on the embedded sample publishes every dataset, deterministically."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq

from bench.score import score_folder
from schemas.contract import DATASETS
from tests.conftest import SAMPLE, TAMESIDE_TRUTH, run_cli


def run_record(out) -> dict:
    """The record of the latest run into `out` (named by the manifest)."""
    manifest = json.loads((out / "manifest.json").read_text())
    return json.loads((out / manifest["last_run"]).read_text())


def test_exit_code_is_1_and_the_bad_file_is_named(sample_run, not_a_pdf):
    result, out = sample_run
    assert result.exit_code == 1
    record = run_record(out)
    failed = [p for p in record["inputs"] if p["status"] == "error"]
    assert [p["file_name"] for p in failed] == ["minutes.pdf"]
    assert failed[0]["error"]["code"] == "not_pdf"
    assert "not a PDF" in failed[0]["error"]["message"]
    assert (record["packs_ok"], record["packs_failed"]) == (3, 1)
    assert "not_pdf" in result.output


def test_the_manifest_lists_exactly_the_published_packs(sample_run):
    _, out = sample_run
    manifest = json.loads((out / "manifest.json").read_text())
    with (out / "packs.csv").open() as handle:
        published = sorted(r["pack_id"] for r in csv.DictReader(handle))
    assert sorted(p["pack_id"] for p in manifest["packs"]) == published
    assert all(p["status"] == "ok" for p in manifest["packs"])
    assert manifest["libraries"]["pdfplumber"] and len(manifest["code_sha256"]) == 64


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
    # Each dataset and its quarantine in CSV and Parquet, and the cell boxes of the table-read datasets.
    boxed = ("action_plan", "scorecard_indicators", "scorecard_values", "scorecard_benchmarks", "performance_measures")
    assert len(data_files) == 4 * len(DATASETS) + len(boxed)
    assert {Path(f"provenance/{name}.parquet") for name in boxed} <= set(data_files)
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
    assert (run_record(out)["packs_unchanged"], run_record(out)["packs_ok"]) == (1, 0)
    assert manifest["packs"] == first["packs"], "the pack's entry stands as published"
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == before
    # The folder still describes every row it holds, not "0 rows checked".
    assert manifest["validation"] == first["validation"]
    assert manifest["validation"]["totals"]["rows_checked"] > 0
    summary = json.loads((out / "validation" / "summary.json").read_text())
    assert summary["totals"] == first["validation"]["totals"]
    assert len(list((out / "runs").glob("*.json"))) == 2

    forced = run_cli("run", str(agenda), "--output", str(out), "--force")
    assert run_record(out)["packs_ok"] == 1
    assert forced.exit_code == 0


def test_a_run_where_only_a_bad_file_fails_keeps_the_folder_truthful(sample_run, tmp_path, not_a_pdf):
    import shutil

    _, first = sample_run
    out = tmp_path / "outputs"
    shutil.copytree(first, out)
    before = json.loads((out / "manifest.json").read_text())
    result = run_cli("run", str(not_a_pdf), "--output", str(out))
    assert result.exit_code == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["validation"]["totals"] == before["validation"]["totals"]
    assert manifest["packs"] == before["packs"], "failures go to the run record, not the manifest"
    assert [p["status"] for p in run_record(out)["inputs"]] == ["error"]
    for name, info in manifest["datasets"].items():
        checked = manifest["validation"]["datasets"][name]
        assert checked["rows_checked"] - checked["rows_quarantined"] + checked.get("rows_rejected_by_extractor", 0) + checked.get(
            "rows_quarantined_earlier", 0
        ) == info["rows"], name
        assert checked["rows_quarantined"] == info["quarantined"], name


def test_the_same_bytes_given_twice_are_extracted_and_published_once(tmp_path):
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    agenda = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
    shutil.copy(agenda, folder / "agenda.pdf")
    shutil.copy(agenda, folder / "same agenda, other name.pdf")
    out = tmp_path / "outputs"
    # The folder holds two copies, and one of them is also named on its own.
    result = run_cli("run", str(folder), str(folder / "agenda.pdf"), "--output", str(out))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    (pack,) = manifest["packs"]
    assert len(pack["sources"]) == 2 and {s.rsplit("/", 1)[-1] for s in pack["sources"]} == {"agenda.pdf", "same agenda, other name.pdf"}
    assert manifest["validation"]["totals"]["rows_quarantined"] == 0
    assert pq.read_table(out / "agenda_items.parquet").num_rows == 9
    assert [p["status"] for p in run_record(out)["inputs"]] == ["ok"]

    # Later, from yet another place: unchanged, and the new place is recorded too.
    elsewhere = tmp_path / "elsewhere.pdf"
    shutil.copy(agenda, elsewhere)
    assert run_cli("run", str(elsewhere), "--output", str(out)).exit_code == 0
    (pack,) = json.loads((out / "manifest.json").read_text())["packs"]
    assert len(pack["sources"]) == 3
    assert pq.read_table(out / "agenda_items.parquet").num_rows == 9
