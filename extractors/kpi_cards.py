"""KPI cards: one indicator per box rather than a table row.

A card is a box whose title row names the indicator beside a RAG cell (a word, a fill, or both,
often with an arrow), usually with a chart under it, and a row of labelled figures:
"Latest: 97% | Target: 97%, Floor: 90% | Previous: 97% (Green)". Each card gives one
`scorecard_indicators` row (target, floor, RAG, direction) and `scorecard_values` for the
latest and previous periods when the card names them ("Latest (Dec-24): 97%") or the chart's
axis does (its last two period labels, printed as text). A section heading over the cards (a
bold banner larger than the body text) names their service area and carries over pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pdfplumber

from extractors.colour import to_rgb
from extractors.pdf_pages import Line, PageText, Segment
from extractors.periods import parse_period, parse_target, parse_value
from extractors.rag import Legend, rag_from_text, read_rag
from extractors.scorecard import cell_direction, infer_unit
from extractors.table_reader import BOXES, Cell, Table
from extractors.text import normalise
from extractors.vocabulary import CARD_GENERIC_HEADING_PATTERN, CARD_LABELS

BBox = tuple[float, float, float, float]
GENERIC_HEADING_RE = re.compile(CARD_GENERIC_HEADING_PATTERN, re.IGNORECASE)

_LABEL_ALT = "|".join(sorted(CARD_LABELS, key=len, reverse=True))
# "Target: 97%", "Floor 90%", "Latest:0.04%", "Latest (Dec-24): 97%", "Previous 5,473 (Amber)".
_FIGURE_RE = re.compile(
    rf"\b({_LABEL_ALT})\b\s*(?:\(([^)]*)\))?\s*[:\-–]?\s*([<>≤≥]?\s*[-+£]?[\d,]*\.?\d+\s*%?(?:\s*(?:-|–|to)\s*[\d,]*\.?\d+\s*%?)?)(?:\s*\(([A-Za-z ]+)\))?",
    re.IGNORECASE,
)


@dataclass
class CardResult:
    """Rows of `scorecard_indicators` and `scorecard_values` read from cards, and a quality entry per page."""

    indicators: list[dict] = field(default_factory=list)
    values: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)


@dataclass
class Figure:
    """One labelled figure of a card."""

    raw: str
    period: str | None = None
    rating: str | None = None


def read_figures(text: str) -> dict[str, Figure]:
    """The labelled figures in a card's text: {"latest": Figure("97%"), "target": ..., "floor": ...}."""
    found: dict[str, Figure] = {}
    for m in _FIGURE_RE.finditer(normalise(text)):
        name = CARD_LABELS[m.group(1).lower()]
        if name in found:
            continue
        period = parse_period(m.group(2)) if m.group(2) else None
        found[name] = Figure(normalise(m.group(3)), period, rag_from_text(m.group(4)) if m.group(4) else None)
    return found


def is_card_figures(texts: list[str]) -> bool:
    """Whether cells or a line hold a card's figures: "Latest" and a target or previous figure."""
    figures = read_figures(" | ".join(texts))
    return "latest" in figures and ("target" in figures or "previous" in figures)


_LABEL_ONLY_RE = re.compile(rf"({_LABEL_ALT})\b\s*(?:\([^)]*\))?\s*:?", re.IGNORECASE)


def figure_cells(table: Table, index: int) -> list[tuple[str, Cell]]:
    """The labelled figures of row `index` as (text, cell): its own cells, or, when the row holds
    only labels ("Latest | Target | Previous", a tile's caption row), each label joined to the
    figure printed under it in the next row, with the box of both."""
    row = table.rows[index]
    cells = [c for c in row.cells if c is not None and c.text.strip()]
    below = table.rows[index + 1].cells if index + 1 < len(table.rows) else []
    if not cells or not below or not all(_LABEL_ONLY_RE.fullmatch(normalise(c.text)) for c in cells):
        return [(c.text, c) for c in cells]
    pairs = []
    for column, cell in enumerate(row.cells):
        under = below[column] if column < len(below) else None
        if cell is None or under is None or not cell.text.strip() or not under.text.strip():
            continue
        box = (min(cell.bbox[0], under.bbox[0]), cell.bbox[1], max(cell.bbox[2], under.bbox[2]), under.bbox[3])
        pairs.append((f"{normalise(cell.text)} {normalise(under.text)}", Cell(under.text, box, under.fill)))
    return pairs


