"""Facts about runs of characters or words shared by the page and table readers: weight and lines."""

from __future__ import annotations

import re

_BOLD_FONT = re.compile(r"bold|black|heavy", re.IGNORECASE)  # "SemiBold" matches "bold"


def is_bold_font(fontname: str) -> bool:
    """Whether a font name says the face is bold (Bold, SemiBold, Black, Heavy)."""
    return bool(_BOLD_FONT.search(fontname or ""))


def mostly_bold(items: list[dict]) -> bool:
    """Whether most of the text of these characters or words (by character count) is set bold."""
    bold = sum(len(item["text"]) for item in items if is_bold_font(item.get("fontname", "")))
    return bold * 2 > sum(len(item["text"]) for item in items)


def group_rows(items: list[dict], tolerance: float) -> list[list[dict]]:
    """Characters or words grouped into printed lines, top to bottom, each line left to right.

    An item joins the current line when its top is within `tolerance` points of the line's first item.
    """
    rows: list[list[dict]] = []
    for item in sorted(items, key=lambda i: (round(i["top"]), i["x0"])):
        if rows and abs(rows[-1][0]["top"] - item["top"]) <= tolerance:
            rows[-1].append(item)
        else:
            rows.append([item])
    for row in rows:
        row.sort(key=lambda i: i["x0"])
    return rows
