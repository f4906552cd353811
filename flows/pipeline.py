"""The Prefect flow: extract each pack (one task per pack), validate, publish.

Extraction itself is pure (`extractors.pack.extract_pack`), run in bounded, reused worker
processes; this module only orchestrates. With `dask_address` the same flow runs its tasks on a Dask cluster.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.errors import PackError
from extractors.pack import pack_id_of
from extractors.version import EXTRACTOR_VERSION
from flows.inputs import PackInput, fetch_url
from flows.isolation import Limits, extract_bounded
from flows.history import add_history
from flows.outcomes import PackOutcome
from flows.progress import emit
from flows.publish import load_manifest, load_published, merge_frames, publish, recover_interrupted_swap, scratch_dir
from flows.revisions import SourceRecord, amend_manifest, record_revisions
from flows.settings import state_dir
from flows.startup import prefect_api, warm_up
from flows.validate import GateResult, add_rejected, gate, validation_summary
from schemas.contract import CONTRACT_VERSION, DATASETS
from schemas.frames import make_frame


@dataclass(frozen=True)
class RunRequest:
    """What one run is asked to do."""

    packs: list[PackInput]
    urls: list[str]
    output_dir: Path
    workers: int = 1
    limits: Limits = Limits()
    dask_address: str | None = None
    force: bool = False
    # Packs pulled from a site, by sha256: what the site says about them and their earlier versions.
    sources: dict[str, SourceRecord] = field(default_factory=dict)


def _failed(pack: PackInput, code: str, message: str, started: float) -> PackOutcome:
    data = pack.path.read_bytes() if pack.path.exists() else b""
    pack_id, sha = pack_id_of(data) if data else (None, None)
    emit(pack.source, "failed", error=f"{code}: {message}")
    return PackOutcome(pack.source, pack.file_name, pack_id, sha, error_code=code, error=message, seconds=time.monotonic() - started)


@task(name="fetch-pack", task_run_name="fetch {url}")
def fetch_task(url: str) -> PackInput | PackOutcome:
    """Download one URL into the hash-named cache."""
    try:
        return fetch_url(url, state_dir() / "downloads")
    except PackError as exc:
        emit(url, "failed", error=str(exc))
        return PackOutcome(url, url.rsplit("/", 1)[-1], None, None, error_code=exc.code, error=exc.message)


@task(name="extract-pack", task_run_name="extract {pack.file_name}")
def extract_task(pack: PackInput, limits: Limits) -> PackOutcome:
    """Extract one pack in a bounded worker process; a failure becomes an outcome, not an exception."""
    started = time.monotonic()
    emit(pack.source, "started")
    try:
        result = extract_bounded(pack.path, pack.source, limits)
    except PackError as exc:
        return _failed(pack, exc.code, exc.message, started)
    outcome = PackOutcome(
        source=pack.source,
        file_name=pack.file_name,
        pack_id=result.pack_id,
        sha256=result.sha256,
        page_count=result.page_count,
        frames=result.frames,
        quality=result.quality,
        seconds=time.monotonic() - started,
        rejected=result.rejected,
    )
    emit(pack.source, "done", rows={k: len(v) for k, v in result.frames.items()}, pages=result.page_count)
    return outcome


ARTIFACT_COLUMNS = ("rows_checked", "rows_quarantined", "rows_with_warnings", "expectations_run", "expectations_failed", "expectations_warned")


@task(name="validate")
def validate_task(outcomes: list[PackOutcome], output_dir: Path) -> GateResult:
    """Run the contract's expectation suites on this run's rows; GX results and Data Docs go beside the output."""
    # Clears leftovers of an interrupted run first, so they are not mistaken for this run's report.
    recover_interrupted_swap(output_dir)
    ok = [o for o in outcomes if o.ok and o.frames is not None]
    new = {name: pd.concat([o.frames[name] for o in ok], ignore_index=True) if ok else make_frame(name) for name in DATASETS}
    checked = gate(new, report_dir=scratch_dir(output_dir, "validation"))
    add_rejected(checked, [o.rejected for o in ok])
    return checked


@task(name="revisions")
def revisions_task(outcomes: list[PackOutcome], sources: dict[str, SourceRecord], output_dir: Path) -> list[dict]:
    """Fill pulled packs from their site and record new versions of documents this output published."""
    published, quarantined = load_published(output_dir)
    manifest = load_manifest(output_dir) or {}
    packs = {p["pack_id"] for p in manifest.get("packs", []) if p.get("status") == "ok" and p.get("pack_id")}
    superseded = frozenset(p["pack_id"] for p in manifest.get("packs", []) if p.get("superseded_by"))
    return record_revisions(outcomes, sources, published, quarantined, packs, superseded)


@task(name="publish")
def publish_task(outcomes: list[PackOutcome], checked: GateResult, output_dir: Path, revisions: list[dict] | None = None) -> dict:
    """Merge the gated rows with what was published before, and publish them with the report atomically."""
    previous, previous_quarantine = load_published(output_dir)
    ok = [o for o in outcomes if o.ok and o.frames is not None]
    for outcome in ok:
        counts = [int((f["pack_id"] == outcome.pack_id).sum()) for f in checked.quarantined.values() if len(f)]
        outcome.quarantined_rows = sum(counts)
    replaced = {o.pack_id for o in ok}
    published = merge_frames(previous, checked.published, replaced)
    quarantined = merge_frames(previous_quarantine, checked.quarantined, replaced)
    if revisions:
        _drop_superseded(published, quarantined, {r["previous_pack_id"] for r in revisions})
    history = add_history(published, quarantined, checked)
    summary = validation_summary(checked.summary)
    amend = lambda manifest, earlier: amend_manifest(manifest, earlier, revisions or [])  # noqa: E731
    manifest = publish(
        output_dir, outcomes, published, quarantined, summary, checked.report_dir, history, amend=amend
    )
    create_table_artifact(
        key="scrutiny-validation",
        table=[{"dataset": n, **{k: s[k] for k in ARTIFACT_COLUMNS}} for n, s in checked.summary.items()],
        description="Expectations run and failed (blocking) or warned, and rows quarantined, per dataset in this run.",
    )
    return manifest


def _drop_superseded(published: dict[str, pd.DataFrame], quarantined: dict[str, pd.DataFrame], superseded: set[str]) -> None:
    """The datasets hold the latest version of each source document; the revisions history keeps every one."""
    for frames in (published, quarantined):
        for name, frame in frames.items():
            if name != "revisions" and len(frame):
                frames[name] = frame[~frame["pack_id"].isin(superseded)].reset_index(drop=True)


def published_earlier(output_dir: Path) -> dict[str, dict]:
    """sha256 -> manifest entry of packs the output already holds from this extractor and contract."""
    manifest = load_manifest(output_dir) or {}
    if manifest.get("extractor_version") != EXTRACTOR_VERSION or manifest.get("contract_version") != CONTRACT_VERSION:
        return {}
    return {
        p["sha256"]: p
        for p in manifest.get("packs", [])
        if p.get("status") == "ok" and p.get("sha256") and not p.get("superseded_by")
    }


def _unchanged(pack: PackInput, earlier: dict[str, dict]) -> PackOutcome | None:
    sha = hashlib.sha256(pack.path.read_bytes()).hexdigest()
    entry = earlier.get(sha)
    if entry is None:
        return None
    emit(pack.source, "unchanged")
    return PackOutcome(pack.source, pack.file_name, entry["pack_id"], sha, entry.get("page_count"), unchanged=True)


@flow(name="scrutiny-run", validate_parameters=False)
def pipeline(request: RunRequest) -> tuple[list[PackOutcome], dict]:
    """Fetch, extract, validate and publish the requested packs; returns the outcomes and the manifest."""
    fetched = [fetch_task.submit(url) for url in request.urls]
    packs = list(request.packs)
    outcomes: list[PackOutcome] = []
    for future in fetched:
        got = future.result()
        (packs if isinstance(got, PackInput) else outcomes).append(got)
    earlier = {} if request.force else published_earlier(request.output_dir)
    to_extract = []
    for pack in packs:
        skipped = _unchanged(pack, earlier)
        (outcomes if skipped else to_extract).append(skipped or pack)
    futures = [extract_task.submit(pack, request.limits) for pack in to_extract]
    outcomes += [f.result() for f in futures]
    revisions = revisions_task(outcomes, request.sources, request.output_dir) if request.sources else None
    checked = validate_task(outcomes, request.output_dir)
    manifest = publish_task(outcomes, checked, request.output_dir, revisions)
    return outcomes, manifest


def run(request: RunRequest) -> tuple[list[PackOutcome], dict]:
    """Run the flow with the task runner the request asks for, against the configured or ephemeral Prefect API."""
    # Packs sent to Dask are extracted in its workers, not in this process's pool.
    warm_up(None if request.dask_address else request.limits.memory_mb, request.workers)
    if request.dask_address:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=request.dask_address)
    else:
        runner = ThreadPoolTaskRunner(max_workers=max(1, request.workers))
    with prefect_api():
        return pipeline.with_options(task_runner=runner)(request)
