"""Direction of travel from arrows: font glyphs, vector shapes and small images."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.vocabulary import ARROW_GLYPHS, DIRECTION_WORDS


def direction_from_text(text: str | None) -> str | None:
    """"↑" -> up, "\\uf0ea" (Wingdings) -> down, "No change" -> flat; None when the text names no direction."""
    if not text:
        return None
    for char in text:
        if char in ARROW_GLYPHS:
            return ARROW_GLYPHS[char]
    return DIRECTION_WORDS.get(re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip())


def _tip_end(near_top: float, near_bottom: float) -> str | None:
    """The tip is the narrow end of an arrow; the tail (or a shaft's end) is wider."""
    if abs(near_top - near_bottom) < 1e-6:
        return None
    return "up" if near_top < near_bottom else "down"


def direction_from_points(points: Sequence[tuple[float, float]]) -> str | None:
    """Orientation of an arrow drawn as a path (top-left coordinates, y grows down).

    A shape wider than tall points sideways: flat. Otherwise the end that comes to a point is
    the tip: compare the shape's width within a sliver at the top and at the bottom.
    """
    if len(points) < 3:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0:
        return None
    if width > height * 1.15:
        return "flat"
    sliver = height * 0.08

    def extent(edge: float) -> float:
        near = [x for x, y in points if abs(y - edge) <= sliver]
        return max(near) - min(near)

    return _tip_end(extent(min(ys)), extent(max(ys)))


def direction_from_pixels(dark: Sequence[Sequence[bool]]) -> str | None:
    """Orientation of an arrow in a small image given as rows of dark (True) pixels.

    A shape wider than tall points sideways (flat); otherwise the narrower end is the tip.
    """
    rows = [i for i, row in enumerate(dark) if any(row)]
    cols = [j for j in range(len(dark[0]) if dark else 0) if any(row[j] for row in dark)]
    if not rows or not cols:
        return None
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    if width > height * 1.15:
        return "flat"
    band = max(1, height // 8)

    def extent(indices: range) -> int:
        spans = [j for i in indices for j, v in enumerate(dark[i]) if v]
        return max(spans) - min(spans) + 1 if spans else 0

    return _tip_end(extent(range(rows[0], rows[0] + band)), extent(range(rows[-1] - band + 1, rows[-1] + 1)))
