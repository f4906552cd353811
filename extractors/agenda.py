"""Agenda items from a front sheet, in the common shapes.

- A table of items: "No. | Item | Pages", "Item No. | AGENDA | Page No", "Item | Subject | Page",
  with bold titles and plain descriptions under them (Tameside and many ModernGov templates).
- Numbered paragraphs with "(Pages 85 - 276)" that may wrap onto the next line (Kent), or with no
  page ranges at all (a parish council's word-processed agenda).
- A summons page ("You are hereby summoned ...") before the items: it holds no numbered lines at
  the item column, so it is passed over.

Items may be numbered "7", "7a", "7(a)", "7.1" or "(7)"; sub-items printed "(a)" under their parent
take the parent's number ("7(a)"). Section headings (Part 2, exempt items) end the item above them,
and a "To follow" marker is not part of a title. The words are in `extractors.meeting_words`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.meeting_words import (
    AGENDA_FURNITURE_RE,
    AGENDA_HEADER_WORDS,
    AGENDA_ITEM_RE,
    AGENDA_SECTION_RE,
    PAGE_COLUMN_RE,
    PAGE_HEADER_RE,
    PAGES_RE,
    SUB_ITEM_RE,
    TO_FOLLOW_RE,
)
from extractors.pdf_pages import Line, PageText
from extractors.stamps import content_lines
from extractors.text import normalise
from extractors.vocabulary import MONTHS

ALIGN_TOLERANCE = 4.0
WRAP_SHARE = 0.85
# Item text never starts further right than this share of the page past the item numbers;
# right-hand blocks (signatures, contact details) do.
MAX_INDENT_SHARE = 0.25
# A vertical gap of this many line heights ends the item above it.
SECTION_GAP = 3.0
# A line whose centre is this close (as a share of the page width) to the page's centre is centred.
CENTRED_SHARE = 0.03
# A top-level item number never jumps further than this past the one before (a year such as
# "2021." at the start of a wrapped line is not item 2021 after item 12).
MAX_NUMBER_STEP = 20


@dataclass
class _Item:
    number: str
    page: int
    title: list[str]
    description: list[str] = field(default_factory=list)
    pages: tuple[int | None, int | None] = (None, None)
    bold: bool = False
    closed_title: bool = False


def _is_header(line: Line) -> bool:
    """A table header row: every cell is a header word ("Item No." | "AGENDA" | "Page No")."""
    cells = [normalise(seg.text).lower().strip(" :") for seg in line.segments] or [line.text.lower()]
    return len(cells) >= 1 and all(cell in AGENDA_HEADER_WORDS for cell in cells) and any(
        PAGE_HEADER_RE.match(seg.text.strip()) or seg.text.strip().lower().startswith("page") for seg in line.segments
    )


def _body_lines(pages: list[PageText]) -> tuple[list[tuple[int, Line]], float | None]:
    """The agenda's lines with stamps, table headers and footers removed, and the page column's x."""
    found = []
    page_column: float | None = None
    for page in pages:
        body_size = _body_size(page)
        for line in content_lines(page):
            if _is_header(line):
                header = next((seg for seg in line.segments if PAGE_HEADER_RE.match(seg.text.strip())), None)
                page_column = header.x0 if header is not None else page_column
                continue
            if AGENDA_FURNITURE_RE.match(line.text.strip()):
                continue
            if line.size < body_size - 1.5 and line.top > page.height * 0.85:
                continue  # a smaller-print footer
            found.append((page.number, line))
    return found, page_column


def _body_size(page: PageText) -> float:
    sizes = sorted(round(line.size) for line in page.lines)
    return float(sizes[len(sizes) // 2]) if sizes else 0.0


def _item_match(text: str) -> re.Match | None:
    """An item line, but not a date printed at the margin ("29 November 2023")."""
    m = AGENDA_ITEM_RE.match(text)
    if m is None:
        return None
    first = re.sub(r"[^a-z]", "", m.group(2).split()[0].lower())
    if first in MONTHS and re.match(r"^\d{1,2}$", m.group(1)):
        return None
    return m


def _item_column(lines: list[tuple[int, Line]]) -> float | None:
    """The x position of item numbers: the most common left edge of lines that look numbered."""
    counts: dict[int, int] = {}
    for _, line in lines:
        if _item_match(line.text):
            counts[round(line.x0)] = counts.get(round(line.x0), 0) + 1
    if not counts:
        return None
    return float(max(counts, key=lambda x: (counts[x], -x)))


def _page_range(text: str) -> tuple[int | None, int | None] | None:
    """A page column's value: "5 - 40", "Pages 5-40", "To follow" (no pages); None when it is not one."""
    text = text.strip()
    if m := PAGE_COLUMN_RE.match(text):
        return int(m.group(1)), int(m.group(2) or m.group(1))
    if TO_FOLLOW_RE.fullmatch(text):
        return (None, None)
    return None


def _split_page_column(line: Line) -> tuple[str, tuple[int | None, int | None]]:
    """Take a "Page No" column value ("5 - 40", "To follow") off the end of an item line."""
    if len(line.segments) >= 2 and (found := _page_range(line.segments[-1].text)) is not None:
        text = " ".join(s.text for s in line.segments[:-1])
        return text, found
    return line.text, (None, None)


