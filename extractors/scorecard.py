"""Performance scorecards: indicators by period with targets, benchmarks, RAG and direction of travel.

Tables are found by their headers wherever they sit (charts and legends around them are not
tables with a period or RAG column and are passed over). A section banner above a table
("CHILD IN NEED - Head of Service - ...") names its service area and carries over pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pdfplumber

from extractors.arrows import direction_from_pixels, direction_from_points, direction_from_text
from extractors.claims import Claim
from extractors.header_map import header_readings
from extractors.pdf_pages import PageText
from extractors.periods import normalise_ref, parse_period, parse_target, parse_value
from extractors.rag import Legend, read_rag
from extractors.table_reader import BOXES, Cell, Row, Table, cell_boxes, header_key, read_tables
from extractors.text import normalise
from extractors.vocabulary import (
    BENCHMARK_PATTERN,
    SCORECARD_DIRECTION_PATTERN,
    SCORECARD_INDICATOR_HEADERS,
    SCORECARD_NOT_PUBLISHED_PATTERN,
    SCORECARD_PREVIOUS_PATTERN,
    SCORECARD_RAG_HEADERS,
    SCORECARD_REF_HEADERS,
    SCORECARD_SPARKLINE_PATTERN,
    SCORECARD_TARGET_PATTERN,
)

DIRECTION_RE = re.compile(SCORECARD_DIRECTION_PATTERN)
BENCHMARK_RE = re.compile(BENCHMARK_PATTERN)
PREVIOUS_RE = re.compile(SCORECARD_PREVIOUS_PATTERN)
TARGET_RE = re.compile(SCORECARD_TARGET_PATTERN)
SPARKLINE_RE = re.compile(SCORECARD_SPARKLINE_PATTERN)
NOT_PUBLISHED_RE = re.compile(SCORECARD_NOT_PUBLISHED_PATTERN)
BANNER_RE = re.compile(r"^([A-Z][A-Z&',/ ]{3,}?)\s+[-–]\s+\S")
UNIT_HINTS: tuple[tuple[str, str], ...] = (
    (r"%|\bpercent|\bpercentage\b|\bproportion\b", "percent"),
    (r"\brate\b|\bper (1|10|100),?000\b", "rate"),
    (r"\baverage\b|\bmean\b|\bmedian\b", "average"),
    # A measured quantity (weight, energy, volume) is no count of things, however it is printed.
    (r"\btonnes?\b|\btons\b|\bkg\b|\bkwh\b|\bmwh\b|\bgwh\b|\blitres?\b", "other"),
    (r"\(no\b|\bno\.|\bno\)|\bnumber\b|\bcount\b|\btotal\b|\bno$", "count"),
)


@dataclass
class Column:
    """What one scorecard column holds."""

    role: str
    header: str
    period: str | None = None
    benchmark: str | None = None
    benchmark_period: str | None = None


@dataclass
class ScorecardResult:
    """Rows of the four scorecard datasets and a quality entry per table."""

    indicators: list[dict] = field(default_factory=list)
    values: list[dict] = field(default_factory=list)
    benchmarks: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    # Rows read from a table with a column of figures that could not be placed: the figures would
    # be lost or misread, so the rows go to quarantine with the reason. Keyed by dataset.
    rejected: dict[str, list[tuple[dict, str]]] = field(default_factory=dict)

    def reject(self, other: ScorecardResult, reason: str) -> None:
        for name, found in (("scorecard_indicators", other.indicators), ("scorecard_values", other.values), ("scorecard_benchmarks", other.benchmarks)):
            self.rejected.setdefault(name, []).extend((row, reason) for row in found)


def _column_texts(table: Table, layout: Layout, index: int) -> list[str]:
    body = table.rows[layout.start + layout.count :]
    return [text for row in body if (text := normalise(row.text_at(index)))]


def unplaced_columns(table: Table, layout: Layout) -> dict[str, str]:
    """Columns with a printed header no role fits and text in the body, header -> what they hold
    ("figures": mostly numbers, a period or benchmark the vocabulary does not know; else "text").
    Reading the table without them would publish rows that leave out what the column says, so
    their rows are quarantined. A column with nothing in its body is blank, not unplaced."""
    found = {}
    for index, (header, column) in enumerate(zip(layout.headers, layout.columns)):
        if column is not None or not header:
            continue
        if texts := _column_texts(table, layout, index):
            found[header] = "figures" if sum(1 for t in texts if parse_value(t) is not None) * 2 >= len(texts) else "text"
    return found


def classify_column(header: str) -> Column | None:
    """The role of a column from its header text (None: not a scorecard column)."""
    key = header_key(header)
    if not key:
        return None
    if key in SCORECARD_REF_HEADERS:
        return Column("ref", header)
    if key in SCORECARD_INDICATOR_HEADERS:
        return Column("indicator", header)
    if period := parse_period(header):
        return Column("period", header, period=period)
    if PREVIOUS_RE.search(key):
        return Column("previous_year", header)
    if TARGET_RE.search(key):
        return Column("target", header)
    if SPARKLINE_RE.search(key):
        return Column("sparkline", header)
    if DIRECTION_RE.search(key):
        return Column("direction", header)
    if key in SCORECARD_RAG_HEADERS or key.endswith(" latest"):
        return Column("performance_rag", header)
    if BENCHMARK_RE.search(key):
        name, period = split_benchmark(header)
        return Column("benchmark", header, benchmark=name, benchmark_period=period)
    if NOT_PUBLISHED_RE.search(key):
        return Column("not_published", header)
    return None


def split_benchmark(header: str) -> tuple[str, str | None]:
    """ "England Average (2022/23)" -> ("England Average", "2022/23"); "Regional Avg 2022-23" ->
    ("Regional Avg", "2022-23"); a name without a period keeps None."""
    text = normalise(header)
    if m := re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", text):
        return m.group(1), m.group(2)
    if m := re.match(r"^(.*?\S)\s+((?:Q[1-4]\s+)?\d{4}(?:\s*[-/]\s*\d{2,4})?)$", text):
        return m.group(1), m.group(2)
    return text, None


# A header is looked for in the first rows of a table: a chart's grid drawn right above a table
# can come out of the table reader as its first rows.
HEADER_SEARCH_ROWS = 8
# A table's title printed in its first header cell is at most this long (a sentence is a body cell).
MAX_TITLE_WORDS = 10


def _header_rows(rows: list[Row]) -> int:
    """How many rows the header has: the first row, plus rows under it that only refine it."""
    count = 1
    for row in rows[1:3]:
        first = row.cells[0]
        texts = [c.text for c in row.cells if c is not None and c.text.strip()]
        if (first is None or not first.text.strip()) and texts and all(parse_value(t) is None for t in texts):
            count += 1
        else:
            break
    return count


def _header_cell(cell_text: str) -> str:
    """A header cell as read; a word broken by a narrow column ("Direc" / "tion of travel") is put
    back when that reading names a scorecard column and the plain one does not."""
    readings = header_readings(cell_text)
    if classify_column(readings[0]) is None:
        for reading in readings[1:]:
            if classify_column(reading) is not None:
                return reading
    return readings[0]


def _headers(rows: list[Row], count: int) -> list[str]:
    """Column headers, joining the rows of a multi-row header; a spanned cell repeats its left neighbour."""
    columns = len(rows[0].cells)
    headers = [""] * columns
    for row in rows[:count]:
        carried = ""
        for i, cell in enumerate(row.cells[:columns]):
            text = _header_cell(cell.text) if cell is not None else carried
            if cell is not None:
                carried = text
            headers[i] = normalise(f"{headers[i]} {text}") if text and text not in headers[i] else headers[i]
    return headers


@dataclass
class Layout:
    """Where a scorecard table's header is and what each column holds."""

    start: int
    count: int
    headers: list[str]
    columns: list[Column | None]

    @property
    def confidence(self) -> float:
        # Columns known to hold nothing the contract publishes neither help nor hurt a claim.
        printed = [c for c, h in zip(self.columns, self.headers) if h and not (c and c.role == "not_published")]
        return round(sum(1 for c in printed if c) / max(1, len(printed)), 3)


