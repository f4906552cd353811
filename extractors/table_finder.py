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
from extractors.table_grid import grid_texts, placed_cells, split_spanning_cells
from extractors.table_reader import BBox, Cell, Row, Table, cell_fill, chars_inside, fills_touching, page_fills, read_tables
from extractors.table_unruled import read_unruled
from extractors.text_lines import group_rows, mostly_bold
from extractors.word_assembly import extract_words

# A candidate overlapping a kept table by this share of the smaller one's area is the same table.
SAME_TABLE_OVERLAP = 0.5
# A ruled grid with fewer filled positions than this share is a chart's grid or a form, not a table.
MIN_FILLED_SHARE = 0.2
# A table without rules needs at least this many lines with a column gap (a header and four rows):
# fewer rarely make a table, and reading text alignment costs a third of the time per page.
MIN_GAPPED_LINES = 5
# Characters on a line this many font sizes apart may be in different columns.
COLUMN_GAP = 2.0
LINE_TOLERANCE = 3.0
# A path of this many points running over this share of a candidate's width is a chart's plotted series.
PLOT_POINTS = 4
PLOT_SHARE = 0.25
# An unruled candidate is running text when this share of its cells hold this many words or more.
PROSE_SHARE = 0.6
PROSE_WORDS = 4
# A lone cell of at least this many words heading an unruled table is its caption.
CAPTION_WORDS = 2


def _area(box: BBox) -> float:
    return max(1e-6, (box[2] - box[0]) * (box[3] - box[1]))


def overlap_share(a: BBox, b: BBox) -> float:
    """The overlap of two boxes as a share of the smaller box."""
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return width * height / min(_area(a), _area(b))


def is_table(table: Table) -> bool:
    """Whether a candidate looks like a table: at least two filled rows and two filled columns,
    and (ruled grids) enough of its positions covered by cells with text to be more than a
    chart's gridlines (a spanning cell covers every position it spans)."""
    placed = [p for p in placed_cells(table) if p.cell.text.strip()]
    if len({p.row for p in placed}) < 2 or len({p.col for p in placed}) < 2:
        return False
    positions = sum(len(row.cells) for row in table.rows)
    covered = sum((p.last_row - p.row + 1) * (p.last_col - p.col + 1) for p in placed)
    return table.method == "unruled" or covered >= MIN_FILLED_SHARE * positions


def drop_caption_rows(table: Table) -> Table:
    """An unruled table without the title lines text alignment swept in above its header: leading
    rows whose only text is one cell of several words, in a table of three or more columns."""
    if len(table.columns) < 4:
        return table
    start = 0
    for row in table.rows[:-2]:
        texts = [c.text for c in row.cells if c is not None and c.text.strip()]
        if len(texts) != 1 or len(texts[0].split()) < CAPTION_WORDS:
            break
        start += 1
    if not start:
        return table
    rows = table.rows[start:]
    top = min(c.bbox[1] for c in rows[0].cells if c is not None)
    return Table(table.page, (table.bbox[0], top, table.bbox[2], table.bbox[3]), table.columns, rows, table.method)


def is_prose(table: Table) -> bool:
    """Whether an unruled candidate is running text set in columns (a newsletter page), not a table:
    most of its filled cells are phrases of several words and few are numbers."""
    texts = [t for row in grid_texts(table) for t in row if t.strip()]
    wordy = sum(1 for t in texts if len(t.split()) >= PROSE_WORDS)
    numeric = sum(1 for t in texts if any(ch.isdigit() for ch in t) and len(t.split()) <= 2)
    return wordy >= PROSE_SHARE * len(texts) and numeric < 0.2 * len(texts)


