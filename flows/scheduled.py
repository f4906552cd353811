"""The scheduled flow: pull every configured ModernGov site, then extract, validate and publish what changed.

Each site is pulled in its own task, so a slow or blocked site is reported while the others
complete. Only documents whose current bytes the output has not published go on to the pipeline
(new packs and new versions); when there are none, nothing is extracted or published again.
`scrutiny serve` serves this flow as a Prefect deployment on a cron schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.config import RunConfig, SiteOptions, load_config
from flows.inputs import PackInput
from flows.isolation import Limits
from flows.outcomes import PackOutcome
from flows.pipeline import RunRequest, pipeline, published_earlier
from flows.publish import load_manifest
from flows.pull import STATUSES, SiteReport, document_name, pull_site
from flows.revisions import SourceRecord
from flows.store import Store


@dataclass
class ScheduledResult:
    """A scheduled run: what each site's pull did, then each extracted pack's outcome and the manifest."""

    reports: list[SiteReport]
    outcomes: list[PackOutcome]
    manifest: dict

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports) and all(o.ok for o in self.outcomes)


@task(name="pull-site", task_run_name="pull {site.name}")
def pull_task(site: SiteOptions, store_dir: Path, today: dt.date | None = None) -> SiteReport:
    """Pull one site's new and changed documents into the store."""
    with Store(store_dir) as store:
        return pull_site(site, store, today)


def plan_packs(config: RunConfig, store: Store, force: bool = False) -> tuple[list[PackInput], dict[str, SourceRecord]]:
    """The stored documents of the configured sites whose current version the output has not published."""
    earlier = {} if force else published_earlier(config.output)
    packs: list[PackInput] = []
    sources: dict[str, SourceRecord] = {}
    for site in config.sites:
        for entry in store.entries(site.name):
            path = store.path_of(entry.sha256)
            if entry.sha256 in earlier or entry.sha256 in sources or not path.exists():
                continue
            versions = store.versions(entry.source.source_id)
            current = next((v for v in versions if v.sha256 == entry.sha256), None)
            older = tuple(v.sha256[:16] for v in reversed(versions) if v.sha256 != entry.sha256)
            packs.append(PackInput(path, entry.source.url, document_name(entry.source.url)))
            sources[entry.sha256] = SourceRecord(
                entry.source.source_id,
                entry.source.council,
                entry.source.committee,
                older,
                current.first_seen if current else entry.last_seen,
            )
    return packs, sources


def _pull_artifact(reports: list[SiteReport]) -> None:
    rows = []
    for report in reports:
        counts = {status: report.count(status) for status in STATUSES}
        rows.append({"site": report.site, **counts, "error": "; ".join(filter(None, [report.error, *report.meeting_errors]))})
    create_table_artifact(key="scrutiny-pull", table=rows, description="Documents new, changed, unchanged and failed per site.")


@flow(name="scrutiny-moderngov", validate_parameters=False)
def scheduled_run(
    config_path: str | None = None,
    config: RunConfig | None = None,
    force: bool = False,
    limits: Limits | None = None,
    today: dt.date | None = None,
) -> quote[ScheduledResult]:
    """Pull the sites of `config` (or of the YAML file `config_path`), then publish what changed;
    the result is quoted (`.unwrap()` it) so that Prefect does not walk every published row."""
    if config is None:
        if config_path is None:
            raise ValueError("scheduled_run needs config_path or config")
        config = load_config(Path(config_path))
    futures = [pull_task.submit(site, config.store, today) for site in config.sites]
    reports = [f.result() for f in futures]
    _pull_artifact(reports)
    with Store(config.store) as store:
        packs, sources = plan_packs(config, store, force)
    if not packs:
        return quote(ScheduledResult(reports, [], load_manifest(config.output) or {}))
    request = RunRequest(packs, [], config.output, config.workers, limits or Limits(), None, force, sources)
    runner = ThreadPoolTaskRunner(max_workers=max(1, config.workers))
    outcomes, manifest = pipeline.with_options(task_runner=runner)(request).unwrap()
    return quote(ScheduledResult(reports, outcomes, manifest))


def serve(config_path: Path, cron: str, name: str | None = None) -> None:
    """Serve the scheduled flow as a Prefect deployment running `config_path` on `cron` (blocks)."""
    scheduled_run.serve(
        name=name or f"scrutiny-{config_path.stem}",
        cron=cron,
        parameters={"config_path": str(config_path.absolute())},
        description=f"Pull the ModernGov sites of {config_path.name}, then extract, validate and publish what changed.",
    )
