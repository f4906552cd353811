"""The table finder on the ICDAR 2013 table competition set, and on camelot's and pdfplumber's own
expected test tables.

Usage: python bench/icdar.py [--out bench/results/icdar.json] [--predictions FILE.jsonl]

ICDAR 2013 (67 PDFs, 238 pages, under ../shared/corpus/icdar2013): `extractors.table_finder.find_tables`
reads every page of every PDF; its tables (text grid plus spans) are scored by the shared scorer
(../shared/tools/icdar/score.py: adjacency relations between neighbouring cells, tables matched per
page by shared text) into micro (pooled) and macro (mean per document) precision, recall and F1.

Speed: `time.process_time()` around `find_tables` (opening and parsing the PDF included), summed over
the set and divided by its pages. Process CPU time, not wall time, because the machine's cores are
shared; wall time is recorded too, for comparison with the peers' wall-clock figures.

Expected tables of the upstream test suites (../shared/corpus): camelot's tests that read whole
pages with a flavour's defaults (no table areas, regions, column hints or parser options) and
pdfplumber's tests that assert table contents. A camelot table counts as reproduced when one of
our tables on the same pages has the same grid cell for cell (whitespace runs read as one space),
and, separately, when it does once rows and columns that are empty in both are dropped.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from extractors.table_export import table_record  # noqa: E402
from extractors.table_finder import find_tables  # noqa: E402
from extractors.table_grid import grid_texts  # noqa: E402
from extractors.table_reader import Table  # noqa: E402

SHARED = ROOT.parent / "shared"
ICDAR = SHARED / "corpus" / "icdar2013"
SCORER = SHARED / "tools" / "icdar"
CAMELOT = SHARED / "corpus" / "camelot"
PDFPLUMBER = SHARED / "corpus" / "pdfplumber"
DEFAULT_OUT = ROOT / "bench" / "results" / "icdar.json"
# camelot test arguments that only choose the flavour or the pages, so the test reads whole pages.
PLAIN_ARGUMENTS = {"flavor", "pages"}


def run_icdar(predictions: Path) -> dict:
    """Read every ICDAR PDF, write the predictions file and return pages and timings."""
    cpu = wall = 0.0
    pages = 0
    with predictions.open("w", encoding="utf-8") as out:
        for pdf in sorted(ICDAR.rglob("*.pdf")):
            data = pdf.read_bytes()
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            tables = find_tables(data)
            cpu += time.process_time() - started_cpu
            wall += time.perf_counter() - started_wall
            with pdfplumber.open(pdf) as doc:
                pages += len(doc.pages)
            for number, table in enumerate(tables, start=1):
                record = table_record(table, pdf.name, number)
                out.write(json.dumps({k: record[k] for k in ("file", "page", "cells", "spans")}, ensure_ascii=False) + "\n")
    return {"pages": pages, "cpu_seconds_per_page": round(cpu / pages, 4), "wall_seconds_per_page": round(wall / pages, 4)}


def score_icdar(predictions: Path) -> dict:
    """The shared scorer's summary and per-document figures for one predictions file."""
    sys.path.insert(0, str(SCORER))
    import score as icdar_score  # the shared scorer (standard library only)

    gt = icdar_score.load_gt(ICDAR)
    preds, _ = icdar_score.load_predictions([predictions], gt)
    result = icdar_score.score_tool(gt, next(iter(preds.values())))
    (summary,) = icdar_score.summary_rows({"ours": result})
    per_doc = {doc: round(d["prf"][2], 4) for doc, d in result["docs"].items()}
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in summary.items() if k != "tool"}
    return {**rounded, "f1_per_document": per_doc}


def _clean(grid: list[list[str]], drop_empty: bool) -> list[list[str]]:
    rows = [[re.sub(r"\s+", " ", str(c or "")).strip() for c in row] for row in grid]
    if drop_empty:
        rows = [r for r in rows if any(r)]
        keep = [i for i in range(max((len(r) for r in rows), default=0)) if any(i < len(r) and r[i] for r in rows)]
        rows = [[r[i] if i < len(r) else "" for i in keep] for r in rows]
    return rows


