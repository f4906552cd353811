"""Measure the name threshold of cross-pack matching (flows/history.py) on real indicator and action names.

Method: pack 1 holds the real indicator names (and, separately, the real action texts) of the
reviewed Tameside truth. Pack 2 holds the same items reworded the ways councils reword between
meetings (abbreviations, plurals, a dropped or added small word, "and"/"&", a one-letter typo),
with every ref removed so that only names can match. Half the items are left out of pack 2, so a
reworded item can also be drawn to a *different* remaining indicator ("... no" / "... rate").
For each threshold the matcher runs on the two packs and we count items matched to their own
earlier series (right), to another series (wrong: the merge the project must never make),
reported ambiguous, or left as new. Held-out real names (a fifth of them) arrive only in pack 2: they must stay new, and
matching one counts as wrong too. Per set, the chosen threshold is the middle one of those with
the fewest wrong merges and then the most right matches; its figures are written to bench/results/history_threshold.json.

    PYTHONPATH=. python bench/history_threshold.py --out bench/results/history_threshold.json
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import re
from pathlib import Path

from flows.history import Item, fold, match_series, similarity

ROOT = Path(__file__).resolve().parents[1]
TRUTH = ROOT.parent / "shared" / "packs" / "tameside-childrens-scrutiny-2024-03-06.truth"
THRESHOLDS = [round(0.60 + 0.01 * i, 2) for i in range(40)]

# Rewordings seen between editions of council papers, applied to the folded name.
SWAPS = [
    ("number", "no"),
    ("no", "number"),
    ("percentage", "percent"),
    ("children", "childrens"),
    ("assessments", "assessment"),
    ("plans", "plan"),
    ("within", "in"),
    ("months", "mths"),
    ("weeks", "wks"),
    ("and", "&"),
    ("young people", "yp"),
    ("to", "so as to"),
    ("ensure", "make sure"),
]
SMALL_WORDS = ("the", "of", "a", "in", "by", "for", "and")


def reword(name: str, rng: random.Random) -> str:
    """One plausible rewording of a folded name (never the name itself)."""
    words = name.split()
    options = []
    for old, new in SWAPS:
        if re.search(rf"\b{re.escape(old)}\b", name):
            options.append(lambda n, o=old, w=new: re.sub(rf"\b{re.escape(o)}\b", w, n, count=1))
    small = [i for i, w in enumerate(words) if w in SMALL_WORDS]
    if small:
        options.append(lambda n, i=rng.choice(small): " ".join(w for j, w in enumerate(n.split()) if j != i))
    long = [i for i, w in enumerate(words) if len(w) >= 6]
    if long:

        def typo(n: str, i: int = rng.choice(long)) -> str:
            ws = n.split()
            w = ws[i]
            k = rng.randrange(1, len(w) - 2)
            ws[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
            return " ".join(ws)

        options.append(typo)
    options.append(lambda n: n + " " + rng.choice(["total", "overall", "all"]))
    out = rng.choice(options)(name)
    return fold(out) if fold(out) != name else fold(name + " total")


def simulate(names: list[str], threshold: float, seed: int) -> dict[str, int]:
    """One two-pack run: counts of reworded items matched right or wrong, missed, and new items kept new."""
    rng = random.Random(seed)
    order = list(range(len(names)))
    rng.shuffle(order)
    arriving = sorted(order[: len(names) // 5])  # printed only in pack 2: must stay new
    earlier = sorted(order[len(names) // 5 :])
    kept = sorted(rng.sample(earlier, len(earlier) // 2))
    first = [Item("p1", "c", None, names[i], names[i]) for i in earlier]
    second = [Item("p2", "c", None, reword(names[i], rng), names[i]) for i in kept]
    second += [Item("p2", "c", None, names[i], names[i]) for i in arriving]
    matching = match_series([("p1", first), ("p2", second)], lambda item: item.name, threshold)
    own = {names[i]: matching.keys[("p1", n)] for n, i in enumerate(earlier)}
    counts = {"right": 0, "wrong": 0, "ambiguous": 0, "missed": 0, "new_kept_new": 0}
    for n, record in enumerate(r for r in matching.records if r["pack_id"] == "p2"):
        label, method = second[n].label, record["method"]
        if method == "ambiguous":
            counts["ambiguous"] += 1
        elif label not in own:
            counts["new_kept_new" if method == "new" else "wrong"] += 1
        elif method == "new":
            counts["missed"] += 1
        else:
            counts["right" if record["key"] == own[label] else "wrong"] += 1
    return counts


def unique_folded(path: Path, column: str) -> list[str]:
    with path.open(newline="") as handle:
        return sorted({fold(r[column]) for r in csv.DictReader(handle)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "history_threshold.json")
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    sets = {
        "indicators": unique_folded(TRUTH / "scorecard_indicators.csv", "indicator"),
        "actions": unique_folded(TRUTH / "action_plan.csv", "action"),
    }
    result: dict[str, object] = {"method": __doc__.split("\n\n")[1].replace("\n", " "), "seeds": args.seeds, "sets": {}}
    for label, names in sets.items():
        closest = max(similarity(a, b) for a, b in itertools.combinations(names, 2))
        rows = []
        for t in THRESHOLDS:
            totals: dict[str, int] = {}
            for seed in range(args.seeds):
                for k, v in simulate(names, t, seed).items():
                    totals[k] = totals.get(k, 0) + v
            rows.append({"threshold": t, **totals})
        result["sets"][label] = {"items": len(names), "closest_distinct_pair": round(closest, 3), "by_threshold": rows}
    # Per set: the thresholds with the fewest wrong merges and then the most right matches; the
    # middle one of them, so that a slightly different council's names sit away from both edges.
    for s in result["sets"].values():
        top = max((-r["wrong"], r["right"]) for r in s["by_threshold"])
        plateau = [r for r in s["by_threshold"] if (-r["wrong"], r["right"]) == top]
        best = plateau[len(plateau) // 2]
        s["chosen_threshold"] = best["threshold"]
        s["at_chosen"] = best
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for label, s in result["sets"].items():
        print(label, s["items"], "closest distinct pair", s["closest_distinct_pair"])
        for r in s["by_threshold"]:
            print(" ", r)
        print("  chosen:", s["at_chosen"])


if __name__ == "__main__":
    main()
