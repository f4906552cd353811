"""Render the data dictionary (`docs/datasets.md`) from the contract."""

from __future__ import annotations

import textwrap

from schemas.contract import CONTRACT_VERSION, DATASETS, Column
from schemas.views import VIEWS


def _code(text: str) -> str:
    # A pipe inside a table cell ends the cell, even inside backticks.
    return "`" + text.replace("|", "\\|") + "`"


def _rules(column: Column) -> str:
    rules = []
    if not column.nullable:
        rules.append("required")
    if column.allowed:
        rules.append("one of " + ", ".join(f"`{v}`" for v in column.allowed))
    if column.pattern:
        rules.append(f"matches {_code(column.pattern)}")
    if column.min_value is not None:
        rules.append(f">= {column.min_value:g}")
    if column.max_value is not None:
        rules.append(f"<= {column.max_value:g}")
    if column.usual_pattern:
        rules.append(f"warning unless it matches {_code(column.usual_pattern)}")
    return "; ".join(rules)


def render_dictionary() -> str:
    """Return the Markdown data dictionary for every dataset of the contract."""
    lines = [
        "# Datasets",
        "",
        f"Generated from `schemas/contract.py` (contract version {CONTRACT_VERSION}); do not edit by hand:",
        "run `scrutiny docs` to regenerate it.",
        "",
        "Every rule is checked by the validation gate. A row failing a blocking rule is published in",
        "`quarantine/<dataset>.csv` with its reasons instead of the dataset; a row failing a warning is",
        "published and counted. Types, required columns, keys and column rules block, except those",
        "marked \"warning\"; each row rule gives its severity.",
        "",
    ]
    for ds in DATASETS.values():
        lines += [f"## {ds.name}", "", ds.description, ""]
        lines.append(f"Key: {', '.join(ds.key) or '(none)'}. Sorted by: {', '.join(ds.sort_by)}.")
        lines += ["", "| column | Arrow type | rules | description |", "|---|---|---|---|"]
        for col in ds.columns:
            desc = col.description.replace("|", "\\|")
            lines.append(f"| {col.name} | {col.arrow_type} | {_rules(col)} | {desc} |")
        if ds.all_rules:
            lines += ["", "Row rules:", ""]
            lines += [f"- {rule} ({rule.severity})" for rule in ds.all_rules]
        lines.append("")
    lines += _views()
    return "\n".join(lines)


def _views() -> list[str]:
    lines = [
        "# The database and its views",
        "",
        "`outputs/scrutiny.duckdb` holds one view per dataset above, named like the dataset, over its Parquet",
        "file by a relative path (so the output folder can be moved), and the analyst views below. It is",
        "rebuilt with every publication. `scrutiny sql --output outputs \"SELECT ...\"` queries it; from DuckDB",
        "itself, open it from the output folder, or run `SET file_search_path = '<the output folder>'` first.",
        "",
    ]
    for view in VIEWS:
        lines += [f"## {view.name}", "", view.description, "", "| column | description |", "|---|---|"]
        lines += [f"| {name} | {text.replace('|', chr(92) + '|')} |" for name, text in view.columns]
        lines += ["", "```sql", textwrap.dedent(view.sql).strip(), "```", ""]
    return lines
