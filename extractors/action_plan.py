"""Action-plan tables (improvement plans, action logs) into the `action_plan` dataset."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from extractors.claims import Claim, share_placed
from extractors.header_map import ACTION_PLAN_INDEX, field_of, map_headers
from extractors.pdf_pages import PageText
from extractors.rag import Legend, read_rag
from extractors.table_reader import BOXES, Row, StitchedTable, Table, cell_boxes, stitch
from extractors.text import join_entries, normalise, parse_date, parse_plan_date

TEXT_FIELDS = ("action", "success_measures", "lead", "expected_outcome", "commentary")
DATE_FIELDS = ("start_date", "end_date")
RAG_FIELDS = ("action_rag", "impact_rag")
LEAD_LINE_RE = re.compile(r"^\s*Lead\s*:\s*(.+)$", re.IGNORECASE)
# Tables below this share of mapped header cells are reported, not published as if fine.
MIN_CONFIDENCE = 0.5
# The header may sit under a title row spanning the table; it is looked for in the first rows.
HEADER_SEARCH_ROWS = 4
# A band in regular weight is a theme only when it is heading-length.
THEME_MAX_WORDS = 12


@dataclass
class PlanResult:
    """Rows of the `action_plan` dataset plus a quality entry per logical table."""

    rows: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    rejected: list[tuple[dict, str]] = field(default_factory=list)


def _is_header(row: Row) -> bool:
    fields = [f for f in map_headers(row.texts(), ACTION_PLAN_INDEX) if f]
    return "action" in fields and len(fields) >= 3


def _labels(row: Row) -> list[str]:
    """Each header cell as read (a word broken by a narrow column put back when that makes a known header)."""
    return [field_of(text, ACTION_PLAN_INDEX)[1] for text in row.texts()]


def claim(table: Table) -> Claim | None:
    """The action-plan reader's claim on a table: a header row naming an action column and at least
    two other plan fields (ref, lead, dates, RAG, commentary...)."""
    for start, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        if _is_header(row):
            fields = map_headers(row.texts(), ACTION_PLAN_INDEX)
            labels = _labels(row)
            return Claim("action_plan", share_placed(fields, labels), tuple(fields), 1, tuple(labels), start)
    return None


def _continues_row(row: Row) -> bool:
    """A row with an empty first cell but other text: the rest of the row above."""
    first = row.cells[0] if row.cells else None
    return (first is None or not first.text.strip()) and bool(row.filled()) and not _is_theme(row)


def _headings_above(page: PageText, table: Table) -> tuple[str | None, str | None]:
    """(priority, lead) from the lines printed above a table: the heading right over a "Lead:" line,
    or the last heading when there is no lead line."""
    above = [line for line in page.lines if line.bottom <= table.bbox[1] + 1 and line.size >= 9]
    if not above:
        return None, None
    for i, line in enumerate(above):
        if m := LEAD_LINE_RE.match(line.text):
            priority = normalise(above[i - 1].text) if i else None
            return priority, normalise(m.group(1))
    return normalise(above[-1].text), None


def _is_theme(row: Row) -> bool:
    """A sub-heading in one cell that spans the table: bold (the other cells None or empty), or in any
    weight when its one cell spans every column ("Meeting held on 11 July 2023" on a shaded band)."""
    filled = row.filled()
    if len(filled) != 1:
        return False
    if not row.cells[filled[0]].bold:
        # In regular weight only a band over every column, and heading-length, not a paragraph.
        spans = len(row.cells) > 2 and filled == [0] and all(c is None for c in row.cells[1:])
        return spans and len(row.cells[0].text.split()) <= THEME_MAX_WORDS
    return sum(1 for c in row.cells if c is None) >= len(row.cells) // 2 or filled == [0]


def _columns_of(row: Row, header: Row) -> list[tuple[int, object]]:
    """(header column, cell) for every cell of a row, matched by where the cell's centre falls.

    Matching by geometry, not by index, copes with cells that span columns differently in the
    header and in the body."""
    spans = [(i, c.bbox[0], c.bbox[2]) for i, c in enumerate(header.cells) if c is not None]
    pairs = []
    for cell in row.cells:
        if cell is None:
            continue
        centre = (cell.bbox[0] + cell.bbox[2]) / 2
        column = next((i for i, x0, x1 in spans if x0 - 1 <= centre <= x1 + 1), None)
        if column is not None:
            pairs.append((column, cell))
    return pairs


def extract_action_plans(tables: list[Table], texts: list[PageText], plan_title: str | None, legend: Legend | None = None) -> PlanResult:
    """Read every action-plan table among a part's tables (in page order), with the part's page text.

    A table whose header is not its first row (a title row above it) is read from its header down."""
    tables = [_from_header(table) for table in tables]
    result = PlanResult()
    context: dict[int, tuple[str | None, str | None]] = {}
    for text in texts:
        first = next((t for t in tables if t.page == text.number), None)
        if first is not None:
            context[text.number] = _headings_above(text, first)
    reference: list[str | None] | None = None
    sequence = 0
    priority = lead = theme = None
    for logical in stitch(tables, _is_header, _continues_row):
        headers = _labels(logical.header)
        fields = map_headers(logical.header.texts(), ACTION_PLAN_INDEX, reference)
        confidence = round(sum(1 for f in fields if f) / max(1, sum(1 for h in headers if h)), 3)
        entry = _table_entry(logical, headers, fields, confidence)
        result.tables.append(entry)
        target = result.rows
        if confidence < MIN_CONFIDENCE:
            entry["status"] = "quarantined: too few headers mapped"
            target = []
        else:
            reference = reference or fields
        for row in logical.rows:
            heading = context.get(row.page, (None, None))
            if heading[0] and heading[0] != priority:
                priority, lead, theme = heading[0], heading[1], None
            if _is_theme(row):
                theme = normalise(row.cells[row.filled()[0]].text)
                continue
            record = _record(row, logical.header, headers, fields, legend)
            boxes = cell_boxes(row, fields)
            if "ref" in fields and not record.get("ref") and target:
                _merge_into(target[-1], record)  # a sub-row of the action above
                target[-1][BOXES] += boxes
                continue
            if not record.get("action"):
                continue
            sequence += 1
            if "ref" not in fields:
                record["ref"] = str(sequence)  # no printed number: the row's place in the plan
            target.append(
                {"page": row.page, "plan_title": plan_title, "priority": priority, "priority_lead": lead, "theme": theme, **record, BOXES: boxes}
            )
        if target is not result.rows:
            reason = f"table on pages {logical.pages}: only {confidence:.0%} of its headers map to the contract"
            result.rejected += [(row, reason) for row in target]
    if qualified := qualify_restarted_refs(result.rows):
        result.tables[-1]["refs_qualified_by_group"] = qualified
    return result


def _group_label(text: str) -> str:
    """A group heading as a ref prefix: its date in ISO form ("Meeting held on 11 July 2023" ->
    "2023-07-11"), else the heading as printed."""
    found = parse_date(text)
    return found.isoformat() if found else text


def qualify_restarted_refs(rows: list[dict]) -> int:
    """Make refs unique within a plan when the numbering restarts under each group (an action log
    numbering 1, 2, 3 under every "Meeting held on ..." band, or under each priority heading).

    Only when every group's refs are unique on their own and some ref repeats across groups: then
    every ref of the plan is prefixed by the group that varies ("2023-07-11 / 1"). Repeats within a
    group are left alone (they are quarantined as duplicated keys, not guessed apart). Returns how
    many refs were prefixed."""
    refs = [row.get("ref") for row in rows]
    if len(set(refs)) == len(refs):
        return 0
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault((row.get("priority"), row.get("theme")), []).append(row.get("ref"))
    if len(groups) < 2 or any(len(set(found)) != len(found) for found in groups.values()):
        return 0
    varying = [i for i in (0, 1) if len({key[i] for key in groups}) > 1]
    for row in rows:
        key = (row.get("priority"), row.get("theme"))
        labels = [_group_label(key[i]) for i in varying if key[i]]
        row["ref"] = " / ".join([*labels, row["ref"]])
    return len(rows)


def _merge_into(previous: dict, record: dict) -> None:
    for name in TEXT_FIELDS:
        if record.get(name):
            previous[name] = "; ".join(t for t in (previous.get(name), record[name]) if t)
    for name in (*DATE_FIELDS, *RAG_FIELDS):
        if previous.get(name) is None and record.get(name) is not None:
            previous[name] = record[name]
    extra = {**json.loads(record["extra"]), **json.loads(previous["extra"])}
    previous["extra"] = json.dumps(extra, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def _from_header(table: Table) -> Table:
    found = claim(table)
    if found is None or found.header_start == 0:
        return table
    return Table(table.page, table.bbox, table.columns, table.rows[found.header_start :])


def _record(row: Row, header: Row, headers: list[str], fields: list[str | None], legend: Legend | None = None) -> dict:
    cells: dict[int, list] = {}
    for column, cell in _columns_of(row, header):
        cells.setdefault(column, []).append(cell)
    record: dict[str, object] = {}
    extra: dict[str, str] = {}
    for column, parts in sorted(cells.items()):
        name, label = fields[column], headers[column] or f"column {column + 1}"
        text = join_entries([line for cell in parts for line in cell.lines])
        fill = next((cell.fill for cell in parts if cell.fill is not None), None)
        if name is None:
            if text:
                extra[label] = text
        elif name in RAG_FIELDS:
            header_fill = next((c.fill for c in header.cells if c is not None and c.fill is not None), None)
            record[name] = read_rag(text, None if fill == header_fill else fill, legend)
        elif name in DATE_FIELDS:
            record[name] = parse_plan_date(text)
            if text and record[name] is None:
                extra[label] = text  # kept, not lost, when the cell is not one date
        elif name == "ref":
            record[name] = normalise(text) or None
        else:
            record[name] = text or None
    record["extra"] = json.dumps(extra, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return record


def _table_entry(logical: StitchedTable, headers: list[str], fields: list[str | None], confidence: float) -> dict:
    return {
        "pages": logical.pages,
        "rows": len(logical.rows),
        "header_matches": logical.header_matches,
        "rows_joined_across_pages": logical.joined_rows,
        "columns": {h: f for h, f in zip(headers, fields)},
        "confidence": confidence,
        "status": "published",
    }
