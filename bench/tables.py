"""Compare three table readers on the same ruled-table pages: cell text, RAG ratings and speed.

Usage: .venv/bin/python bench/tables.py [--out bench/results/tables.json] [--runs 3]

Readers:
  ours      `extractors.table_reader.read_tables` (text, bbox and fill per cell); a cell's RAG is
            `extractors.rag.read_rag(text, fill)`: its words, or its fill colour when it has none.
  camelot   `camelot.read_pdf(..., flavor="lattice")`; no cell colours, so RAG comes from the text
            only (`extractors.rag.rag_from_text`).
  pdfplumber  the default `page.extract_tables()`; text only, RAG from the text likewise.

Documents (PDFs and truth under ../shared):
  tameside  action-plan pages 17-36 of the Tameside children's scrutiny pack; the RAG cells are
            coloured fills with no text.
  kent_qpr  pages 4-7 of Kent's QPR Q3 appendix 1; the RAG cells carry a fill and the word.

Metrics per reader and document:
  cell_recall       share of truth text values (tameside: ref and lead; kent_qpr: indicator) equal,
                    after `norm`, to the whole text of some extracted cell on the pages.
  rag_recall        share of truth RAG values reproduced in the row whose key cell (ref or
                    indicator) matches after `norm`; the RAG cells are found at fixed offsets from
                    the key cell (tameside: 8th and 9th columns; kent_qpr: the two next to it).
  seconds_per_page  time.perf_counter around the reader call only, best of `--runs` runs, divided
                    by the page count. The pdfplumber-based readers get a freshly opened PDF each
                    run, so their figure includes parsing the pages (pdfplumber caches that per
                    page); camelot's API takes a path, so its figure includes opening the file.

Writes bench/results/tables.json (sorted keys; only the timings change between runs) and prints a
summary table.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import camelot  # noqa: E402
import pdfplumber  # noqa: E402

from extractors.rag import rag_from_text, read_rag  # noqa: E402
from extractors.table_reader import read_tables  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT_OUT = ROOT / "bench" / "results" / "tables.json"

# pdfium is camelot 2.0.0's own renderer (pypdfium2 wheel): ghostscript is not installed here and the
# poppler backend is broken in 2.0.0. No fallback, so the recorded backend is the one that ran.
# "combined" is camelot's default lattice engine, named so the JSON says what was measured.
CAMELOT_OPTIONS: dict[str, object] = {"flavor": "lattice", "backend": "pdfium", "use_fallback": False, "engine": "combined"}


@dataclass(frozen=True)
class Found:
    """One extracted cell as the metrics see it: its text and the RAG rating the reader gives it."""

    text: str
    rag: str | None


# A table as rows of cells; None where a reader reports a cell covered by a span.
Grid = list[list[Found | None]]


@dataclass(frozen=True)
class Document:
    """A PDF page range with its truth rows and how to score them."""

    name: str
    pdf: Path
    first_page: int
    last_page: int
    truth: Path
    load_truth: Callable[[Path], list[dict[str, str]]]
    key_field: str
    text_fields: tuple[str, ...]
    rag_offsets: dict[str, int]  # truth RAG column -> column offset from the key cell

    @property
    def pages(self) -> list[int]:
        return list(range(self.first_page, self.last_page + 1))


_SPACE_CATEGORIES = ("P", "S", "Co")


def norm(text: str | None) -> str:
    """Text for comparison: NFKC, case-folded, punctuation/symbols/private-use glyphs as spaces, one space per run.

    Punctuation becomes a space (not nothing) so that "multi-\\nagency" and "multi-agency", or
    "EHCP’s" and "EHCP's", compare equal; private-use characters are symbol-font bullet glyphs.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith(_SPACE_CATEGORIES) else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def load_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a truth CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_qpr(path: Path) -> list[dict[str, str]]:
    """The rows of every table in the Kent QPR truth JSON, in page order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [row for table in data["tables"] for row in table["rows"]]


DOCUMENTS = (
    Document(
        name="tameside",
        pdf=SHARED / "packs" / "tameside-childrens-scrutiny-2024-03-06.pdf",
        first_page=17,
        last_page=36,
        truth=SHARED / "packs" / "tameside-childrens-scrutiny-2024-03-06.truth" / "action_plan.csv",
        load_truth=load_csv,
        key_field="ref",
        text_fields=("ref", "lead"),
        # Ref is the 1st column; Action RAG and Impact RAG are the 8th and 9th.
        rag_offsets={"action_rag": 7, "impact_rag": 8},
    ),
    Document(
        name="kent_qpr",
        pdf=SHARED / "corpus" / "uk_council" / "kent_cc" / "cabinet" / "2025-03-04" / "originals" / "QPR Q3 Cabinet appendix 1.pdf",
        first_page=4,
        last_page=7,
        truth=SHARED / "corpus" / "uk_council" / "kent_cc" / "ground_truth" / "QPR_Q3_appendix1_pages4-7.json",
        load_truth=load_qpr,
        key_field="indicator",
        text_fields=("indicator",),
        rag_offsets={"rag_latest": 1, "rag_previous": 2},
    ),
)


def run_ours(pdf: Path, pages: list[int]) -> tuple[list[Grid], float]:
    """`read_tables` on each page; returns the grids and the seconds spent in the reader."""
    with pdfplumber.open(pdf) as doc:
        # Fresh Page objects every run: pdfplumber caches parsed objects on the page.
        selected = [doc.pages[n - 1] for n in pages]
        started = time.perf_counter()
        tables = [table for page in selected for table in read_tables(page)]
        elapsed = time.perf_counter() - started
    grids = [[[Found(c.text, read_rag(c.text, c.fill)) if c else None for c in row.cells] for row in t.rows] for t in tables]
    return grids, elapsed


def run_pdfplumber(pdf: Path, pages: list[int]) -> tuple[list[Grid], float]:
    """pdfplumber's default `extract_tables()` on each page; RAG from cell text."""
    with pdfplumber.open(pdf) as doc:
        selected = [doc.pages[n - 1] for n in pages]
        started = time.perf_counter()
        tables = [table for page in selected for table in page.extract_tables()]
        elapsed = time.perf_counter() - started
    grids = [[[Found(c, rag_from_text(c)) if c is not None else None for c in row] for row in t] for t in tables]
    return grids, elapsed


