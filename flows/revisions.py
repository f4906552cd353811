"""Packs pulled from a site that re-publishes: fill what the site knows, and record each new version.

A pack's site knows its council and committee even when the PDF prints them only in a logo; those
fill `packs.council` and `packs.committee` where extraction found nothing. When a source document
comes back with different bytes, the new version replaces the old one in the datasets, a
`revisions` row records it (source id, new and previous pack_id, when it was first seen, the
datasets whose rows differ) and the manifest counts the rows added, removed and changed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from flows.outcomes import PackOutcome
from schemas.contract import DATASETS
from schemas.frames import make_frame

# Columns that always differ between two versions and say nothing about their content.
IDENTITY_COLUMNS = {"pack_id", "sha256", "source", "file_name"}


@dataclass(frozen=True)
class SourceRecord:
    """What the store's catalog knows about one pulled pack (keyed by its sha256 in a run request)."""

    source_id: str
    council: str | None = None
    committee: str | None = None
    # Earlier versions of the same source document, newest first: (pack_id, first seen as ISO UTC).
    earlier_pack_ids: tuple[str, ...] = ()
    detected_at: str | None = None


def fill_from_source(outcome: PackOutcome, record: SourceRecord) -> None:
    """Fill the pack row's council and committee from the site where the PDF does not print them."""
    packs = (outcome.frames or {}).get("packs")
    if packs is None or not len(packs):
        return
    for column, value in (("council", record.council), ("committee", record.committee)):
        if value:
            packs[column] = [v if isinstance(v, str) and v.strip() else value for v in packs[column].tolist()]


def _comparable(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in DATASETS[name].column_names if c not in IDENTITY_COLUMNS]
    return frame[columns].astype(object).where(frame[columns].notna(), None)


def row_changes(name: str, old: pd.DataFrame, new: pd.DataFrame) -> dict[str, int]:
    """Rows added, removed and changed between two versions of one dataset.

    Rows are matched on the dataset's key (without pack_id); where it has none, or it is not unique,
    rows are compared whole, so an edited row counts as one removed and one added.
    """
    old, new = _comparable(name, old), _comparable(name, new)
    key = [c for c in DATASETS[name].key if c != "pack_id"]
    rows = lambda f: [tuple(r) for r in f.itertuples(index=False, name=None)]  # noqa: E731
    # A dataset keyed on pack_id alone holds one row per pack: the two versions' rows are the same record.
    per_pack = not key and tuple(DATASETS[name].key) == ("pack_id",) and len(old) <= 1 and len(new) <= 1
    if per_pack or (key and not old.duplicated(key).any() and not new.duplicated(key).any()):
        before = {tuple(r[c] for c in key): tuple(r.values()) for r in old.to_dict("records")}
        after = {tuple(r[c] for c in key): tuple(r.values()) for r in new.to_dict("records")}
        both = before.keys() & after.keys()
        return {
            "added": len(after.keys() - before.keys()),
            "removed": len(before.keys() - after.keys()),
            "changed": sum(1 for k in both if before[k] != after[k]),
        }
    before, after = Counter(rows(old)), Counter(rows(new))
    return {"added": sum((after - before).values()), "removed": sum((before - after).values()), "changed": 0}


def _rows_of(frames: dict[str, pd.DataFrame], pack_id: str, name: str) -> pd.DataFrame:
    frame = frames.get(name)
    if frame is None or not len(frame):
        return make_frame(name)
    return frame[frame["pack_id"] == pack_id]


def record_revisions(
    outcomes: list[PackOutcome],
    records: dict[str, SourceRecord],
    published: dict[str, pd.DataFrame],
    quarantined: dict[str, pd.DataFrame],
    published_packs: set[str],
    superseded_packs: frozenset[str] = frozenset(),
) -> list[dict]:
    """Fill each pulled pack from its source; add a `revisions` row to each new version of a published document.

    The previous version is the newest earlier version this output published. Its extracted rows
    (published and quarantined) are compared with the new version's. Returns the manifest's
    `revisions` entries: source id, both pack ids, when it was seen and the row changes per dataset.
    """
    entries = []
    for outcome in outcomes:
        record = records.get(outcome.sha256 or "")
        if record is None or not outcome.ok or outcome.frames is None:
            continue
        fill_from_source(outcome, record)
        previous = next((p for p in record.earlier_pack_ids if p in published_packs and p != outcome.pack_id), None)
        if previous is None:
            continue
        if previous in superseded_packs:
            # This version was recorded before and is only extracted again (--force, a new extractor):
            # the old version's rows are gone from the datasets, so its revision row stands as it was.
            earlier = _rows_of(published, outcome.pack_id, "revisions")
            if len(earlier):
                outcome.frames["revisions"] = earlier.reset_index(drop=True)
            continue
        changes = {}
        for name, ds in DATASETS.items():
            if name == "revisions" or ds.derived:
                continue  # derived datasets are recomputed from the extracted ones on publishing
            old = pd.concat(
                [_rows_of(published, previous, name), _rows_of(quarantined, previous, name).drop(columns=["reasons"], errors="ignore")],
                ignore_index=True,
            )
            new = outcome.frames.get(name, make_frame(name))
            counted = row_changes(name, old, new)
            if any(counted.values()):
                changes[name] = counted
        detected = dt.datetime.strptime(record.detected_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc) if record.detected_at else dt.datetime.now(dt.timezone.utc)
        row = {
            "pack_id": outcome.pack_id,
            "page": None,
            "source_id": record.source_id,
            "previous_pack_id": previous,
            "detected_at": detected,
            # A new version with identical rows still differs in its bytes: it is recorded with its pack row.
            "changed_datasets": "; ".join(changes) or "packs",
        }
        outcome.frames["revisions"] = make_frame("revisions", [row])
        entries.append(
            {
                "source_id": record.source_id,
                "pack_id": outcome.pack_id,
                "previous_pack_id": previous,
                "detected_at": detected.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "rows": changes,
            }
        )
    return entries


def amend_manifest(manifest: dict, previous: dict | None, revisions: list[dict]) -> None:
    """Mark replaced versions in the manifest's pack list and add this run's revisions to the history."""
    superseded = {r["previous_pack_id"]: r["pack_id"] for r in revisions}
    for pack in manifest.get("packs", []):
        if pack.get("pack_id") in superseded:
            pack["superseded_by"] = superseded[pack["pack_id"]]
    new = {r["pack_id"] for r in revisions}
    history = [r for r in (previous or {}).get("revisions", []) if r["pack_id"] not in new]
    if history or revisions:
        manifest["revisions"] = history + revisions
    manifest["run"]["revisions"] = len(revisions)
