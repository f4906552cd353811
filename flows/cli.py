"""The `scrutiny` command line."""

from __future__ import annotations

import atexit
import os
import sys
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from flows.settings import PACK_MEMORY_MB, PACK_TIMEOUT_S, configure_environment
from flows.tables_cmd import tables as tables_command

configure_environment()

app = typer.Typer(
    help="Turn council committee papers (ModernGov packs) into validated datasets.\n\n"
    "Example: scrutiny run raw_pdfs --output outputs",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True)

DEFAULT_INPUT = "raw_pdfs"
DEFAULT_OUTPUT = Path("outputs")
DOCS_PATH = Path("docs/datasets.md")


def _summary_table(outcomes: list) -> Table:
    from flows.outcomes import read_notes

    table = Table(title="scrutiny run")
    for column in ("pack", "pages", "rows", "quarantined", "error", "notes"):
        table.add_column(column, overflow="fold")
    for outcome in outcomes:
        rows = ", ".join(f"{k} {len(v)}" for k, v in (outcome.frames or {}).items() if len(v))
        if outcome.unchanged:
            rows = "unchanged: published earlier from the same file (--force extracts it again)"
        quarantined = str(outcome.quarantined_rows) if outcome.ok else ""
        error = f"{outcome.error_code}: {outcome.error}" if not outcome.ok else ""
        # Names and messages come from PDFs and servers: rendered as plain text, never as markup.
        cells = (outcome.file_name, str(outcome.page_count or ""), rows, quarantined, error, read_notes(outcome.quality))
        table.add_row(*(Text(cell) for cell in cells))
    return table


