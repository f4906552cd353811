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
    ACTION_TAIL_RE,
    ACTION_TABLE_HEADERS,
    ACTION_TABLE_TITLE_RE,
    ACTIONS_RE,
    APOLOGIES_TITLE_RE,
    ATTENDANCE_LABEL_RE,
    BACK_REFERENCE_RE,
    BODY_APOLOGIES_RE,
    DECISION_BLOCK_RE,
    DECISION_SENTENCE_RE,
    FORM_FIELD_RE,
    CHAIR_ROLE_RE,
    CLOSING_LINE_RE,
    DUE_RE,
    HELD_SENTENCE_RE,
    ITEM_REF_RE,
    LEADING_CHAIR_RE,
    MEETING_CLOSED_RE,
    MEETING_TIMES_SENTENCE_RE,
    MINUTE_RE,
    OWNER_RE,
    POST_NOMINALS,
    RESOLUTION_RE,
    ROLE_LABELS,
    ROLE_NOUNS,
    ROLE_WORDS,
    SIGNATURE_LINE_RE,
    SUBJECT_HEADING_RE,
    TIME_LABELS,
    TIME_VALUE,
    TITLE_RE,
    TITLES,
)
from extractors.pdf_pages import Line, PageText
from extractors.stamps import content_lines
from extractors.text import join_running, normalise, parse_date, parse_time, strip_bullet

# A footer page number: "3", "!3", "- 3 -", "Page 3 of 9".
FOOTER_NUMBER_RE = re.compile(r"^(?:[!\-–—\s]*\d{1,4}[\-–—\s]*|Page \d{1,4}(?: of \d{1,4})?)$", re.IGNORECASE)
TRAILING_ITEM_REF_RE = re.compile(r"\s*\(\s*(?:Agenda\s+)?Item\s+(\d+[a-z]?)\s*\)\s*$", re.IGNORECASE)
# A line repeated in this top share of at least this many pages is a running header.
RUNNING_HEADER_BAND = 0.12
RUNNING_HEADER_PAGES = 3
# The most words a person's name has once titles are dropped.
MAX_NAME_WORDS = 5


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


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


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
    if (m := MINUTE_RE.match(line.text)) and (line.bold or _leads_bold(line) or _shouting(m.group(2))):
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


def _action_table_start(lines: list[tuple[int, Line]], start: int) -> int | None:
    """Index of an action table's header row (or its title) after the minutes, if there is one."""
    for index in range(start, len(lines)):
        _, line = lines[index]
        if _action_columns(line) is not None:
            before = index - 1
            if before >= start and ACTION_TABLE_TITLE_RE.match(lines[before][1].text.strip()):
                return before
            return index
    return None


def _action_columns(line: Line) -> dict[str, float] | None:
    """The x position of each action-table column when `line` is such a table's header row."""
    if len(line.segments) < 2:
        return None
    columns: dict[str, float] = {}
    for seg in line.segments:
        key = normalise(seg.text).lower().strip(" :")
        field_name = next((name for name, words in ACTION_TABLE_HEADERS.items() if key in words), None)
        if field_name is None or field_name in columns:
            return None
        columns[field_name] = seg.x0
    return columns if "action" in columns and len(columns) >= 2 else None


def _closes(text: str) -> bool:
    """A closing line after the last minute ("There being no further business ...", "The meeting closed at 8.15 pm")."""
    text = text.strip()
    if not CLOSING_LINE_RE.match(text):
        return False
    return text.lower().startswith("there being no") or re.search(TIME_VALUE, text, re.IGNORECASE) is not None


def _split_minutes(lines: list[tuple[int, Line]], start: int, stop: int) -> list[Minute]:
    minutes: list[Minute] = []
    in_title = False
    subject_title: Line | None = None
    forms = bool(SUBJECT_HEADING_RE.match(lines[start][1].text)) if start < len(lines) else False
    for index in range(start, stop):
        page_number, line = lines[index]
        if _closes(line.text):
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


def _action_lines(body: list[Line], pages: list[int]) -> list[tuple[str, int]]:
    """"ACTION: ..." lines with the lines that continue them (no gap, not a new paragraph)."""
    found: list[tuple[str, int]] = []
    index = 0
    while index < len(body):
        line = body[index]
        if m := ACTION_LINE_RE.match(line.text):
            parts, previous = [m.group("action")], line
            for nxt in body[index + 1 :]:
                new_block = ACTION_LINE_RE.match(nxt.text) or RESOLUTION_RE.match(nxt.text)
                if new_block or nxt.top - previous.bottom > 0.6 * nxt.size or nxt.x0 < line.x0 - 2:
                    break
                parts.append(nxt.text)
                previous = nxt
            found.append((normalise("\n".join(parts)), pages[index]))
            index += len(parts)
        else:
            index += 1
    return found


