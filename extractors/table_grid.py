"""A table's cells on its grid: where each cell sits and how many rows and columns it spans, and
ruled cells that hold several columns of text split along the table's column edges."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.table_reader import BBox, Cell, Row, Table
from extractors.text_lines import group_rows, mostly_bold

# Edges closer than this many points are the same grid line.
EDGE_TOLERANCE = 2.0
# Words on one line of a spanning cell are in different columns only when this many font sizes apart.
COLUMN_GAP = 0.9
WORD_LINE_TOLERANCE = 3.0


@dataclass(frozen=True)
class Placed:
    """A cell and the block of grid positions it covers (0-based, inclusive)."""

    cell: Cell
    row: int
    col: int
    last_row: int
    last_col: int

    @property
    def span(self) -> tuple[int, int, int, int]:
        return (self.row, self.col, self.last_row, self.last_col)


def _index(edges: list[float], value: float) -> int:
    """Index of the edge nearest `value`."""
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def row_tops(table: Table) -> list[float]:
    """The top edge of each row (its highest cell)."""
    return [min(c.bbox[1] for c in row.cells if c is not None) if any(row.cells) else 0.0 for row in table.rows]


def placed_cells(table: Table) -> list[Placed]:
    """Every cell with the grid block it covers: columns from the table's column edges, rows from row tops."""
    tops = row_tops(table)
    columns = table.columns
    placed = []
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if cell is None:
                continue
            last_col = max(c, _index(columns, cell.bbox[2]) - 1) if len(columns) > 1 else c
            last_row = r
            while last_row + 1 < len(tops) and tops[last_row + 1] < cell.bbox[3] - EDGE_TOLERANCE:
                last_row += 1
            placed.append(Placed(cell, r, c, last_row, min(last_col, len(row.cells) - 1)))
    return placed


def compact_cells(table: Table) -> list[Placed]:
    """The placed cells with grid rows and columns in which no cell with text starts removed.

    Rules drawn at slightly different heights in different columns (or a sliver column between two
    edges that nearly meet) make grid lines that hold no text of their own; dropping them leaves
    the table as printed, with spans shortened to match.
    """
    placed = placed_cells(table)
    texts = [p for p in placed if p.cell.text.strip()]
    rows = sorted({p.row for p in texts})
    cols = sorted({p.col for p in texts})
    if not texts:
        return []

    def last(kept: list[int], index: int) -> int:
        return max(i for i, k in enumerate(kept) if k <= index)

    return [
        Placed(p.cell, rows.index(p.row), cols.index(p.col), last(rows, p.last_row), last(cols, p.last_col))
        for p in texts
    ]


def grid_texts(table: Table) -> list[list[str]]:
    """The table as rows of strings, each cell written once at its top-left position (rows and
    columns that hold no text of their own dropped, see `compact_cells`)."""
    placed = compact_cells(table)
    height = max((p.row for p in placed), default=-1) + 1
    width = max((p.col for p in placed), default=-1) + 1
    grid = [["" for _ in range(width)] for _ in range(height)]
    for p in placed:
        grid[p.row][p.col] = p.cell.text
    return grid


def words_inside(bbox: BBox, words: list[dict]) -> list[dict]:
    """The words whose centre lies in the box."""
    x0, top, x1, bottom = bbox
    return [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]


def _split_by_columns(words: list[dict], edges: list[float]) -> dict[int, list[dict]] | None:
    """Words of a spanning cell by the column (index into `edges`) each falls in; None unless they
    fall cleanly into two or more columns with wide gaps between columns."""
    by_column: dict[int, list[dict]] = {}
    for word in words:
        column = next((i for i in range(len(edges) - 1) if edges[i] - EDGE_TOLERANCE <= word["x0"] and word["x1"] <= edges[i + 1] + EDGE_TOLERANCE), None)
        if column is None:
            return None  # a word runs across a column edge: the text flows over the span
        by_column.setdefault(column, []).append(word)
    if len(by_column) < 2:
        return None
    for line in group_rows(words, WORD_LINE_TOLERANCE):
        for left, right in zip(line, line[1:]):
            same = any(left in ws and right in ws for ws in by_column.values())
            if not same and right["x0"] - left["x1"] < COLUMN_GAP * (right["bottom"] - right["top"]):
                return None
    return by_column


def lines_text(words: list[dict]) -> str:
    """Words as text, one line per printed line."""
    return "\n".join(" ".join(w["text"] for w in line) for line in group_rows(words, WORD_LINE_TOLERANCE))


def split_spanning_cells(table: Table, words: list[dict]) -> Table:
    """Split cells that span columns but hold one column of text per spanned column.

    Tables ruled only between rows, or with only the header boxed, come out of the ruled reader
    with each body row in one cell spanning the table; the header's column edges say where to cut.
    """
    columns = table.columns
    if len(columns) < 3:
        return table
    changed = False
    rows = [Row(list(row.cells), row.page) for row in table.rows]
    for p in placed_cells(table):
        if p.last_col == p.col or not p.cell.text.strip():
            continue
        edges = columns[p.col : p.last_col + 2]
        by_column = _split_by_columns(words_inside(p.cell.bbox, words), edges)
        if by_column is None:
            continue
        changed = True
        x0, top, x1, bottom = p.cell.bbox
        for offset in range(p.last_col - p.col + 1):
            ws = by_column.get(offset, [])
            box = (max(x0, edges[offset]), top, min(x1, edges[offset + 1]), bottom)
            rows[p.row].cells[p.col + offset] = Cell(lines_text(ws), box, p.cell.fill, mostly_bold(ws))
    if not changed:
        return table
    return Table(table.page, table.bbox, table.columns, rows, "partly ruled")
