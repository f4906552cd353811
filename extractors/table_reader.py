"""Ruled tables: cells from ruling lines, with text, bbox, fill colour and weight, and tables stitched
across page breaks. `extractors.table_finder` adds partly ruled and unruled tables on top."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import pdfplumber
from pdfplumber.table import Table as PlumberTable

from extractors.colour import RGB, to_rgb
from extractors.ruled_finder import find_ruled_tables
from extractors.text_lines import group_rows, mostly_bold
from extractors.word_assembly import extract_text

BBox = tuple[float, float, float, float]
# A row dict may carry the boxes of the cells it was read from under this key; the pack splits
# them off into provenance before the row becomes a contract row.
BOXES = "_boxes"
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# Column edges of two pages' tables that lie within this many points are the same column.
COLUMN_TOLERANCE = 6.0
# A fill rectangle counts for a cell when it covers this share of the cell.
FILL_COVERAGE = 0.5
# Characters whose tops lie within this many points print on one line of a cell.
CHAR_LINE_TOLERANCE = 2.0


@dataclass(frozen=True)
class Cell:
    """One cell: its text (lines kept), where it is, and the colour it is filled with."""

    text: str
    bbox: BBox
    fill: RGB | None
    bold: bool = False

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.split("\n") if line.strip()]


@dataclass
class Row:
    """A table row: cells by column (None where a cell spans from the left), and its page."""

    cells: list[Cell | None]
    page: int

    def texts(self) -> list[str]:
        return [(c.text if c else "") for c in self.cells]

    def text_at(self, index: int) -> str:
        """The text of the cell in column `index` ("" for a spanned or missing cell)."""
        cell = self.cells[index] if index < len(self.cells) else None
        return cell.text if cell is not None else ""

    def filled(self) -> list[int]:
        return [i for i, c in enumerate(self.cells) if c is not None and c.text.strip()]


def cell_boxes(row: Row, columns: list[str | None] | None = None) -> list[dict]:
    """The page and box of each non-empty cell of `row`, with its column's name when known."""
    boxes = []
    for index, cell in enumerate(row.cells):
        name = columns[index] if columns and index < len(columns) else None
        # An empty cell counts when its column is read (a RAG rating can be a fill with no text).
        if cell is not None and (cell.text.strip() or name):
            boxes.append({"page": row.page, "column": name or f"column {index + 1}", "x0": cell.bbox[0], "top": cell.bbox[1], "x1": cell.bbox[2], "bottom": cell.bbox[3]})
    return boxes


@dataclass
class Table:
    """A table on one page."""

    page: int
    bbox: BBox
    columns: list[float]
    rows: list[Row]
    # How the cells were found: "ruled" (lines), "partly ruled" (rules plus text alignment) or "unruled".
    method: str = "ruled"


@dataclass
class StitchedTable:
    """A logical table that may run over several pages."""

    header: Row
    rows: list[Row] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    columns: list[float] = field(default_factory=list)
    header_matches: int = 1
    joined_rows: int = 0


def page_fills(page: pdfplumber.page.Page) -> list[tuple[BBox, RGB]]:
    """Filled rectangles of a page with their colour, in painting order."""
    fills = []
    for rect in page.rects:
        if not rect.get("fill"):
            continue
        rgb = to_rgb(rect.get("non_stroking_color"))
        if rgb is not None:
            fills.append(((rect["x0"], rect["top"], rect["x1"], rect["bottom"]), rgb))
    return fills


def cell_fill(bbox: BBox, fills: list[tuple[BBox, RGB]]) -> RGB | None:
    """The colour of the last fill painted over most of the box."""
    x0, top, x1, bottom = bbox
    area = max((x1 - x0) * (bottom - top), 1e-6)
    chosen = None
    for (fx0, ftop, fx1, fbottom), rgb in fills:  # later fills are painted over earlier ones
        overlap = max(0.0, min(x1, fx1) - max(x0, fx0)) * max(0.0, min(bottom, fbottom) - max(top, ftop))
        if overlap / area >= FILL_COVERAGE:
            chosen = rgb
    return chosen


def fills_touching(box: BBox, fills: list[tuple[BBox, RGB]]) -> list[tuple[BBox, RGB]]:
    """The fills that overlap a box, in painting order (narrows the search for a row's or table's cells)."""
    x0, top, x1, bottom = box
    return [f for f in fills if f[0][0] < x1 and f[0][2] > x0 and f[0][1] < bottom and f[0][3] > top]


