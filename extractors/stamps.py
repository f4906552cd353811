"""ModernGov's stamps on a pack's pages: "Agenda Item N", "Page N" and intentionally blank pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.pdf_pages import Line, PageText

AGENDA_ITEM_RE = re.compile(r"^Agenda\s+Item\s+(\d+[A-Za-z]?(?:\.\d+)?)$", re.IGNORECASE)
PRINTED_PAGE_RE = re.compile(r"^Page\s+(\d{1,4})$", re.IGNORECASE)
BLANK_RE = re.compile(r"^this page (is )?(intentionally )?left blank\.?$", re.IGNORECASE)
PUBLIC_PACK_RE = re.compile(r"^Public Document Pack$", re.IGNORECASE)
# Stamps sit in the outer bands of the page; the same words in body text are not stamps.
STAMP_BAND = 0.15


@dataclass(frozen=True)
class PageStamps:
    """What ModernGov stamped on one page."""

    agenda_item: str | None
    printed_page: int | None
    blank: bool
    public_pack: bool


def _in_band(line: Line, page: PageText, top: bool) -> bool:
    if top:
        return line.bottom <= page.height * STAMP_BAND
    return line.top >= page.height * (1 - STAMP_BAND)


def is_stamp_line(line: Line, page: PageText) -> bool:
    """True for a line that is one of the pack's stamps rather than document content."""
    text = line.text.strip()
    if (AGENDA_ITEM_RE.match(text) or PUBLIC_PACK_RE.match(text)) and _in_band(line, page, top=True):
        return True
    return bool(PRINTED_PAGE_RE.match(text)) and _in_band(line, page, top=False)


def content_lines(page: PageText) -> list[Line]:
    """The page's lines without its stamps."""
    return [line for line in page.lines if not is_stamp_line(line, page)]


def read_stamps(page: PageText) -> PageStamps:
    """Find the stamps on one page."""
    agenda_item = printed = None
    public_pack = False
    for line in page.lines:
        text = line.text.strip()
        if (m := AGENDA_ITEM_RE.match(text)) and _in_band(line, page, top=True):
            agenda_item = m.group(1)
        elif PUBLIC_PACK_RE.match(text) and _in_band(line, page, top=True):
            public_pack = True
        elif (m := PRINTED_PAGE_RE.match(text)) and _in_band(line, page, top=False):
            printed = int(m.group(1))
    if printed is None:
        for text in page.margin_text:
            if m := PRINTED_PAGE_RE.match(text):
                printed = int(m.group(1))
    body = " ".join(line.text for line in content_lines(page)).strip()
    return PageStamps(agenda_item, printed, bool(BLANK_RE.match(body)), public_pack)
