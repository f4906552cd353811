"""KPI cards: one indicator per box rather than a table row.

A card is a box whose title row names the indicator beside a RAG cell (a word, a fill, or both,
often with an arrow), usually with a chart under it, and a row of labelled figures:
"Latest: 97% | Target: 97%, Floor: 90% | Previous: 97% (Green)". Each card gives one
`scorecard_indicators` row (target, floor, RAG, direction) and `scorecard_values` for the
latest and previous periods when the card names them ("Latest (Dec-24): 97%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pdfplumber

from extractors.pdf_pages import Line, PageText
from extractors.periods import parse_period, parse_target, parse_value
from extractors.rag import Legend, rag_from_text, read_rag
from extractors.scorecard import cell_direction, infer_unit
from extractors.table_reader import Cell, Table
from extractors.text import normalise
from extractors.vocabulary import CARD_LABELS

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
    by_number = {page.page_number: page for page in pages}
    for table in tables:
        page = by_number.get(table.page)
        stop = next((i for i, row in enumerate(table.rows) if is_card_figures([c.text for c in row.cells if c is not None])), None)
        if page is None or stop is None or stop == 0:
            continue
        title, rating = _title_and_rating(table, stop)
        if title is None:
            continue
        figure_text = " | ".join(c.text for c in table.rows[stop].cells if c is not None)
        figures = read_figures(figure_text)
        indicator = normalise(title.text)
        rag = read_rag(normalise(rating.text), rating.fill, legend) if rating is not None else None
        _add_card_rows(result, table.page, indicator, figures, rag, _direction(rating, table, stop, page))
        result.tables.append({"page": table.page, "indicator": indicator, "figures": sorted(figures), "status": "published"})
    read = {(row["page"], row["indicator"]) for row in result.indicators}
    for text in texts:
        page = by_number.get(text.number)
        boxes = [t.bbox for t in tables if t.page == text.number]
        if page is not None:
            for card in _text_cards(text, boxes):
                if (text.number, card["indicator"]) not in read:
                    _add_text_card(card, page, legend, result)
    return result


# A text card's title is at most this far above its figures line (the chart sits between).
TITLE_REACH = 320.0
MIN_TITLE_WORDS = 3


def _inside(line: Line, boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(x0 - 1 <= line.x0 and line.x1 <= x1 + 1 and top - 1 <= line.top and line.bottom <= bottom + 1 for x0, top, x1, bottom in boxes)


def _is_chart_text(text: str) -> bool:
    """Axis numbers, period labels and short legend words of a chart drawn between title and figures."""
    words = text.split()
    if len(words) < MIN_TITLE_WORDS:
        return True
    return sum(1 for w in words if parse_value(w) is not None or parse_period(w) or len(w) <= 2) * 2 >= len(words)


def _text_cards(page: PageText, boxes: list[tuple[float, float, float, float]]) -> list[dict]:
    """Cards printed as text lines (no ruled boxes): a figures line, and the title and rating above it."""
    cards = []
    floor_top = 0.0
    for index, line in enumerate(page.lines):
        if _inside(line, boxes) or not is_card_figures([line.text]):
            continue
        title_lines: list[Line] = []
        rating: str | None = None
        arrow_box: tuple[float, float, float, float] | None = None
        for above in reversed(page.lines[:index]):
            if above.top < max(floor_top, line.top - TITLE_REACH) or is_card_figures([above.text]):
                break
            segments = [seg.text for seg in above.segments] or [above.text]
            ratings = [seg for seg in segments if rag_from_text(seg)]
            words = [seg for seg in segments if not rag_from_text(seg)]
            if ratings and rating is None:
                rating = rag_from_text(ratings[0])
                arrow_box = (above.x0, above.top, above.x1, above.bottom + 2 * (above.bottom - above.top))
            text = normalise(" ".join(words))
            if title_lines:
                if abs(above.size - title_lines[0].size) < 0.5 and title_lines[0].top - above.bottom < above.size:
                    title_lines.insert(0, Line(text, above.top, above.bottom, above.x0, above.x1, above.size, above.bold))
                    continue
                break
            if text and not _is_chart_text(text):
                title_lines.append(Line(text, above.top, above.bottom, above.x0, above.x1, above.size, above.bold))
        floor_top = line.bottom
        if title_lines:
            cards.append(
                {
                    "page": page.number,
                    "indicator": normalise(" ".join(t.text for t in title_lines)),
                    "rating": rating,
                    "arrow_box": arrow_box,
                    "figures": read_figures(line.text),
                }
            )
    return cards


def _add_text_card(card: dict, page: pdfplumber.page.Page, legend: Legend | None, result: CardResult) -> None:
    figures: dict[str, Figure] = card["figures"]
    direction = cell_direction(Cell("", card["arrow_box"], None), page) if card["arrow_box"] else None
    _add_card_rows(result, card["page"], card["indicator"], figures, card["rating"], direction)
    result.tables.append({"page": card["page"], "indicator": card["indicator"], "figures": sorted(figures), "status": "published", "layout": "text"})


def _add_card_rows(
    result: CardResult, page: int, indicator: str, figures: dict[str, Figure], rag: str | None, direction: str | None
) -> None:
    """One card's `scorecard_indicators` row, and a `scorecard_values` row per period it names."""
    target = figures["target"].raw if "target" in figures else None
    low, high = parse_target(target)
    result.indicators.append(
        {
            "page": page,
            "service_area": None,
            "ref": None,
            "indicator": indicator,
            "previous_year": None,
            "target": target,
            "target_low": low,
            "target_high": high,
            "floor": parse_value(figures["floor"].raw) if "floor" in figures else None,
            "unit": infer_unit(indicator, [f.raw for f in figures.values()]),
            "performance_rag": rag,
            "direction": direction,
        }
    )
    for name in ("latest", "previous"):
        figure = figures.get(name)
        if figure is not None and figure.period:
            result.values.append(
                {"page": page, "ref": None, "indicator": indicator, "period": figure.period, "value": parse_value(figure.raw), "value_raw": figure.raw}
            )
