"""Periods in scorecard headers, values as printed, targets and refs."""

from __future__ import annotations

import re

from extractors.text import normalise
from extractors.vocabulary import MISSING_VALUES, MONTH_ALTERNATION, MONTHS, full_year

_MONTH_ALT = MONTH_ALTERNATION
_MONTH_RE = re.compile(rf"^({_MONTH_ALT})[a-z]*\.?[\s\-/']*(\d{{2}}|\d{{4}})$", re.IGNORECASE)
_QUARTER_WORD = r"(?:Q|Qtr\.?|Quarter)\s*([1-4])"
_QUARTER_RE = re.compile(rf"^{_QUARTER_WORD}\s*[-/ ]?\s*(\d{{2,4}})(?:\s*[/-]\s*(\d{{2,4}}))?$", re.IGNORECASE)
# The year first: "2023/24 Q3", "2023-24 Quarter 3".
_YEAR_QUARTER_RE = re.compile(rf"^(\d{{4}})\s*[/-]\s*(\d{{2,4}})\s*[-,:]?\s*{_QUARTER_WORD}$", re.IGNORECASE)
_YEAR_RE = re.compile(r"^(\d{4})(?:\s*[/-]\s*(\d{2,4}))?$")
_NUMBER_RE = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_RANGE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*%?\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*%?$")
_BOUND_RE = re.compile(r"^(<=?|>=?|≤|≥)\s*(\d+(?:\.\d+)?)\s*%?$")


def parse_period(header: str) -> str | None:
    """A period column's normalised name: "Aug-23" -> "2023-08", "Q3 24/25" -> "2024/25-Q3", "Q1 2023" -> "2023-Q1",
    "2023/24" -> "2023/24"; None when the header is not a period."""
    text = normalise(header)
    if m := _MONTH_RE.match(text):
        return f"{full_year(m.group(2)):04d}-{MONTHS[m.group(1).lower()]:02d}"
    if m := _QUARTER_RE.match(text):
        start = full_year(m.group(2))
        if m.group(3):  # a financial year: Q3 of 2024/25
            return f"{start}/{m.group(3)[-2:]}-Q{m.group(1)}"
        return f"{start}-Q{m.group(1)}"
    if m := _YEAR_QUARTER_RE.match(text):
        return f"{m.group(1)}/{m.group(2)[-2:]}-Q{m.group(3)}"
    if m := _YEAR_RE.match(text):
        if m.group(2) and full_year(m.group(2)[-2:]) == int(m.group(1)) + 1:
            return f"{m.group(1)}/{m.group(2)[-2:]}"  # a financial year however printed: "2023-24", "2023/2024"
        return text.replace(" ", "")
    return None


def parse_value(raw: str) -> float | None:
    """52.0 for "52.0%", 1169.0 for "1,169", None for "n/a", "-" or ""."""
    text = normalise(raw).lower().rstrip("%").strip()
    if text in MISSING_VALUES:
        return None
    if text.startswith("£"):
        text = text[1:]
    if _NUMBER_RE.match(text):
        return float(text.replace(",", ""))
    return None


def parse_target(raw: str | None) -> tuple[float | None, float | None]:
    """(low, high) of a target: "85%" -> (85, 85), "20-24%" -> (20, 24), "<5%" -> (None, 5)."""
    text = normalise(raw or "")
    if not text:
        return None, None
    if (single := parse_value(text)) is not None:
        return single, single
    if m := _RANGE_RE.match(text):
        low, high = float(m.group(1)), float(m.group(2))
        return min(low, high), max(low, high)
    if m := _BOUND_RE.match(text):
        value = float(m.group(2))
        return (None, value) if m.group(1) in ("<", "<=", "≤") else (value, None)
    return None, None


def normalise_ref(raw: str | None) -> str | None:
    """"CIN 16a" -> "CIN16a": inner spaces removed."""
    text = re.sub(r"\s+", "", raw or "")
    return text or None


_REF_ITEM_RE = re.compile(r"\b([A-Z]{1,5})\s?(\d+[a-z]?)(?:\s*[-–]\s*(?:([A-Z]{1,5})\s?)?(\d+)\b)?")


def expand_refs(text: str | None) -> list[str]:
    """Refs named in text, ranges expanded: "SG16-20" -> SG16..SG20, "WF6 - WF14", "CIN 8" -> CIN8."""
    refs: list[str] = []
    for m in _REF_ITEM_RE.finditer(text or ""):
        prefix, first, second_prefix, last = m.group(1), m.group(2), m.group(3), m.group(4)
        if last and (second_prefix in (None, prefix)) and first.isdigit() and int(last) > int(first):
            refs += [f"{prefix}{n}" for n in range(int(first), int(last) + 1)]
        else:
            refs.append(f"{prefix}{first}")
    return refs
