"""Score an output folder against truth folders: field-level precision, recall and F1 per dataset.

Usage: python bench/score.py OUTPUT_DIR TRUTH_DIR [TRUTH_DIR ...] [--out results.json]

A truth folder holds `<dataset>.csv` files in the contract's shape (e.g. `*.truth/`). The folder
scopes the packs named in any of its files (or in `_scope.json` "pack_ids"): for those packs every
predicted row counts, so an empty truth file means "no rows", and rows predicted there are extra
rows that lower precision. Rows are paired one-to-one on the dataset's key only (the contract's
key; for the datasets without one, greedily by the number of equal fields within the pack). The
scored fields are the columns outside the key, `pack_id` and `source` (a matched key is what pairs
two rows, not a correct field; `source` differs per machine); a field is a true positive when the
paired values are equal (numbers compared numerically, "" and null equal). Precision = TP /
predicted fields, recall = TP / truth fields. A truth folder may hold `_scope.json` with
{"max_page": N}, {"min_page": N} or {"pages": [...]} when its truth covers only some pages.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas.contract import DATASETS  # noqa: E402

IGNORED_COLUMNS = {"source", "pack_id"}


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


def _pairs_on_key(pred: list[dict], truth: list[dict], key: list[str]) -> list[tuple[int, int]]:
    """(truth, prediction) index pairs whose key values are equal; each row used once, in order."""
    waiting: dict[tuple, list[int]] = {}
    for j, p in enumerate(pred):
        waiting.setdefault(tuple((p.get(c) or "").strip() for c in key), []).append(j)
    pairs = []
    for i, t in enumerate(truth):
        found = waiting.get(tuple((t.get(c) or "").strip() for c in key))
        if found:
            pairs.append((i, found.pop(0)))
    return pairs


def _pairs_by_agreement(pred: list[dict], truth: list[dict], cols: list[str]) -> list[tuple[int, int]]:
    """For datasets without a key: pair rows of the same pack greedily by their number of equal fields."""
    scored = []
    for i, t in enumerate(truth):
        for j, p in enumerate(pred):
            if p.get("pack_id") != t.get("pack_id"):
                continue
            agree = sum(1 for c in cols if same(p.get(c), t.get(c)))
            if agree:
                scored.append((agree, i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_t, used_p, pairs = set(), set(), []
    for _, i, j in scored:
        if i not in used_t and j not in used_p:
            used_t.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


def score_rows(pred: list[dict], truth: list[dict], columns: list[str], key: list[str] | tuple[str, ...] = ()) -> dict[str, float]:
    """Pair rows on `key` (by agreement when there is none) and count field-level true positives.

    Key columns, `pack_id` and `source` are not scored fields.
    """
    key = list(key)
    cols = [c for c in columns if c not in IGNORED_COLUMNS and c not in key]
    pairs = _pairs_on_key(pred, truth, ["pack_id", *key]) if key else _pairs_by_agreement(pred, truth, cols)
    tp = sum(1 for i, j in pairs for c in cols if same(pred[j].get(c), truth[i].get(c)))
    n_pred, n_truth = len(pred) * len(cols), len(truth) * len(cols)
    precision = tp / n_pred if n_pred else (1.0 if not n_truth else 0.0)
    recall = tp / n_truth if n_truth else 1.0  # nothing to find; extra rows cost precision
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "truth_rows": len(truth),
        "predicted_rows": len(pred),
        "paired_rows": len(pairs),
        "scored_fields": cols,
        "tp_fields": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def field_differences(pred: list[dict], truth: list[dict], columns: list[str], key: list[str] | tuple[str, ...]) -> list[tuple]:
    """Every way the prediction differs from the truth, one tuple per difference.

    ("missing", key values) for a truth row with no predicted row, ("extra", key values) for the
    reverse, and ("field", key values, column, truth value, predicted value) for a paired row's
    field. Rows are paired as in `score_rows`; the key values name the row.
    """
    key = list(key)
    cols = [c for c in columns if c not in IGNORED_COLUMNS and c not in key]
    pairs = _pairs_on_key(pred, truth, ["pack_id", *key]) if key else _pairs_by_agreement(pred, truth, cols)
    name_by = key or [c for c in ("page", "name", "action", "measure") if c in columns]

    def label(row: dict) -> tuple:
        return tuple(row.get(c) for c in name_by)

    found: list[tuple] = []
    paired_t, paired_p = {i for i, _ in pairs}, {j for _, j in pairs}
    found += [("missing", label(t)) for i, t in enumerate(truth) if i not in paired_t]
    found += [("extra", label(p)) for j, p in enumerate(pred) if j not in paired_p]
    for i, j in pairs:
        for c in cols:
            if not same(pred[j].get(c), truth[i].get(c)):
                found.append(("field", label(truth[i]), c, truth[i].get(c), pred[j].get(c)))
    return found


def folder_differences(output_dir: Path, truth_dir: Path) -> dict[str, list[tuple]]:
    """`field_differences` for every dataset of a truth folder (scoped as in `score_folder`)."""
    return {name: field_differences(pred, truth, columns, DATASETS[name].key) for name, (pred, truth, columns) in _scoped(output_dir, truth_dir).items()}


def scoped_packs(truth_dir: Path) -> set[str]:
    """The packs a truth folder speaks for: every pack_id in any of its files, and `_scope.json`'s."""
    scope = json.loads((truth_dir / "_scope.json").read_text()) if (truth_dir / "_scope.json").exists() else {}
    packs = set(scope.get("pack_ids", []))
    for path in truth_dir.glob("*.csv"):
        packs |= {r["pack_id"] for r in read_rows(path) if r.get("pack_id")}
    return packs


def _scoped(output_dir: Path, truth_dir: Path) -> dict[str, tuple[list[dict], list[dict], list[str]]]:
    """Per dataset of a truth folder: (predicted rows in scope, truth rows, truth columns)."""
    scope = json.loads((truth_dir / "_scope.json").read_text()) if (truth_dir / "_scope.json").exists() else {}
    packs = scoped_packs(truth_dir)
    results = {}
    for truth_file in sorted(truth_dir.glob("*.csv")):
        name = truth_file.stem
        out_file = output_dir / f"{name}.csv"
        if name not in DATASETS or not out_file.exists():
            continue  # a companion file that is not a dataset
        truth = read_rows(truth_file)
        with truth_file.open(newline="", encoding="utf-8") as handle:
            columns = next(csv.reader(handle))
        pred = [r for r in read_rows(out_file) if r.get("pack_id") in packs]
        if "max_page" in scope:
            pred = [r for r in pred if r.get("page") and int(r["page"]) <= scope["max_page"]]
        if "pages" in scope:
            pred = [r for r in pred if r.get("page") and int(r["page"]) in scope["pages"]]
        if "min_page" in scope:
            pred = [r for r in pred if r.get("page") and int(r["page"]) >= scope["min_page"]]
        results[name] = (pred, truth, columns)
    return results


def score_folder(output_dir: Path, truth_dir: Path) -> dict[str, dict]:
    """Scores per dataset for one truth folder."""
    return {name: score_rows(pred, truth, columns, DATASETS[name].key) for name, (pred, truth, columns) in _scoped(output_dir, truth_dir).items()}


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