def _layout_at(table: Table, start: int) -> Layout | None:
    rows = table.rows[start:]
    if not rows:
        return None
    count = _header_rows(rows)
    headers = _headers(rows, count)
    columns = [classify_column(h) for h in headers]
    roles = [c.role for c in columns if c]
    periods = roles.count("period")
    # Evidence of a scorecard: a rating column, a run of periods, or a direction with figures.
    if not ("performance_rag" in roles or periods >= 2 or ("direction" in roles and (periods or "target" in roles))):
        return None
    if "indicator" not in roles:
        # A table titled in its first header cell ("Customer Services KPIs") lists indicators there;
        # a title is short, and such a table must still rate its rows.
        title = headers[0]
        rated = "performance_rag" in roles or "direction" in roles
        if columns[0] is None and title and parse_value(title) is None and len(title.split()) <= MAX_TITLE_WORDS and rated:
            columns[0] = Column("indicator", title)
        else:
            return None
    return Layout(start, count, headers, columns)


def find_layout(table: Table) -> Layout | None:
    """The scorecard header of a table: in its first row, or a few rows down when a chart's grid
    sits on top of it (the grid's rows hold axis numbers and no header words)."""
    for start in range(min(HEADER_SEARCH_ROWS, len(table.rows))):
        if (layout := _layout_at(table, start)) is not None:
            return layout
    return None


