"""Indicator and action history across packs: the derived datasets of the contract.

Both are recomputed from every published row on each run, so they depend only on what is
published (deterministic, whatever order packs arrived in). The hard part is knowing that a row
of one pack is the same indicator or action as a row of another: refs are reprinted with other
spacing or case, names are reworded, plans are renumbered. `match_series` decides, pack by pack in
meeting order, and records how each match was made; an ambiguous match is reported and never
merged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

import pandas as pd

from flows.validate import GateResult, gate
from schemas.contract import DATASETS
from schemas.frames import make_frame

# Folded names at least this similar (difflib ratio) may be the same indicator or action reworded.
# Measured by bench/history_threshold.py on the real names of the reviewed Tameside pack, reworded
# as councils reword them and with refs removed (bench/results/history_threshold.json). Indicator
# names come in near-identical siblings ("... no" / "... rate", 0.963 apart), so below 0.97 a new
# sibling is merged into an old one; at 0.97 none is, and 45% of rewordings still match by name
# (the rest become new series; refs match the others). Action texts are long and distinct: every
# threshold from 0.60 to 0.93 matched all rewordings and merged nothing; 0.77 is that range's middle.
INDICATOR_NAME_THRESHOLD = 0.97
ACTION_NAME_THRESHOLD = 0.77
# A close match must beat the runner-up by this much, or it is ambiguous.
AMBIGUITY_MARGIN = 0.03

DERIVED = tuple(name for name, ds in DATASETS.items() if ds.derived)

_PUNCT_RE = re.compile(r"[^\w\s]|_")
_SPACE_RE = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower case, accents and punctuation removed, single spaces: the form names are compared in."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", text.lower())).strip()


def ref_key(ref: str | None) -> str | None:
    """A ref as keys use it: inner spaces removed, upper case ("CIN 16a" -> "CIN16A")."""
    if ref is None or not str(ref).strip():
        return None
    return _SPACE_RE.sub("", str(ref)).upper()


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """How alike two folded names are, 0..1 (difflib's ratio on characters)."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Item:
    """One indicator or action as one pack prints it."""

    pack_id: str
    scope: str  # matching never crosses scopes (a council; for actions, a council's plan)
    ref: str | None  # as ref_key gives it
    name: str  # folded
    label: str  # as printed, for the report


@dataclass
class Series:
    """One indicator or action followed across packs."""

    key: str
    scope: str
    ref: str | None
    name: str
    packs: list[str] = field(default_factory=list)


@dataclass
class Matching:
    """Which series each item belongs to, and a record of every decision."""

    keys: dict[tuple[str, int], str]  # (pack_id, item index in that pack) -> series key
    records: list[dict]


def match_series(packs: list[tuple[str, list[Item]]], base_key, threshold: float) -> Matching:
    """Assign each item of each pack (packs in meeting order) to a series.

    Per pack, in three passes:
    1. an item whose ref is the latest ref of a series in its scope, with a name at least
       `threshold` alike, joins it ("ref");
    2. each other item joins the series not yet matched in this pack whose name is most alike, if
       at least `threshold` alike and ahead of the runner-up by the margin ("name" when equal after
       folding, else "close name"; a renumbered action follows its text to its new ref). Two
       candidates within the margin make the item "ambiguous": it starts its own series and the
       candidates are reported. A sibling printed in the same pack ("CIN16a" beside a new
       "CIN16b") has already been matched by its ref, so it is never a candidate;
    3. an item still unmatched whose ref series is still free joins it ("ref, name changed": the
       same ref reworded beyond the threshold); any other item starts a new series ("new").
    Keys come from `base_key(item)`, made unique with "~2", "~3".
    """
    in_scope: dict[str, list[Series]] = defaultdict(list)  # matching never leaves a scope
    used: set[str] = set()
    keys: dict[tuple[str, int], str] = {}
    records: list[dict] = []
    claimed: set[int] = set()  # id() of the series already matched in the pack at hand

    def new_series(item: Item) -> Series:
        key = base_key(item)
        n = 1
        while (key if n == 1 else f"{key}~{n}") in used:
            n += 1
        key = key if n == 1 else f"{key}~{n}"
        used.add(key)
        s = Series(key, item.scope, item.ref, item.name)
        in_scope[item.scope].append(s)
        return s

    def join(s: Series, item: Item, index: int, method: str, score: float | None, **extra) -> None:
        keys[(item.pack_id, index)] = s.key
        claimed.add(id(s))
        records.append({"pack_id": item.pack_id, "index": index, "item": item.label, "key": s.key, "method": method, "similarity": score, **extra})
        s.ref, s.name = item.ref or s.ref, item.name
        s.packs.append(item.pack_id)

    def by_ref(item: Item) -> Series | None:
        found = [s for s in in_scope.get(item.scope, ()) if item.ref and s.ref == item.ref and id(s) not in claimed]
        return found[0] if len(found) == 1 else None

    packs_order = {pack_id: n for n, (pack_id, _) in enumerate(packs)}
    for pack_id, items in packs:
        claimed.clear()
        # Series from earlier packs: an item never joins one started by its own pack.
        existing = {scope: list(in_scope.get(scope, ())) for scope in {item.scope for item in items}}
        pending: list[int] = []
        for index, item in enumerate(items):
            s = by_ref(item)
            if s is not None and (score := similarity(item.name, s.name)) >= threshold:
                join(s, item, index, "ref", round(score, 3))
            else:
                pending.append(index)
        unmatched: list[int] = []
        for index in pending:
            item = items[index]
            candidates = [
                (score, s)
                for s in existing.get(item.scope, ())
                if id(s) not in claimed and (score := similarity(item.name, s.name)) >= threshold
            ]
            candidates.sort(key=lambda c: (-c[0], c[1].key))
            if not candidates:
                unmatched.append(index)
                continue
            best_score, best = candidates[0]
            rivals = [c for c in candidates[1:] if best_score - c[0] < AMBIGUITY_MARGIN]
            if rivals:
                names = [{"key": c[1].key, "similarity": round(c[0], 3)} for c in [candidates[0], *rivals]]
                join(new_series(item), item, index, "ambiguous", round(best_score, 3), candidates=names)
                continue
            method = "name" if best_score == 1.0 else "close name"
            extra = {"previous_ref": best.ref} if best.ref != item.ref else {}
            join(best, item, index, method, round(best_score, 3), previous_name=best.name, **extra)
        for index in unmatched:
            item = items[index]
            s = by_ref(item)
            if s is not None and any(s is e for e in existing.get(item.scope, ())):
                join(s, item, index, "ref, name changed", round(similarity(item.name, s.name), 3), previous_name=s.name)
            else:
                join(new_series(item), item, index, "new", None)
    records.sort(key=lambda r: (packs_order[r["pack_id"]], r["index"]))
    return Matching(keys, records)


@dataclass(frozen=True)
class PackInfo:
    pack_id: str
    council: str | None
    scope: str  # the council folded; the committee or the pack when the pack names no council
    meeting_date: dt.date | None

    @property
    def order(self) -> tuple:
        # Packs without a meeting date count as oldest: a dated pack's figures win over them.
        return (self.meeting_date is not None, self.meeting_date or dt.date.min, self.pack_id)


def pack_infos(packs: pd.DataFrame) -> dict[str, PackInfo]:
    """Council, matching scope and meeting date of each published pack."""
    infos = {}
    for row in packs.itertuples(index=False):
        council = row.council if isinstance(row.council, str) and row.council.strip() else None
        if council:
            scope = fold(council)
        elif isinstance(row.committee, str) and row.committee.strip():
            scope = f"committee {fold(row.committee)}"
        else:
            scope = f"pack {row.pack_id}"  # nothing says which council: never matched with another pack
        date = row.meeting_date if isinstance(row.meeting_date, dt.date) else None
        infos[row.pack_id] = PackInfo(row.pack_id, council, scope, date)
    return infos


def _info(infos: dict[str, PackInfo], pack_id: str) -> PackInfo:
    return infos.get(pack_id) or PackInfo(pack_id, None, f"pack {pack_id}", None)


def _null(value: object) -> object:
    return None if value is None or (isinstance(value, float) and value != value) else value


def _pack_items(frame: pd.DataFrame, infos: dict[str, PackInfo], identity, item_of) -> tuple[list[tuple[str, list[Item]]], dict]:
    """Distinct items per pack (in published row order), packs in meeting order; identity -> (pack, index)."""
    per_pack: dict[str, list[Item]] = defaultdict(list)
    where: dict[tuple, tuple[str, int]] = {}
    for row in frame.itertuples(index=False):
        ident = identity(row)
        if ident in where:
            continue
        items = per_pack[row.pack_id]
        where[ident] = (row.pack_id, len(items))
        items.append(item_of(row, _info(infos, row.pack_id)))
    ordered = sorted(per_pack, key=lambda p: _info(infos, p).order)
    return [(p, per_pack[p]) for p in ordered], where


def indicator_history(published: dict[str, pd.DataFrame], threshold: float = INDICATOR_NAME_THRESHOLD) -> tuple[pd.DataFrame, list[dict]]:
    """One row per indicator per period across packs, the value as most recently published."""
    infos = pack_infos(published["packs"])
    values = published["scorecard_values"]

    def identity(row) -> tuple:
        return (row.pack_id, _null(row.ref), row.indicator)

    def item_of(row, info: PackInfo) -> Item:
        label = f"{row.ref} {row.indicator}" if _null(row.ref) else row.indicator
        return Item(row.pack_id, info.scope, ref_key(_null(row.ref)), fold(row.indicator), label)

    def base_key(item: Item) -> str:
        return f"{item.scope}/{item.ref or item.name}"

    packs, where = _pack_items(values, infos, identity, item_of)
    matching = match_series(packs, base_key, threshold)
    units = {
        (r.pack_id, _null(r.ref), r.indicator): r.unit
        for r in published["scorecard_indicators"].itertuples(index=False)
    }
    series_rows: dict[str, list] = defaultdict(list)
    for row in values.itertuples(index=False):
        key = matching.keys[where[identity(row)]]
        series_rows[key].append(row)
    out = []
    for key, rows in series_rows.items():
        rows.sort(key=lambda r: _info(infos, r.pack_id).order)  # stable: page order within a pack
        latest_row = rows[-1]
        latest_identity = identity(latest_row)
        unit = next((units[identity(r)] for r in reversed(rows) if identity(r) in units), "other")
        by_period: dict[str, list] = defaultdict(list)
        for r in rows:
            by_period[r.period].append(r)
        for period, seen in by_period.items():
            first, last = seen[0], seen[-1]
            parsed = [_null(r.value) for r in seen]
            printed = [v for v in parsed if v is not None]
            restated = len(set(printed)) > 1
            previous = next((v for v in reversed(printed[:-1]) if v != parsed[-1]), None) if restated else None
            out.append(
                {
                    "pack_id": last.pack_id,
                    "page": last.page,
                    "indicator_key": key,
                    "council": _info(infos, latest_row.pack_id).council,
                    "ref": latest_identity[1],
                    "indicator": latest_identity[2],
                    "unit": unit,
                    "period": period,
                    "value": parsed[-1],
                    "value_raw": last.value_raw,
                    "packs_seen": len({r.pack_id for r in seen}),
                    "first_pack_id": first.pack_id,
                    "latest_pack_id": last.pack_id,
                    "first_meeting_date": _info(infos, first.pack_id).meeting_date,
                    "latest_meeting_date": _info(infos, last.pack_id).meeting_date,
                    "restated": restated,
                    "previous_value": previous,
                }
            )
    return _sorted("indicator_history", make_frame("indicator_history", out)), [{"dataset": "indicator_history", **r} for r in matching.records]


def action_history(published: dict[str, pd.DataFrame], threshold: float = ACTION_NAME_THRESHOLD) -> tuple[pd.DataFrame, list[dict]]:
    """One row per action per pack that reports it, with RAG changes, runs of RED and overdue flags."""
    infos = pack_infos(published["packs"])
    plan = published["action_plan"]

    def identity(row) -> tuple:
        return (row.pack_id, _null(row.plan_title), row.ref)

    def item_of(row, info: PackInfo) -> Item:
        scope = f"{info.scope}/{fold(_null(row.plan_title))}"
        return Item(row.pack_id, scope, ref_key(row.ref), fold(row.action), f"{row.ref} {row.action}")

    def base_key(item: Item) -> str:
        council, _, title = item.scope.partition("/")
        return "/".join(part for part in (council, title, item.ref or item.name) if part)

    packs, where = _pack_items(plan, infos, identity, item_of)
    matching = match_series(packs, base_key, threshold)
    series_rows: dict[str, list] = defaultdict(list)
    reported: set[tuple] = set()
    for row in plan.itertuples(index=False):
        ident = identity(row)
        if ident in reported:
            continue  # the plan's key makes this rare: a pack reports an action once
        reported.add(ident)
        series_rows[matching.keys[where[ident]]].append(row)
    out = []
    for key, rows in series_rows.items():
        rows.sort(key=lambda r: _info(infos, r.pack_id).order)
        previous_rag = None
        red_run = 0
        for n, r in enumerate(rows):
            info = _info(infos, r.pack_id)
            rag, end = _null(r.action_rag), _null(r.end_date)
            red_run = red_run + 1 if rag == "RED" else 0
            out.append(
                {
                    "pack_id": r.pack_id,
                    "page": r.page,
                    "action_key": key,
                    "council": info.council,
                    "ref": r.ref,
                    "action": r.action,
                    "meeting_date": info.meeting_date,
                    "action_rag": rag,
                    "impact_rag": _null(r.impact_rag),
                    "end_date": end,
                    "rag_changed": n > 0 and rag != previous_rag,
                    "previous_action_rag": previous_rag if n > 0 else None,
                    "meetings_red": red_run,
                    "overdue": end is not None and info.meeting_date is not None and end < info.meeting_date and rag != "BLUE",
                }
            )
            previous_rag = rag
    return _sorted("action_history", make_frame("action_history", out)), [{"dataset": "action_history", **r} for r in matching.records]


def _sorted(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    if not len(frame):
        return frame
    return frame.sort_values(list(DATASETS[name].sort_by), kind="mergesort", na_position="last").reset_index(drop=True)


def derive(published: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict]:
    """Both derived datasets from the published rows, and the matching report for the manifest.

    The report counts each dataset's matches by method and lists every match not made on an
    unchanged ref and name, including every ambiguous one.
    """
    indicators, indicator_records = indicator_history(published)
    actions, action_records = action_history(published)
    records = indicator_records + action_records
    methods: dict[str, dict[str, int]] = {}
    for r in records:
        counts = methods.setdefault(r["dataset"], {})
        counts[r["method"]] = counts.get(r["method"], 0) + 1
    notable = [r for r in records if r["method"] not in ("new",) and not (r["method"] == "ref" and r["similarity"] == 1.0)]
    report = {
        "name_thresholds": {"indicator_history": INDICATOR_NAME_THRESHOLD, "action_history": ACTION_NAME_THRESHOLD},
        "ambiguity_margin": AMBIGUITY_MARGIN,
        "methods": methods,
        "matches": notable,
        "ambiguous": sum(1 for r in records if r["method"] == "ambiguous"),
    }
    return {"indicator_history": indicators, "action_history": actions}, report


def add_history(published: dict[str, pd.DataFrame], quarantined: dict[str, pd.DataFrame], checked: GateResult) -> dict:
    """Recompute the derived datasets from `published`, gate them, and put them in `published` and `quarantined`.

    They replace whatever an earlier publication held for them; their validation joins the
    run's report (`checked`). Returns the matching report for the manifest.
    """
    derived, report = derive(published)
    result = gate({**published, **derived}, report_dir=checked.report_dir, names=list(DERIVED))
    for name in DERIVED:
        published[name] = result.published[name]
        quarantined[name] = result.quarantined[name]
        checked.summary[name] = result.summary[name]
    checked.failures += result.failures
    return report