def chars_inside(bbox: BBox, chars: list[dict]) -> list[dict]:
    """The characters whose centre lies in the box."""
    x0, top, x1, bottom = bbox
    return [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]


class CharCentres:
    """Characters with their centres worked out once and sorted top to bottom (or, `across`, left
    to right), so that a row's (or a cell's) characters are found by bisection instead of testing
    every character. Characters come back in the order given, as a plain filter returns them."""

    def __init__(self, chars: list[dict], across: bool = False) -> None:
        self.chars = chars
        self._across = across
        v_mid = [(c["top"] + c["bottom"]) / 2 for c in chars]
        h_mid = [(c["x0"] + c["x1"]) / 2 for c in chars]
        along, other = (h_mid, v_mid) if across else (v_mid, h_mid)
        self._at = sorted(range(len(chars)), key=along.__getitem__)
        self._along = [along[i] for i in self._at]
        self._other = [other[i] for i in self._at]

    def _spans(self, bbox: BBox) -> tuple[float, float, float, float]:
        x0, top, x1, bottom = bbox
        return (x0, x1, top, bottom) if self._across else (top, bottom, x0, x1)

    def inside(self, bbox: BBox) -> list[dict]:
        """`chars_inside(bbox, chars)`: centre in the closed box."""
        start, stop, low, high = self._spans(bbox)
        at, other = self._at, self._other
        found = sorted(at[k] for k in range(bisect_left(self._along, start), bisect_right(self._along, stop)) if low <= other[k] <= high)
        return [self.chars[i] for i in found]

    def centre_in(self, bbox: BBox) -> list[dict]:
        """The characters whose centre lies in the box, right and bottom edges open: pdfplumber's test of
        a character in a table's cell."""
        start, stop, low, high = self._spans(bbox)
        at, other = self._at, self._other
        found = sorted(at[k] for k in range(bisect_left(self._along, start), bisect_left(self._along, stop)) if low <= other[k] < high)
        return [self.chars[i] for i in found]


def _char_lines(chars: list[dict]) -> list[tuple[float, float, str]]:
    """(x0, x1, text) of each line of characters, top to bottom."""
    rows = group_rows(chars, CHAR_LINE_TOLERANCE)
    return [(min(c["x0"] for c in r), max(c["x1"] for c in r), "".join(c["text"] for c in r)) for r in rows]


def rejoin_split_words(text: str, chars: list[dict], bbox: BBox) -> str:
    """Undo breaks inside a word too long for its column ("SO1,SO2,SO" / "3,SO4", "commissione" / "d").

    A word is broken only when it alone fills a line: the line is one token and runs to the
    column's right edge. Other line breaks stay breaks between words.
    """
    lines = text.split("\n")
    geometry = _char_lines(chars)
    if len(geometry) != len(lines):
        return text  # the two readings disagree; keep pdfplumber's
    left = min(g[0] for g in geometry)
    inner = bbox[2] - left - 1.0
    out = lines[0]
    for index, line in enumerate(lines[1:], start=1):
        previous = lines[index - 1].strip()
        x0, x1, _ = geometry[index - 1]
        fills_line = " " not in previous and x1 - left >= 0.85 * inner
        # "Manchester" / "Average": a lower-case end followed by a capital is two words.
        new_word = previous[-1:].islower() and line[:1].isupper()
        if fills_line and not new_word and previous[-1:].isalnum() and line[:1].isalnum():
            out += line
        else:
            out += "\n" + line
    return out


def cell_texts(found: PlumberTable, page_chars: list[dict]) -> list[list[str | None]]:
    """What pdfplumber's `Table.extract()` returns, with the page's characters narrowed to the
    table's box first: `extract` tests every character of the page against every row, which costs
    more than finding the table. A character in a row is in the table (rows lie inside it)."""
    x0, top, x1, bottom = found.bbox  # a property worked out anew on each use
    # pdfplumber's test of a character in a cell (centre in the box, right and bottom edges open),
    # inlined: it runs for every character of the page.
    chars = CharCentres([c for c in page_chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom])
    texts = []
    for row in found.rows:
        # Each cell's characters by bisection over the row's, left to right.
        row_chars = CharCentres(chars.centre_in(row.bbox), across=True)
        row_texts: list[str | None] = [None if cell is None else _cell_text(row_chars.centre_in(cell)) for cell in row.cells]
        texts.append(row_texts)
    return texts


def _cell_text(chars: list[dict]) -> str:
    return extract_text(chars) if chars else ""


