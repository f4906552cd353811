"""Performance scorecards: indicators by period with targets, benchmarks, RAG and direction of travel.

Tables are found by their headers wherever they sit (charts and legends around them are not
tables with a period or RAG column and are passed over). A section banner above a table
("CHILD IN NEED - Head of Service - ...") names its service area and carries over pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pdfplumber

from extractors.arrows import direction_from_pixels, direction_from_points, direction_from_text
from extractors.colour import rag_from_rgb
from extractors.pdf_pages import PageText
from extractors.periods import normalise_ref, parse_period, parse_target, parse_value
from extractors.rag import rag_from_text
from extractors.table_reader import Cell, Row, Table, header_key, header_text, read_tables
from extractors.text import normalise

REF_HEADERS = {"ref", "ref no", "reference", "kpi ref", "code", "no", "pi ref", "indicator ref"}
INDICATOR_HEADERS = {"indicator", "indicators", "measure", "kpi", "performance indicator", "description", "metric", "indicator name"}
RAG_HEADERS = {"performance", "rag", "rag rating", "status", "rag status", "performance rag", "rating", "rag rating latest", "latest rag", "latest"}
DIRECTION_RE = re.compile(r"\bdirection\b|\bdot\b|\btrend\b|\btravel\b")
BENCHMARK_RE = re.compile(r"average|england|national|statistical neighbour|regional|north west|comparator|benchmark|median|quartile")
PREVIOUS_RE = re.compile(r"^previous\s+year|^last\s+year|^prior\s+year")
TARGET_RE = re.compile(r"^target")
SPARKLINE_RE = re.compile(r"^last \d+ months?$|^trend chart$|^chart$")
BANNER_RE = re.compile(r"^([A-Z][A-Z&',/ ]{3,}?)\s+[-–]\s+\S")
UNIT_HINTS: tuple[tuple[str, str], ...] = (
    (r"%|\bpercent|\bpercentage\b|\bproportion\b", "percent"),
    (r"\brate\b|\bper (1|10|100),?000\b", "rate"),
    (r"\baverage\b|\bmean\b|\bmedian\b", "average"),
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


def classify_column(header: str) -> Column | None:
    """The role of a column from its header text (None: not a scorecard column)."""
    key = header_key(header)
    if not key:
        return None
    if key in REF_HEADERS:
        return Column("ref", header)
    if key in INDICATOR_HEADERS:
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
    if key in RAG_HEADERS or key.endswith(" latest"):
        return Column("performance_rag", header)
    if BENCHMARK_RE.search(key):
        m = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", normalise(header))
        name, period = (m.group(1), m.group(2)) if m else (normalise(header), None)
        return Column("benchmark", header, benchmark=name, benchmark_period=period)
    return None


def _header_rows(table: Table) -> int:
    """How many rows the header has: the first row, plus rows under it that only refine it."""
    count = 1
    for row in table.rows[1:3]:
        first = row.cells[0]
        texts = [c.text for c in row.cells if c is not None and c.text.strip()]
        if (first is None or not first.text.strip()) and texts and all(parse_value(t) is None for t in texts):
            count += 1
        else:
            break
    return count


def _headers(table: Table, count: int) -> list[str]:
    """Column headers, joining the rows of a multi-row header; a spanned cell repeats its left neighbour."""
    columns = len(table.rows[0].cells)
    headers = [""] * columns
    for row in table.rows[:count]:
        carried = ""
        for i, cell in enumerate(row.cells[:columns]):
            text = header_text(cell.text) if cell is not None else carried
            if cell is not None:
                carried = text
            headers[i] = normalise(f"{headers[i]} {text}") if text and text not in headers[i] else headers[i]
    return headers


def _layout(table: Table) -> tuple[list[Column | None], int] | None:
    count = _header_rows(table)
    headers = _headers(table, count)
    columns = [classify_column(h) for h in headers]
    roles = {c.role for c in columns if c}
    if not ({"period", "performance_rag", "direction"} & roles):
        return None
    if "indicator" not in roles:
        # A table titled in its first header cell ("Customer Services KPIs") lists indicators there.
        if columns[0] is None and headers[0]:
            columns[0] = Column("indicator", headers[0])
        else:
            return None
    return columns, count


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


def _direction(cell: Cell | None, page: pdfplumber.page.Page) -> str | None:
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


def _rag(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    text = normalise(cell.text)
    return rag_from_text(text) if text else rag_from_rgb(cell.fill)


def extract_scorecards(pages: list[pdfplumber.page.Page], texts: list[PageText]) -> ScorecardResult:
    """Read every scorecard table in a part (pdfplumber pages with their PageText twins)."""
    result = ScorecardResult()
    service_area: str | None = None
    for page, text in zip(pages, texts):
        tables = read_tables(page)
        first_top = min((t.bbox[1] for t in tables), default=page.height)
        service_area = _banner(text, first_top) or service_area
        for table in tables:
            layout = _layout(table)
            if layout is None:
                continue
            columns, header_count = layout
            area = _banner(text, table.bbox[1]) or service_area
            if columns[0] and columns[0].role == "indicator" and header_key(columns[0].header) not in INDICATOR_HEADERS:
                area = columns[0].header
            entry = {"page": page.page_number, "service_area": area, "columns": [c.role if c else None for c in columns], "rows": 0}
            for row in table.rows[header_count:]:
                if _read_row(row, columns, area, page, result):
                    entry["rows"] += 1
            entry["confidence"] = round(sum(1 for c in columns if c) / len(columns), 3)
            result.tables.append(entry)
    return result


def _read_row(row: Row, columns: list[Column | None], area: str | None, page: pdfplumber.page.Page, result: ScorecardResult) -> bool:
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
            "performance_rag": _rag(rag_cell),
            "direction": _direction(direction_cell, page),
        }
    )
    for (column, _), raw in zip(cells.get("period", []), raws):
        if raw:
            result.values.append({"page": row.page, "ref": ref, "indicator": indicator, "period": column.period, "value": parse_value(raw), "value_raw": raw})
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
                }
            )
    return True
