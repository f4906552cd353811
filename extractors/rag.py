"""RAG ratings from what a cell says: letters, words, or (when it says nothing) its fill, read
through the document's own key when it prints one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from extractors.colour import RGB, colour_distance, is_neutral, rag_from_rgb, to_rgb
from extractors.vocabulary import RAG_WORDS
from extractors.word_assembly import extract_words

# A fill this close (delta E) to a swatch of the printed key takes the key's rating.
LEGEND_DISTANCE = 12.0
# A key's swatch is a small filled box with its label just to the right.
SWATCH_MAX_SIZE = 40.0
LABEL_GAP = 30.0
MAX_LABEL_WORDS = 6
_KEY_LINE_RE = re.compile(r"\b(blue|green|amber|red|yellow|orange)\s*(?:=|:|-|–)\s*([a-z][a-z ]+)", re.IGNORECASE)


def rag_from_text(text: str | None) -> str | None:
    """The rating named by a cell's text ("G", "Green", "On track"); None when it names none."""
    if not text:
        return None
    key = re.sub(r"[^a-z ]", " ", text.lower())
    key = re.sub(r"\s+", " ", key).strip()
    return RAG_WORDS.get(key)


@dataclass
class Legend:
    """A printed key: swatch colours with the rating their label names, and words the key defines
    ("Blue = complete" makes the word "complete" mean BLUE even where the word list says otherwise)."""

    swatches: list[tuple[RGB, str]] = field(default_factory=list)
    words: dict[str, str] = field(default_factory=dict)

    def rating_of_fill(self, fill: RGB | None) -> str | None:
        if fill is None or not self.swatches:
            return None
        best = min(self.swatches, key=lambda s: colour_distance(s[0], fill))
        return best[1] if colour_distance(best[0], fill) <= LEGEND_DISTANCE else None

    def rating_of_text(self, text: str | None) -> str | None:
        key = re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", (text or "").lower())).strip()
        return self.words.get(key)

    def __bool__(self) -> bool:
        return bool(self.swatches or self.words)

    def merge(self, other: Legend) -> None:
        """Add another page's key (a part's key is printed once and holds for all its pages)."""
        self.swatches += [s for s in other.swatches if s not in self.swatches]
        self.words.update(other.words)


def read_legend(rects: Iterable[tuple[tuple[float, float, float, float], RGB]], words: Sequence[dict], lines: Sequence[str]) -> Legend:
    """The key printed on a page, if any.

    `rects` are filled boxes (bbox, colour), `words` pdfplumber words, `lines` the page's text
    lines. A small coloured box whose label (the words right of it on its line) names a rating is a
    swatch; a line "Blue = complete" ties a word to a colour's rating."""
    legend = Legend()
    for line in lines:
        for m in _KEY_LINE_RE.finditer(line):
            colour = rag_from_text(m.group(1)) or {"yellow": "AMBER", "orange": "AMBER"}[m.group(1).lower()]
            label = re.sub(r"\s+", " ", m.group(2).lower()).strip()
            legend.words[label] = colour
    for (x0, top, x1, bottom), rgb in rects:
        if is_neutral(rgb) or x1 - x0 > SWATCH_MAX_SIZE or bottom - top > SWATCH_MAX_SIZE or x1 - x0 < 3:
            continue
        label = " ".join(
            w["text"]
            for w in sorted(words, key=lambda w: w["x0"])
            if x1 - 1 <= w["x0"] <= x1 + LABEL_GAP + 120 and abs((w["top"] + w["bottom"]) / 2 - (top + bottom) / 2) <= 5
        )
        inside = [w for w in words if x0 - 1 <= w["x0"] and w["x1"] <= x1 + 1 and top - 1 <= w["top"] and w["bottom"] <= bottom + 1]
        if inside:
            continue  # a box with words inside is a cell, not a swatch
        if len(label.split()) > MAX_LABEL_WORDS:
            continue  # a sentence beside a coloured cell, not a key's label
        rating = legend.rating_of_text(label) or rag_from_text(label) or _first_rating(label)
        if rating:
            legend.swatches.append((rgb, rating))
    return legend


def legend_of_page(page: object, lines: Sequence[str]) -> Legend:
    """The key printed on a pdfplumber page (see `read_legend`); pages without coloured boxes or
    key lines are skipped cheaply."""
    rects = []
    for rect in getattr(page, "rects", []):
        if rect.get("fill") and (rgb := to_rgb(rect.get("non_stroking_color"))) is not None and not is_neutral(rgb):
            rects.append(((rect["x0"], rect["top"], rect["x1"], rect["bottom"]), rgb))
    small = [r for r in rects if r[0][2] - r[0][0] <= SWATCH_MAX_SIZE and r[0][3] - r[0][1] <= SWATCH_MAX_SIZE]
    if not small and not any(_KEY_LINE_RE.search(line) for line in lines):
        return Legend()
    words = extract_words(page.chars) if small else []  # type: ignore[attr-defined]
    return read_legend(small, words, lines)


def _first_rating(label: str) -> str | None:
    """The rating of a swatch label's leading words ("Complete - action finished" -> BLUE)."""
    words = re.sub(r"[^a-z ]", " ", label.lower()).split()
    for size in (3, 2, 1):
        if len(words) >= size and (found := RAG_WORDS.get(" ".join(words[:size]))) and len(" ".join(words[:size])) > 1:
            return found
    return None


def read_rag(text: str | None, fill: RGB | None, legend: Legend | None = None) -> str | None:
    """Text first (through the printed key when it defines the word); a cell with no text takes the
    rating of its fill, matched to the key's swatches when there is a key, else by hue."""
    if text and text.strip():
        return (legend.rating_of_text(text) if legend else None) or rag_from_text(text)
    if legend and (found := legend.rating_of_fill(fill)):
        return found
    return rag_from_rgb(fill)