def _title_and_rating(table: Table, stop: int) -> tuple[Cell | None, Cell | None]:
    """The card's title cell (the longest text above the figures) and its RAG cell (a rating word or
    a coloured cell beside the title)."""
    title: Cell | None = None
    rating: Cell | None = None
    for row in table.rows[:stop]:
        for cell in row.cells:
            if cell is None:
                continue
            text = normalise(cell.text)
            if rating is None and (rag_from_text(text) or (not text and read_rag("", cell.fill))):
                rating = cell
            elif text and parse_value(text) is None and (title is None or len(text) > len(normalise(title.text))):
                title = cell
        if title is not None:
            break
    return title, rating


def _direction(rating: Cell | None, table: Table, stop: int, page: pdfplumber.page.Page) -> str | None:
    """The arrow in the RAG cell; when the reader cut the cell short of its arrow, the arrow drawn in
    the same column down to the figures row."""
    if rating is None:
        return None
    if found := cell_direction(rating, page):
        return found
    figures_top = min((c.bbox[1] for c in table.rows[stop].cells if c is not None), default=rating.bbox[3])
    x0, top, x1, bottom = rating.bbox
    tall = Cell("", (x0, top, x1, max(bottom, min(figures_top, bottom + 3 * (bottom - top)))), None)
    return cell_direction(tall, page)


def extract_cards(pages: list[pdfplumber.page.Page], texts: list[PageText], tables: list[Table], legend: Legend | None = None) -> CardResult:
    """Read every KPI card among `tables` (those no table reader claimed) on the part's pages."""
    result = CardResult()
    cards: list[Card] = []
    by_number = {page.page_number: page for page in pages}
    text_of = {text.number: text for text in texts}
    areas = SectionHeadings(pages, texts)
    for table in tables:
        page = by_number.get(table.page)
        stop = next((i for i in range(len(table.rows)) if is_card_figures([text for text, _ in figure_cells(table, i)])), None)
        if page is None or stop is None or stop == 0:
            continue
        title, rating = _title_and_rating(table, stop)
        if title is None:
            continue
        labelled = figure_cells(table, stop)
        figures = read_figures(" | ".join(text for text, _ in labelled))
        figures_top = min(c.bbox[1] for _, c in labelled)
        indicator = normalise(title.text)
        rag = read_rag(normalise(rating.text), rating.fill, legend) if rating is not None else None
        chart = (table.bbox[0], title.bbox[3], table.bbox[2], figures_top)
        axis = axis_periods(text_of[table.page], chart) if table.page in text_of else []
        boxes = [_box(table.page, "indicator", title.bbox)] + ([_box(table.page, "performance_rag", rating.bbox)] if rating is not None else [])
        card = Card(table.page, indicator, figures, rag, _direction(rating, table, stop, page), areas.at(table.page, table.bbox[1]), axis, top=table.bbox[1])
        card.boxes = boxes + [_box(table.page, ", ".join(sorted(read_figures(text))) or "figures", c.bbox) for text, c in labelled]
        card.figure_boxes = {name: _box(table.page, name, c.bbox) for text, c in labelled for name in read_figures(text)}
        cards.append(card)
    read = {(card.page, card.indicator) for card in cards}
    for text in texts:
        page = by_number.get(text.number)
        boxes = [t.bbox for t in tables if t.page == text.number]
        if page is not None:
            for card in _text_cards(text, boxes, areas):
                if (text.number, card.indicator) not in read:
                    card.direction = cell_direction(Cell("", card.arrow_box, None), page) if card.arrow_box else None
                    cards.append(card)
    # Rows in reading order (page, then place on the page), whichever way each card was found.
    for card in sorted(cards, key=lambda c: (c.page, c.top)):
        _add_card_rows(result, card)
        layout = {"layout": "text"} if card.layout == "text" else {}
        result.tables.append({"page": card.page, "indicator": card.indicator, "figures": sorted(card.figures), "status": "published", **layout, **_axis_entry(card.axis)})
    return result


