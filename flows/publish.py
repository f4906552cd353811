"""Publish datasets atomically: build the whole output folder beside the old one, then swap it in.

Rows of packs not in this run are carried over from the previous publication, so a failed pack or
a partial run never loses what was already published.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from extractors.version import EXTRACTOR_VERSION
from flows.database import DATABASE, build_database
from flows.outcomes import PackOutcome
from flows.writers import sha256_file, write_csv, write_parquet
from schemas.contract import CONTRACT_VERSION, DATASETS
from schemas.frames import conform, from_arrow, make_frame, to_arrow

MANIFEST = "manifest.json"
QUARANTINE = "quarantine"
VALIDATION = "validation"


def recover_interrupted_swap(output_dir: Path) -> None:
    """If a crash fell between the two renames of a swap, put the previous publication back."""
    if output_dir.exists():
        for stale in output_dir.parent.glob(f".{output_dir.name}.*"):
            shutil.rmtree(stale, ignore_errors=True)
        return
    olds = sorted(output_dir.parent.glob(f".{output_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.replace(olds[-1], output_dir)


def scratch_dir(output_dir: Path, purpose: str) -> Path:
    """A fresh folder beside `output_dir` for files to be swapped in with the next publication.

    It is named like the staging folders, so a crash leaves nothing that the next
    `recover_interrupted_swap` does not clear.
    """
    output_dir = output_dir.absolute()
    path = output_dir.parent / f".{output_dir.name}.{purpose}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return path


def load_manifest(output_dir: Path) -> dict | None:
    path = output_dir / MANIFEST
    return json.loads(path.read_text()) if path.exists() else None


def load_published(output_dir: Path) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Read the previous publication (published and quarantined rows); empty frames when there is none."""
    published, quarantined = {}, {}
    for name in DATASETS:
        path = output_dir / f"{name}.parquet"
        # conform: a publication of an earlier contract version lacks the columns added since.
        published[name] = conform(name, from_arrow(pq.read_table(path))) if path.exists() else make_frame(name)
        qpath = output_dir / QUARANTINE / f"{name}.parquet"
        if qpath.exists():
            quarantined[name] = conform(name, from_arrow(pq.read_table(qpath)))
        else:
            quarantined[name] = make_frame(name).assign(reasons=pd.Series([], dtype=object))
    return published, quarantined


def _sorted(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    keys = list(DATASETS[name].sort_by)
    # A stable sort keeps each extractor's within-page order after ordering by pack and page.
    return frame.sort_values(keys, kind="mergesort", na_position="last").reset_index(drop=True) if len(frame) else frame


def merge_frames(previous: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], replaced: set[str]) -> dict[str, pd.DataFrame]:
    """Previous rows of packs not replaced in this run, plus this run's rows, in contract order."""
    merged = {}
    for name, old in previous.items():
        kept = old[~old["pack_id"].isin(replaced)] if len(old) else old
        parts = [f for f in (kept, new.get(name)) if f is not None and len(f)]
        frame = pd.concat(parts, ignore_index=True) if parts else old.iloc[0:0]
        merged[name] = _sorted(name, frame.astype(object))
    return merged


def _pack_entry(outcome: PackOutcome) -> dict:
    entry: dict[str, object] = {
        "pack_id": outcome.pack_id,
        "sha256": outcome.sha256,
        "source": outcome.source,
        "file_name": outcome.file_name,
        "page_count": outcome.page_count,
        "status": "ok" if outcome.ok else "error",
    }
    if not outcome.ok:
        entry["error"] = {"code": outcome.error_code, "message": outcome.error}
    if outcome.frames is not None:
        entry["rows"] = {name: int(len(f)) for name, f in outcome.frames.items()}
        entry["quarantined_rows"] = outcome.quarantined_rows
        entry["quality"] = outcome.quality
    return entry