def _action_row(number: str, page: int, text: str) -> dict:
    """One action with its owner and due date; a bracketed "(Lead: X, by DATE)" is not the action."""
    owner = OWNER_RE.search(text)
    due = DUE_RE.search(text)
    action = ACTION_TAIL_RE.sub("", text).strip()
    return {
        "minute_number": number,
        "page": page,
        "action": action,
        "owner": normalise(owner.group(1)) if owner else None,
        "due": normalise(due.group(1) or due.group(2)) if due else None,
    }


def _action_table(lines: list[tuple[int, Line]], start: int) -> list[dict]:
    """Rows of an action table printed after the last minute (one or more lines a row)."""
    header_index = next(i for i in range(start, len(lines)) if _action_columns(lines[i][1]) is not None)
    columns = _action_columns(lines[header_index][1])
    assert columns is not None
    order = sorted(columns.items(), key=lambda kv: kv[1])
    first = order[0][0]
    rows: list[tuple[int, dict[str, list[str]]]] = []
    previous: Line | None = None
    for page_number, line in lines[header_index + 1 :]:
        if _action_columns(line) is not None:
            continue  # the header repeated on a new page
        if SIGNATURE_LINE_RE.match(line.text.strip()) or _closes(line.text):
            break
        cells: dict[str, list[str]] = {}
        for seg in line.segments:
            name = max((n for n, x in order if x <= seg.x0 + 4), key=lambda n: columns[n], default=first)
            cells.setdefault(name, []).append(seg.text)
        starts_row = first in cells and (previous is None or first != "action" or line.top - previous.bottom > 0.4 * line.size)
        if starts_row or not rows:
            rows.append((page_number, {}))
        for name, texts in cells.items():
            rows[-1][1].setdefault(name, []).extend(texts)
        previous = line
    found = []
    for page_number, cells in rows:
        text = {name: normalise("\n".join(values)) for name, values in cells.items()}
        if not text.get("action"):
            continue
        found.append(
            {
                "minute_number": _number(text.get("minute_number", "")),
                "page": page_number,
                "action": text["action"],
                "owner": text.get("owner") or None,
                "due": text.get("due") or None,
            }
        )
    return found


# ---------------------------------------------------------------------------------------------
# Attendance


def _split_names(text: str) -> list[str]:
    """Split a name list at commas, semicolons, "and" and "&" outside brackets."""
    parts, depth, current = [], 0, ""
    tokens = re.split(r"(\(|\)|,|\band\b|;|&|\n)", text)
    for token in tokens:
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        if depth == 0 and token in (",", "and", ";", "&", "\n"):
            parts.append(current)
            current = ""
        else:
            current += token
    parts.append(current)
    return [normalise(p) for p in parts if normalise(p)]


def _clean_name(raw: str) -> tuple[str | None, bool]:
    """Strip titles, post-nominals and bracketed or dashed roles; return (name, is_chair)."""
    is_chair = bool(CHAIR_ROLE_RE.search(raw))
    raw = LEADING_CHAIR_RE.sub("", raw)
    name = normalise(re.sub(r"\([^)]*\)?", " ", raw))
    name = re.split(r"\s+[–—-]\s+", name)[0]
    name = re.sub(r"\s+who\b.*$", "", name)
    name = TITLE_RE.sub("", name).strip(" .:")
    words = [w for w in name.split() if w.strip(",.") not in POST_NOMINALS]
    name = " ".join(words).strip(" ,.")
    if not name or name in POST_NOMINALS or len(words) > MAX_NAME_WORDS:
        return None, False
    # A job description after a comma ("Cabinet Member for ...") or a role ("the Clerk") is not a name.
    if re.search(r"\b(for|of|the|to|at|were|was|no|none)\b", name, re.IGNORECASE) or not name[0].isupper():
        return None, False
    lowered = [w.lower().strip(".,") for w in words]
    if lowered[-1] in ROLE_NOUNS or sum(w in ROLE_WORDS for w in lowered) >= min(2, len(lowered)):
        return None, False
    return name, is_chair


def _role_of(label: str) -> str:
    return next(role for pattern, role in ROLE_LABELS if re.fullmatch(pattern, label.strip(), re.IGNORECASE))


def _list_text(lines: list[Line]) -> str:
    """A list's lines as text: a line that starts with a title starts a new entry; others wrap."""
    text = ""
    title_start = re.compile(rf"^(?:{'|'.join(TITLES)})\b")
    single_entry = False
    for line in lines:
        piece = ", ".join(seg.text for seg in line.segments) if len(line.segments) > 1 else line.text
        starts_entry = bool(title_start.match(piece.strip()))
        if text and (starts_entry or ATTENDANCE_LABEL_RE.match(piece)):
            text += "\n" + piece
        elif single_entry:
            break  # a list of one name a line ends at the first line that is not a name
        else:
            text += (" " if text else "") + piece
        single_entry = starts_entry and "," not in piece
    return text