@dataclass
class Card:
    """What one card says, and where on its page each part of it was read."""

    page: int
    indicator: str
    figures: dict[str, Figure]
    rating: str | None
    direction: str | None = None
    service_area: str | None = None
    axis: list[str] = field(default_factory=list)
    arrow_box: BBox | None = None
    top: float = 0.0
    layout: str = "boxed"
    boxes: list[dict] = field(default_factory=list)
    figure_boxes: dict[str, dict] = field(default_factory=dict)


def _box(page: int, column: str, bbox: BBox) -> dict:
    return {"page": page, "column": column, "x0": bbox[0], "top": bbox[1], "x1": bbox[2], "bottom": bbox[3]}


def _axis_entry(axis: list[str]) -> dict:
    return {"axis_periods": axis} if axis else {}


def _inside(line: Line, boxes: list[BBox]) -> bool:
    """Whether the line lies inside one of the boxes (a point's slack on every side)."""
    return any(x0 - 1 <= line.x0 and line.x1 <= x1 + 1 and top - 1 <= line.top and line.bottom <= bottom + 1 for x0, top, x1, bottom in boxes)


# -- section headings --------------------------------------------------------------------------

# A heading is at least this many points larger than the body text (the commonest size).
HEADING_STEP = 1.5
# A banner's filled box spans at least this share of the page's width.
BANNER_WIDTH_SHARE = 0.5
# A centred heading's middle is within this share of the page's width of the page's middle.
CENTRED_SHARE = 0.08
MAX_HEADING_WORDS = 12
NEAR_WHITE = 0.97


class SectionHeadings:
    """Section headings of a part's pages (bold, larger than the body text, in a filled banner or
    centred), so a card takes the nearest one above it, carried over from earlier pages."""

    def __init__(self, pages: list[pdfplumber.page.Page], texts: list[PageText]) -> None:
        self.pages, self.texts = pages, texts
        self.found: list[tuple[int, float, str]] | None = None  # looked for at the first card only

    def _find(self) -> list[tuple[int, float, str]]:
        sizes: dict[float, int] = {}
        for text in self.texts:
            for line in text.lines:
                sizes[line.size] = sizes.get(line.size, 0) + len(line.text)
        body = max(sizes, key=lambda size: sizes[size]) if sizes else 0.0
        by_number = {page.page_number: page for page in self.pages}
        found = []
        for text in self.texts:
            page = by_number.get(text.number)
            banners = _filled_boxes(page) if page is not None else []
            found += [(text.number, line.top, normalise(line.text)) for line in text.lines if _is_heading(line, body, text.width, banners)]
        return found

    def at(self, page: int, top: float) -> str | None:
        """The last heading before (page, top)."""
        if self.found is None:
            self.found = self._find()
        above = [heading for heading in self.found if (heading[0], heading[1]) < (page, top)]
        return above[-1][2] if above else None


def _filled_boxes(page: pdfplumber.page.Page) -> list[BBox]:
    """Wide boxes filled with a colour other than white (a banner's background)."""
    boxes = []
    for rect in page.rects:
        rgb = to_rgb(rect.get("non_stroking_color")) if rect.get("fill") else None
        if rgb is not None and min(rgb) < NEAR_WHITE and rect["x1"] - rect["x0"] >= BANNER_WIDTH_SHARE * float(page.width):
            boxes.append((rect["x0"], rect["top"], rect["x1"], rect["bottom"]))
    return boxes


def _is_heading(line: Line, body: float, width: float, banners: list[BBox]) -> bool:
    text = normalise(line.text)
    if not line.bold or line.size < body + HEADING_STEP or not re.search(r"[A-Za-z]{3}", text):
        return False
    if len(text.split()) > MAX_HEADING_WORDS or GENERIC_HEADING_RE.search(text) or is_card_figures([text]):
        return False
    centred = abs((line.x0 + line.x1) / 2 - width / 2) <= CENTRED_SHARE * width
    return _inside(line, banners) or centred