def build_manifest(
    previous: dict | None,
    outcomes: list[PackOutcome],
    files: dict[str, dict[str, object]],
    validation: dict,
    created_at: dt.datetime,
) -> dict:
    """The manifest: versions, every pack ever published here (latest outcome wins) and every file's hash."""
    packs = {p["pack_id"] or p["source"]: p for p in (previous or {}).get("packs", [])}
    for outcome in outcomes:
        key = outcome.pack_id or outcome.source
        if outcome.unchanged and key in packs:
            continue  # its entry, rows and quality stand as published
        entry = _pack_entry(outcome)
        if not outcome.ok and key in packs and packs[key].get("status") == "ok":
            entry["rows"] = packs[key].get("rows", {})
            entry["note"] = "extraction failed in this run; the rows published earlier are kept"
        packs[key] = entry
    return {
        "contract_version": CONTRACT_VERSION,
        "extractor_version": EXTRACTOR_VERSION,
        "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "run": {
            "inputs": [o.source for o in outcomes],
            "packs_ok": sum(1 for o in outcomes if o.ok and not o.unchanged),
            "packs_unchanged": sum(1 for o in outcomes if o.unchanged),
            "packs_failed": sum(1 for o in outcomes if not o.ok),
        },
        "packs": [packs[k] for k in sorted(packs, key=lambda k: (packs[k]["pack_id"] or "", packs[k]["source"]))],
        "datasets": files,
        "validation": validation,
    }


def write_tree(target: Path, published: dict[str, pd.DataFrame], quarantined: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Write every dataset (CSV, Parquet) and its quarantine into `target`; return rows and file hashes."""
    (target / QUARANTINE).mkdir(parents=True)
    files: dict[str, dict] = {}
    for name in DATASETS:
        table = to_arrow(name, published[name])
        write_csv(table, target / f"{name}.csv")
        write_parquet(table, target / f"{name}.parquet")
        bad = quarantined[name]
        qtable = to_arrow(name, bad.drop(columns=["reasons"]), quarantine=True)
        reasons = [str(r) for r in bad["reasons"].tolist()]
        write_csv(qtable, target / QUARANTINE / f"{name}.csv", {"reasons": reasons})
        write_parquet(qtable.append_column("reasons", _string_array(reasons)), target / QUARANTINE / f"{name}.parquet")
        files[name] = {
            "rows": table.num_rows,
            "quarantined": qtable.num_rows,
            "sha256": {
                rel: sha256_file(target / rel)
                for rel in (f"{name}.csv", f"{name}.parquet", f"{QUARANTINE}/{name}.csv", f"{QUARANTINE}/{name}.parquet")
            },
        }
    return files


def _string_array(values: list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def swap_in(staging: Path, output_dir: Path) -> None:
    """Replace `output_dir` by `staging` with renames only; the old tree is removed last."""
    old = output_dir.parent / f".{output_dir.name}.old-{uuid.uuid4().hex[:8]}"
    if output_dir.exists():
        os.replace(output_dir, old)
    os.replace(staging, output_dir)
    shutil.rmtree(old, ignore_errors=True)


def publish(
    output_dir: Path,
    outcomes: list[PackOutcome],
    published: dict[str, pd.DataFrame],
    quarantined: dict[str, pd.DataFrame],
    validation: dict,
    validation_dir: Path | None = None,
    history: dict | None = None,
    amend: Callable[[dict, dict | None], None] | None = None,
) -> dict:
    """Write the whole publication to a staging folder next to `output_dir`, then swap it in.

    `validation_dir` (GX results and Data Docs written by the gate) becomes `validation/` in the
    same swap, so the report is never out of step with the rows it checked; so does the DuckDB
    database over the files. `history` (how rows were matched across packs) goes in the manifest.
    `amend(manifest, previous_manifest)` may add to the manifest before it is written.
    """
    output_dir = output_dir.absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    previous_manifest = load_manifest(output_dir)
    staging = output_dir.parent / f".{output_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        files = write_tree(staging, published, quarantined)
        build_database(staging)
        if validation_dir is not None:
            shutil.move(validation_dir, staging / VALIDATION)
        manifest = build_manifest(previous_manifest, outcomes, files, validation, dt.datetime.now(dt.timezone.utc))
        manifest["database"] = DATABASE
        if history is not None:
            manifest["history"] = history
        if amend is not None:
            amend(manifest, previous_manifest)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        swap_in(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if validation_dir is not None:
            shutil.rmtree(validation_dir, ignore_errors=True)
        raise
    return manifest
