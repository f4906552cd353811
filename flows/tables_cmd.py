"""`scrutiny tables`: every table of one PDF as CSV with JSON sidecars, one JSON file, or JSON lines."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

FORMATS = ("csv", "json", "jsonl")


def parse_pages(spec: str | None) -> list[int] | None:
    """'1,3-5' -> [1, 3, 4, 5]; None or '' -> None (every page). Raises ValueError on anything else."""
    if not spec:
        return None
    pages: set[int] = set()
    for part in spec.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match:
            raise ValueError(f"{part!r} is not a page or a range like 3-5")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise ValueError(f"{part!r} is not a page range (pages count from 1, low to high)")
        pages.update(range(first, last + 1))
    return sorted(pages)


def _csv_text(grid: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(grid)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def render(records: list[dict], fmt: str) -> dict[str, str]:
    """File name -> content for the records in one format (csv: a CSV and a JSON sidecar per table)."""
    if fmt == "jsonl":
        return {"tables.jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)}
    if fmt == "json":
        return {"tables.json": json.dumps(records, ensure_ascii=False, indent=1) + "\n"}
    files = {}
    for record in records:
        stem = f"{Path(record['file']).stem}-p{record['page']}-t{record['table']}"
        files[f"{stem}.csv"] = _csv_text(record["cells"])
        files[f"{stem}.json"] = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
    return files


def tables(
    pdf: Annotated[Path, typer.Argument(help="The PDF to read.", exists=True, dir_okay=False, show_default=False)],
    pages: Annotated[str | None, typer.Option("--pages", help="Pages to read, e.g. 1,3-5 (default: all).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv (one CSV per table plus a JSON sidecar), json or jsonl.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder to write into (default: json/jsonl to standard output).")] = None,
) -> None:
    """Every table in a PDF, ruled or not: each cell's text, spans, bbox and fill (RGB and nearest RAG).

    Example: scrutiny tables pack.pdf --pages 1,3-5 --format csv --output tables
    """
    from extractors.errors import PackError
    from extractors.table_export import table_record
    from extractors.table_finder import find_tables

    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if fmt == "csv" and output is None:
        raise typer.BadParameter("csv writes one file per table: give a folder with --output", param_hint="--output")
    try:
        page_list = parse_pages(pages)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--pages") from None
    try:
        found = find_tables(pdf.read_bytes(), page_list)
    except PackError as exc:
        typer.echo(f"{pdf}: {exc.code}: {exc.message}", err=True)
        raise typer.Exit(1) from None
    records = [table_record(table, pdf.name, number) for number, table in enumerate(found, start=1)]
    files = render(records, fmt)
    if output is None:
        sys.stdout.write(next(iter(files.values())))
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        _write(output / name, text)
    typer.echo(f"{len(records)} tables from {pdf.name} written to {output}", err=True)
