"""The Prefect flow: extract each pack (one task per pack), validate, publish.

Extraction itself is pure (`extractors.pack.extract_pack`), run in bounded, reused worker
processes; this module only orchestrates. With `dask_address` the same flow runs its tasks on a Dask cluster.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from extractors.errors import PackError
from extractors.extraction import pack_id_of
from extractors.version import EXTRACTOR_VERSION
from flows.inputs import PackInput, fetch_url
from flows.isolation import Limits, extract_bounded
from flows import validation_process
from flows.checking import CheckedPublication, check_publication
from flows.outcomes import PackOutcome
from flows.progress import emit
from flows.lock import output_lock
from flows.publish import (
    load_manifest,
    load_provenance,
    load_published,
    merge_provenance,
    publish,
    recover_interrupted_swap,
)
from flows.revisions import SourceRecord, amend_manifest, record_revisions
from flows.settings import state_dir
from flows.pack_copies import store_pack
from flows.startup import prefect_api, warm_up
from flows.validate import validation_summary
from flows.writers import sha256_file
from schemas.contract import CONTRACT_VERSION


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
    # Seconds to wait for another run writing the same output folder before giving up.
    wait_s: float = 0.0


def _failed(pack: PackInput, code: str, message: str, started: float, sources: tuple[str, ...] = ()) -> PackOutcome:
    data = pack.path.read_bytes() if pack.path.exists() else b""
    pack_id, sha = pack_id_of(data) if data else (None, None)
    emit(pack.source, "failed", error=f"{code}: {message}")
    return PackOutcome(pack.source, pack.file_name, pack_id, sha, error_code=code, error=message, seconds=time.monotonic() - started, sources=list(sources))


@task(name="fetch-pack", task_run_name="fetch {url}")
def fetch_task(url: str) -> PackInput | PackOutcome:
    """Download one URL into the hash-named cache."""
    try:
        return fetch_url(url, state_dir() / "downloads")
    except PackError as exc:
        emit(url, "failed", error=str(exc))
        return PackOutcome(url, url.rsplit("/", 1)[-1], None, None, error_code=exc.code, error=exc.message)


@task(name="extract-pack", task_run_name="extract {pack.file_name}")
def extract_task(pack: PackInput, limits: Limits, sources: tuple[str, ...] = ()) -> PackOutcome:
    """Extract one pack in a bounded worker process; a failure becomes an outcome, not an exception.

    `sources` are all the places the same bytes were given as in this run (extracted once).
    """
    started = time.monotonic()
    sources = sources or (pack.source,)
    emit(pack.source, "started")
    try:
        result = extract_bounded(pack.path, pack.source, limits)
    except PackError as exc:
        return _failed(pack, exc.code, exc.message, started, sources)
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
        sources=list(sources),
        provenance=result.provenance,
    )
    store_pack(pack.path, result.sha256)
    emit(pack.source, "done", rows={k: len(v) for k, v in result.frames.items()}, pages=result.page_count)
    return outcome


ARTIFACT_COLUMNS = ("rows_checked", "rows_quarantined", "rows_with_warnings", "expectations_run", "expectations_failed", "expectations_warned")


@task(name="validate")
def validate_task(outcomes: list[PackOutcome], output_dir: Path, revisions: list[dict] | None = None) -> CheckedPublication:
    """Validate every row the publication will hold: this run's rows and those kept from earlier runs,
    then the history datasets derived from them (`flows.checking`, in the validation process).

    Rows of packs superseded by a newer version (`revisions`) are not kept.
    """
    fresh = [(o.pack_id, o.frames, o.rejected) for o in outcomes if o.ok and o.frames is not None]
    superseded = {r["previous_pack_id"] for r in revisions or []}
    return validation_process.call(check_publication, fresh, output_dir, superseded)


@task(name="revisions")
def revisions_task(outcomes: list[PackOutcome], sources: dict[str, SourceRecord], output_dir: Path) -> list[dict]:
    """Fill pulled packs from their site and record new versions of documents this output published."""
    published, quarantined = load_published(output_dir)
    manifest = load_manifest(output_dir) or {}
    packs = {p["pack_id"] for p in manifest.get("packs", []) if p.get("status") == "ok" and p.get("pack_id")}
    superseded = frozenset(p["pack_id"] for p in manifest.get("packs", []) if p.get("superseded_by"))
    return record_revisions(outcomes, sources, published, quarantined, packs, superseded)


@task(name="publish")
def publish_task(outcomes: list[PackOutcome], gated: CheckedPublication, output_dir: Path, revisions: list[dict] | None = None) -> dict:
    """Publish every gated row (this run's and those kept from earlier runs) with the report, atomically."""
    checked = gated.checked
    for outcome in outcomes:
        if outcome.ok and outcome.frames is not None:
            counts = [int((f["pack_id"] == outcome.pack_id).sum()) for f in checked.quarantined.values() if len(f)]
            outcome.quarantined_rows = sum(counts)
    summary = validation_summary(checked.summary)
    amend = lambda manifest, earlier: amend_manifest(manifest, earlier, revisions or [])  # noqa: E731
    fresh = [o for o in outcomes if o.ok and o.frames is not None]
    boxes = merge_provenance(load_provenance(output_dir), [o.provenance for o in fresh], {o.pack_id for o in fresh})
    manifest = publish(
        output_dir,
        outcomes,
        gated.published,
        gated.quarantined,
        summary,
        checked.report_dir,
        gated.history,
        amend=amend,
        run_validation=gated.this_run,
        provenance=boxes,
    )
    create_table_artifact(
        key="scrutiny-validation",
        table=[{"dataset": n, **{k: s.get(k, 0) for k in ARTIFACT_COLUMNS}} for n, s in checked.summary.items()],
        description="Expectations run and failed (blocking) or warned, and rows quarantined, per dataset over every published row.",
    )
    return manifest


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


def _unchanged(pack: PackInput, sha: str, sources: tuple[str, ...], earlier: dict[str, dict]) -> PackOutcome | None:
    entry = earlier.get(sha)
    if entry is None:
        return None
    for source in sources:
        emit(source, "unchanged")
    return PackOutcome(pack.source, pack.file_name, entry["pack_id"], sha, entry.get("page_count"), unchanged=True, sources=list(sources))


def by_content(packs: list[PackInput]) -> list[tuple[PackInput, str, tuple[str, ...]]]:
    """Group inputs holding the same bytes: (first input, sha256, every source of those bytes), in input order."""
    groups: dict[str, list[PackInput]] = {}
    for pack in packs:
        groups.setdefault(sha256_file(pack.path), []).append(pack)
    return [(same[0], sha, tuple(dict.fromkeys(p.source for p in same))) for sha, same in groups.items()]


@flow(name="scrutiny-run", validate_parameters=False)
def pipeline(request: RunRequest) -> quote[tuple[list[PackOutcome], dict]]:
    """Fetch, extract, validate and publish the requested packs; returns the outcomes and the manifest,
    quoted (`.unwrap()` them)."""
    fetched = [fetch_task.submit(url) for url in request.urls]
    packs = list(request.packs)
    outcomes: list[PackOutcome] = []
    for future in fetched:
        got = future.result()
        (packs if isinstance(got, PackInput) else outcomes).append(got)
    earlier = {} if request.force else published_earlier(request.output_dir)
    to_extract = []
    # One pack, one extraction: the same bytes given twice (two names, a file also inside a folder).
    for pack, sha, sources in by_content(packs):
        for duplicate in sources[1:]:
            emit(duplicate, "duplicate", of=pack.source)
        skipped = _unchanged(pack, sha, sources, earlier)
        if skipped:
            outcomes.append(skipped)
        else:
            to_extract.append((pack, sources))
    futures = [extract_task.submit(pack, request.limits, sources) for pack, sources in to_extract]
    outcomes += [f.result() for f in futures]
    # quote(): Prefect would otherwise walk every row, cell box and quality note of the packs
    # looking for futures to resolve (seconds per thousand pages); these hold none.
    rows = quote(outcomes)
    revisions = revisions_task(rows, request.sources, request.output_dir) if request.sources else None
    gated = validate_task(rows, request.output_dir, revisions)
    manifest = publish_task(rows, quote(gated), request.output_dir, revisions)
    # Quoted for the same reason: Prefect looks for futures in a flow's return value too.
    return quote((outcomes, manifest))


def run(request: RunRequest) -> tuple[list[PackOutcome], dict]:
    """Run the flow with the task runner the request asks for, against the configured or ephemeral Prefect API.

    The output folder is locked for the whole run; a second run waits `request.wait_s` seconds or
    raises OutputLocked.
    """
    with output_lock(request.output_dir, request.wait_s):
        # A crash between the two renames of an earlier swap is repaired before anything is read.
        recover_interrupted_swap(request.output_dir.absolute())
        # Packs sent to Dask are extracted in its workers, not in this process's pool.
        warm_up(None if request.dask_address else request.limits.memory_mb, request.workers)
        if request.dask_address:
            from prefect_dask import DaskTaskRunner

            runner = DaskTaskRunner(address=request.dask_address)
        else:
            runner = ThreadPoolTaskRunner(max_workers=max(1, request.workers))
        with prefect_api():
            return pipeline.with_options(task_runner=runner)(request).unwrap()
