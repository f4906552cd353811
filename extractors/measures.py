"""Measure-to-data-source tables ("Appendix B: Performance Measures") into `performance_measures`."""

from __future__ import annotations

import re

from extractors.claims import Claim, share_placed
from extractors.header_map import build_index, field_of, map_headers
from extractors.periods import expand_refs
from extractors.table_reader import BOXES, Row, Table, cell_boxes
from extractors.text import join_entries, normalise
from extractors.vocabulary import MEASURE_HEADERS

MEASURE_INDEX = build_index(MEASURE_HEADERS)
FOCUS_RE = re.compile(r"^([A-Z]{1,4}\d+[a-z]?)\s*[:.\-–]\s*(.+)$")


def _is_header(row: Row) -> bool:
    fields = map_headers(row.texts(), MEASURE_INDEX)
    return "measure" in fields and "data_source" in fields


def claim(table: Table) -> Claim | None:
    """The measures reader's claim on a table: a first row naming a measure and its data source."""
    if not table.rows or not _is_header(table.rows[0]):
        return None
    fields = map_headers(table.rows[0].texts(), MEASURE_INDEX)
    labels = [field_of(t, MEASURE_INDEX)[1] for t in table.rows[0].texts()]
    return Claim("performance_measures", share_placed(fields, labels), tuple(fields), 1, tuple(labels))


def unplaced_columns(table: Table) -> list[str]:
    """Headers of a measures table's columns that no field fits but whose body holds text (their
    rows would be published without what the column says). Blank columns are not unplaced."""
    if not table.rows:
        return []
    headers = table.rows[0].texts()
    fields = map_headers(headers, MEASURE_INDEX)
    found = []
    for index, (header, name) in enumerate(zip(headers, fields)):
        if name is None and header.strip():
            if any(row.text_at(index).strip() for row in table.rows[1:]):
                found.append(normalise(header))
    return found


def extract_measures(tables: list[Table]) -> list[dict]:
    """Rows of every measures table; spanned focus-area and action-ref cells carry down."""
    rows: list[dict] = []
    for table in tables:
        if not table.rows or not _is_header(table.rows[0]):
            continue
        fields = map_headers(table.rows[0].texts(), MEASURE_INDEX)
        focus: tuple[str | None, str | None] = (None, None)
        refs = ""
        for row in table.rows[1:]:
            values = {name: row.cells[i] for i, name in enumerate(fields) if name and i < len(row.cells)}
            if (cell := values.get("focus_area")) is not None and cell.text.strip():
                text = normalise(cell.text)
                m = FOCUS_RE.match(text)
                focus = (m.group(1), m.group(2)) if m else (None, text)
            if (cell := values.get("action_refs")) is not None and cell.text.strip():
                refs = "; ".join(p.strip() for p in re.split(r"[,;]", normalise(cell.text)) if p.strip())
            measure_cell = values.get("measure")
            measure = join_entries(measure_cell.lines) if measure_cell is not None else ""
            if not measure:
                continue
            source_cell = values.get("data_source")
            source = normalise(source_cell.text) if source_cell is not None else ""
            rows.append(
                {
                    "page": row.page,
                    "focus_area_code": focus[0],
                    "focus_area": focus[1],
                    "action_refs": refs,
                    "measure": measure,
                    "data_source": source or None,
                    "scorecard_refs": "; ".join(expand_refs(source)),
                    BOXES: cell_boxes(row, fields),
                }
            )
    return rows
