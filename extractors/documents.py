"""Split a pack into its parts at ModernGov's "Agenda Item N" stamps, and name each part."""

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
    if kind == "agenda":
        return "Agenda"
    if kind == "scorecard":
        return None  # scorecard pages open on section banners, not a document title
    if kind == "letter":
        return _letter_subject(lines) or _heading_lines(lines)
    if kind == "minutes":
        return normalise(lines[0].text) if lines else None
    return _heading_lines(lines)


def split_parts(pages: list[PageText], stamps: list[PageStamps]) -> list[Part]:
    """Cut the pack at each "Agenda Item" stamp; pages before the first stamp form the front part."""
    starts: list[tuple[int, str | None]] = []
    for page, stamp in zip(pages, stamps):
        if stamp.agenda_item is not None:
            starts.append((page.number, stamp.agenda_item))
    if not starts or starts[0][0] != 1:
        starts.insert(0, (1, None))
    parts = []
    for index, (first, item) in enumerate(starts):
        last = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(pages)
        run = [p for p in pages[first - 1 : last] if not stamps[p.number - 1].blank]
        lines = [line for page in run for line in content_lines(page)]
        kind = classify([line.text for line in lines])
        first_page_lines = content_lines(pages[first - 1])
        printed = [stamps[n - 1].printed_page for n in range(first, last + 1)]
        parts.append(
            Part(
                doc_index=index,
                kind=kind,
                agenda_item=item,
                title=_title(kind, first_page_lines),
                page_from=first,
                page_to=last,
                printed_page_from=printed[0],
                printed_page_to=printed[-1],
            )
        )
    return parts
