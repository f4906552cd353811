"""Agenda items from a front sheet, in both common shapes.

- A table of items with a "Page No" column: "3. MINUTES    1 - 4", bold titles, plain descriptions
  (Tameside and many ModernGov templates).
- Numbered paragraphs with "(Pages 85 - 276)" that may wrap onto the next line (Kent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.pdf_pages import Line, PageText
from extractors.stamps import content_lines
from extractors.text import normalise

ITEM_RE = re.compile(r"^(\d{1,2}[a-z]?|\d{1,2}\.\d{1,2})[.)]?\s+(\S.*)$")
PAGES_RE = re.compile(r"\(\s*Pages?\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*\)", re.IGNORECASE)
PAGE_COLUMN_RE = re.compile(r"^(\d+)(?:\s*[-–]\s*(\d+))?$")
HEADER_RE = re.compile(r"\bItem\s+No\.?\b.*\bPage\s+No\b|^Page\s+No\.?$", re.IGNORECASE)
# Lines that belong to the page furniture, not to an item.
FURNITURE_RE = re.compile(r"^(From:|Contact:|Ask for:|Please note|Membership:)", re.IGNORECASE)
ALIGN_TOLERANCE = 4.0
WRAP_SHARE = 0.85
# Item text never starts further right than this share of the page past the item numbers;
# right-hand blocks (signatures, contact details) do.
MAX_INDENT_SHARE = 0.25
# A vertical gap of this many line heights ends the item above it.
SECTION_GAP = 3.0


@dataclass
class _Item:
    number: str
    page: int
    title: list[str]
    description: list[str] = field(default_factory=list)
    pages: tuple[int | None, int | None] = (None, None)
    bold: bool = False
    closed_title: bool = False


def _body_lines(pages: list[PageText]) -> list[tuple[int, Line]]:
    """The agenda's lines with stamps, repeated headers and footers removed."""
    found = []
    for page in pages:
        body_size = _body_size(page)
        for line in content_lines(page):
            if HEADER_RE.search(line.text) or FURNITURE_RE.match(line.text.strip()):
                continue
            if line.size < body_size - 1.5 and line.top > page.height * 0.85:
                continue  # a smaller-print footer
            found.append((page.number, line))
    return found


def _body_size(page: PageText) -> float:
    sizes = sorted(round(line.size) for line in page.lines)
    return float(sizes[len(sizes) // 2]) if sizes else 0.0


def _item_column(lines: list[tuple[int, Line]]) -> float | None:
    """The x position of item numbers: the most common left edge of lines that look numbered."""
    counts: dict[int, int] = {}
    for _, line in lines:
        if ITEM_RE.match(line.text):
            counts[round(line.x0)] = counts.get(round(line.x0), 0) + 1
    if not counts:
        return None
    return float(max(counts, key=lambda x: (counts[x], -x)))


def _split_page_column(line: Line) -> tuple[str, tuple[int | None, int | None]]:
    """Take a "Page No" column value ("5 - 40") off the end of an item line."""
    if len(line.segments) >= 2 and (m := PAGE_COLUMN_RE.match(line.segments[-1].text.strip())):
        text = " ".join(s.text for s in line.segments[:-1])
        return text, (int(m.group(1)), int(m.group(2) or m.group(1)))
    return line.text, (None, None)


def _wraps(previous: Line, following: Line, right_edge: float) -> bool:
    """True when `previous` ended because the next word did not fit (so `following` continues it)."""
    first_word = following.text.split()[0] if following.text.split() else ""
    estimated = previous.x1 + following.size * (0.5 * len(first_word) + 0.3)
    return previous.x1 >= right_edge * WRAP_SHARE or estimated >= right_edge * WRAP_SHARE


def _ends_item(line: Line, previous: tuple[int, Line] | None, page_number: int, column: float, width: float) -> bool:
    """A section heading, a right-hand block or a wide vertical gap closes the item above."""
    if line.x0 > column + MAX_INDENT_SHARE * width:
        return True
    letters = [c for c in line.text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and line.bold and line.x0 > column + 2 * line.size:
        return True
    if previous is not None and previous[0] == page_number:
        return line.top - previous[1].bottom > SECTION_GAP * line.size
    return False


def _continues_title(item: _Item, previous: Line, line: Line, right_edge: float) -> bool:
    if item.closed_title:
        return False
    if item.bold:
        return line.bold
    text = line.text.strip()
    if text[:1].islower() or text.startswith("(") or text[:1].isdigit():
        return True
    return _wraps(previous, line, right_edge)


def parse_agenda(pages: list[PageText]) -> list[dict]:
    """Return agenda items as dicts (item_number, page, title, description, pages_from, pages_to)."""
    lines = _body_lines(pages)
    column = _item_column(lines)
    if column is None:
        return []
    right_edge = max(line.x1 for _, line in lines)
    items: list[_Item] = []
    previous: tuple[int, Line] | None = None
    open_item: _Item | None = None
    for page_number, line in lines:
        match = ITEM_RE.match(line.text)
        page_width = next(p.width for p in pages if p.number == page_number)
        if match and abs(line.x0 - column) <= ALIGN_TOLERANCE:
            text, page_range = _split_page_column(line)
            match = ITEM_RE.match(text)
            open_item = _Item(match.group(1), page_number, [match.group(2)], pages=page_range, bold=line.bold)
            items.append(open_item)
        elif open_item is not None and _ends_item(line, previous, page_number, column, page_width):
            open_item = None
        elif open_item is not None and line.x0 >= column - ALIGN_TOLERANCE:
            if previous is not None and _continues_title(open_item, previous[1], line, right_edge):
                text, page_range = _split_page_column(line)
                open_item.title.append(text)
                if page_range[0] is not None:
                    open_item.pages = page_range
            else:
                open_item.closed_title = True
                open_item.description.append(line.text)
        previous = (page_number, line)
    return [_finish(item) for item in items]


def _finish(item: _Item) -> dict:
    title = normalise("\n".join(item.title))
    pages = item.pages
    if m := PAGES_RE.search(title):
        pages = (int(m.group(1)), int(m.group(2) or m.group(1)))
        title = normalise(PAGES_RE.sub(" ", title))
    description = normalise("\n".join(item.description))
    if m := PAGES_RE.search(description):
        pages = pages if pages[0] is not None else (int(m.group(1)), int(m.group(2) or m.group(1)))
        description = normalise(PAGES_RE.sub(" ", description))
    return {
        "item_number": item.number,
        "page": item.page,
        "title": title,
        "description": description,
        "pages_from": pages[0],
        "pages_to": pages[1],
    }
