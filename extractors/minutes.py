"""Printed minutes: the meeting, who attended, each minute with its resolution, and action points."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from extractors.frontsheet import COUNCIL_HEADING_RE, smart_title
from extractors.pdf_pages import Line, PageText
from extractors.stamps import content_lines
from extractors.text import normalise, parse_date, parse_time, join_running, strip_bullet

MINUTE_RE = re.compile(r"^(\d{1,4}(?:\.\d{1,3})?)\.?\s+(\S.*)$")
ITEM_REF_RE = re.compile(r"^\(\s*Item\s+(\d+[a-z]?)\s*\)$", re.IGNORECASE)
SIGNATURE_RE = re.compile(r"^(CHAIR|Chair|CHAIRMAN|Chairman|Chairperson|Signed|Date)[:.]?$")
# Capitals ("RESOLVED that") or a colon ("Resolved:") mark a decision; "agreed with" in prose does not.
RESOLUTION_RE = re.compile(r"^\s*(?:\d+[.)]\s*)?(?:(?:RESOLVED|AGREED|DECIDED)\b|(?:Resolved|Agreed|Decided)\s*:)\s*[:,-]?\s*")
ACTIONS_RE = re.compile(r"^\s*Actions?\s*:", re.IGNORECASE)
OWNER_RE = re.compile(r"\b(?:Owner|Lead|Responsible(?: officer)?|Action by)\s*[:\-]\s*([^;.()]+)", re.IGNORECASE)
DUE_RE = re.compile(r"\b(?:Due(?: date)?|Deadline|Target date)\s*[:\-]\s*([^;()]+?)(?:[.;)]|$)|\bby\s+(\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4})", re.IGNORECASE)

# Attendance list labels and the role they give (longest first: "IN ATTENDANCE VIRTUALLY").
ROLE_LABELS: tuple[tuple[str, str], ...] = (
    (r"In attendance virtually", "in_attendance"),
    (r"In attendance", "in_attendance"),
    (r"Also (?:present|in attendance)", "in_attendance"),
    (r"Officers? (?:present|in attendance)", "in_attendance"),
    (r"Apologies(?: for absence)?(?: were received from)?", "apologies"),
    (r"Present", "present"),
)
LABEL_RE = re.compile(rf"^\s*({'|'.join(label for label, _ in ROLE_LABELS)})\s*:\s*(.*)$", re.IGNORECASE)
TITLES = ("Councillors", "Councillor", "Cllrs", "Cllr", "County Councillor", "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Lord", "Lady", "Prof", "Professor", "Canon", "Revd", "Rev")
TITLE_RE = re.compile(rf"^(?:(?:{'|'.join(TITLES)})\.?\s+)+")
POST_NOMINALS = {"CBE", "OBE", "MBE", "KBE", "DBE", "JP", "DL", "MP", "QC", "KC", "BEM"}
CHAIR_ROLE_RE = re.compile(r"\((?:the\s+)?(Chair|Chairman|Chairwoman|Chairperson|Chair of the Meeting|in the Chair)\)", re.IGNORECASE)
BODY_APOLOGIES_RE = re.compile(r"apologies (?:for absence )?(?:were|had been)? ?(?:received|reported|submitted|given)? ?from (.+?)(?:\.(?:\s|$)|$)", re.IGNORECASE)
TIME_LABELS = {"commenced": r"Commenced|Meeting commenced|Start(?:ed)?", "terminated": r"Terminated|Meeting (?:closed|ended|terminated)|Closed|Finished|End(?:ed)?"}
HELD_SENTENCE_RE = re.compile(r"\b(?:MINUTES of (?:a|the) meeting of (?:the )?(?P<committee>.+?) held|held) (?:in|at) (?:the )?(?P<venue>.+?)(?: on (?P<date>[^.]+?\d{4}))?\.", re.IGNORECASE | re.DOTALL)


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


def _body_lines(pages: list[PageText]) -> list[tuple[int, Line]]:
    lines = []
    for page in pages:
        sizes = sorted(line.size for line in page.lines) or [0.0]
        body = sizes[len(sizes) // 2]
        for line in content_lines(page):
            bare_number = re.fullmatch(r"\d{1,4}", line.text.strip())
            if bare_number and (line.top > page.height * 0.9 or line.size < body - 1):
                continue  # a document's own footer page number
            lines.append((page.number, line))
    return lines


def _is_heading(index: int, lines: list[tuple[int, Line]]) -> bool:
    """A bold "84. Title" line, or a bold title whose bold lines are followed by "(Item N)"."""
    _, line = lines[index]
    if not line.bold or ITEM_REF_RE.match(line.text):
        return False
    if MINUTE_RE.match(line.text):
        return True
    for _, following in lines[index + 1 : index + 4]:
        if ITEM_REF_RE.match(following.text):
            return True
        if not following.bold or MINUTE_RE.match(following.text):
            return False
    return False


def _split_minutes(lines: list[tuple[int, Line]], start: int) -> list[Minute]:
    minutes: list[Minute] = []
    in_title = False
    for index in range(start, len(lines)):
        page_number, line = lines[index]
        if in_title and line.bold and minutes and not minutes[-1].body and not MINUTE_RE.match(line.text):
            minutes[-1].title.append(line.text)
            continue
        if _is_heading(index, lines):
            m = MINUTE_RE.match(line.text)
            number, title = (m.group(1), m.group(2)) if m else ("", line.text)
            minutes.append(Minute(number, page_number, [title]))
            in_title = True
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
        while minutes[-1].body and SIGNATURE_RE.match(minutes[-1].body[-1].text.strip()):
            minutes[-1].body.pop()
            minutes[-1].body_pages.pop()
    return minutes


def _resolution(body: list[Line]) -> tuple[str | None, list[str]]:
    """The RESOLVED/AGREED block, or the bullets of an "Actions:" block, and the action bullets."""
    for i, line in enumerate(body):
        if ACTIONS_RE.match(line.text):
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
        if RESOLUTION_RE.match(line.text):
            block = [line]
            for nxt in body[i + 1 :]:
                if nxt.x0 < line.x0 - 2:
                    break
                block.append(nxt)
            text = join_running(block)
            return (RESOLUTION_RE.sub("", text, count=1).strip() or None), []
    return None, []


def _split_names(text: str) -> list[str]:
    """Split a name list at commas and "and" outside brackets."""
    parts, depth, current = [], 0, ""
    tokens = re.split(r"(\(|\)|,|\band\b|;)", text)
    for token in tokens:
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        if depth == 0 and token in (",", "and", ";"):
            parts.append(current)
            current = ""
        else:
            current += token
    parts.append(current)
    return [normalise(p) for p in parts if normalise(p)]


def _clean_name(raw: str) -> tuple[str | None, bool]:
    """Strip titles, post-nominals and bracketed roles; return (name, is_chair)."""
    is_chair = bool(CHAIR_ROLE_RE.search(raw))
    name = normalise(re.sub(r"\([^)]*\)?", " ", raw))
    name = re.sub(r"\s+who\b.*$", "", name)
    name = TITLE_RE.sub("", name).strip(" .")
    words = [w for w in name.split() if w.strip(",.") not in POST_NOMINALS]
    name = " ".join(words).strip(" ,.")
    if not name or name in POST_NOMINALS:
        return None, False
    # A job description after a comma ("Cabinet Member for ...") is not a name.
    if re.search(r"\b(for|of|the|to|at)\b", name) or not name[0].isupper():
        return None, False
    return name, is_chair


def _attendance(header: list[Line]) -> list[tuple[str, str, bool]]:
    """Names from the "Present:", "Apologies:" and "In attendance:" lists above the first minute."""
    blocks: list[tuple[str, list[str]]] = []
    for line in header:
        if m := LABEL_RE.match(line.text):
            label = m.group(1).lower()
            role = next(r for pattern, r in ROLE_LABELS if re.fullmatch(pattern, label, re.IGNORECASE))
            blocks.append((role, [m.group(2)]))
        elif blocks and not (line.bold and line.text.isupper()):
            blocks[-1][1].append(line.text)
    people = []
    for role, texts in blocks:
        for raw in _split_names(" ".join(texts)):
            name, is_chair = _clean_name(raw)
            if name:
                people.append((name, role, is_chair and role == "present"))
    return people


def _heading(header: list[Line]) -> str | None:
    """The committee's heading as printed (the council's own name skipped)."""
    for line in header[:4]:
        text = line.text.strip()
        if COUNCIL_HEADING_RE.match(text) or LABEL_RE.match(text) or text.upper().startswith("MINUTES"):
            continue
        return text
    return None


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
    heading = _heading(header)
    held = HELD_SENTENCE_RE.search(" ".join(line.text for line in header))
    committee = _committee_from_heading(heading) if heading else None
    if held and held.group("committee") and not committee:
        committee = normalise(held.group("committee"))
    meeting_date = parse_date(heading) if heading else None
    date_text = _date_as_printed(heading or "")
    if meeting_date is None:
        meeting_date = parse_date(held.group("date")) if held and held.group("date") else parse_date(header_text)
        date_text = _date_as_printed(held.group("date") if held and held.group("date") else header_text)
    title = heading if heading and parse_date(heading) else normalise(f"{heading or ''} {date_text or ''}") or None

    times = {}
    for key, labels in TIME_LABELS.items():
        pattern = re.compile(rf"^\s*(?:{labels})\s*(?:at)?\s*:?\s*(.+)$", re.IGNORECASE)
        found = next((pattern.match(line.text).group(1) for line in header if pattern.match(line.text)), None)
        times[key] = parse_time(found) if found else None

    people = _attendance(header)
    minutes = _split_minutes(lines, first_heading)
    minute_rows, action_rows = [], []
    apology_pages: dict[tuple[str, str], int] = {}
    for minute in minutes:
        resolution, actions = _resolution(minute.body)
        title_text = normalise(" ".join(minute.title))
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
        for action in actions:
            owner = OWNER_RE.search(action)
            due = DUE_RE.search(action)
            action_rows.append(
                {
                    "minute_number": minute.number,
                    "page": action_page,
                    "action": action,
                    "owner": normalise(owner.group(1)) if owner else None,
                    "due": normalise(due.group(1) or due.group(2)) if due else None,
                }
            )
        if re.match(r"^apologies", title_text, re.IGNORECASE) and not any(r == "apologies" for _, r, _ in people):
            body_text = join_running(minute.body)
            if m := BODY_APOLOGIES_RE.search(body_text):
                for raw in _split_names(m.group(1)):
                    name, _ = _clean_name(raw)
                    if name:
                        people.append((name, "apologies", False))
                        apology_pages[(name, "apologies")] = minute.page
    attendance = [{"name": n, "role": r, "is_chair": c, "page": apology_pages.get((n, r), pages[0].number)} for n, r, c in people]
    venue = normalise(held.group("venue")) if held else None
    return MinutesDoc(committee, meeting_date, times["commenced"], times["terminated"], venue, title, attendance, minute_rows, action_rows)
