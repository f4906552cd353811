"""Render the data dictionary (`docs/datasets.md`) from the contract."""

from __future__ import annotations

from schemas.contract import CONTRACT_VERSION, DATASETS, Column


def _rules(column: Column) -> str:
    rules = []
    if not column.nullable:
        rules.append("required")
    if column.allowed:
        rules.append("one of " + ", ".join(f"`{v}`" for v in column.allowed))
    if column.pattern:
        rules.append(f"matches `{column.pattern}`")
    if column.min_value is not None:
        rules.append(f">= {column.min_value:g}")
    if column.max_value is not None:
        rules.append(f"<= {column.max_value:g}")
    return "; ".join(rules)


def render_dictionary() -> str:
    """Return the Markdown data dictionary for every dataset of the contract."""
    lines = [
        "# Datasets",
        "",
        f"Generated from `schemas/contract.py` (contract version {CONTRACT_VERSION}); do not edit by hand:",
        "run `scrutiny docs` to regenerate it.",
        "",
    ]
    for ds in DATASETS.values():
        lines += [f"## {ds.name}", "", ds.description, ""]
        lines.append(f"Key: {', '.join(ds.key) or '(none)'}. Sorted by: {', '.join(ds.sort_by)}.")
        lines += ["", "| column | Arrow type | rules | description |", "|---|---|---|---|"]
        for col in ds.columns:
            desc = col.description.replace("|", "\\|")
            lines.append(f"| {col.name} | {col.arrow_type} | {_rules(col)} | {desc} |")
        lines.append("")
    return "\n".join(lines)