def _pages_of(spec: str | None) -> list[int] | None:
    if not spec or spec == "all":
        return None
    return [int(p) for p in spec.split(",")]


def camelot_cases() -> list[dict]:
    """(expected table, PDF, pages) of camelot's tests that read whole pages with default options."""
    tests = json.loads((CAMELOT / "ground_truth" / "test_map.json").read_text())
    expected = json.loads((CAMELOT / "ground_truth" / "expected_tables.json").read_text())
    cases: dict[tuple, dict] = {}
    for test in tests:
        for pdf_name, kwargs in zip(test["pdfs"], test["read_pdf_kwargs"]):
            if set(kwargs) - PLAIN_ARGUMENTS:
                continue
            pages = kwargs.get("pages", '"1"').strip('"')
            for var in test["expected_vars"]:
                pdf = CAMELOT / "files" / pdf_name
                if var in expected and pdf.exists():
                    key = (var, pdf_name, pages)
                    cases.setdefault(key, {"expected": var, "pdf": pdf_name, "pages": pages, "tests": []})["tests"].append(test["test"])
    for case in cases.values():
        case["table"] = expected[case["expected"]]
    return sorted(cases.values(), key=lambda c: (c["pdf"], c["expected"]))


def _tables_of(pdf: Path, pages: list[int] | None) -> list[Table]:
    try:
        return find_tables(pdf.read_bytes(), pages)
    except Exception as exc:  # noqa: BLE001 - a file we cannot read reproduces nothing
        print(f"warning: {pdf.name}: {exc}", file=sys.stderr)
        return []


def run_camelot_cases() -> dict:
    """How many of camelot's expected whole-page tables one of our tables reproduces."""
    results = []
    for case in camelot_cases():
        ours = [grid_texts(t) for t in _tables_of(CAMELOT / "files" / case["pdf"], _pages_of(case["pages"]))]
        exact = any(_clean(g, False) == _clean(case["table"], False) for g in ours)
        loose = any(_clean(g, True) == _clean(case["table"], True) for g in ours)
        results.append({"expected": case["expected"], "pdf": case["pdf"], "pages": case["pages"], "tests": case["tests"], "exact": exact, "empty_rows_and_columns_dropped": loose})
    return {
        "cases": len(results),
        "reproduced_exactly": sum(r["exact"] for r in results),
        "reproduced_with_empty_rows_and_columns_dropped": sum(r["empty_rows_and_columns_dropped"] for r in results),
        "details": results,
    }


def _first_table(pdf: str, page: int = 1) -> list[list[str]]:
    tables = _tables_of(PDFPLUMBER / pdf, [page])
    return [[c.strip() for c in row] for row in grid_texts(tables[0])] if tables else []


def _rows_with(grid: list[list[str]], first: str) -> list[list[str]]:
    return [row for row in grid if row and row[0] == first]