def read_tables(page: pdfplumber.page.Page, settings: dict | None = None) -> list[Table]:
    """Every ruled table on a page, each cell with its text, fill and weight."""
    candidates = find_ruled_tables(page, settings or TABLE_SETTINGS)
    if not candidates:
        return []
    fills = page_fills(page)
    page_chars = page.chars
    chars = [c for c in page_chars if c.get("text", "").strip() and c.get("upright", True)]
    tables = []
    for found in candidates:
        texts = cell_texts(found, page_chars)
        table_fills = fills_touching(found.bbox, fills)
        # Rows lie inside the table: each row looks only at the table's characters.
        table_chars = CharCentres(chars_inside(found.bbox, chars))
        rows = []
        for row, row_texts in zip(found.rows, texts):
            row_fills = fills_touching(row.bbox, table_fills)
            row_chars = table_chars.inside(row.bbox)
            cells: list[Cell | None] = []
            for bbox, text in zip(row.cells, row_texts):
                if bbox is None:
                    cells.append(None)
                    continue
                box = tuple(bbox)
                inside = chars_inside(box, row_chars) if text else []
                if inside and "\n" in text:
                    text = rejoin_split_words(text, inside, box)
                cells.append(Cell(text or "", box, cell_fill(box, row_fills), mostly_bold(inside)))
            rows.append(Row(cells, page.page_number))
        columns = sorted({round(c.bbox[0], 1) for r in rows for c in r.cells if c} | {round(found.bbox[2], 1)})
        tables.append(Table(page.page_number, tuple(found.bbox), columns, rows))
    return tables


def header_key(text: str) -> str:
    """A header cell's text for comparisons: lower case, no punctuation, single spaces ("#" reads "number")."""
    text = text.replace("#", " number ")
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def header_text(cell_text: str) -> str:
    """A header cell's lines joined; a one- or two-letter tail split off by a narrow column rejoins ("Timescal" "e")."""
    lines = [line.strip() for line in cell_text.split("\n") if line.strip()]
    text = ""
    for line in lines:
        glue = "" if text and re.fullmatch(r"[a-z]{1,2}", line) else " "
        text = f"{text}{glue}{line}" if text else line
    return re.sub(r"\s+", " ", text).strip()


def _same_header(a: Row, b: Row) -> bool:
    ka, kb = [header_key(t) for t in a.texts()], [header_key(t) for t in b.texts()]
    if len(ka) != len(kb):
        return False
    same = sum(1 for x, y in zip(ka, kb) if x == y and x)
    return same >= max(1, int(0.6 * sum(1 for x in ka if x)))


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= COLUMN_TOLERANCE for x, y in zip(a, b))


def stitch(
    tables: list[Table],
    is_header: Callable[[Row], bool],
    continues_row: Callable[[Row], bool] | None = None,
) -> list[StitchedTable]:
    """Join tables that continue over pages.

    A table whose first row is a header starts a logical table, unless it repeats the header of
    the table before it (a repeated header row is dropped). A table with no header joins the one
    before when its columns line up. `continues_row(row)` says that the first row on a new page
    is the rest of a row split by the page break; it is joined to the row before.
    """
    stitched: list[StitchedTable] = []
    for table in tables:
        if not table.rows:
            continue
        first = table.rows[0]
        current = stitched[-1] if stitched else None
        if is_header(first):
            if current and _same_header(current.header, first) and table.page > current.pages[-1]:
                current.header_matches += 1
                body = table.rows[1:]
            else:
                current = StitchedTable(first, [], [], table.columns)
                stitched.append(current)
                body = table.rows[1:]
        elif current and _same_columns(current.columns, table.columns):
            body = table.rows
        else:
            continue  # a table without a header that continues nothing is not ours
        if table.page not in current.pages:
            current.pages.append(table.page)
            if body and current.rows and continues_row and continues_row(body[0]) and current.rows[-1].page < table.page:
                current.rows[-1] = _join_rows(current.rows[-1], body[0])
                current.joined_rows += 1
                body = body[1:]
        current.rows.extend(body)
    return stitched


def _join_rows(top: Row, rest: Row) -> Row:
    """The two halves of a row split by a page break, cell by cell."""
    cells: list[Cell | None] = []
    for a, b in zip(top.cells, rest.cells):
        if a is None or b is None:
            cells.append(a or b)
            continue
        text = "\n".join(t for t in (a.text, b.text) if t.strip())
        cells.append(Cell(text, a.bbox, a.fill or b.fill))
    return Row(cells, top.page)
