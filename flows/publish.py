"""Publish datasets atomically: build the whole output folder beside the old one, then swap it in.

Rows of packs not in this run are carried over from the previous publication, so a failed pack or
a partial run never loses what was already published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import metadata
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
from flows.exchange import exchange
from flows.outcomes import PackOutcome
from flows.writers import TIMESTAMP_FORMAT, sha256_file, write_csv, write_parquet
from schemas.contract import CONTRACT_VERSION, DATASETS
from schemas.frames import conform, from_arrow, make_frame, to_arrow

MANIFEST = "manifest.json"
QUARANTINE = "quarantine"
VALIDATION = "validation"
RUNS = "runs"
PROVENANCE = "provenance"
# Columns of a provenance file after the dataset's key: where one cell of the row was read.
BOX_COLUMNS = {"page": pa.int32(), "column": pa.string(), "x0": pa.float64(), "top": pa.float64(), "x1": pa.float64(), "bottom": pa.float64()}
# How rows of a dataset without a key are named in its provenance.
UNKEYED_COLUMNS = {"pack_id": pa.string(), "row_page": pa.int32(), "row_index": pa.int32()}
# What a pack's quality report says about how it was read that its manifest entry repeats: read
# from an OCR'd copy (engine and version), or read after the parser repaired the file (how).
NOTES = ("ocr", "repaired")
# The libraries whose behaviour decides the published rows and bytes.
LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdfium2", "pandas", "pyarrow", "great_expectations")


def library_versions() -> dict[str, str | None]:
    """Installed versions of the libraries that shape the output."""
    found: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def code_sha256() -> str:
    """SHA-256 over the extractor and contract source files, so a change without a version bump shows."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted([*root.glob("extractors/*.py"), *root.glob("schemas/*.py")]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recover_interrupted_swap(output_dir: Path) -> None:
    """Clear what a killed run left beside `output_dir`; if it died between the two renames of a
    fallback swap (where no atomic exchange exists), put the previous publication back first."""
    if not output_dir.exists():
        olds = sorted(output_dir.parent.glob(f".{output_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            os.replace(olds[-1], output_dir)
    for stale in output_dir.parent.glob(f".{output_dir.name}.*"):
        if stale.is_dir():  # the lock file stays
            shutil.rmtree(stale, ignore_errors=True)


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


def in_contract_order(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every dataset's rows in the contract's sort order (the order they are published in)."""
    return {name: _sorted(name, frame.astype(object)) for name, frame in frames.items()}


def _pack_entry(outcome: PackOutcome) -> dict:
    entry: dict[str, object] = {
        "pack_id": outcome.pack_id,
        "sha256": outcome.sha256,
        "source": outcome.source,
        "sources": sorted(set(outcome.sources)),
        "file_name": outcome.file_name,
        "page_count": outcome.page_count,
        "status": "ok" if outcome.ok else "error",
    }
    if not outcome.ok:
        entry["error"] = {"code": outcome.error_code, "message": outcome.error}
    for note in NOTES:
        if outcome.quality.get(note):
            entry[note] = outcome.quality[note]
    if outcome.frames is not None:
        entry["rows"] = {name: int(len(f)) for name, f in outcome.frames.items()}
        entry["quarantined_rows"] = outcome.quarantined_rows
        entry["quality"] = outcome.quality
    return entry


def published_packs(previous: dict | None, outcomes: list[PackOutcome], published_ids: set[str]) -> list[dict]:
    """The manifest's packs: every pack whose rows the publication holds, latest extraction winning.

    A pack that failed in this run keeps the entry (and rows) it was published with; failures are
    recorded in the run record, not here. Every place the same bytes came from is kept in `sources`.
    """
    packs = {p["pack_id"]: p for p in (previous or {}).get("packs", []) if p.get("status") == "ok" and p.get("pack_id")}
    for outcome in outcomes:
        if not outcome.ok or outcome.pack_id is None:
            continue
        earlier = packs.get(outcome.pack_id)
        entry = dict(earlier) if outcome.unchanged and earlier else _pack_entry(outcome)
        seen = set(earlier.get("sources") or [earlier.get("source")]) if earlier else set()
        entry["sources"] = sorted((seen | set(outcome.sources)) - {None})
        packs[outcome.pack_id] = entry
    return [packs[k] for k in sorted(packs) if k in published_ids]


def run_record(outcomes: list[PackOutcome], validation: dict, created_at: dt.datetime) -> dict:
    """What this run did to each input: extracted, unchanged (published earlier) or failed, and why."""
    inputs = []
    for outcome in outcomes:
        entry = _pack_entry(outcome)
        entry.pop("quality", None)
        entry["status"] = "unchanged" if outcome.unchanged else entry["status"]
        entry["seconds"] = round(outcome.seconds, 3)
        inputs.append(entry)
    return {
        "created_at": created_at.strftime(TIMESTAMP_FORMAT),
        "contract_version": CONTRACT_VERSION,
        "extractor_version": EXTRACTOR_VERSION,
        "packs_ok": sum(1 for o in outcomes if o.ok and not o.unchanged),
        "packs_unchanged": sum(1 for o in outcomes if o.unchanged),
        "packs_failed": sum(1 for o in outcomes if not o.ok),
        "inputs": inputs,
        "validation": validation,
    }


def build_manifest(
    previous: dict | None,
    outcomes: list[PackOutcome],
    files: dict[str, dict[str, object]],
    validation: dict,
    created_at: dt.datetime,
    published_ids: set[str] | None = None,
    run_file: str | None = None,
) -> dict:
    """The manifest: versions, the packs the publication holds, every file's hash and the validation of every row."""
    if published_ids is None:
        published_ids = {o.pack_id for o in outcomes if o.ok and o.pack_id} | {p.get("pack_id") for p in (previous or {}).get("packs", [])}
    return {
        "contract_version": CONTRACT_VERSION,
        "extractor_version": EXTRACTOR_VERSION,
        "libraries": library_versions(),
        "code_sha256": code_sha256(),
        "created_at": created_at.strftime(TIMESTAMP_FORMAT),
        "last_run": run_file,
        "packs": published_packs(previous, outcomes, published_ids),
        "datasets": files,
        "validation": validation,
    }


def provenance_schema(name: str) -> pa.Schema:
    """A dataset's provenance columns: its key (typed as in the contract), then the cell's page and box."""
    ds = DATASETS[name]
    ident = [pa.field(c, ds.column(c).arrow_type) for c in ds.key] if ds.key else [pa.field(c, t) for c, t in UNKEYED_COLUMNS.items()]
    return pa.schema([*ident, *(pa.field(c, t) for c, t in BOX_COLUMNS.items())])


def provenance_table(name: str, frame: pd.DataFrame) -> pa.Table:
    """Cell boxes as an Arrow table in a fixed order (key, page, top, left), so equal boxes give equal bytes."""
    schema = provenance_schema(name)
    frame = frame.sort_values([*schema.names[: -len(BOX_COLUMNS)], "page", "top", "x0", "column"], kind="mergesort", na_position="last") if len(frame) else frame
    arrays = [pa.array([None if pd.isna(v) else v for v in frame[f.name].tolist()] if len(frame) else [], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def load_provenance(output_dir: Path) -> dict[str, pd.DataFrame]:
    """The provenance files of the previous publication, by dataset."""
    found = {}
    for path in sorted((output_dir / PROVENANCE).glob("*.parquet")):
        if path.stem in DATASETS:
            found[path.stem] = pq.read_table(path).to_pandas()
    return found


def merge_provenance(previous: dict[str, pd.DataFrame], new: list[dict[str, list[dict]]], replaced: set[str]) -> dict[str, pd.DataFrame]:
    """Boxes of packs not replaced in this run, plus this run's."""
    merged: dict[str, list[pd.DataFrame]] = {}
    for name, old in previous.items():
        kept = old[~old["pack_id"].isin(replaced)]
        if len(kept):
            merged.setdefault(name, []).append(kept)
    for found in new:
        for name, rows in found.items():
            if rows:
                merged.setdefault(name, []).append(pd.DataFrame(rows))
    return {name: pd.concat(parts, ignore_index=True) for name, parts in merged.items()}


def quarantine_table(name: str, bad: pd.DataFrame) -> tuple[pa.Table, list[str]]:
    """Quarantined rows as a contract table, and their reasons (written as an extra last column)."""
    return to_arrow(name, bad.drop(columns=["reasons"]), quarantine=True), [str(r) for r in bad["reasons"].tolist()]


def write_provenance(target: Path, provenance: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Write `provenance/<dataset>.parquet` for each dataset with boxes; return rows and file hashes."""
    files = {}
    for name in DATASETS:
        if name not in provenance or not len(provenance[name]):
            continue
        (target / PROVENANCE).mkdir(exist_ok=True)
        rel = f"{PROVENANCE}/{name}.parquet"
        table = provenance_table(name, provenance[name])
        write_parquet(table, target / rel)
        files[name] = {"rows": table.num_rows, "sha256": {rel: sha256_file(target / rel)}}
    return files


def write_tree(target: Path, published: dict[str, pd.DataFrame], quarantined: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Write every dataset (CSV, Parquet) and its quarantine into `target`; return rows and file hashes."""
    (target / QUARANTINE).mkdir(parents=True)
    files: dict[str, dict] = {}
    for name in DATASETS:
        table = to_arrow(name, published[name])
        write_csv(table, target / f"{name}.csv")
        write_parquet(table, target / f"{name}.parquet")
        qtable, reasons = quarantine_table(name, quarantined[name])
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
    """Replace `output_dir` by `staging` so that at every instant `output_dir` is one whole publication.

    An existing folder is exchanged with the staging one in a single system call (the staging path
    then holds the old tree, removed last); the first publication is a single rename. Only where the
    platform cannot exchange does it take two renames, and `recover_interrupted_swap` repairs a crash
    between them.
    """
    if not output_dir.exists():
        os.replace(staging, output_dir)
        return
    if exchange(staging, output_dir):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = output_dir.parent / f".{output_dir.name}.old-{uuid.uuid4().hex[:8]}"
    os.replace(output_dir, old)
    os.replace(staging, output_dir)
    shutil.rmtree(old, ignore_errors=True)


def _held_packs(published: dict[str, pd.DataFrame], quarantined: dict[str, pd.DataFrame]) -> set[str]:
    """Packs whose rows the publication holds, and earlier versions the revisions history names."""
    held = {str(p) for frames in (published, quarantined) for f in frames.values() if "pack_id" in f.columns for p in f["pack_id"].tolist()}
    if "revisions" in published and "previous_pack_id" in published["revisions"].columns:
        held |= {str(p) for p in published["revisions"]["previous_pack_id"].tolist()}
    return held


def _run_file_name(created_at: dt.datetime, runs: Path) -> str:
    stem = created_at.strftime("%Y%m%dT%H%M%S.%fZ")
    name, n = f"{stem}.json", 1
    while (runs / name).exists():
        n += 1
        name = f"{stem}-{n}.json"
    return name


def publish(
    output_dir: Path,
    outcomes: list[PackOutcome],
    published: dict[str, pd.DataFrame],
    quarantined: dict[str, pd.DataFrame],
    validation: dict,
    validation_dir: Path | None = None,
    history: dict | None = None,
    amend: Callable[[dict, dict | None], None] | None = None,
    run_validation: dict | None = None,
    provenance: dict[str, pd.DataFrame] | None = None,
) -> dict:
    """Write the whole publication to a staging folder next to `output_dir`, then swap it in.

    `validation_dir` (GX results and Data Docs written by the gate) becomes `validation/` in the
    same swap, so the report is never out of step with the rows it checked; so does the DuckDB
    database over the files. `history` (how rows were matched across packs) goes in the manifest.
    `amend(manifest, previous_manifest)` may add to the manifest before it is written (what it puts
    under `run` goes to the run record). The earlier run records are carried over and this run's
    is added under `runs/`.
    """
    output_dir = output_dir.absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    previous_manifest = load_manifest(output_dir)
    staging = output_dir.parent / f".{output_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    created_at = dt.datetime.now(dt.timezone.utc)
    try:
        files = write_tree(staging, published, quarantined)
        build_database(staging)
        boxes = write_provenance(staging, provenance or {})
        if validation_dir is not None:
            shutil.move(validation_dir, staging / VALIDATION)
        runs = staging / RUNS
        if (output_dir / RUNS).is_dir():
            shutil.copytree(output_dir / RUNS, runs)
        runs.mkdir(exist_ok=True)
        run_file = f"{RUNS}/{_run_file_name(created_at, runs)}"
        manifest = build_manifest(previous_manifest, outcomes, files, validation, created_at, _held_packs(published, quarantined), run_file)
        manifest["database"] = DATABASE
        if history is not None:
            manifest["history"] = history
        manifest["run"] = {}
        if amend is not None:
            amend(manifest, previous_manifest)
        record = run_record(outcomes, run_validation if run_validation is not None else validation, created_at) | manifest.pop("run")
        (staging / run_file).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        manifest["provenance"] = boxes
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        swap_in(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if validation_dir is not None:
            shutil.rmtree(validation_dir, ignore_errors=True)
        raise
    return manifest
