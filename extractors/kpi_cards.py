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

from extractors.pdf_pages import PageText
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


def _is_figure_row(texts: list[str]) -> bool:
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
        stop = next((i for i, row in enumerate(table.rows) if _is_figure_row([c.text for c in row.cells if c is not None])), None)
        if page is None or stop is None or stop == 0:
            continue
        title, rating = _title_and_rating(table, stop)
        if title is None:
            continue
        figure_text = " | ".join(c.text for c in table.rows[stop].cells if c is not None)
        figures = read_figures(figure_text)
        indicator = normalise(title.text)
        target = figures["target"].raw if "target" in figures else None
        low, high = parse_target(target)
        floor = parse_value(figures["floor"].raw) if "floor" in figures else None
        raws = [f.raw for f in figures.values()]
        rag = read_rag(normalise(rating.text), rating.fill, legend) if rating is not None else None
        result.indicators.append(
            {
                "page": table.page,
                "service_area": None,
                "ref": None,
                "indicator": indicator,
                "previous_year": None,
                "target": target,
                "target_low": low,
                "target_high": high,
                "floor": floor,
                "unit": infer_unit(indicator, raws),
                "performance_rag": rag,
                "direction": _direction(rating, table, stop, page),
            }
        )
        for name in ("latest", "previous"):
            figure = figures.get(name)
            if figure is not None and figure.period:
                result.values.append(
                    {"page": table.page, "ref": None, "indicator": indicator, "period": figure.period, "value": parse_value(figure.raw), "value_raw": figure.raw}
                )
        result.tables.append({"page": table.page, "indicator": indicator, "figures": sorted(figures), "status": "published"})
    return result