def plots_inside(page: pdfplumber.page.Page, box: BBox) -> int:
    """How many plotted series (long paths of many points, like a chart's lines) lie in the box.

    Small shapes (arrows, ticks, bullets) are not plots: a plot runs over a good part of the box."""
    x0, top, x1, bottom = box
    count = 0
    for curve in page.curves + [line for line in page.lines if abs(line["x1"] - line["x0"]) > 1 and abs(line["bottom"] - line["top"]) > 1]:
        inside = curve["x0"] >= x0 - 1 and curve["x1"] <= x1 + 1 and curve["top"] >= top - 1 and curve["bottom"] <= bottom + 1
        if inside and curve["x1"] - curve["x0"] >= PLOT_SHARE * (x1 - x0) and len(curve.get("pts") or ()) >= PLOT_POINTS:
            count += 1
    return count


def _with_page_facts(table: Table, fills: list, chars: list[dict]) -> Table:
    """An unruled table's cells with the fill painted under them and their weight."""
    rows = []
    for row in table.rows:
        boxes = [c.bbox for c in row.cells if c is not None]
        top, bottom = min((b[1] for b in boxes), default=0.0), max((b[3] for b in boxes), default=0.0)
        # Characters of the row's band first: testing every character against every cell is quadratic.
        band = [c for c in chars if top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        band_fills = fills_touching((table.bbox[0], top, table.bbox[2], bottom), fills)
        cells: list[Cell | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            inside = chars_inside(cell.bbox, band) if cell.text else []
            cells.append(Cell(cell.text, cell.bbox, cell_fill(cell.bbox, band_fills), mostly_bold(inside)))
        rows.append(Row(cells, row.page))
    return Table(table.page, table.bbox, table.columns, rows, table.method)


def ruled_tables(page: pdfplumber.page.Page) -> list[Table]:
    """The ruled and partly ruled tables of one (upright) page."""
    ruled = read_tables(page)
    if any(p.last_col > p.col for t in ruled for p in placed_cells(t)):
        words = extract_words(page.chars)
        ruled = [split_spanning_cells(t, words) for t in ruled]
    return [t for t in ruled if is_table(t)]


def gapped_lines(page: pdfplumber.page.Page, outside: list[Table]) -> int:
    """How many printed lines, outside the given tables, have a gap wider than COLUMN_GAP font sizes
    between characters: the lines that could be rows of a table without rules."""
    boxes = [t.bbox for t in outside]
    chars = [
        c
        for c in page.chars
        if c.get("text", "").strip() and not any(b[0] <= c["x0"] <= b[2] and b[1] <= c["top"] <= b[3] for b in boxes)
    ]
    count = 0
    for line in group_rows(chars, LINE_TOLERANCE):
        if any(b["x0"] - a["x1"] > COLUMN_GAP * max(a["size"], 1.0) for a, b in zip(line, line[1:])):
            count += 1
    return count


def page_tables(page: pdfplumber.page.Page, ruled: list[Table], unruled: list[Table]) -> list[Table]:
    """The tables of one (upright) page: its ruled ones, then unruled ones where no ruled table stands."""
    kept = list(ruled)
    if unruled:
        fills = page_fills(page)
        chars = [c for c in page.chars if c.get("text", "").strip()]
        for table in map(drop_caption_rows, unruled):
            if is_table(table) and not is_prose(table) and not plots_inside(page, table.bbox) and not any(overlap_share(table.bbox, k.bbox) >= SAME_TABLE_OVERLAP for k in kept):
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
        ruled = {n: ruled_tables(page) for n, page in turned.items()}
        # camelot reads pages as they are printed, so a page turned upright here is read by lines only;
        # and a page needs a few lines with column gaps outside its ruled tables to hold another table.
        candidates = [
            n for n in numbers if turned[n] is plumber_pages[n] and gapped_lines(turned[n], ruled[n]) >= MIN_GAPPED_LINES
        ]
        unruled = read_unruled(data, candidates, {n: float(plumber_pages[n].height) for n in candidates})
        return [table for n in numbers for table in page_tables(turned[n], ruled[n], unruled.get(n, []))]
