"""Meeting details from a pack's front sheet: council, committee, date, time and venue."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.pdf_pages import Line, PageText
from extractors.stamps import content_lines
from extractors.meeting_words import (
    CONTACT_LABEL_RE,
    COUNCIL_SUFFIXES,
    DETAIL_LABELS,
    HEADING_NOISE_RE,
    LOOSE_SUFFIXES,
    MEETING_SENTENCE_RE,
    NOT_PLACE_WORDS,
    PLACE_CONNECTORS,
    SMALL_WORDS,
)
from extractors.text import normalise, parse_date, parse_time


@dataclass(frozen=True)
class MeetingDetails:
    """What the front sheet says about the meeting."""

    council: str | None
    committee: str | None
    meeting_date: dt.date | None
    meeting_time: str | None
    venue: str | None


def _labelled(lines: list[Line], label: str) -> str | None:
    """The value of a "Label: value" row, where several may share a line in columns ("Meeting: | Cabinet |
    Date: 10 December 2025"), or of a label cell with a date, time or venue beside it (a box)."""
    pattern = re.compile(rf"^\s*(?:{label})\s*:\s*(.*)$", re.IGNORECASE)
    cell = re.compile(rf"^\s*(?:{label})\s*:?\s*$", re.IGNORECASE)
    for line in lines:
        segments = [seg.text for seg in line.segments] or [line.text]
        if len(segments) >= 2 and cell.match(segments[0]) and label != DETAIL_LABELS["committee"]:
            return normalise(" ".join(segments[1:]))
        for index, text in enumerate(segments):
            if m := pattern.match(text):
                value = [m.group(1)]
                for following in segments[index + 1 :]:
                    if _SOME_LABEL_RE.match(following):
                        break
                    value.append(following)
                if found := normalise(" ".join(value)):
                    return found
    return None


# A cell that opens with its own label ("Date: 10 December 2025") ends the value before it.
_SOME_LABEL_RE = re.compile(r"^\s*[A-Z][\w/ ]{0,30}:")


def smart_title(text: str) -> str:
    """Title-case an all-capitals heading without breaking apostrophes ("CHILDREN'S" -> "Children's")."""
    words = []
    for i, word in enumerate(text.lower().split()):
        if i and word in SMALL_WORDS:
            words.append(word)
        else:
            words.append(word[:1].upper() + word[1:])
    return " ".join(words)


def as_printed_elsewhere(heading: str, corpus: str) -> str:
    """Prefer the spelling the pack itself uses in running text over a title-cased capital heading."""
    if heading != heading.upper():
        return heading
    pattern = re.compile(re.escape(heading).replace(r"\ ", r"\s+"), re.IGNORECASE)
    for m in pattern.finditer(corpus):
        found = normalise(m.group(0))
        if found != found.upper():
            return found
    return smart_title(heading)


def _committee(lines: list[Line]) -> str | None:
    candidates = [line for line in lines[:15] if not HEADING_NOISE_RE.match(line.text.strip()) and len(line.text) > 3]
    if not candidates:
        return None
    biggest = max(line.size for line in candidates)
    heading = next(line for line in candidates if line.size >= biggest - 0.5)
    return normalise(heading.text)


_PLACE = r"(?:[A-Z][a-z]+|[A-Z]{2,})(?:[ -](?:[A-Z][a-z]+|[A-Z]{2,}|upon|on|under|of|OF))*?"
# A bare "Council" is too common ("Council Chamber") to name a council; a typed suffix is not.
_COUNCIL_IN_TEXT = re.compile(rf"\b({_PLACE})[ ]+(?i:{'|'.join(re.escape(s) for s in COUNCIL_SUFFIXES[:-LOOSE_SUFFIXES])})\b")
COUNCIL_HEADING_RE = re.compile(rf"^\s*{_PLACE}[ ]+(?i:{'|'.join(re.escape(s) for s in COUNCIL_SUFFIXES[:-LOOSE_SUFFIXES])})\s*$")
_GOV_UK_EMAIL = re.compile(r"@([a-z][a-z-]+)\s*\.\s*gov\s*\.\s*uk\b", re.IGNORECASE)


def _place(name: str) -> str | None:
    """A council's place name, or None when the words are a meeting's ("Regular", "Special Meeting").

    Words before the place ("Minutes of Kent") and after it ("West of England Mayoral") are trimmed.
    """
    words = name.split(" ")
    while words and words[-1].lower() in NOT_PLACE_WORDS:
        words.pop()
    for start in range(len(words)):
        candidate = words[start:]
        if not candidate[0][:1].isupper() or candidate[0].lower() in PLACE_CONNECTORS:
            continue
        inner = [w for w in re.split(r"[ -]", " ".join(candidate)) if w.lower() not in PLACE_CONNECTORS]
        if any(word.lower() in NOT_PLACE_WORDS for word in inner):
            continue
        place = " ".join(candidate)
        return smart_title(place) if place.isupper() else place
    return None


def find_council(texts: list[str], author: str | None) -> str | None:
    """The council's place name: "<Name> County Council" in the text, else the PDF's Author, else a gov.uk e-mail."""
    for text in texts:
        for m in _COUNCIL_IN_TEXT.finditer(text):
            if place := _place(m.group(1)):
                return place
    if author:
        for suffix in COUNCIL_SUFFIXES:
            if author.strip().endswith(" " + suffix) and (place := _place(normalise(author.strip()[: -len(suffix)]))):
                return place
    for text in texts:
        if m := _GOV_UK_EMAIL.search(text):
            return smart_title(m.group(1).replace("-", " "))
    return None


def council_from_email(texts: list[str]) -> str | None:
    """The council whose gov.uk e-mail domain the texts print most often ("policy@bristol.gov.uk" -> Bristol)."""
    counts: dict[str, int] = {}
    for text in texts:
        for m in _GOV_UK_EMAIL.finditer(text):
            counts[m.group(1).lower()] = counts.get(m.group(1).lower(), 0) + 1
    if not counts:
        return None
    domain = max(sorted(counts), key=lambda d: counts[d])
    return smart_title(domain.replace("-", " "))


def _venue_after_date(lines: list[Line]) -> str | None:
    """Venue lines printed straight under the meeting's date line, contact details cut off."""
    for i, line in enumerate(lines):
        if parse_date(line.text) is None:
            continue
        venue: list[str] = []
        previous = line
        for nxt in lines[i + 1 : i + 5]:
            if nxt.top - previous.bottom > nxt.size * 1.2:
                break
            text = CONTACT_LABEL_RE.sub("", nxt.segments[0].text if nxt.segments else nxt.text).strip()
            if not text or "@" in text:
                break
            venue.append(text)
            previous = nxt
        return normalise(" ".join(venue)).strip(" ,") or None
    return None


def read_meeting_details(front: list[PageText], pack_text: str, author: str | None, guess: bool = True) -> MeetingDetails:
    """Read the meeting details from the front pages (the agenda) of a pack.

    With `guess` false (the pack does not open with an agenda), only labelled fields ("Date:") and
    the "a meeting of X will be held in Y on Z" sentence count: nothing is taken from a heading's
    size or from the first date that happens to be printed.
    """
    lines = [line for page in front for line in content_lines(page)]
    text = "\n".join(line.text for line in lines)
    sentence = MEETING_SENTENCE_RE.search(" ".join(line.text for line in lines))
    after_sentence = sentence.string[sentence.end() : sentence.end() + 80] if sentence else None
    date_text = _labelled(lines, DETAIL_LABELS["date"]) or after_sentence or (text if guess else None)
    time_text = _labelled(lines, DETAIL_LABELS["time"])
    if time_text is None:
        dated = next((line.text for line in lines if parse_date(line.text) and parse_time(line.text)), None) if guess else None
        time_text = dated or after_sentence
    committee = _labelled(lines, DETAIL_LABELS["committee"]) or (normalise(sentence.group("committee")) if sentence else None)
    if committee is None and guess:
        committee = _committee(lines)
    venue = _labelled(lines, DETAIL_LABELS["venue"]) or (normalise(sentence.group("venue")) if sentence else None)
    if venue is None and guess:
        venue = _venue_after_date(lines)
    return MeetingDetails(
        council=find_council([text], author),
        committee=as_printed_elsewhere(committee, pack_text) if committee else None,
        meeting_date=parse_date(date_text),
        meeting_time=parse_time(time_text) if time_text else None,
        venue=venue,
    )
