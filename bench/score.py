"""Score an output folder against truth folders: field-level precision, recall and F1 per dataset.

Usage: python bench/score.py OUTPUT_DIR TRUTH_DIR [TRUTH_DIR ...] [--out results.json]

A truth folder holds `<dataset>.csv` files in the contract's shape (e.g. `*.truth/`). Only packs that
appear in a truth file are scored. Rows are paired one-to-one, greedily by the number of equal
fields (same pack); a field counts as a true positive when the paired values are equal (numbers
compared numerically, "" and null equal). Precision = TP / predicted fields, recall = TP / truth
fields. `source` is not scored: it records where a file was pulled from, which differs per machine.
A truth folder may hold `_scope.json` {"max_page": N} when its truth covers only the first N pages,
or {"pages": [...]} when it covers only those pages.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

IGNORED_COLUMNS = {"source"}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def same(a: str | None, b: str | None) -> bool:
    a, b = (a or "").strip(), (b or "").strip()
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def score_rows(pred: list[dict], truth: list[dict], columns: list[str]) -> dict[str, float]:
    """Pair rows greedily by agreement and count field-level true positives."""
    cols = [c for c in columns if c not in IGNORED_COLUMNS]
    pairs = []
    for i, t in enumerate(truth):
        for j, p in enumerate(pred):
            if p.get("pack_id") != t.get("pack_id"):
                continue
            agree = sum(1 for c in cols if same(p.get(c), t.get(c)))
            if agree:
                pairs.append((agree, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_t, used_p, tp = set(), set(), 0
    for agree, i, j in pairs:
        if i in used_t or j in used_p:
            continue
        used_t.add(i)
        used_p.add(j)
        tp += agree
    n_pred, n_truth = len(pred) * len(cols), len(truth) * len(cols)
    precision = tp / n_pred if n_pred else (1.0 if not n_truth else 0.0)
    recall = tp / n_truth if n_truth else (1.0 if not n_pred else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "truth_rows": len(truth),
        "predicted_rows": len(pred),
        "tp_fields": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def score_folder(output_dir: Path, truth_dir: Path) -> dict[str, dict]:
    """Scores per dataset for one truth folder."""
    scope = json.loads((truth_dir / "_scope.json").read_text()) if (truth_dir / "_scope.json").exists() else {}
    results = {}
    for truth_file in sorted(truth_dir.glob("*.csv")):
        name = truth_file.stem
        out_file = output_dir / f"{name}.csv"
        if not out_file.exists():
            continue  # a companion file that is not a dataset
        truth = read_rows(truth_file)
        with truth_file.open(newline="", encoding="utf-8") as handle:
            columns = next(csv.reader(handle))
        packs = {r["pack_id"] for r in truth} or set(scope.get("pack_ids", []))
        pred = [r for r in read_rows(out_file) if r.get("pack_id") in packs]
        if "max_page" in scope:
            pred = [r for r in pred if r.get("page") and int(r["page"]) <= scope["max_page"]]
        if "pages" in scope:
            pred = [r for r in pred if r.get("page") and int(r["page"]) in scope["pages"]]
        results[name] = score_rows(pred, truth, columns)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("truth_dirs", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, help="write the scores as JSON here")
    args = parser.parse_args(argv)
    report = {str(t): score_folder(args.output_dir, t) for t in args.truth_dirs}
    for truth, scores in report.items():
        print(f"# {truth}")
        print(f"{'dataset':24} {'rows(t/p)':>11} {'precision':>9} {'recall':>7} {'F1':>7}")
        for name, s in scores.items():
            print(f"{name:24} {s['truth_rows']:>5}/{s['predicted_rows']:<5} {s['precision']:9.4f} {s['recall']:7.4f} {s['f1']:7.4f}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
