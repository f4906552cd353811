"""Split a pack's agenda items into their parts (at appendices with their own heading), and name each part."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document_kinds import classify
from extractors.pdf_pages import Line, PageText
from extractors.stamps import PageStamps, content_lines
from extractors.text import normalise


# Protective markings and status stamps printed with a title, not part of it.
MARKING_RE = re.compile(r"^\s*(DRAFT|CONFIDENTIAL|OFFICIAL(?:[- ]SENSITIVE)?|NOT PROTECTIVELY MARKED|RESTRICTED|EXEMPT)\s*$")


@dataclass(frozen=True)
class Part:
    """A contiguous run of pages that forms one document of the pack."""

    doc_index: int
    kind: str
    agenda_item: str | None
    title: str | None
    page_from: int
    page_to: int
    printed_page_from: int | None
    printed_page_to: int | None

    def pages(self) -> range:
        return range(self.page_from, self.page_to + 1)


def _largest_line(lines: list[Line]) -> Line | None:
    if not lines:
        return None
    biggest = max(line.size for line in lines)
    return next(line for line in lines if line.size >= biggest - 0.5)


def _heading_lines(lines: list[Line]) -> str | None:
    """The largest-font line, joined with the lines right under it that continue it at the same size."""
    first = _largest_line(lines)
    if first is None:
        return None
    index = lines.index(first)
    taken = [first]
    for nxt in lines[index + 1 : index + 6]:
        if abs(nxt.size - first.size) >= 0.5 or nxt.top - taken[-1].bottom > first.size or MARKING_RE.match(nxt.text):
            break
        taken.append(nxt)
    return normalise("\n".join(line.text for line in taken))


def _letter_subject(lines: list[Line]) -> str | None:
    """A letter's subject: the bold line after the salutation, else the line after it."""
    for i, line in enumerate(lines):
        if re.match(r"^\s*Dear\b", line.text):
            following = lines[i + 1 : i + 4]
            bold = next((nxt for nxt in following if nxt.bold), None)
            chosen = bold or (following[0] if following else None)
            return normalise(chosen.text) if chosen else None
    return None


def _title(kind: str, lines: list[Line]) -> str | None:
    if any(APPENDIX_RE.match(line.text) for line in lines[:HEADING_LINES]):
        return _heading_lines(lines)  # an appendix is named by its own heading, whatever it holds
    if kind == "agenda":
        return "Agenda"
    if kind == "scorecard":
        return None  # scorecard pages open on section banners, not a document title
    if kind == "letter":
        return _letter_subject(lines) or _heading_lines(lines)
    if kind == "minutes":
        return normalise(lines[0].text) if lines else None
    return _heading_lines(lines)


# An appendix's own heading: "Appendix 1 - ...", "Appendix B: ...", "Annex A", "APPENDIX 2".
APPENDIX_RE = re.compile(r"^\s*(Appendix|Annex|Annexe)\s+([A-Z]{1,2}|\d{1,2}[a-z]?|[IVX]{1,4})\b(?!\s*(?:of|to|and|,)\b)", re.IGNORECASE)
CONTENTS_RE = re.compile(r"^\s*(Table of\s+)?Contents\s*$", re.IGNORECASE)
# The heading must open the page: within its first few content lines.
HEADING_LINES = 3
LIST_LINES = 12


def _appendix_label(page: PageText) -> tuple[str, str] | None:
    """("appendix", "B") when the page opens with an appendix heading in bold or a larger font."""
    lines = content_lines(page)
    if not lines:
        return None
    body = sorted(line.size for line in lines)[len(lines) // 2]
    if sum(1 for line in lines[:LIST_LINES] if APPENDIX_RE.match(line.text)) > 1:
        return None  # a list of appendices ("APPENDICES / Appendix A - ... / Appendix B - ..."), not a heading
    for line in lines[:HEADING_LINES]:
        if (m := APPENDIX_RE.match(line.text)) and (line.bold or line.size >= body + 1.5):
            return m.group(1).lower().rstrip("e"), m.group(2).upper()
    return None


def _listed_in_contents(pages: list[PageText]) -> set[tuple[str, str]]:
    """Appendices a document's own contents page lists: sections of that document, not parts."""
    listed: set[tuple[str, str]] = set()
    for page in pages:
        lines = content_lines(page)
        if any(CONTENTS_RE.match(line.text) for line in lines[:HEADING_LINES]):
            for line in lines:
                if m := APPENDIX_RE.match(line.text):
                    listed.add((m.group(1).lower().rstrip("e"), m.group(2).upper()))
    return listed


def appendix_starts(pages: list[PageText], stamps: list[PageStamps]) -> list[int]:
    """Pages of one item's run (`pages` and their `stamps`, in order) after its first where an
    appendix with its own heading begins.

    A label printed on several pages is a running header ("Appendix 1" atop every page), and an
    appendix the document's contents page lists is a section of it; neither starts a part."""
    run = [p for p, stamp in zip(pages, stamps) if not stamp.blank]
    labels = {p.number: _appendix_label(p) for p in run}
    counts: dict[tuple[str, str], int] = {}
    for label in labels.values():
        if label:
            counts[label] = counts.get(label, 0) + 1
    internal = _listed_in_contents(run)
    return [
        number
        for number, label in labels.items()
        if label and number != pages[0].number and counts[label] == 1 and label not in internal
    ]


def item_parts(pages: list[PageText], stamps: list[PageStamps], item: str | None, doc_index: int) -> list[Part]:
    """The parts of one agenda item, from its pages (in order) and their stamps: its own document,
    then each appendix that starts on a new page with its own heading, numbered on from `doc_index`.

    An item's parts depend on its own pages alone, so a pack is read an item at a time: an item
    runs from one "Agenda Item" stamp to the page before the next, and the pages before the first
    stamp form the front item."""
    first = pages[0].number
    starts = [first, *appendix_starts(pages, stamps)]
    parts = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else pages[-1].number
        run = [p for p, stamp in zip(pages[start - first : end - first + 1], stamps[start - first :]) if not stamp.blank]
        lines = [line for page in run for line in content_lines(page)]
        kind = classify([line.text for line in lines])
        first_page_lines = content_lines(pages[start - first])
        printed = [stamp.printed_page for stamp in stamps[start - first : end - first + 1]]
        parts.append(
            Part(
                doc_index=doc_index + index,
                kind=kind,
                agenda_item=item,
                title=_title(kind, first_page_lines),
                page_from=start,
                page_to=end,
                printed_page_from=printed[0],
                printed_page_to=printed[-1],
            )
        )
    return parts
