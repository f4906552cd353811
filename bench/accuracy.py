"""Extract the truth fixtures' PDFs (no orchestration), publish them to a folder and score each.

Usage: python bench/accuracy.py [--out bench/results/accuracy.json] [--work DIR]

Reads `tests/fixtures/sources.json` (truth folder -> source PDF under ../shared) and writes the
per-dataset field-level precision, recall and F1 of every truth folder, plus seconds per page.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.score import score_folder  # noqa: E402
from extractors.pack import extract_pack  # noqa: E402
from flows.publish import write_tree  # noqa: E402
from flows.validate import gate  # noqa: E402
from schemas.contract import DATASETS  # noqa: E402
from schemas.frames import make_frame  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


def fixture_sources() -> dict[Path, Path]:
    """Truth folder -> source PDF, resolved to absolute paths."""
    mapping = json.loads((FIXTURES / "sources.json").read_text())
    return {(FIXTURES / k).resolve(): SHARED / v for k, v in mapping.items() if not k.startswith("_")}


def extract_to_folder(pdfs: list[Path], out: Path) -> dict[str, float]:
    """Extract PDFs, gate the rows and write the datasets to `out`; returns seconds per page per file."""
    import pandas as pd

    frames = {name: [] for name in DATASETS}
    timing = {}
    for pdf in pdfs:
        started = time.perf_counter()
        result = extract_pack(pdf, pdf.name)
        timing[pdf.name] = round((time.perf_counter() - started) / result.page_count, 4)
        for name, frame in result.frames.items():
            frames[name].append(frame)
    merged = {n: pd.concat(f, ignore_index=True) if f else make_frame(n) for n, f in frames.items()}
    checked = gate(merged)
    quarantined = {n: f for n, f in checked.quarantined.items()}
    write_tree(out, checked.published, quarantined)
    return timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "accuracy.json")
    parser.add_argument("--work", type=Path, help="keep the extracted datasets here")
    args = parser.parse_args(argv)
    sources = fixture_sources()
    work = args.work or Path(tempfile.mkdtemp(prefix="scrutiny-accuracy-")) / "out"
    timing = extract_to_folder(sorted(set(sources.values())), work)
    report = {"seconds_per_page": timing, "scores": {}}
    for truth, _ in sorted(sources.items()):
        report["scores"][truth.name] = score_folder(work, truth)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    for truth, scores in report["scores"].items():
        print(f"# {truth}")
        for name, s in scores.items():
            print(f"  {name:24} rows {s['truth_rows']:>4}/{s['predicted_rows']:<4} P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
