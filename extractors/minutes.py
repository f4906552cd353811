"""Printed minutes: the meeting, who attended, each minute with its resolution, and action points.

Layouts read (the words are data in `extractors.meeting_words`):
- a heading ("CABINET", "Children's Services Scrutiny Panel 10 January 2024") and/or the sentence
  "MINUTES of a meeting of X held at VENUE on DATE at TIME" (its clauses in any order);
- a "Commenced / Terminated" block, or "The meeting commenced at ... and concluded at ...",
  "The meeting closed at ..." anywhere in the minutes;
- "Present:", "Apologies:", "Also in attendance:", "Officers:" lists (one name a line, or run on
  with commas), and apologies recorded only in an "Apologies" minute;
- minutes headed "34. TITLE", "(34) Title", "CSP/23/24 Title", a bold title followed by "(Item N)",
  or a bold "2465. Title:" running on into plain text;
- RESOLVED / AGREED / APPROVED blocks, "Actions:" bullet lists, "ACTION: ... (Lead: X, by DATE)"
  lines and an action table ("Minute | Action | Lead | Due") after the last minute.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from extractors.frontsheet import COUNCIL_HEADING_RE, smart_title
from extractors.meeting_words import (
    ACTION_LINE_RE,
    ACTIONS_RE,
    APOLOGIES_TITLE_RE,
    ATTENDANCE_LABEL_RE,
    BACK_REFERENCE_RE,
    DECISION_BLOCK_RE,
    DECISION_SENTENCE_RE,
    FORM_FIELD_RE,
    HELD_CLAUSE_RE,
    HELD_SENTENCE_RE,
    ITEM_REF_RE,
    MEETING_CLOSED_RE,
    MEETING_TIMES_SENTENCE_RE,
    MINUTE_RE,
    RESOLUTION_RE,
    SIGNATURE_LINE_RE,
    SUBJECT_HEADING_RE,
    TRAILING_ITEM_REF_RE,
    TIME_VALUE,
)
from extractors.attendance import apologies_from_minute, read_attendance
from extractors.minute_actions import action_lines, action_row, action_table, action_table_start
from extractors.pdf_pages import Line, PageText
from extractors.stamps import content_lines
from extractors.text import closes_meeting, is_capitals, join_running, labelled_times, normalise, parse_date, parse_time, strip_bullet

# A footer page number: "3", "!3", "- 3 -", "Page 3 of 9".
FOOTER_NUMBER_RE = re.compile(r"^(?:[!\-–—\s]*\d{1,4}[\-–—\s]*|Page \d{1,4}(?: of \d{1,4})?)$", re.IGNORECASE)
# A line repeated in this top share of at least this many pages is a running header.
RUNNING_HEADER_BAND = 0.12
RUNNING_HEADER_PAGES = 3


@dataclass
class Minute:
    """One numbered minute as read from the page."""

    number: str
    page: int
    title: list[str]
    body: list[Line] = field(default_factory=list)
    body_pages: list[int] = field(default_factory=list)


@dataclass
class MinutesDoc:
    """Everything read from one set of minutes."""

    committee: str | None
    meeting_date: dt.date | None
    commenced: str | None
    terminated: str | None
    venue: str | None
    heading: str | None
    attendance: list[dict]
    minutes: list[dict]
    actions: list[dict]

    @property
    def chair(self) -> str | None:
        return next((a["name"] for a in self.attendance if a["is_chair"]), None)


def _running_headers(pages: list[PageText]) -> set[str]:
    """Text printed at the top of several pages (an e-mail address, a form's header): not minute text."""
    seen: dict[str, set[int]] = {}
    for page in pages:
        for line in content_lines(page):
            if line.top < page.height * RUNNING_HEADER_BAND:
                seen.setdefault(line.text.strip(), set()).add(page.number)
    return {text for text, numbers in seen.items() if len(numbers) >= RUNNING_HEADER_PAGES}


def _body_lines(pages: list[PageText]) -> list[tuple[int, Line]]:
    lines = []
    running = _running_headers(pages)
    for page in pages:
        sizes = sorted(line.size for line in page.lines) or [0.0]
        body = sizes[len(sizes) // 2]
        for line in content_lines(page):
            if FOOTER_NUMBER_RE.fullmatch(line.text.strip()) and (line.top > page.height * 0.88 or line.size < body - 1):
                continue  # a document's own footer page number
            if line.text.strip() in running and line.top < page.height * RUNNING_HEADER_BAND:
                continue
            lines.append((page.number, line))
    return lines


def _leads_bold(line: Line) -> bool:
    """The line opens with a bold minute number and title that run on into plain text."""
    return bool(line.bold_lead) and MINUTE_RE.match(line.bold_lead) is not None and len(line.bold_lead.split()) >= 2


def _is_heading(index: int, lines: list[tuple[int, Line]], forms: bool = False) -> bool:
    """A bold (or capitals) "84. Title" line, or a bold title whose bold lines are followed by "(Item N)".

    In a decision record (`forms`), only the "(a) Subject:" lines head decisions: the numbered
    paragraphs of a decision are not minutes.
    """
    _, line = lines[index]
    if ITEM_REF_RE.match(line.text):
        return False
    if SUBJECT_HEADING_RE.match(line.text):
        return True
    if forms:
        return False
    if (m := MINUTE_RE.match(line.text)) and (line.bold or _leads_bold(line) or is_capitals(m.group(2))):
        return True
    if not line.bold:
        return False
    for _, following in lines[index + 1 : index + 4]:
        if ITEM_REF_RE.match(following.text):
            return True
        if not following.bold or MINUTE_RE.match(following.text):
            return False
    return False


def _number(raw: str) -> str:
    return raw.strip("()")


def _split_heading(line: Line) -> tuple[str, str, Line | None]:
    """(number, title, the rest of the line as body) of a heading line."""
    if subject := SUBJECT_HEADING_RE.match(line.text):
        title = subject.group("title")
        if ref := TRAILING_ITEM_REF_RE.search(title):
            return ref.group(1), title[: ref.start()].strip(), None
        return "", title, None
    m = MINUTE_RE.match(line.text)
    if m is None:
        return "", line.text, None
    number, title = _number(m.group(1)), m.group(2)
    if line.bold_lead and len(line.bold_lead) < len(line.text):
        # "2466. Public Forum: Mr Bob Dagger ...": the title ends at the colon near the bold run's end.
        colon = line.text.find(":", 0, len(line.bold_lead) + 2)
        cut = colon if colon > 0 else len(line.bold_lead)
        head, rest = line.text[:cut], line.text[cut:].lstrip(":-– ").strip()
        title = MINUTE_RE.match(head).group(2) if MINUTE_RE.match(head) else title
        if rest:
            return number, title.strip(), replace(line, text=rest)
        return number, title.strip(), None
    return number, re.sub(r"\s*:-?\s*$", "", title), None


def _split_minutes(lines: list[tuple[int, Line]], start: int, stop: int) -> list[Minute]:
    minutes: list[Minute] = []
    in_title = False
    subject_title: Line | None = None
    forms = bool(SUBJECT_HEADING_RE.match(lines[start][1].text)) if start < len(lines) else False
    for index in range(start, stop):
        page_number, line = lines[index]
        if closes_meeting(line.text):
            break  # "There being no further business the meeting closed at ...": the minutes end here
        wholly_bold = line.bold and (not line.bold_lead or len(line.bold_lead) >= len(line.text))
        if in_title and wholly_bold and minutes and not minutes[-1].body and not MINUTE_RE.match(line.text):
            minutes[-1].title.append(line.text)
            continue
        if subject_title is not None and not ITEM_REF_RE.match(line.text) and line.x0 > subject_title.x0 + 2 * line.size:
            # a wrapped "(a) Subject:" title, above or ending in "(agenda item N)"
            if ref := TRAILING_ITEM_REF_RE.search(line.text):
                minutes[-1].number = minutes[-1].number or ref.group(1)
                minutes[-1].title.append(line.text[: ref.start()])
                subject_title = None
            else:
                minutes[-1].title.append(line.text)
            continue
        subject_title = None
        if _is_heading(index, lines, forms):
            number, title, rest = _split_heading(line)
            subject_title = line if SUBJECT_HEADING_RE.match(line.text) else None
            minutes.append(Minute(number, page_number, [title]))
            in_title = rest is None and line.bold and not re.search(r":-?\s*$", line.text)
            if rest is not None:
                minutes[-1].body.append(rest)
                minutes[-1].body_pages.append(page_number)
            continue
        if not minutes:
            continue
        current = minutes[-1]
        if ref := ITEM_REF_RE.match(line.text):
            current.number = current.number or ref.group(1)
            in_title = False
            continue
        in_title = False
        current.body.append(line)
        current.body_pages.append(page_number)
    if minutes:
        while minutes[-1].body and SIGNATURE_LINE_RE.match(minutes[-1].body[-1].text.strip()):
            minutes[-1].body.pop()
            minutes[-1].body_pages.pop()
    return minutes


def _resolution(body: list[Line]) -> tuple[str | None, list[str]]:
    """The RESOLVED/AGREED block, or the bullets of an "Actions:" block, and the action bullets."""
    for i, line in enumerate(body):
        if ACTIONS_RE.match(line.text) and not ACTION_LINE_RE.match(line.text):
            bullets: list[list[str]] = []
            for nxt in body[i + 1 :]:
                text, is_bullet = strip_bullet(nxt.text)
                if is_bullet:
                    bullets.append([text])
                elif bullets and nxt.x0 > line.x0 + 2:
                    bullets[-1].append(text)
                else:
                    break
            actions = [normalise(" ".join(b)) for b in bullets]
            return ("; ".join(actions) or None), actions
        if DECISION_BLOCK_RE.match(line.text.strip()):
            block = []
            for nxt in body[i + 1 :]:
                if FORM_FIELD_RE.match(nxt.text):
                    break
                block.append(nxt)
            return (join_running(block) or None), []
        if RESOLUTION_RE.match(line.text):
            block = [line]
            for nxt in body[i + 1 :]:
                if nxt.x0 < line.x0 - 2 or ACTION_LINE_RE.match(nxt.text):
                    break
                block.append(nxt)
            text = join_running(block)
            return (RESOLUTION_RE.sub("", text, count=1).strip() or None), []
    return None, []


def _held(header_text: str) -> dict[str, str | None]:
    """Committee, venue, date and time from "MINUTES of a meeting of X held at V on D at T"."""
    m = HELD_SENTENCE_RE.search(header_text)
    if m is None:
        return {}
    rest = normalise(m.group("rest") or m.group("rest2") or "")
    found: dict[str, str | None] = {"committee": normalise(m.group("committee")) if m.group("committee") else None}
    venue: list[str] = []
    for clause in HELD_CLAUSE_RE.split(" " + rest):
        clause = clause.strip(" ,")
        word, _, value = clause.partition(" ")
        value = value.strip(" ,")
        if not value:
            continue
        if parse_date(value) and "date" not in found:
            found["date"] = value
        elif re.fullmatch(rf"(?:{TIME_VALUE})", value, re.IGNORECASE) and "time" not in found:
            found["time"] = value
        elif venue:
            venue.append(f"{word} {value}")
        else:
            venue.append(re.sub(r"^the\s+", "", value, flags=re.IGNORECASE))
    found["venue"] = normalise(" ".join(venue)) or None
    found["start"] = m.start()
    return found


def _heading(header: list[Line], held_at: int | None) -> tuple[str | None, str | None]:
    """(the committee's heading as printed, the council's own heading) above the opening sentence."""
    council = None
    consumed = 0
    for line in header[:4]:
        text = line.text.strip()
        if held_at is not None and consumed >= held_at:
            break
        consumed += len(line.text) + 1
        if COUNCIL_HEADING_RE.match(text):
            council = council or text
            continue
        if ATTENDANCE_LABEL_RE.match(text) or text.upper().startswith("MINUTES") or labelled_times(text):
            continue
        return text, council
    return None, council


def _committee_from_heading(heading: str) -> str:
    name = re.split(r"\s+[–-]\s+|\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}", heading)[0].strip()
    return smart_title(name) if name.isupper() else name


def _date_as_printed(text: str) -> str | None:
    m = re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+\d{4}", text)
    return normalise(m.group(0)) if m else None


def parse_minutes(pages: list[PageText]) -> MinutesDoc | None:
    """Read one set of minutes; None when the pages hold no recognisable minutes."""
    lines = _body_lines(pages)
    first_heading = next((i for i in range(len(lines)) if _is_heading(i, lines)), None)
    if first_heading is None:
        return None
    header = [line for _, line in lines[:first_heading]]
    header_text = "\n".join(line.text for line in header)
    held = _held(header_text)
    heading, council_heading = _heading(header, held.get("start"))
    decided = DECISION_SENTENCE_RE.search(header_text)
    committee = _committee_from_heading(heading) if heading else None
    if decided:
        # A decision record's heading names the form; the meeting is named in its opening sentence.
        committee = normalise(decided.group("committee"))
        held.setdefault("date", decided.group("date"))
    if committee is None and held.get("committee") and not BACK_REFERENCE_RE.match(held["committee"]):
        committee = held["committee"]
    if heading is None and council_heading:
        # The meeting of a council itself ("TINTERN COMMUNITY COUNCIL"): its heading names the meeting.
        committee = committee or _committee_from_heading(council_heading)
        heading = council_heading
    meeting_date = parse_date(heading) if heading else None
    date_text = _date_as_printed(heading or "")
    if meeting_date is None:
        meeting_date = parse_date(held.get("date")) or parse_date(header_text)
        date_text = _date_as_printed(held.get("date") or header_text)
    title = heading if heading and parse_date(heading) else normalise(f"{heading or ''} {date_text or ''}") or None

    times: dict[str, str | None] = {"commenced": None, "terminated": None}
    for line in header:
        for key, value in (labelled_times(line.text) or {}).items():
            times[key] = times[key] or parse_time(value)
    whole_text = " ".join(line.text for _, line in lines)
    if sentence := MEETING_TIMES_SENTENCE_RE.search(whole_text):
        times["commenced"] = times["commenced"] or parse_time(sentence.group("start"))
        times["terminated"] = times["terminated"] or (parse_time(sentence.group("end")) if sentence.group("end") else None)
    if times["terminated"] is None and (closed := MEETING_CLOSED_RE.search(whole_text)):
        times["terminated"] = parse_time(closed.group("end"))
    if times["commenced"] is None and held.get("time"):
        times["commenced"] = parse_time(held["time"])

    people = read_attendance(header)
    table_at = action_table_start(lines, first_heading)
    minutes = _split_minutes(lines, first_heading, table_at if table_at is not None else len(lines))
    minute_rows, action_rows = [], []
    apology_pages: dict[tuple[str, str], int] = {}
    for minute in minutes:
        resolution, actions = _resolution(minute.body)
        flagged = action_lines(minute.body, minute.body_pages)
        title_text = normalise(" ".join(minute.title))
        if resolution is None and flagged:
            resolution = "; ".join(text for text, _ in flagged)
        minute_rows.append(
            {
                "minute_number": minute.number,
                "page": minute.page,
                "title": title_text,
                "text": join_running(minute.body),
                "resolution": resolution,
            }
        )
        action_page = next((p for p, l in zip(minute.body_pages, minute.body) if ACTIONS_RE.match(l.text)), minute.page)
        action_rows += [action_row(minute.number, action_page, action) for action in actions]
        action_rows += [action_row(minute.number, page, text) for text, page in flagged]
        if APOLOGIES_TITLE_RE.match(title_text) and not any(r == "apologies" for _, r, _ in people):
            for name in apologies_from_minute(join_running(minute.body)):
                people.append((name, "apologies", False))
                apology_pages[(name, "apologies")] = minute.page
    if table_at is not None:
        action_rows += action_table(lines, table_at)
    attendance = [{"name": n, "role": r, "is_chair": c, "page": apology_pages.get((n, r), pages[0].number)} for n, r, c in people]
    return MinutesDoc(committee, meeting_date, times["commenced"], times["terminated"], held.get("venue"), title, attendance, minute_rows, action_rows)