@app.command()
def run(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="PDF files, folders (searched recursively for *.pdf) or http(s) URLs.", show_default=False),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to publish into.")] = DEFAULT_OUTPUT,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Packs extracted at once.")] = 1,
    timeout: Annotated[float, typer.Option(help="Seconds one pack may take before it is stopped.")] = PACK_TIMEOUT_S,
    memory_mb: Annotated[int, typer.Option(help="Memory one pack's extraction may use, in MB.")] = PACK_MEMORY_MB,
    dask_address: Annotated[str | None, typer.Option(help="Run the tasks on this Dask scheduler.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Extract packs again even when the output already holds them.")] = False,
    moderngov: Annotated[list[str] | None, typer.Option("--moderngov", metavar="URL", help="Pull this ModernGov site first (repeatable); see `scrutiny pull`.", show_default=False)] = None,
    committee: Annotated[str | None, typer.Option(help="With --moderngov: only committees whose title matches this regex.")] = None,
    weeks_back: Annotated[int, typer.Option(min=0, help="With --moderngov: meetings up to this many weeks ago.")] = 8,
    weeks_forward: Annotated[int, typer.Option(min=0, help="With --moderngov: meetings up to this many weeks ahead.")] = 4,
    store: Annotated[Path | None, typer.Option(help="With --moderngov: the PDF store and catalog [default: raw_pdfs/store].", show_default=False)] = None,
    config: Annotated[Path | None, typer.Option(help="Pull and publish the sites of this councils YAML file.", show_default=False)] = None,
    wait: Annotated[float, typer.Option("--wait", min=0, help="Seconds to wait for another run writing the same output folder (else exit 2).")] = 0.0,
) -> None:
    """Extract, validate and publish packs: from files, folders and URLs, or pulled from ModernGov sites.

    With --moderngov or --config the sites are pulled into the store first; new and changed packs
    are extracted, unchanged ones keep their published rows, and re-published packs are recorded
    in the `revisions` dataset.

    Example: scrutiny run raw_pdfs ../more/pack.pdf https://example.org/pack.pdf --output outputs --workers 2

    Example: scrutiny run --moderngov https://democracy.example.gov.uk --committee Scrutiny --store raw_pdfs/store --output outputs
    """
    if moderngov or config:
        if inputs:
            raise typer.BadParameter("give either INPUTS or --moderngov/--config, not both", param_hint="INPUTS")
        if dask_address:
            raise typer.BadParameter("runs pulled from ModernGov use local workers (--workers)", param_hint="--dask-address")
        from flows.isolation import Limits

        options = _site_options(moderngov, committee, weeks_back, weeks_forward, store, config, output, workers)
        _run_sites(options, force, Limits(timeout, memory_mb))
        return
    from flows.inputs import InputError, resolve_inputs

    try:
        packs, urls = resolve_inputs(inputs or [DEFAULT_INPUT])
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="INPUTS") from None
    if not packs and not urls:
        raise typer.BadParameter("no PDF files found in the inputs", param_hint="INPUTS")

    from flows.startup import warm_up

    # Before the flow's own imports, so that the API server, the workers and GX start alongside them.
    warm_up(None if dask_address else memory_mb, workers)
    from flows.isolation import Limits
    from flows.pipeline import RunRequest
    from flows.pipeline import run as run_pipeline
    from flows.progress import subscribe

    from flows.lock import OutputLocked

    request = RunRequest(packs, urls, output, workers, Limits(timeout, memory_mb), dask_address, force, wait_s=wait)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.fields[status]}", markup=False),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        bars = {p.source: progress.add_task(p.file_name, total=1, status="queued") for p in packs}
        bars.update({u: progress.add_task(u, total=1, status="queued") for u in urls})

        def on_event(source: str, event: str, details: dict) -> None:
            if source in bars:
                done = event in ("done", "failed", "unchanged", "duplicate")
                status = {
                    "started": "extracting",
                    "done": "done",
                    "unchanged": "unchanged",
                    "duplicate": f"same bytes as {details.get('of', '')}: extracted once",
                    "failed": f"failed: {details.get('error', '')}",
                }[event]
                progress.update(bars[source], completed=1 if done else 0, status=status)

        unsubscribe = subscribe(on_event)
        try:
            outcomes, manifest = run_pipeline(request)
        except OutputLocked as exc:
            progress.stop()
            console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        finally:
            unsubscribe()
    console.print(_summary_table(outcomes))
    console.print(_validation_line(manifest.get("validation", {}), output), markup=False, highlight=False, soft_wrap=True)
    if manifest.get("last_run"):
        console.print(f"run record: {output / manifest['last_run']}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1 if any(not o.ok for o in outcomes) else 0)


def _site_options(urls, committee, weeks_back, weeks_forward, store, config, output, workers, **extra):
    """A RunConfig from --config (a YAML file, checked strictly) or from --moderngov and its options."""
    from flows.config import DEFAULT_STORE, ConfigError, RunConfig, SiteOptions, load_config

    try:
        if config is not None:
            if urls:
                raise ConfigError("give either --config or --moderngov, not both")
            loaded = load_config(config)
            return RunConfig(loaded.sites, store or loaded.store, loaded.output if output == DEFAULT_OUTPUT else output, loaded.workers)
        sites = tuple(SiteOptions(u, committee=committee, weeks_back=weeks_back, weeks_forward=weeks_forward, **extra) for u in urls)
        return RunConfig(sites, store or DEFAULT_STORE, output, workers)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config" if config else "--moderngov") from None


def _sites_table(reports: list) -> Table:
    from flows.pull import STATUSES

    table = Table(title="ModernGov sites")
    for column in ("site", *STATUSES, "error"):
        table.add_column(column, overflow="fold")
    for r in reports:
        table.add_row(r.site, *(str(r.count(s)) for s in STATUSES), "; ".join(filter(None, [r.error, *r.meeting_errors])))
    return table


def _documents_table(reports: list, statuses: tuple[str, ...]) -> Table:
    table = Table(title="documents")
    for column in ("status", "source id", "sha256", "note"):
        table.add_column(column, overflow="fold")
    for r in reports:
        for d in r.documents:
            if d.status in statuses:
                note = d.error or (f"was {d.previous_sha256[:16]}" if d.previous_sha256 else "")
                table.add_row(d.status, d.source.source_id, (d.sha256 or "")[:16], note)
    return table


def _print_pull(reports: list) -> None:
    console.print(_sites_table(reports))
    if any(d.status != "unchanged" for r in reports for d in r.documents):
        console.print(_documents_table(reports, ("new", "changed", "failed")))
    for report in reports:
        for note in report.notes:
            console.print(f"note: {report.site}: {note}", markup=False, highlight=False, soft_wrap=True)


def _run_sites(options, force: bool, limits) -> None:
    from flows.lock import OutputLocked
    from flows.startup import prefect_api, warm_up

    warm_up(limits.memory_mb, options.workers)
    from flows.scheduled import scheduled_run

    try:
        with prefect_api():
            result = scheduled_run(config=options, force=force, limits=limits).unwrap()
    except OutputLocked as exc:
        console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    _print_pull(result.reports)
    if result.outcomes:
        console.print(_summary_table(result.outcomes))
        console.print(_validation_line(result.manifest.get("validation", {}), options.output), markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(f"nothing new: {options.output} already holds the current version of every pulled document", markup=False)
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def pull(
    moderngov: Annotated[list[str] | None, typer.Option("--moderngov", metavar="URL", help="A ModernGov site's address (repeatable).", show_default=False)] = None,
    committee: Annotated[str | None, typer.Option(help="Only committees whose title matches this regex (case-insensitive).")] = None,
    weeks_back: Annotated[int, typer.Option(min=0, help="Meetings up to this many weeks ago (late minutes and supplements).")] = 8,
    weeks_forward: Annotated[int, typer.Option(min=0, help="Meetings up to this many weeks ahead.")] = 4,
    store: Annotated[Path | None, typer.Option(help="The PDF store and catalog [default: raw_pdfs/store].", show_default=False)] = None,
    config: Annotated[Path | None, typer.Option(help="Pull the sites of this councils YAML file instead.", show_default=False)] = None,
    council: Annotated[str | None, typer.Option(help="The council's name, when the site's pages do not give it.")] = None,
    settle_days: Annotated[int, typer.Option(min=0, help="Meetings older than this many days, once stored, are not re-checked.")] = 28,
    rate: Annotated[float, typer.Option(min=0.01, help="Requests per second to one site.")] = 4.0,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight to one site.")] = 2,
    http_timeout: Annotated[float, typer.Option(min=0.01, help="Seconds one request may take.")] = 30.0,
    retries: Annotated[int, typer.Option(min=0, help="Retries (with backoff) after a 5xx answer, a timeout or a dropped connection.")] = 3,
) -> None:
    """Download what is new or changed on ModernGov sites into the store, and list it.

    Stored PDFs are named by their SHA-256; the catalog (catalog.sqlite in the store) records each
    document's source, when it was first and last seen, and every version.

    Example: scrutiny pull --moderngov https://democracy.example.gov.uk --committee Scrutiny --weeks-back 8 --store raw_pdfs/store
    """
    if not moderngov and not config:
        raise typer.BadParameter("give --moderngov URL or --config FILE", param_hint="--moderngov")
    extra = dict(council=council, settle_days=settle_days, requests_per_second=rate, concurrency=concurrency, timeout=http_timeout, retries=retries)
    options = _site_options(moderngov, committee, weeks_back, weeks_forward, store, config, DEFAULT_OUTPUT, 1, **({} if config else extra))
    from flows.pull import pull_sites
    from flows.store import Store

    with Store(options.store) as opened:
        reports = pull_sites(list(options.sites), opened)
    _print_pull(reports)
    console.print(f"store: {options.store}", markup=False)
    raise typer.Exit(0 if all(r.ok for r in reports) else 1)


@app.command()
def serve(
    config: Annotated[Path, typer.Option(help="The councils YAML file to run on each schedule.")],
    cron: Annotated[str, typer.Option(help="When to run, as a cron expression (server time zone).")] = "0 6 * * *",
    name: Annotated[str | None, typer.Option(help="The deployment's name [default: scrutiny-<config file name>].", show_default=False)] = None,
) -> None:
    """Serve the scheduled run as a Prefect deployment: pull the sites of --config and publish what changed.

    Runs until stopped. Point PREFECT_API_URL at a Prefect server to see each run, its packs and
    its validation artifact in the Prefect UI (see the README).

    Example: scrutiny serve --config councils.yaml --cron "0 6 * * *"
    """
    from flows.config import ConfigError, load_config

    try:
        load_config(config)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from None
    from flows.scheduled import serve as serve_flow

    serve_flow(config, cron, name)


@app.command()
def api(
    stop: Annotated[bool, typer.Option("--stop", help="Stop the shared server now instead of when idle.")] = False,
) -> None:
    """Show, or stop, the Prefect API server that runs on this machine share.

    Without PREFECT_API_URL, the first run starts a Prefect API server on 127.0.0.1 and later runs
    use it; it stops itself after SCRUTINY_API_IDLE_S seconds (default 600) with no run. Set
    SCRUTINY_API_IDLE_S=0 for one server per run, stopped with it.

    Example: scrutiny api --stop
    """
    from flows.api_server import idle_seconds, pid_alive, prefect_home, read_state, stop_shared_server
    from flows.startup import configured_api_url

    if configured_api_url():
        console.print(f"runs use the configured API {configured_api_url()}; no local server is kept", markup=False)
        return
    home = prefect_home()
    state = read_state(home)
    if not state or not pid_alive(state.get("pid")):
        console.print(f"no shared API server is running for {home}", markup=False)
        return
    if stop:
        stop_shared_server(home)
        console.print(f"stopped the shared API server at {state['url']} (process {state['pid']})", markup=False)
        return
    console.print(
        f"shared API server at {state['url']} (process {state['pid']}, Prefect {state.get('prefect')}); "
        f"it stops after {idle_seconds():g} s without a run",
        markup=False,
    )


def _validation_line(validation: dict, output: Path) -> str:
    totals = validation.get("totals", {})
    return (
        f"validation: {totals.get('expectations_run', 0)} expectations run, "
        f"{totals.get('expectations_failed', 0)} failed (blocking), {totals.get('expectations_warned', 0)} warned; "
        f"{totals.get('rows_quarantined', 0)} rows quarantined, {totals.get('rows_with_warnings', 0)} rows with warnings; "
        f"Data Docs: {output / validation.get('data_docs', 'validation')}; published to {output}"
    )


MAX_LISTED = 200


@app.command()
def validate(
    output_dir: Annotated[Path, typer.Argument(help="A folder `scrutiny run` published into.")] = DEFAULT_OUTPUT,
    report: Annotated[Path | None, typer.Option(help="Also write the GX results (JSON) and Data Docs into this folder.")] = None,
) -> None:
    """Re-validate published datasets (their CSV files, e.g. after a hand edit) against the contract.

    Exits 1 when a dataset's CSV is missing or malformed or any row fails a blocking expectation,
    naming the dataset, the CSV line, the row's key and the expectation; warnings are listed but
    do not fail.

    Example: scrutiny validate outputs --report /tmp/validation
    """
    if not output_dir.is_dir():
        raise typer.BadParameter(f"{output_dir} is not a folder", param_hint="OUTPUT_DIR")
    from flows.validate import read_published, row_label, run_suites
    from schemas.contract import DATASETS

    frames, problems = read_published(output_dir)
    for note in _changed_since_publication(output_dir):
        console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    if report is not None:
        report.mkdir(parents=True, exist_ok=True)
    checked = run_suites(frames, report_dir=report)
    order = {name: i for i, name in enumerate(DATASETS)}
    blocking = sorted((f for f in checked.failures if f.severity == "blocking"), key=lambda f: (order[f.dataset], f.row))
    for problem in problems:
        console.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
    for failure in blocking[:MAX_LISTED]:
        where = f"{failure.dataset}.csv line {failure.row + 2} ({row_label(DATASETS[failure.dataset], frames[failure.dataset], failure.row)})"
        console.print(f"{where}: {failure.reason}", markup=False, highlight=False, soft_wrap=True)
    if len(blocking) > MAX_LISTED:
        console.print(f"... and {len(blocking) - MAX_LISTED} more blocking failures (see --report)")
    warned = Counter((f.dataset, f.rule) for f in checked.failures if f.severity == "warning")
    for (dataset, rule), rows in warned.items():
        console.print(f"warning: {dataset}: {rows} rows fail \"{rule}\"", markup=False, highlight=False, soft_wrap=True)
    rows = len({(f.dataset, f.row) for f in blocking})
    console.print(
        f"validate: {len(blocking)} blocking failures in {rows} rows, {len(problems)} file problems, "
        f"{sum(warned.values())} warnings; checked {sum(len(f) for f in frames.values())} rows of {len(frames)} datasets in {output_dir}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(1 if blocking or problems else 0)


def _changed_since_publication(output_dir: Path) -> list[str]:
    """CSV files whose bytes differ from the hash the manifest recorded (edited after publishing)."""
    from flows.publish import load_manifest
    from flows.writers import sha256_file

    manifest = load_manifest(output_dir) or {}
    notes = []
    for name, info in manifest.get("datasets", {}).items():
        rel = f"{name}.csv"
        expected = info.get("sha256", {}).get(rel)
        if expected and (output_dir / rel).exists() and sha256_file(output_dir / rel) != expected:
            notes.append(f"{rel} was changed after publication (its Parquet twin and the manifest were not)")
    return notes


class SqlFormat(str, Enum):
    table = "table"
    csv = "csv"


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A DuckDB SQL query over the datasets and views.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder `scrutiny run` published into.")] = DEFAULT_OUTPUT,
    format: Annotated[SqlFormat, typer.Option("--format", "-f", help="Print a table, or CSV (\"\" for null, as the published CSV).")] = SqlFormat.table,
) -> None:
    """Run a SQL query on the published database (scrutiny.duckdb) and print the result.

    Every dataset is a view of the same name; the analyst views (latest_scorecard,
    restated_values, actions_red_for_3_meetings, overdue_actions) are described in
    docs/datasets.md.

    Example: scrutiny sql --output outputs --format csv "SELECT indicator, period, value, change FROM latest_scorecard"
    """
    import duckdb

    from flows.database import connect
    from flows.writers import csv_bytes

    try:
        con = connect(output)
    except FileNotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="--output") from None
    try:
        relation = con.sql(query)
        if relation is None:  # a statement that returns no rows (the database is opened read-only)
            console.print("the query returned no result", markup=False, highlight=False)
            return
        result = relation.to_arrow_table()
    except duckdb.Error as exc:
        console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        con.close()
    if format is SqlFormat.csv:
        sys.stdout.write(csv_bytes(result).decode("utf-8"))
        return
    table = Table(show_lines=False)
    for name in result.column_names:
        table.add_column(name, overflow="fold")
    for row in zip(*(result.column(n).to_pylist() for n in result.column_names)):
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)
    console.print(f"{result.num_rows} rows", markup=False, highlight=False)


