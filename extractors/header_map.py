"""Map printed column headers to contract fields: synonyms as data (`extractors.vocabulary`), case
and punctuation ignored, header words broken by narrow columns put back together."""

from __future__ import annotations

import itertools

from extractors.table_reader import header_key, header_text
from extractors.vocabulary import ACTION_PLAN_HEADERS

# When a header repeats, the later column takes this partner field ("Start Date" twice: start, end).
PARTNERS = {"start_date": "end_date"}
# Cells with more line breaks than this are not re-joined every possible way.
MAX_BREAKS = 4


def build_index(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Header key -> field; a header listed under two fields is a mistake in the data and raises."""
    index: dict[str, str] = {}
    for name, headers in synonyms.items():
        for header in headers:
            key = header_key(header)
            if index.get(key, name) != name:
                raise ValueError(f"header {header!r} is listed for both {index[key]} and {name}")
            index[key] = name
    return index


ACTION_PLAN_INDEX = build_index(ACTION_PLAN_HEADERS)


def header_readings(cell_text: str) -> list[str]:
    """Ways to read a header cell whose words a narrow column may have broken: the plain reading
    first, then each line break read as no space ("Actio" / "n No" -> "Action No")."""
    plain = header_text(cell_text)
    lines = [line.strip() for line in (cell_text or "").split("\n") if line.strip()]
    readings = [plain]
    if 1 < len(lines) <= MAX_BREAKS + 1:
        for glue in itertools.product(("", " "), repeat=len(lines) - 1):
            text = lines[0] + "".join(g + line for g, line in zip(glue, lines[1:]))
            if text not in readings:
                readings.append(text)
    return readings


def field_of(cell_text: str, index: dict[str, str]) -> tuple[str | None, str]:
    """(field, header as read) of one header cell: the first reading the synonyms know."""
    readings = header_readings(cell_text)
    for reading in readings:
        key = header_key(reading)
        if key and key in index:
            return index[key], reading
    return None, readings[0]


def map_headers(headers: list[str], index: dict[str, str], reference: list[str | None] | None = None) -> list[str | None]:
    """Field per column (None: not a contract field, kept in `extra`).

    A repeated header is resolved by position: the field a reference layout (the same plan's
    other pages) has in that column, else the header's partner field.
    """
    fields: list[str | None] = []
    for position, header in enumerate(headers):
        name, _ = field_of(header, index)
        if name is not None and name in fields:
            if reference is not None and position < len(reference) and reference[position] not in fields:
                name = reference[position]
            else:
                name = PARTNERS.get(name) if PARTNERS.get(name) not in fields else None
        fields.append(name)
    return fields
