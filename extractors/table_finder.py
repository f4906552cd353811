"""Every table in a PDF, ruled, partly ruled or unruled, each read the way that suits it.

Per page: the ruled reader's tables, with cells that hold several columns of text split along the
table's column edges (tables ruled only between rows, or with only the header boxed); then the
text-alignment reader's tables where no ruled table stands. Candidates that are not tables
(empty grids, chart grids, boxed text panels, single rows or columns) are dropped, and a table
found twice (one copy nested in the other) is reported once.
"""

from __future__ import annotations

import pdfplumber

from extractors.pdf_pages import open_pdf, upright_page
from extractors.table_grid import grid_texts, split_spanning_cells
from extractors.table_reader import BBox, Cell, Row, Table, cell_fill, chars_inside, page_fills, read_tables
from extractors.table_unruled import read_unruled
from extractors.text_lines import mostly_bold

# A candidate overlapping a kept table by this share of the smaller one's area is the same table.
SAME_TABLE_OVERLAP = 0.5
# A ruled grid with fewer filled positions than this share is a chart's grid or a form, not a table.
MIN_FILLED_SHARE = 0.2


def _area(box: BBox) -> float:
    return max(1e-6, (box[2] - box[0]) * (box[3] - box[1]))


def overlap_share(a: BBox, b: BBox) -> float:
    """The overlap of two boxes as a share of the smaller box."""
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return width * height / min(_area(a), _area(b))


def is_table(table: Table) -> bool:
    """Whether a candidate looks like a table: at least two filled rows and two filled columns,
    and (ruled grids) enough of its positions filled to be more than a chart's gridlines."""
    grid = grid_texts(table)
    filled = [(r, c) for r, row in enumerate(grid) for c, text in enumerate(row) if text.strip()]
    if len({r for r, _ in filled}) < 2 or len({c for _, c in filled}) < 2:
        return False
    positions = sum(len(row) for row in grid)
    return table.method == "unruled" or len(filled) >= MIN_FILLED_SHARE * positions


def _with_page_facts(table: Table, fills: list, chars: list[dict]) -> Table:
    """An unruled table's cells with the fill painted under them and their weight."""
    rows = []
    for row in table.rows:
        cells: list[Cell | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            inside = chars_inside(cell.bbox, chars) if cell.text else []
            cells.append(Cell(cell.text, cell.bbox, cell_fill(cell.bbox, fills), mostly_bold(inside)))
        rows.append(Row(cells, row.page))
    return Table(table.page, table.bbox, table.columns, rows, table.method)


def page_tables(page: pdfplumber.page.Page, unruled: list[Table]) -> list[Table]:
    """The tables of one (upright) page: ruled ones first, then unruled ones where no ruled table stands."""
    words = page.extract_words()
    kept = [t for t in (split_spanning_cells(t, words) for t in read_tables(page)) if is_table(t)]
    if unruled:
        fills = page_fills(page)
        chars = [c for c in page.chars if c.get("text", "").strip()]
        for table in unruled:
            if is_table(table) and not any(overlap_share(table.bbox, k.bbox) >= SAME_TABLE_OVERLAP for k in kept):
                kept.append(_with_page_facts(table, fills, chars))
    return sorted(kept, key=lambda t: (round(t.bbox[1]), t.bbox[0]))


def find_tables(data: bytes, pages: list[int] | None = None) -> list[Table]:
    """Every table on the given pages (1-based; all pages when None) of a PDF, in reading order.

    Raises PackError for input that is not a readable PDF.
    """
    with open_pdf(data) as pdf:
        numbers = [n for n in (pages or range(1, len(pdf.pages) + 1)) if 1 <= n <= len(pdf.pages)]
        plumber_pages = {n: pdf.pages[n - 1] for n in numbers}
        turned = {n: upright_page(p) for n, p in plumber_pages.items()}
        # camelot reads pages as they are printed; a page turned upright here is read by lines only.
        straight = [n for n in numbers if turned[n] is plumber_pages[n]]
        unruled = read_unruled(data, straight, {n: float(plumber_pages[n].height) for n in straight})
        return [table for n in numbers for table in page_tables(turned[n], unruled.get(n, []))]
