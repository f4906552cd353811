"""RAG ratings from what a cell says: letters, words, or (when it says nothing) its fill."""

from __future__ import annotations

import re

from extractors.colour import RGB, rag_from_rgb

# Words councils print in status cells, mapped to the contract's ratings. Data, not code: extend freely.
RAG_WORDS: dict[str, str] = {
    "b": "BLUE",
    "blue": "BLUE",
    "complete": "BLUE",
    "completed": "BLUE",
    "done": "BLUE",
    "achieved": "BLUE",
    "closed": "BLUE",
    "g": "GREEN",
    "green": "GREEN",
    "on track": "GREEN",
    "on target": "GREEN",
    "in progress": "GREEN",
    "good": "GREEN",
    "a": "AMBER",
    "amber": "AMBER",
    "delayed": "AMBER",
    "at risk": "AMBER",
    "some delay": "AMBER",
    "minor delay": "AMBER",
    "partially achieved": "AMBER",
    "r": "RED",
    "red": "RED",
    "not started": "RED",
    "off track": "RED",
    "overdue": "RED",
    "significant delay": "RED",
    "not achieved": "RED",
}


def rag_from_text(text: str | None) -> str | None:
    """The rating named by a cell's text ("G", "Green", "On track"); None when it names none."""
    if not text:
        return None
    key = re.sub(r"[^a-z ]", " ", text.lower())
    key = re.sub(r"\s+", " ", key).strip()
    return RAG_WORDS.get(key)


def read_rag(text: str | None, fill: RGB | None) -> str | None:
    """Text first; a cell with no text takes the rating of its fill colour."""
    if text and text.strip():
        return rag_from_text(text)
    return rag_from_rgb(fill)
