"""Text normalisation and parsing of dates and times as printed in council papers."""

from __future__ import annotations

import datetime as dt
import re

from extractors.vocabulary import MONTHS, MONTH_ALTERNATION, full_year
from extractors.meeting_words import CLOSING_LINE_RE, TIME_LABELS, TIME_VALUE

BULLETS = "•●▪◦‣∙·\uf0b7\uf0a7\uf0d8\uf076\uf0fc-–"
# A glyph bullet may touch its text; a dash, or Word's "o" sub-bullet, needs a space after it.
_BULLET_RE = re.compile(rf"^\s*(?:[{re.escape(BULLETS)}]|o)\s+|^\s*[\uf0b7\uf0a7\uf0d8\uf076\uf0fc•●▪◦‣]\s*")
_WS_RE = re.compile(r"\s+")
# A word hyphenated at the end of a line continues on the next one ("multi-\nagency", "UK-\nFrance").
_LINE_HYPHEN_RE = re.compile(r"(\w)-[ \t]*\n\s*(?=\w)")

_MONTH_ALT = MONTH_ALTERNATION


def normalise(text: str | None) -> str:
    """Collapse whitespace runs to one space, trim, and repair words hyphenated across lines."""
    if not text:
        return ""
    return _WS_RE.sub(" ", _LINE_HYPHEN_RE.sub(r"\1-", text)).strip()


def strip_bullet(line: str) -> tuple[str, bool]:
    """Drop a leading bullet glyph; return the rest and whether a bullet was there."""
    stripped = _BULLET_RE.sub("", line, count=1)
    return stripped, stripped != line


def join_entries(lines: list[str]) -> str:
    """Join the lines of one cell or paragraph: bulleted entries with "; ", wrapped lines with a space."""
    entries: list[str] = []
    current: list[str] = []
    for line in lines:
        text, is_bullet = strip_bullet(line)
        if is_bullet and current:
            entries.append(normalise("\n".join(current)))
            current = []
        current.append(text)
    if current:
        entries.append(normalise("\n".join(current)))
    return "; ".join(e for e in entries if e)


_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_ALT})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")


def parse_date(text: str | None) -> dt.date | None:
    """Find the first full date in free text: "6 March 2024", "30th January, 2025", "31/03/2024"."""
    if not text:
        return None
    m = _DAY_MONTH_YEAR.search(text)
    if m:
        try:
            return dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            return None
    m = _NUMERIC_DATE.search(text)
    if m:
        try:
            return dt.date(full_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


_TIME_RE = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\d/])", re.IGNORECASE)
# The 24-hour clock without a separator: "1030 hrs", "1830 hours".
_HRS_RE = re.compile(r"\b([01]\d|2[0-3])([0-5]\d)\s*(?:hrs|hours|h)\b", re.IGNORECASE)


def parse_time(text: str | None) -> str | None:
    """Return "HH:MM" (24h) for the first time in the text.

    "6.00 pm" -> "18:00", "10.00am" -> "10:00", "10:30" -> "10:30", "1030 hrs" -> "10:30", "noon" -> "12:00".
    """
    if not text:
        return None
    lowered = text.lower()
    if re.search(r"\b(noon|midday)\b", lowered) and not re.search(r"\d", lowered):
        return "12:00"
    hrs = _HRS_RE.search(text)
    for m in _TIME_RE.finditer(text):
        if hrs and hrs.start() <= m.start() < hrs.end():
            return f"{hrs.group(1)}:{hrs.group(2)}"
        hour, minute, meridiem = int(m.group(1)), m.group(2), (m.group(3) or "").replace(".", "").lower()
        if minute is None and not meridiem:
            continue  # a bare number is not a time
        minute_value = int(minute or 0)
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute_value < 60:
            return f"{hour:02d}:{minute_value:02d}"
    if hrs:
        return f"{hrs.group(1)}:{hrs.group(2)}"
    return None


def _dash_in_sentence(line, previous, in_paragraph: bool) -> bool:
    """A dash that opens a line mid-sentence ("with him" / "- The Cot ...") is punctuation, not a bullet."""
    if not in_paragraph or previous is None or line.text.lstrip()[:1] not in "-–":
        return False
    return abs(line.x0 - previous.x0) <= 2 and not re.search(r"[.:;!?]\s*$", previous.text)


def join_running(lines: list) -> str:
    """Join the lines of running text (objects with `.text` and `.x0`, such as page lines).

    Paragraph lines join with a space; a run of bulleted entries joins with "; " and meets the
    text around it with a space. A bullet's wrapped lines are indented past its glyph; a line back
    at the glyph's margin resumes the paragraph.
    """
    pieces: list[str] = []
    bullets: list[list[str]] = []
    bullet_x0: float | None = None
    paragraph: list[str] = []

    def flush_bullets() -> None:
        if bullets:
            pieces.append("; ".join(normalise("\n".join(b)) for b in bullets))
            bullets.clear()

    previous = None
    for line in lines:
        text, is_bullet = strip_bullet(line.text)
        if is_bullet and _dash_in_sentence(line, previous, bool(paragraph) and not bullets):
            text, is_bullet = line.text, False
        previous = line
        if is_bullet:
            if paragraph:
                pieces.append(normalise("\n".join(paragraph)))
                paragraph = []
            bullets.append([text])
            bullet_x0 = line.x0
        elif bullets and bullet_x0 is not None and line.x0 > bullet_x0 + 2:
            bullets[-1].append(text)
        else:
            flush_bullets()
            paragraph.append(text)
    if paragraph:
        pieces.append(normalise("\n".join(paragraph)))
    flush_bullets()
    return normalise(" ".join(p for p in pieces if p))


_MONTH_YEAR_RE = re.compile(rf"^(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH_ALT})\.?[\s,-]*('?\d{{2}}|\d{{4}})$", re.IGNORECASE)


def parse_plan_date(text: str | None) -> dt.date | None:
    """A whole cell that is one date: "Sep 23", "Sept 24", "June 24", "March 2024" (first of the month),
    "31/03/2024", "31 March 2024". Anything else (ranges, "Ongoing", several dates) is None."""
    if not text:
        return None
    cleaned = normalise(text).strip(" .")
    if m := _MONTH_YEAR_RE.match(cleaned):
        try:
            return dt.date(full_year(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1) or 1))
        except ValueError:
            return None
    if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", cleaned):
        return parse_date(cleaned)
    return None


def is_capitals(text: str) -> bool:
    """Four or more letters, all capitals ("DECLARATIONS OF INTEREST")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def labelled_times(text: str) -> dict[str, str] | None:
    """Times after "Commenced:" / "Terminated:" style labels in one line, as printed, by key."""
    found = {}
    for key, labels in TIME_LABELS.items():
        if m := re.search(rf"(?:^|\s)(?:{labels})\s*(?:at)?\s*[:\-]?\s*({TIME_VALUE})", text, re.IGNORECASE):
            found[key] = m.group(1)
    return found or None


def closes_meeting(text: str) -> bool:
    """A closing line after the last minute ("There being no further business ...", "The meeting closed at 8.15 pm")."""
    text = text.strip()
    if not CLOSING_LINE_RE.match(text):
        return False
    return text.lower().startswith("there being no") or re.search(TIME_VALUE, text, re.IGNORECASE) is not None
