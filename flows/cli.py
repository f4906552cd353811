"""The `scrutiny` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.settings import configure_environment

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
    table = Table(title="scrutiny run")
    for column in ("pack", "pages", "rows", "quarantined", "error"):
        table.add_column(column, overflow="fold")
    for outcome in outcomes:
        rows = ", ".join(f"{k} {len(v)}" for k, v in (outcome.frames or {}).items() if len(v))
        quarantined = str(outcome.quarantined_rows) if outcome.ok else ""
        error = f"{outcome.error_code}: {outcome.error}" if not outcome.ok else ""
        table.add_row(outcome.file_name, str(outcome.page_count or ""), rows, quarantined, error)
    return table


@app.command()
def run(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="PDF files, folders (searched recursively for *.pdf) or http(s) URLs.", show_default=False),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to publish into.")] = DEFAULT_OUTPUT,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Packs extracted at once.")] = 1,
    timeout: Annotated[float, typer.Option(help="Seconds one pack may take before it is stopped.")] = 900.0,
    memory_mb: Annotated[int, typer.Option(help="Memory one pack's extraction may use, in MB.")] = 6144,
    dask_address: Annotated[str | None, typer.Option(help="Run the tasks on this Dask scheduler.")] = None,
) -> None:
    """Extract, validate and publish packs.

    Example: scrutiny run raw_pdfs ../more/pack.pdf https://example.org/pack.pdf --output outputs --workers 2
    """
    from flows.inputs import InputError, resolve_inputs

    try:
        packs, urls = resolve_inputs(inputs or [DEFAULT_INPUT])
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="INPUTS") from None
    if not packs and not urls:
        raise typer.BadParameter("no PDF files found in the inputs", param_hint="INPUTS")

    from flows.isolation import Limits
    from flows.pipeline import RunRequest
    from flows.pipeline import run as run_pipeline
    from flows.progress import subscribe

    request = RunRequest(packs, urls, output, workers, Limits(timeout, memory_mb), dask_address)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[status]}"), TimeElapsedColumn(), console=console) as progress:
        bars = {p.source: progress.add_task(p.file_name, total=1, status="queued") for p in packs}
        bars.update({u: progress.add_task(u, total=1, status="queued") for u in urls})

        def on_event(source: str, event: str, details: dict) -> None:
            if source in bars:
                done = event in ("done", "failed")
                status = {"started": "extracting", "done": "done", "failed": f"failed: {details.get('error', '')}"}[event]
                progress.update(bars[source], completed=1 if done else 0, status=status)

        unsubscribe = subscribe(on_event)
        try:
            outcomes, manifest = run_pipeline(request)
        finally:
            unsubscribe()
    console.print(_summary_table(outcomes))
    validation = manifest.get("validation", {}).get("datasets", {})
    quarantined = sum(v.get("rows_quarantined", 0) for v in validation.values())
    console.print(f"validation: {quarantined} rows quarantined; published to {output}")
    raise typer.Exit(1 if any(not o.ok for o in outcomes) else 0)


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


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
