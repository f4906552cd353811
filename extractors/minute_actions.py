"""Action points of minutes: "ACTION: ... (Lead: X, by D)" lines and an action table after the last minute.

The words of action lines and the header synonyms of action tables are data in
`extractors.meeting_words`.
"""

from __future__ import annotations

from extractors.meeting_words import (
    ACTION_LINE_RE,
    ACTION_TABLE_HEADERS,
    ACTION_TABLE_TITLE_RE,
    ACTION_TAIL_RE,
    DUE_RE,
    OWNER_RE,
    RESOLUTION_RE,
    SIGNATURE_LINE_RE,
)
from extractors.pdf_pages import Line
from extractors.text import closes_meeting, normalise


def action_table_start(lines: list[tuple[int, Line]], start: int) -> int | None:
    """Index of an action table's header row (or its title) after the minutes, if there is one."""
    for index in range(start, len(lines)):
        _, line = lines[index]
        if _action_columns(line) is not None:
            before = index - 1
            if before >= start and ACTION_TABLE_TITLE_RE.match(lines[before][1].text.strip()):
                return before
            return index
    return None


def _action_columns(line: Line) -> dict[str, float] | None:
    """The x position of each action-table column when `line` is such a table's header row."""
    if len(line.segments) < 2:
        return None
    columns: dict[str, float] = {}
    for seg in line.segments:
        key = normalise(seg.text).lower().strip(" :")
        field_name = next((name for name, words in ACTION_TABLE_HEADERS.items() if key in words), None)
        if field_name is None or field_name in columns:
            return None
        columns[field_name] = seg.x0
    return columns if "action" in columns and len(columns) >= 2 else None


def action_lines(body: list[Line], pages: list[int]) -> list[tuple[str, int]]:
    """"ACTION: ..." lines with the lines that continue them (no gap, not a new paragraph)."""
    found: list[tuple[str, int]] = []
    index = 0
    while index < len(body):
        line = body[index]
        if m := ACTION_LINE_RE.match(line.text):
            parts, previous = [m.group("action")], line
            for nxt in body[index + 1 :]:
                new_block = ACTION_LINE_RE.match(nxt.text) or RESOLUTION_RE.match(nxt.text)
                if new_block or nxt.top - previous.bottom > 0.6 * nxt.size or nxt.x0 < line.x0 - 2:
                    break
                parts.append(nxt.text)
                previous = nxt
            found.append((normalise("\n".join(parts)), pages[index]))
            index += len(parts)
        else:
            index += 1
    return found


def action_row(number: str, page: int, text: str) -> dict:
    """One action with its owner and due date; a bracketed "(Lead: X, by DATE)" is not the action."""
    owner = OWNER_RE.search(text)
    due = DUE_RE.search(text)
    action = ACTION_TAIL_RE.sub("", text).strip()
    return {
        "minute_number": number,
        "page": page,
        "action": action,
        "owner": normalise(owner.group(1)) if owner else None,
        "due": normalise(due.group(1) or due.group(2)) if due else None,
    }


def action_table(lines: list[tuple[int, Line]], start: int) -> list[dict]:
    """Rows of an action table printed after the last minute (one or more lines a row)."""
    header_index = next(i for i in range(start, len(lines)) if _action_columns(lines[i][1]) is not None)
    columns = _action_columns(lines[header_index][1])
    assert columns is not None
    order = sorted(columns.items(), key=lambda kv: kv[1])
    first = order[0][0]
    rows: list[tuple[int, dict[str, list[str]]]] = []
    previous: Line | None = None
    for page_number, line in lines[header_index + 1 :]:
        if _action_columns(line) is not None:
            continue  # the header repeated on a new page
        if SIGNATURE_LINE_RE.match(line.text.strip()) or closes_meeting(line.text):
            break
        cells: dict[str, list[str]] = {}
        for seg in line.segments:
            name = max((n for n, x in order if x <= seg.x0 + 4), key=lambda n: columns[n], default=first)
            cells.setdefault(name, []).append(seg.text)
        starts_row = first in cells and (previous is None or first != "action" or line.top - previous.bottom > 0.4 * line.size)
        if starts_row or not rows:
            rows.append((page_number, {}))
        for name, texts in cells.items():
            rows[-1][1].setdefault(name, []).extend(texts)
        previous = line
    found = []
    for page_number, cells in rows:
        text = {name: normalise("\n".join(values)) for name, values in cells.items()}
        if not text.get("action"):
            continue
        found.append(
            {
                "minute_number": text.get("minute_number", "").strip("()"),
                "page": page_number,
                "action": text["action"],
                "owner": text.get("owner") or None,
                "due": text.get("due") or None,
            }
        )
    return found
