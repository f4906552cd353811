"""Who attended a meeting: the "Present:", "Apologies:", "In attendance:", "Officers:" lists of minutes.

Lists are found by their labels (data in `extractors.meeting_words`), one name a line or run on
with commas; titles, post-nominals and roles are dropped and "(Chair)" marks the chair.
"""

from __future__ import annotations

import re

from extractors.meeting_words import (
    ATTENDANCE_LABEL_RE,
    BODY_APOLOGIES_RE,
    CHAIR_ROLE_RE,
    LEADING_CHAIR_RE,
    NAME_SEPARATORS_RE,
    NAME_TRAILER_RE,
    NOT_IN_NAMES_RE,
    POST_NOMINALS,
    ROLE_LABELS,
    ROLE_NOUNS,
    ROLE_WORDS,
    TITLE_RE,
    TITLES,
)
from extractors.pdf_pages import Line
from extractors.text import is_capitals, labelled_times, normalise

# The most words a person's name has once titles are dropped.
MAX_NAME_WORDS = 5


def split_names(text: str) -> list[str]:
    """Split a name list at commas, semicolons, "and" and "&" outside brackets."""
    parts, depth, current = [], 0, ""
    tokens = NAME_SEPARATORS_RE.split(text)
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


def clean_name(raw: str) -> tuple[str | None, bool]:
    """Strip titles, post-nominals and bracketed or dashed roles; return (name, is_chair)."""
    is_chair = bool(CHAIR_ROLE_RE.search(raw))
    raw = LEADING_CHAIR_RE.sub("", raw)
    name = normalise(re.sub(r"\([^)]*\)?", " ", raw))
    name = re.split(r"\s+[–—-]\s+", name)[0]
    name = NAME_TRAILER_RE.sub("", name)
    name = TITLE_RE.sub("", name).strip(" .:")
    words = [w for w in name.split() if w.strip(",.") not in POST_NOMINALS]
    name = " ".join(words).strip(" ,.")
    if not name or name in POST_NOMINALS or len(words) > MAX_NAME_WORDS:
        return None, False
    # A job description after a comma ("Cabinet Member for ...") or a role ("the Clerk") is not a name.
    if NOT_IN_NAMES_RE.search(name) or not name[0].isupper():
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


def read_attendance(header: list[Line]) -> list[tuple[str, str, bool]]:
    """Names from the "Present:", "Apologies:", "In attendance:", "Officers:" lists above the first minute."""
    list_lines: list[Line] = []
    for line in header:
        if not list_lines and not ATTENDANCE_LABEL_RE.search(line.text):
            continue
        if labelled_times(line.text) or (line.bold and is_capitals(line.text) and not ATTENDANCE_LABEL_RE.match(line.text)):
            continue  # a "Commenced / Terminated" block or a section heading among the lists
        list_lines.append(line)
    text = _list_text(list_lines)
    labels = list(ATTENDANCE_LABEL_RE.finditer(text))
    people = []
    for i, label in enumerate(labels):
        role = _role_of(label.group(1))
        chairs = role == "chair"
        role = "present" if chairs else role
        block = text[label.end() : labels[i + 1].start() if i + 1 < len(labels) else len(text)]
        for raw in split_names(block):
            name, is_chair = clean_name(raw)
            if name:
                people.append((name, role, chairs or (is_chair and role == "present")))
    return people


def apologies_from_minute(body_text: str) -> list[str]:
    """Names in an "Apologies" minute: "Apologies were received from X and Y", or a bare "Cllr X, Cllr Y."."""
    if m := BODY_APOLOGIES_RE.search(body_text):
        raws = split_names(m.group(1))
    elif len(body_text) < 200:
        raws = split_names(re.split(r"\.\s", body_text)[0])
    else:
        return []
    names = [name for name, _ in map(clean_name, raws) if name]
    return names if len(names) * 2 >= len(raws) else []
