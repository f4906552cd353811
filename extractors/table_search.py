"""Tables the ruled reader misses, looked for only where a dataset reader would claim one.

The ruled reader reads boxed tables. Tables ruled only between rows, with only the header boxed,
or not ruled at all come out of it as one cell per row or not at all. `extractors.table_finder`
reads those, and its parts are used here:
- a ruled table with a cell spanning columns that holds a line of gap-separated text is split
  along the header's column edges (`split_spanning_cells`), kept when a reader claims the result;
- text alignment (camelot) costs a third of a page's time, so it runs only on pages with a
  printed line, outside the tables the readers already hold, whose segments a reader claims as a
  header ("Ref | Action | Lead | Due date", "Indicator | Target | Q1 | RAG"), and only the tables
  a reader then claims are kept.
Other tables the ruled reader reads are never replaced.
"""

from __future__ import annotations

from collections.abc import Callable

import pdfplumber

from extractors.claims import Claim
from extractors.pdf_pages import Line, PageKeeper, PageText
from extractors.table_finder import SAME_TABLE_OVERLAP, is_table, overlap_share, page_tables
from extractors.table_grid import lines_text, placed_cells, split_spanning_cells, words_inside
from extractors.table_reader import BBox, Cell, Row, Table
from extractors.table_unruled import read_unruled
from extractors.word_assembly import extract_words

ClaimOf = Callable[[Table], "Claim | None"]
# A header needs at least this many columns (an indicator and a rating; a measure and its source).
MIN_HEADER_SEGMENTS = 2


def _inside(line: Line, box: BBox) -> bool:
    middle = (line.top + line.bottom) / 2
    return box[1] - 1 <= middle <= box[3] + 1 and line.x0 >= box[0] - 1 and line.x1 <= box[2] + 1


def _as_header_table(page: int, line: Line) -> Table:
    """A one-row table of a printed line, one cell per gap-separated segment."""
    cells: list[Cell | None] = [Cell(s.text, (s.x0, line.top, s.x1, line.bottom), None, line.bold) for s in line.segments]
    columns = [s.x0 for s in line.segments] + [line.x1]
    return Table(page, (line.x0, line.top, line.x1, line.bottom), columns, [Row(cells, page)], "unruled")


def header_lines(text: PageText, claim_of: ClaimOf, outside: list[Table] = ()) -> list[Line]:
    """The lines of a page, outside the given tables, a reader claims as a table header when read
    as one row of cells."""
    return [
        line
        for line in text.lines
        if len(line.segments) >= MIN_HEADER_SEGMENTS
        and not any(_inside(line, t.bbox) for t in outside)
        and claim_of(_as_header_table(text.number, line)) is not None
    ]


def widen_to_header(table: Table, heads: list[Line], words: list[dict]) -> Table:
    """An unruled table with columns added for header cells printed right of its last column.

    Text alignment finds a column only where body rows print text in it, so a column of RAG fills
    or arrow shapes (nothing printed under its header) is left out; the header line says it is
    there. Each added column runs from the gap before its header cell to the gap after it (the last
    one to the header's or the body's right edge), each row's cell holding the words printed in it.
    """
    top = table.bbox[1]
    tops = [min((c.bbox[1] for c in row.cells if c is not None), default=top) for row in table.rows]
    head = next((line for line in heads if table.bbox[0] - 1 <= line.x0 and top - 1 <= (line.top + line.bottom) / 2 <= table.bbox[3]), None)
    right = table.bbox[2]
    extra = [s for s in head.segments if s.x0 >= right] if head is not None else []
    if not extra:
        return table
    edges = [right] + [(a.x1 + b.x0) / 2 for a, b in zip(extra, extra[1:])]
    band = [w for w in words if w["x0"] >= right and top <= w["top"] <= table.bbox[3]]
    edges.append(max([extra[-1].x1, *(w["x1"] for w in band)]) + 1)
    rows = []
    for row, row_top in zip(table.rows, tops):
        bottom = max((c.bbox[3] for c in row.cells if c is not None), default=row_top)
        added: list[Cell | None] = []
        for x0, x1 in zip(edges, edges[1:]):
            box = (x0, row_top, x1, bottom)
            added.append(Cell(lines_text(words_inside(box, band)), box, None))
        rows.append(Row([*row.cells, *added], row.page))
    bbox = (table.bbox[0], table.bbox[1], edges[-1], table.bbox[3])
    return Table(table.page, bbox, [*table.columns[:-1], *edges], rows, table.method)