# -- the chart's axis --------------------------------------------------------------------------


def _period_order(period: str) -> int | None:
    """Months since year 0 at a period's end ("2024-12", "2024-Q4", "2024/25-Q3"); None for other forms."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        return int(m.group(1)) * 12 + int(m.group(2))
    if m := re.fullmatch(r"(\d{4})(?:/\d{2})?-Q([1-4])", period):
        # A financial year's quarters start in April: Q1 of 2024/25 ends in June 2024.
        offset = 3 if "/" in period else 0
        return int(m.group(1)) * 12 + int(m.group(2)) * 3 + offset
    return None


MIN_AXIS_LABELS = 3


def axis_periods(page: PageText, area: BBox) -> list[str]:
    """The periods a chart's axis prints as text inside `area`, left to right, when they run at a
    steady step (monthly, quarterly); [] when there is no such axis (a chart drawn as an image)."""
    for line in page.lines:
        if not _inside(line, [area]):
            continue
        # Labels set apart by gaps, else word by word ("Sep-24 Oct-24 Nov-24" printed close).
        for labels in ([seg.text for seg in line.segments], line.text.split()):
            periods = [parse_period(label) for label in labels]
            if len(periods) >= MIN_AXIS_LABELS and None not in periods:
                break
        else:
            continue
        order = [_period_order(p) for p in periods if p]
        steps = {b - a for a, b in zip(order, order[1:])} if None not in order else set()
        if len(steps) == 1 and next(iter(steps)) > 0:
            return [p for p in periods if p]
    return []


# -- cards printed as text ---------------------------------------------------------------------

# A text card's title is at most this far above its figures line (the chart sits between).
TITLE_REACH = 320.0
MIN_TITLE_WORDS = 3


def _is_chart_text(text: str) -> bool:
    """Axis numbers, period labels and short legend words of a chart drawn between title and figures."""
    words = text.split()
    if len(words) < MIN_TITLE_WORDS:
        return True
    return sum(1 for w in words if parse_value(w) is not None or parse_period(w) or len(w) <= 2) * 2 >= len(words)


# The figures under a row of labels start within this many line heights of it.
STACK_REACH = 2.5


def line_figures(lines: list[Line], index: int) -> list[tuple[str, BBox]]:
    """The labelled figures of line `index` as (text, box): each gap-separated segment holding one
    (the whole line when it has no gaps), or, when the line holds only labels ("Latest   Target
    Previous"), each label joined to the segment printed under it on the next line."""
    line = lines[index]
    segments = list(line.segments) or [Segment(line.text, line.x0, line.x1)]
    below = lines[index + 1] if index + 1 < len(lines) else None
    near = below is not None and below.top - line.bottom <= STACK_REACH * (line.bottom - line.top)
    if near and below is not None and len(segments) > 1 and all(_LABEL_ONLY_RE.fullmatch(normalise(seg.text)) for seg in segments):
        pairs = []
        for seg in segments:
            under = [u for u in below.segments if u.x0 < seg.x1 and seg.x0 < u.x1]
            if len(under) == 1:
                box = (min(seg.x0, under[0].x0), line.top, max(seg.x1, under[0].x1), below.bottom)
                pairs.append((f"{normalise(seg.text)} {normalise(under[0].text)}", box))
        return pairs
    found = [(seg.text, (seg.x0, line.top, seg.x1, line.bottom)) for seg in segments if read_figures(seg.text)]
    if {name for text, _ in found for name in read_figures(text)} != set(read_figures(line.text)):
        return [(line.text, (line.x0, line.top, line.x1, line.bottom))]  # a label set apart from its figure
    return found


def _text_cards(page: PageText, boxes: list[BBox], areas: SectionHeadings) -> list[Card]:
    """Cards printed as text lines (no ruled boxes): a figures line, and the title and rating above it."""
    cards = []
    floor_top = 0.0
    for index, line in enumerate(page.lines):
        if _inside(line, boxes) or line.top < floor_top:
            continue
        labelled = line_figures(page.lines, index)
        if not is_card_figures([text for text, _ in labelled]):
            continue
        title_lines: list[Line] = []
        rating: str | None = None
        rating_box: BBox | None = None
        arrow_box: BBox | None = None
        for above in reversed(page.lines[:index]):
            if above.top < max(floor_top, line.top - TITLE_REACH) or is_card_figures([above.text]):
                break
            segments = list(above.segments) or [None]
            ratings = [seg for seg in segments if rag_from_text(seg.text if seg else above.text)]
            words = [seg.text if seg else above.text for seg in segments if not rag_from_text(seg.text if seg else above.text)]
            if ratings and rating is None:
                rating = rag_from_text(ratings[0].text if ratings[0] else above.text)
                rating_box = (ratings[0].x0, above.top, ratings[0].x1, above.bottom) if ratings[0] else (above.x0, above.top, above.x1, above.bottom)
                arrow_box = (above.x0, above.top, above.x1, above.bottom + 2 * (above.bottom - above.top))
            text = normalise(" ".join(words))
            if title_lines:
                if abs(above.size - title_lines[0].size) < 0.5 and title_lines[0].top - above.bottom < above.size:
                    title_lines.insert(0, Line(text, above.top, above.bottom, above.x0, above.x1, above.size, above.bold))
                    continue
                break
            if text and not _is_chart_text(text):
                title_lines.append(Line(text, above.top, above.bottom, above.x0, above.x1, above.size, above.bold))
        floor_top = max(box[3] for _, box in labelled)
        if title_lines:
            first, last = title_lines[0], title_lines[-1]
            title_box = (min(t.x0 for t in title_lines), first.top, max(t.x1 for t in title_lines), last.bottom)
            card = Card(
                page.number,
                normalise(" ".join(t.text for t in title_lines)),
                read_figures(" | ".join(text for text, _ in labelled)),
                rating,
                service_area=areas.at(page.number, first.top),
                axis=axis_periods(page, (0.0, last.bottom, page.width, line.top)),
                arrow_box=arrow_box,
                top=first.top,
                layout="text",
            )
            card.boxes = [_box(page.number, "indicator", title_box)]
            if rating_box is not None:
                card.boxes.append(_box(page.number, "performance_rag", rating_box))
            for text, box in labelled:
                names = read_figures(text)
                card.boxes.append(_box(page.number, ", ".join(sorted(names)), box))
                card.figure_boxes |= {name: _box(page.number, name, box) for name in names}
            cards.append(card)
    return cards


def _add_card_rows(result: CardResult, card: Card) -> None:
    """One card's `scorecard_indicators` row, and a `scorecard_values` row per period it names
    (beside its figure, or the chart axis's last label for "latest" and the one before for "previous")."""
    figures = card.figures
    target = figures["target"].raw if "target" in figures else None
    low, high = parse_target(target)
    result.indicators.append(
        {
            "page": card.page,
            "service_area": card.service_area,
            "ref": None,
            "indicator": card.indicator,
            "previous_year": None,
            "target": target,
            "target_low": low,
            "target_high": high,
            "floor": parse_value(figures["floor"].raw) if "floor" in figures else None,
            "unit": infer_unit(card.indicator, [f.raw for f in figures.values()]),
            "performance_rag": card.rating,
            "direction": card.direction,
            BOXES: card.boxes,
        }
    )
    from_axis = {"latest": card.axis[-1], "previous": card.axis[-2]} if len(card.axis) >= 2 else {}
    for name in ("latest", "previous"):
        figure = figures.get(name)
        period = (figure.period or from_axis.get(name)) if figure is not None else None
        if figure is not None and period:
            box = card.figure_boxes.get(name)
            result.values.append(
                {
                    "page": card.page,
                    "ref": None,
                    "indicator": card.indicator,
                    "period": period,
                    "value": parse_value(figure.raw),
                    "value_raw": figure.raw,
                    BOXES: [box] if box else [],
                }
            )