@app.command()
def verify(
    pack_ids: Annotated[list[str] | None, typer.Argument(metavar="[PACK_ID]...", help="Packs to re-extract (default: every pack in the manifest).", show_default=False)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="A folder `scrutiny run` published into.")] = DEFAULT_OUTPUT,
) -> None:
    """Re-extract published packs from their stored PDFs and compare with the publication.

    Prints, per dataset, the rows added, removed or changed (first differences, with the CSV line
    and the row's key), and every published file whose SHA-256 differs from the manifest. Exits 0
    when identical, 1 on any difference, 2 when a source PDF cannot be found.

    Example: scrutiny verify --output outputs f89538e73669539c
    """
    from flows.verify import SHOWN, VerifyUsageError
    from flows.verify import verify as verify_publication

    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    try:
        report = verify_publication(output, pack_ids or None)
    except VerifyUsageError as exc:
        raise typer.BadParameter(str(exc), param_hint="PACK_ID or --output") from None
    for note in report.notes:
        say(f"note: {note}")
    for problem in report.file_problems:
        say(f"file: {problem}")
    for missing in report.missing_sources:
        say(f"missing source: {missing}")
    for failure in report.failed:
        say(f"re-extraction failed: {failure}")
    for diff in report.diffs:
        if diff.identical:
            continue
        say(f"{diff.file}: {len(diff.added)} rows added, {len(diff.removed)} removed, {len(diff.changed)} changed")
        for kind, rows in (("added", diff.added), ("removed", diff.removed), ("changed", diff.changed)):
            for row in rows[:SHOWN]:
                say(f"  {kind}: {row}")
            if len(rows) > SHOWN:
                say(f"  ... and {len(rows) - SHOWN} more {kind}")
    differing = sum(1 for d in report.diffs if not d.identical)
    verdict = {0: "identical", 1: "DIFFERENT", 2: "INCOMPLETE (source PDFs missing)"}[report.exit_code]
    say(
        f"verify: {verdict}; {len(report.packs)} packs, {differing} files with row differences, "
        f"{len(report.file_problems)} file hash problems, {len(report.missing_sources)} sources missing in {output}"
    )
    raise typer.Exit(report.exit_code)