def _spans_columns_of_text(table: Table, text: PageText) -> bool:
    """Whether a cell of the table spans columns and holds a printed line of two or more
    gap-separated segments (a row ruled across the table, its columns set by the header)."""
    for p in placed_cells(table):
        if p.last_col > p.col and p.cell.text.strip():
            box = p.cell.bbox
            if any(len(line.segments) >= MIN_HEADER_SEGMENTS and _inside(line, box) for line in text.lines):
                return True
    return False


def split_ruled_across(page: pdfplumber.page.Page, text: PageText, tables: list[Table], claim_of: ClaimOf) -> int:
    """Replace (in place) ruled tables whose rows came out as one cell across several columns of
    text (rows ruled across, only the header boxed) by their cells split along the header's column
    edges, when a reader claims the split table (as the same kind, for a table already claimed).
    Returns how many were split."""
    words: list[dict] | None = None
    count = 0
    for index, table in enumerate(tables):
        if not _spans_columns_of_text(table, text):
            continue
        words = words if words is not None else extract_words(page.chars)
        split = split_spanning_cells(table, words)
        before, after = claim_of(table), claim_of(split)
        if split is not table and after is not None and (before is None or before.kind == after.kind):
            tables[index] = split
            count += 1
    return count


def add_unruled_tables(
    data: bytes,
    pages: list[pdfplumber.page.Page],
    texts: list[PageText],
    by_page: dict[int, list[Table]],
    claim_of: ClaimOf,
    keeper: PageKeeper | None = None,
) -> dict[str, int]:
    """Add to `by_page` (in place, in reading order) the partly ruled and unruled tables of a part
    that a reader claims, on pages where a header line stands outside the claimed ruled tables.

    `pages` are the part's upright pdfplumber pages with their `texts`; `data` the PDF's bytes
    (text alignment is read by camelot from the file); `claim_of` the best reader's claim on a table
    (best memoised by the caller: it is asked again for the same tables); `keeper` holds a page
    while its characters are read. Returns counts for the quality report.
    """
    stats = {"pages_searched": 0, "tables_split": 0, "tables_added": 0}
    candidates: dict[int, list[Line]] = {}
    plumber = {page.page_number: page for page in pages}
    keeper = keeper or PageKeeper()
    for text in texts:
        found = by_page.setdefault(text.number, [])
        if any(_spans_columns_of_text(t, text) for t in found):
            keeper.hold(plumber[text.number])
            stats["tables_split"] += split_ruled_across(plumber[text.number], text, found, claim_of)
            keeper.done(plumber[text.number])
        held = [t for t in found if claim_of(t) is not None and is_table(t)]
        heads = header_lines(text, claim_of, held)
        # camelot reads pages as printed: a page turned upright here is left to the ruled reader.
        if heads and plumber[text.number].rotation % 360 == 0:
            candidates[text.number] = heads
    if not candidates:
        return stats
    stats["pages_searched"] = len(candidates)
    heights = {n: float(plumber[n].height) for n in candidates}
    unruled = read_unruled(data, sorted(candidates), heights)
    for number, found_here in unruled.items():
        keeper.hold(plumber[number])
        words = extract_words(plumber[number].chars)
        found_here = [widen_to_header(t, candidates[number], words) for t in found_here]
        tables = by_page.setdefault(number, [])
        held = [t for t in tables if claim_of(t) is not None and is_table(t)]
        added = [t for t in page_tables(plumber[number], held, found_here) if not any(t is h for h in held)]
        added = [t for t in added if claim_of(t) is not None]
        keeper.done(plumber[number])
        if not added:
            continue
        # Ruled fragments of an added table (its boxed header row, a boxed cell) give way to it.
        kept = [t for t in tables if any(t is h for h in held) or not any(overlap_share(t.bbox, a.bbox) >= SAME_TABLE_OVERLAP for a in added)]
        tables[:] = sorted(kept + added, key=lambda t: (round(t.bbox[1]), t.bbox[0]))
        stats["tables_added"] += len(added)
    return stats
