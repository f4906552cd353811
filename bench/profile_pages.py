"""Where extraction's CPU time goes, phase by phase, against pdfplumber's bare extract_tables().

Usage: python bench/profile_pages.py [--out bench/results/extraction_profile.json] [PDF ...]

Each phase is timed exclusively (time spent in a nested phase counts for that phase only), with
CPU seconds (`time.process_time`), so neighbours' load on a shared machine matters little. By
default: the packs in ../shared/packs and two Kent papers (a scorecard appendix and minutes).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
KENT = SHARED / "corpus" / "uk_council" / "kent_cc"
DEFAULT_PDFS = [
    *sorted((SHARED / "packs").glob("*.pdf")),
    KENT / "cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf",
    KENT / "full_council/2025-03-13/originals/Printed minutes 13th-Mar-2025 10.00 County Council.pdf",
]

# (module, function, phase): every place a phase starts.
PHASES = [
    ("extractors.pdf_pages", "parse_page", "parse the page (pdfminer, objects)"),
    ("extractors.pack", "read_page", "words and lines"),
    ("extractors.pdf_pages", "hold_page", "unpack released characters"),
    ("extractors.pdf_pages", "release_page", "pack characters past the budget"),
    ("extractors.pdf_pages", "forget_page", "forget pages read or past both budgets"),
    ("extractors.pack", "read_stamps", "stamps"),
    ("extractors.pack", "item_parts", "split items into parts"),
    ("extractors.pack", "parse_agenda", "agenda"),
    ("extractors.pack", "parse_minutes", "minutes"),
    ("extractors.pack", "read_tables", "ruled tables"),
    ("extractors.pack", "_recut", "tables under charts"),
    ("extractors.pack", "best_claim", "claims"),
    ("extractors.pack", "legend_of_page", "RAG keys"),
    ("extractors.pack", "extract_scorecards", "scorecards"),
    ("extractors.pack", "extract_cards", "KPI cards"),
    ("extractors.pack", "extract_measures", "measures"),
    ("extractors.pack", "extract_action_plans", "action plans"),
    ("extractors.pack", "make_frame", "data frames"),
]


class Timer:
    """Exclusive CPU seconds per phase: a nested phase's time is taken out of its caller's."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.stack: list[list] = []

    def wrap(self, phase: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self.stack.append([phase, time.process_time(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                name, started, nested = self.stack.pop()
                spent = time.process_time() - started
                self.seconds[name] = self.seconds.get(name, 0.0) + spent - nested
                if self.stack:
                    self.stack[-1][2] += spent

        return timed


def profile(path: Path) -> dict[str, object]:
    """Phase seconds of one extract_pack, and pdfplumber's bare extract_tables() on the same pages."""
    import importlib

    import pdfplumber

    from extractors.pack import extract_pack

    timer = Timer()
    originals = []
    for module_name, function_name, phase in PHASES:
        module = importlib.import_module(module_name)
        original = getattr(module, function_name)
        originals.append((module, function_name, original))
        setattr(module, function_name, timer.wrap(phase, original))
    try:
        started = time.process_time()
        result = extract_pack(path, path.name)
        total = time.process_time() - started
    finally:
        for module, function_name, original in originals:
            setattr(module, function_name, original)
    started = time.process_time()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()
    bare = time.process_time() - started
    phases = {**timer.seconds, "other": total - sum(timer.seconds.values())}
    return {
        "pages": result.page_count,
        "extract_pack_cpu_s": round(total, 3),
        "bare_extract_tables_cpu_s": round(bare, 3),
        "ratio_extract_pack_to_bare_cpu": round(total / bare, 3),
        "phases_cpu_s": {k: round(v, 3) for k, v in sorted(phases.items(), key=lambda kv: -kv[1])},
        "phases_share": {k: round(v / total, 3) for k, v in sorted(phases.items(), key=lambda kv: -kv[1])},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extraction_profile.json")
    args = parser.parse_args(argv)
    report = {}
    for path in args.pdfs or DEFAULT_PDFS:
        report[path.name] = profile(path)
        print(path.name, json.dumps(report[path.name]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