def claim(table: Table) -> Claim | None:
    """The scorecard reader's claim on a table: a header with an indicator column and period, RAG or
    direction columns."""
    layout = find_layout(table)
    if layout is None:
        return None
    roles = tuple(c.role if c else None for c in layout.columns)
    return Claim("scorecard", layout.confidence, roles, layout.count, tuple(layout.headers), layout.start)


def _banner(page: PageText, above: float) -> str | None:
    for line in reversed([line for line in page.lines if line.bottom <= above + 1]):
        if m := BANNER_RE.match(line.text.strip()):
            return normalise(m.group(1))
    return None


def infer_unit(indicator: str, raws: list[str]) -> str:
    """percent, rate, average, count or other: from the indicator's words, else from its values."""
    text = indicator.lower()
    for pattern, unit in UNIT_HINTS:
        if re.search(pattern, text):
            return unit
    printed = [r for r in raws if parse_value(r) is not None]
    if printed and all(r.strip().endswith("%") for r in printed):
        return "percent"
    if printed and all(re.fullmatch(r"[\d,]+", r.strip()) for r in printed):
        return "count"
    if printed:
        return "average"
    return "other"


def cell_direction(cell: Cell | None, page: pdfplumber.page.Page) -> str | None:
    """Direction of travel shown in a cell: a glyph or word, a vector arrow, or an arrow image."""
    if cell is None:
        return None
    if found := direction_from_text(cell.text):
        return found
    x0, top, x1, bottom = cell.bbox
    curves = [c for c in page.curves if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    if curves:
        return direction_from_points([pt for c in curves for pt in c["pts"]])
    images = [i for i in page.images if x0 <= (i["x0"] + i["x1"]) / 2 <= x1 and top <= (i["top"] + i["bottom"]) / 2 <= bottom]
    if images:
        return _image_direction(page, images[0])
    return None


def _image_direction(page: pdfplumber.page.Page, image: dict) -> str | None:
    """Render the image's box and read the arrow's orientation from its dark pixels."""
    box = (max(image["x0"], 0), max(image["top"], 0), min(image["x1"], page.width), min(image["bottom"], page.height))
    picture = page.crop(box).to_image(resolution=144).original.convert("L")
    width, height = picture.size
    pixels = picture.load()
    dark = [[pixels[x, y] < 160 for x in range(width)] for y in range(height)]
    return direction_from_pixels(dark)


def _rag(cell: Cell | None, header_fill: object, legend: Legend | None) -> str | None:
    if cell is None:
        return None
    fill = None if cell.fill is not None and cell.fill == header_fill else cell.fill  # the header's own colour
    return read_rag(normalise(cell.text), fill, legend)


# Column edges of a continuation table within this many points of the table before it line up.
CONTINUATION_TOLERANCE = 6.0


def _continues(before: Table, table: Table) -> bool:
    """A headerless table on the next page whose columns line up with the scorecard before it."""
    return (
        table.page == before.page + 1
        and len(table.columns) == len(before.columns)
        and all(abs(a - b) <= CONTINUATION_TOLERANCE for a, b in zip(table.columns, before.columns))
    )


def extract_scorecards(
    pages: list[pdfplumber.page.Page],
    texts: list[PageText],
    tables: dict[int, list[Table]] | None = None,
    accept: Callable[[Table], bool] | None = None,
    legend: Legend | None = None,
    continuation: Callable[[Table], bool] | None = None,
) -> ScorecardResult:
    """Read every scorecard table in a part (pdfplumber pages with their PageText twins).

    `tables` holds each page's tables when they were read already (by page number); `accept` says
    which of them the dispatcher gave to this reader (by default every table this reader claims);
    `continuation` which others may continue a scorecard over a page break without repeating its
    header (by default none): such a table is read with the layout of the one before."""
    result = ScorecardResult()
    service_area: str | None = None
    last: tuple[Table, Layout, str | None, object] | None = None
    for page, text in zip(pages, texts):
        found = tables.get(page.page_number, []) if tables is not None else read_tables(page)
        first_top = min((t.bbox[1] for t in found), default=page.height)
        service_area = _banner(text, first_top) or service_area
        for table in found:
            layout = find_layout(table) if accept is None or accept(table) else None
            continued = layout is None and last is not None and continuation is not None and continuation(table) and _continues(last[0], table)
            if continued and last is not None:
                layout = Layout(0, 0, last[1].headers, last[1].columns)
                area, header_fill = last[2], last[3]
            elif layout is not None:
                area = _banner(text, table.bbox[1]) or service_area
                if layout.columns[0] and layout.columns[0].role == "indicator" and header_key(layout.columns[0].header) not in SCORECARD_INDICATOR_HEADERS:
                    area = layout.columns[0].header
                header_row = table.rows[layout.start]
                header_fill = next((c.fill for c in header_row.cells if c is not None and c.fill is not None), None)
            else:
                continue
            columns = layout.columns
            last = (table, layout, area, header_fill)
            entry = {"page": page.page_number, "service_area": area, "columns": [c.role if c else None for c in columns], "rows": 0}
            if continued:
                entry["continues_page"] = page.page_number - 1
            context = _RowContext(area, page, header_fill, legend)
            doubtful = unplaced_columns(table, layout)
            target = ScorecardResult() if doubtful else result
            for row in table.rows[layout.start + layout.count :]:
                if _read_row(row, columns, context, target):
                    entry["rows"] += 1
            entry["confidence"] = layout.confidence
            unplaced = [h for h, c in zip(layout.headers, columns) if h and c is None]
            if unplaced:
                entry["unplaced_columns"] = unplaced
            if doubtful:
                held = ", ".join(f"{h!r} ({what})" for h, what in doubtful.items())
                reason = f"scorecard on page {page.page_number}: column(s) {held} could not be placed"
                result.reject(target, reason)
                entry["status"] = f"quarantined: {reason}"
            result.tables.append(entry)
    return result


@dataclass
class _RowContext:
    area: str | None
    page: pdfplumber.page.Page
    header_fill: object
    legend: Legend | None


def _read_row(row: Row, columns: list[Column | None], context: _RowContext, result: ScorecardResult) -> bool:
    area, page = context.area, context.page
    cells: dict[str, list[tuple[Column, Cell | None]]] = {}
    for column, cell in zip(columns, row.cells):
        if column is not None:
            cells.setdefault(column.role, []).append((column, cell))

    def text_of(role: str) -> str:
        found = cells.get(role, [])
        return normalise(found[0][1].text) if found and found[0][1] is not None else ""

    indicator = text_of("indicator")
    ref = normalise_ref(text_of("ref")) if "ref" in cells else None
    if not indicator or (ref is None and "ref" in cells and len(row.filled()) <= 1):
        return False  # a sub-heading row ("Placements") or an empty row
    raws = [normalise(c.text) if c is not None else "" for _, c in cells.get("period", [])]
    previous = text_of("previous_year") or None
    target = text_of("target") or None
    low, high = parse_target(target)
    rag_cell = cells.get("performance_rag", [(None, None)])[0][1]
    direction_cell = cells.get("direction", [(None, None)])[0][1]
    own = [c if col is not None and col.role not in SERIES_ROLES else None for col, c in zip(columns, row.cells)]
    result.indicators.append(
        {
            "page": row.page,
            "service_area": area,
            "ref": ref,
            "indicator": indicator,
            "previous_year": previous,
            "target": target,
            "target_low": low,
            "target_high": high,
            "unit": infer_unit(indicator, raws + [previous or ""]),
            "performance_rag": _rag(rag_cell, context.header_fill, context.legend),
            "direction": cell_direction(direction_cell, page),
            BOXES: cell_boxes(Row(own, row.page), [c.role if c else None for c in columns]),
        }
    )
    for (column, cell), raw in zip(cells.get("period", []), raws):
        if raw:
            result.values.append(
                {"page": row.page, "ref": ref, "indicator": indicator, "period": column.period, "value": parse_value(raw), "value_raw": raw, BOXES: _cell_box(cell, row.page, column)}
            )
    for column, cell in cells.get("benchmark", []):
        raw = normalise(cell.text) if cell is not None else ""
        if raw:
            result.benchmarks.append(
                {
                    "page": row.page,
                    "ref": ref,
                    "indicator": indicator,
                    "benchmark": column.benchmark,
                    "benchmark_period": column.benchmark_period,
                    "value": parse_value(raw),
                    "value_raw": raw,
                    BOXES: _cell_box(cell, row.page, column),
                }
            )
    return True


# Columns read into their own datasets (one row per cell), not into the indicator's row.
SERIES_ROLES = ("period", "benchmark")


def _cell_box(cell: Cell | None, page: int, column: Column) -> list[dict]:
    """The provenance box of one value's cell, named by its printed header."""
    return cell_boxes(Row([cell], page), [column.header or column.role])