def _attendance(header: list[Line]) -> list[tuple[str, str, bool]]:
    """Names from the "Present:", "Apologies:", "In attendance:", "Officers:" lists above the first minute."""
    list_lines: list[Line] = []
    for line in header:
        if not list_lines and not ATTENDANCE_LABEL_RE.search(line.text):
            continue
        if _time_label(line.text) or (line.bold and _shouting(line.text) and not ATTENDANCE_LABEL_RE.match(line.text)):
            continue  # a "Commenced / Terminated" block or a section heading among the lists
        list_lines.append(line)
    text = _list_text(list_lines)
    labels = list(ATTENDANCE_LABEL_RE.finditer(text))
    people = []
    for i, label in enumerate(labels):
        role = _role_of(label.group(1))
        block = text[label.end() : labels[i + 1].start() if i + 1 < len(labels) else len(text)]
        for raw in _split_names(block):
            name, is_chair = _clean_name(raw)
            if name:
                people.append((name, role, is_chair and role == "present"))
    return people


def _apologies_from_minute(body_text: str) -> list[str]:
    """Names in an "Apologies" minute: "Apologies were received from X and Y", or a bare "Cllr X, Cllr Y."."""
    if m := BODY_APOLOGIES_RE.search(body_text):
        raws = _split_names(m.group(1))
    elif len(body_text) < 200:
        raws = _split_names(re.split(r"\.\s", body_text)[0])
    else:
        return []
    names = [name for name, _ in map(_clean_name, raws) if name]
    return names if len(names) * 2 >= len(raws) else []


# ---------------------------------------------------------------------------------------------
# The meeting


def _time_label(text: str) -> dict[str, str] | None:
    found = {}
    for key, labels in TIME_LABELS.items():
        if m := re.search(rf"(?:^|\s)(?:{labels})\s*(?:at)?\s*[:\-]?\s*({TIME_VALUE})", text, re.IGNORECASE):
            found[key] = m.group(1)
    return found or None


def _held(header_text: str) -> dict[str, str | None]:
    """Committee, venue, date and time from "MINUTES of a meeting of X held at V on D at T"."""
    m = HELD_SENTENCE_RE.search(header_text)
    if m is None:
        return {}
    rest = normalise(m.group("rest") or m.group("rest2") or "")
    found: dict[str, str | None] = {"committee": normalise(m.group("committee")) if m.group("committee") else None}
    venue: list[str] = []
    for clause in re.split(r"\s+(?=(?:on|at|in)\s)", " " + rest):
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
        if ATTENDANCE_LABEL_RE.match(text) or text.upper().startswith("MINUTES") or _time_label(text):
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
        for key, value in (_time_label(line.text) or {}).items():
            times[key] = times[key] or parse_time(value)
    whole_text = " ".join(line.text for _, line in lines)
    if sentence := MEETING_TIMES_SENTENCE_RE.search(whole_text):
        times["commenced"] = times["commenced"] or parse_time(sentence.group("start"))
        times["terminated"] = times["terminated"] or (parse_time(sentence.group("end")) if sentence.group("end") else None)
    if times["terminated"] is None and (closed := MEETING_CLOSED_RE.search(whole_text)):
        times["terminated"] = parse_time(closed.group("end"))
    if times["commenced"] is None and held.get("time"):
        times["commenced"] = parse_time(held["time"])

    people = _attendance(header)
    table_at = _action_table_start(lines, first_heading)
    minutes = _split_minutes(lines, first_heading, table_at if table_at is not None else len(lines))
    minute_rows, action_rows = [], []
    apology_pages: dict[tuple[str, str], int] = {}
    for minute in minutes:
        resolution, actions = _resolution(minute.body)
        flagged = _action_lines(minute.body, minute.body_pages)
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
        action_rows += [_action_row(minute.number, action_page, action) for action in actions]
        action_rows += [_action_row(minute.number, page, text) for text, page in flagged]
        if APOLOGIES_TITLE_RE.match(title_text) and not any(r == "apologies" for _, r, _ in people):
            for name in _apologies_from_minute(join_running(minute.body)):
                people.append((name, "apologies", False))
                apology_pages[(name, "apologies")] = minute.page
    if table_at is not None:
        action_rows += _action_table(lines, table_at)
    attendance = [{"name": n, "role": r, "is_chair": c, "page": apology_pages.get((n, r), pages[0].number)} for n, r, c in people]
    return MinutesDoc(committee, meeting_date, times["commenced"], times["terminated"], held.get("venue"), title, attendance, minute_rows, action_rows)