# pdfplumber's tests that assert what a table holds, as (test, what it asserts, check on our output).
PDFPLUMBER_CASES = (
    (
        "test_ca_warn_report.py::test_parse",
        "the first data row of the WARN report",
        lambda: ["06/22/2015", "03/25/2016", "07/01/2015", "Maxim Integrated Product", "San Jose", "150", "Closure Permanent"]
        in [[re.sub(r"\s+", " ", c) for c in row] for row in _first_table("WARN-Report-for-7-1-2015-to-03-25-2016.pdf")],
    ),
    (
        "test_nics_report.py::test_text_only_strategy",
        "Alabama ... 71,137 and Wyoming ... 5,017 in column 23 of the NICS table",
        lambda: any(
            (_rows_with(g, "Alabama") and _rows_with(g, "Alabama")[0][22:23] == ["71,137"] and _rows_with(g, "Wyoming")[0][22:23] == ["5,017"])
            for g in [[[c.strip() for c in row] for row in grid_texts(t)] for t in _tables_of(PDFPLUMBER / "nics-background-checks-2015-11.pdf", [1])]
            if _rows_with(g, "Wyoming")
        ),
    ),
    (
        "test_table.py::test_edges_strict",
        "the last row of issue-140's table",
        lambda: any(
            ["", "0085648100300", "CENTRAL KMA", "LILYS 55% DARK CHOC BAR", "415", "$ 0.61", "$ 253.15", "0.0000", ""] in [[c.strip() for c in row] for row in grid_texts(t)]
            for t in _tables_of(PDFPLUMBER / "issue-140-example.pdf", [1])
        ),
    ),
    (
        "test_table.py::test_text_tolerance",
        "the last row of the senate expenditures table",
        lambda: any(
            row[-5:] in (["DHAW20190070", "09/09/2019", "CITIBANK - TRAVEL CBA CARD", "08/12/2019", "08/14/2019"], ["DHAW20190070", "09/09/2019", "CITIBANK-TRAVELCBACARD", "08/12/2019", "08/14/2019"])
            for t in _tables_of(PDFPLUMBER / "senate-expenditures.pdf", [1])
            for row in [[re.sub(r"\s+", " ", c).strip() for c in r] for r in grid_texts(t)]
        ),
    ),
    (
        "test_table.py::test_order",
        "three tables of 8, 11 and 2 rows, in that order",
        lambda: [len(t.rows) for t in _tables_of(PDFPLUMBER / "issue-336-example.pdf", [1])] == [8, 11, 2],
    ),
    (
        "test_table.py::test_issue_466_mixed_strategy",
        "one table of 4 rows and 3 columns",
        lambda: [(len(t.rows), len(t.rows[0].cells)) for t in _tables_of(PDFPLUMBER / "issue-466-example.pdf", [1])][:1] == [(4, 3)],
    ),
    (
        "test_table.py::test_table_curves",
        "one table whose last row but one ends ... 'Uncommon', ''",
        lambda: [grid_texts(t)[-2][-2] for t in _tables_of(PDFPLUMBER / "table-curves-example.pdf", [1])] == ["Uncommon"],
    ),
)


def run_pdfplumber_cases() -> dict:
    """How many of pdfplumber's asserted table contents our tables reproduce."""
    details = [{"test": test, "asserts": what, "reproduced": bool(check())} for test, what, check in PDFPLUMBER_CASES]
    return {"cases": len(details), "reproduced": sum(d["reproduced"] for d in details), "details": details}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    parser.add_argument("--predictions", type=Path, help="keep the ICDAR predictions (JSON lines) here")
    args = parser.parse_args(argv)
    predictions = args.predictions or Path(tempfile.mkdtemp(prefix="scrutiny-icdar-")) / "ours.jsonl"
    timing = run_icdar(predictions)
    report = {
        "icdar2013": {**score_icdar(predictions), **timing},
        "camelot_expected_tables": run_camelot_cases(),
        "pdfplumber_expected_tables": run_pdfplumber_cases(),
        "timing": "time.process_time() around find_tables (parsing included), summed and divided by pages",
        "versions": {
            "camelot-py": version("camelot-py"),
            "pdfplumber": version("pdfplumber"),
            "python": platform.python_version(),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    s = report["icdar2013"]
    print(f"ICDAR 2013: micro P {s['micro_p']:.3f} R {s['micro_r']:.3f} F1 {s['micro_f1']:.3f}; macro P {s['macro_p']:.3f} R {s['macro_r']:.3f} F1 {s['macro_f1']:.3f}; {s['cpu_seconds_per_page']:.3f} CPU s/page")
    c, p = report["camelot_expected_tables"], report["pdfplumber_expected_tables"]
    print(f"camelot expected tables reproduced: {c['reproduced_exactly']}/{c['cases']} exactly, {c['reproduced_with_empty_rows_and_columns_dropped']}/{c['cases']} with empty rows and columns dropped")
    print(f"pdfplumber asserted tables reproduced: {p['reproduced']}/{p['cases']}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