def run_camelot(pdf: Path, pages: list[int]) -> tuple[list[Grid], float]:
    """camelot lattice over the page range in one call; RAG from cell text."""
    started = time.perf_counter()
    tables = camelot.read_pdf(str(pdf), pages=f"{pages[0]}-{pages[-1]}", **CAMELOT_OPTIONS)
    elapsed = time.perf_counter() - started
    grids = [[[Found(str(c), rag_from_text(str(c))) for c in row] for row in t.df.values.tolist()] for t in tables]
    return grids, elapsed


READERS: dict[str, Callable[[Path, list[int]], tuple[list[Grid], float]]] = {
    "ours": run_ours,
    "camelot": run_camelot,
    "pdfplumber": run_pdfplumber,
}


def score(document: Document, truth: list[dict[str, str]], grids: list[Grid]) -> dict:
    """Cell recall and RAG recall of one reader's grids against a document's truth rows."""
    texts = {norm(c.text) for grid in grids for row in grid for c in row if c is not None}
    wanted = [row[f] for row in truth for f in document.text_fields if norm(row.get(f))]
    missing = [value for value in wanted if norm(value) not in texts]

    rag_total = rag_hits = matched = 0
    misses: Counter[str] = Counter()
    for record in truth:
        hit = _find_row(grids, norm(record[document.key_field]))
        matched += hit is not None
        for field, offset in document.rag_offsets.items():
            expected = (record.get(field) or "").strip().upper()
            if not expected:
                continue
            rag_total += 1
            got = None
            if hit is not None:
                row, column = hit
                cell = row[column + offset] if column + offset < len(row) else None
                got = cell.rag if cell is not None else None
            if got == expected:
                rag_hits += 1
            else:
                misses[f"{expected}->{got or 'none'}"] += 1
    return {
        "tables": len(grids),
        "cells_total": len(wanted),
        "cells_found": len(wanted) - len(missing),
        "cell_recall": _ratio(len(wanted) - len(missing), len(wanted)),
        "cells_missing": sorted(set(missing)),
        "rows_total": len(truth),
        "rows_matched": matched,
        "rag_total": rag_total,
        "rag_found": rag_hits,
        "rag_recall": _ratio(rag_hits, rag_total),
        "rag_misses": dict(sorted(misses.items())),
    }