def _text_end(line: Line) -> float:
    """Where a line's text ends, not counting a page column value at its end."""
    if len(line.segments) >= 2 and _page_range(line.segments[-1].text) is not None:
        return line.segments[-2].x1
    return line.x1


def _wraps(previous: Line, following: Line, right_edge: float) -> bool:
    """True when `previous` ended because the next word did not fit (so `following` continues it)."""
    first_word = following.text.split()[0] if following.text.split() else ""
    end = _text_end(previous)
    estimated = end + following.size * (0.5 * len(first_word) + 0.3)
    return end >= right_edge * WRAP_SHARE or estimated >= right_edge * WRAP_SHARE


def _ends_item(
    line: Line, previous: tuple[int, Line] | None, page_number: int, column: float, width: float, text_right: float
) -> bool:
    """A section heading, a right-hand block or a wide vertical gap closes the item above."""
    if AGENDA_SECTION_RE.match(line.text.strip()):
        return True
    if line.x0 > column + MAX_INDENT_SHARE * width:
        return True
    centre = (line.x0 + line.x1) / 2
    short = line.x1 < text_right - 4 * line.size
    if short and line.x0 > column + 8 * line.size and abs(centre - width / 2) < CENTRED_SHARE * width:
        return True  # a centred block under the items: the clerk's signature, a footer
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


def _leading_number(number: str) -> int | None:
    m = re.match(r"\(?(\d+)", number)
    return int(m.group(1)) if m else None


def _follows(number: str, items: list[_Item]) -> bool:
    """A top-level number that continues the agenda's numbering (not a year or a figure)."""
    value = _leading_number(number)
    tops = [n for n in (_leading_number(i.number) for i in items) if n is not None]
    if value is None or not tops:
        return True
    return tops[-1] <= value <= tops[-1] + MAX_NUMBER_STEP


def _sub_item(text: str, parent: _Item | None, last_number: str = "") -> tuple[str, str] | None:
    """A sub-item of `parent`: "7.1", "7a", "7(a)" after item 7, or a bare "(a)" (numbered "7(a)")."""
    if parent is None:
        return None
    base = re.match(r"\(?(\d+)", parent.number)
    if m := AGENDA_ITEM_RE.match(text):
        if base and re.fullmatch(rf"{base.group(1)}(?:[a-z]|\([a-z]\)|\.\d{{1,2}})", m.group(1)):
            return m.group(1), m.group(2)
        return None
    if base and (m := SUB_ITEM_RE.match(text)):
        letter = m.group(1).strip("()")
        if len(letter) > 1 or (letter == "i" and not last_number.endswith("(h)")):
            return None  # a roman sub-paragraph of a description, not an item
        return f"{base.group(1)}({letter})", m.group(2)
    return None


def parse_agenda(pages: list[PageText]) -> list[dict]:
    """Return agenda items as dicts (item_number, page, title, description, pages_from, pages_to)."""
    lines, page_column = _body_lines(pages)
    column = _item_column(lines)
    if column is None:
        return []
    text_right = max(line.x1 for _, line in lines)
    right_edge = page_column - 6 if page_column else text_right
    items: list[_Item] = []
    previous: tuple[int, Line] | None = None
    open_item: _Item | None = None
    parent: _Item | None = None
    for page_number, line in lines:
        page_width = next(p.width for p in pages if p.number == page_number)
        text, page_range = _split_page_column(line)
        match = _item_match(text)
        aligned = abs(line.x0 - column) <= ALIGN_TOLERANCE
        in_reach = column - ALIGN_TOLERANCE <= line.x0 <= column + MAX_INDENT_SHARE * page_width
        sub = _sub_item(text, parent, items[-1].number if items else "") if in_reach else None
        if sub is not None:
            open_item = _Item(sub[0], page_number, [sub[1]], pages=page_range, bold=line.bold)
            items.append(open_item)
        elif match and aligned and _follows(match.group(1), items):
            open_item = _Item(match.group(1), page_number, [match.group(2)], pages=page_range, bold=line.bold)
            items.append(open_item)
            parent = open_item
        elif AGENDA_SECTION_RE.match(line.text.strip()):
            open_item = parent = None
        elif open_item is not None and _ends_item(line, previous, page_number, column, page_width, text_right):
            open_item = None
        elif open_item is not None and line.x0 >= column - ALIGN_TOLERANCE:
            if previous is not None and _continues_title(open_item, previous[1], line, right_edge):
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
    title = TO_FOLLOW_RE.sub("", title).strip()
    # "Accounts for payment:-" / "Reports from Sub-Committees:- Finance": the colon closes the
    # title and what follows it describes the item.
    if m := re.match(r"^(.+?)\s*(?::-|:$)\s*(.*)$", title):
        title, rest = m.group(1), m.group(2)
        description = normalise(f"{rest} {description}")
    return {
        "item_number": item.number,
        "page": item.page,
        "title": title,
        "description": description,
        "pages_from": pages[0],
        "pages_to": pages[1],
    }