@app.command()
def show(
    pack_id: Annotated[str, typer.Argument(metavar="PACK_ID", help="A pack in the output's manifest.")],
    page: Annotated[int, typer.Option("--page", "-p", min=1, help="1-based physical page of the PDF.")],
    out: Annotated[Path | None, typer.Option("--out", help="PNG to write (default: PACK_ID-page-N.png here).")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="A folder `scrutiny run` published into.")] = DEFAULT_OUTPUT,
) -> None:
    """Draw a page with every table, row and cell that was read from it, labelled with dataset and key.

    The page is rendered from the stored PDF; boxes come from the provenance files beside the datasets.

    Example: scrutiny show f89538e73669539c --page 17 --out page17.png
    """
    from flows.show import ShowError, render_page

    target = out or Path(f"{pack_id}-page-{page}.png")
    try:
        drawn = render_page(output, pack_id, page, target)
    except ShowError as exc:
        raise typer.BadParameter(str(exc), param_hint="PACK_ID or --page") from None
    read = ", ".join(f"{name} {n} rows" for name, n in drawn.rows.items()) or "no table rows"
    console.print(f"wrote {drawn.path}: {read}, {drawn.cells} cells outlined", markup=False, highlight=False, soft_wrap=True)


@app.command()
def docs(
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if the file is out of date instead of writing it.")] = False,
    path: Annotated[Path, typer.Option(help="Where the data dictionary lives.")] = DOCS_PATH,
) -> None:
    """Write the data dictionary generated from the contract.

    Example: scrutiny docs --check
    """
    from schemas.dictionary import render_dictionary

    text = render_dictionary()
    if check:
        if not path.exists() or path.read_text() != text:
            console.print(f"{path} is out of date: run `scrutiny docs`")
            raise typer.Exit(1)
        console.print(f"{path} is up to date")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    console.print(f"wrote {path}")


app.command(name="tables")(tables_command)


# The exit status `main` hands to `_end_now`: an uncaught exception ends with status 1.
_status = 1


def _end_now() -> None:
    """Leave as soon as the exit handlers that matter have run.

    Registered before Prefect, GX and the workers register theirs, it runs after them (Prefect's
    log and event queues are drained even earlier, as threads stop). What is left is tearing
    down the interpreter's objects one by one, half a second of a run's end with nothing to save:
    files are closed where they are written and publications are renamed into place.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_status)


def main() -> None:
    """The `scrutiny` console entry point: the app, then a quick exit with its status."""
    global _status
    atexit.register(_end_now)
    try:
        app()
        _status = 0
    except SystemExit as exc:
        _status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        raise
    except KeyboardInterrupt:
        _status = 130
        raise