def _find_row(grids: list[Grid], key: str) -> tuple[list[Found | None], int] | None:
    """The first row, in reading order, with a cell whose normalised text is `key`, and that cell's column."""
    if not key:
        return None
    for grid in grids:
        for row in grid:
            for column, cell in enumerate(row):
                if cell is not None and norm(cell.text) == key:
                    return row, column
    return None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def measure(document: Document, runs: int) -> dict[str, dict]:
    """Every reader on one document: scores from its output, and its best time over `runs` runs."""
    truth = document.load_truth(document.truth)
    results = {}
    for name, reader in READERS.items():
        outputs, times = [], []
        for _ in range(runs):
            grids, elapsed = reader(document.pdf, document.pages)
            outputs.append(grids)
            times.append(elapsed)
        entry = score(document, truth, outputs[-1])
        entry["seconds_per_page"] = round(min(times) / len(document.pages), 4)
        # Scores come from one run; this says whether every run read the same tables.
        entry["same_output_every_run"] = all(o == outputs[0] for o in outputs)
        results[name] = entry
    return results


def _relative(path: Path) -> str:
    return str(path.relative_to(SHARED.parent))


def build_report(runs: int) -> dict:
    """The full report: settings, versions and per-document, per-reader figures."""
    documents = {}
    for document in DOCUMENTS:
        documents[document.name] = {
            "pdf": _relative(document.pdf),
            "pages": f"{document.first_page}-{document.last_page}",
            "truth": _relative(document.truth),
            "key_field": document.key_field,
            "text_fields": list(document.text_fields),
            "rag_fields": {field: f"column of key + {offset}" for field, offset in document.rag_offsets.items()},
            "readers": measure(document, runs),
        }
    return {
        "camelot_options": CAMELOT_OPTIONS,
        "documents": documents,
        "normaliser": norm.__doc__.splitlines()[0],
        "paths_relative_to": "parent folder of the project (shared/ holds the PDFs and truth)",
        "rag_sources": {
            "camelot": "extractors.rag.rag_from_text(cell text)",
            "ours": "extractors.rag.read_rag(cell text, cell fill)",
            "pdfplumber": "extractors.rag.rag_from_text(cell text)",
        },
        "timing": f"time.perf_counter around the reader call only; best of {runs} runs; divided by pages",
        "versions": {
            "camelot-py": version("camelot-py"),
            "pdfplumber": version("pdfplumber"),
            "pdfminer.six": version("pdfminer.six"),
            "pypdfium2": version("pypdfium2"),
            "python": platform.python_version(),
        },
    }


def summary(report: dict) -> str:
    """A plain-text table of the headline figures."""

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    lines = [f"{'document':<10} {'reader':<11} {'cell recall':>17} {'RAG recall':>17} {'s/page':>8}"]
    for doc_name, doc in report["documents"].items():
        for name, r in doc["readers"].items():
            cells = f"{pct(r['cell_recall'])} ({r['cells_found']}/{r['cells_total']})"
            rags = f"{pct(r['rag_recall'])} ({r['rag_found']}/{r['rag_total']})"
            lines.append(f"{doc_name:<10} {name:<11} {cells:>17} {rags:>17} {r['seconds_per_page']:>8.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    parser.add_argument("--runs", type=int, default=3, help="runs per reader; the fastest is reported")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    report = build_report(args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(summary(report))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
