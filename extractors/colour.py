"""Fill colours of PDF objects, normalised to RGB, and the RAG rating a fill stands for."""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

RGB = tuple[float, float, float]

# Reference hues (degrees) of the four ratings; fills are matched to the nearest.
RAG_HUES: dict[str, float] = {"RED": 0.0, "AMBER": 42.0, "GREEN": 125.0, "BLUE": 215.0}
# Below this saturation a fill is white, grey or black: no rating.
MIN_SATURATION = 0.35
MIN_VALUE = 0.25


def to_rgb(colour: object) -> RGB | None:
    """Normalise a pdfplumber colour (gray, RGB or CMYK tuple, or a bare number) to RGB in 0-1.

    Pattern fills and unknown spaces give None.
    """
    if colour is None or isinstance(colour, str):
        return None
    values: Sequence[float]
    if isinstance(colour, (int, float)):
        values = (float(colour),)
    else:
        try:
            values = tuple(float(v) for v in colour)  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return None
    values = tuple(min(1.0, max(0.0, v)) for v in values)
    if len(values) == 1:
        return (values[0], values[0], values[0])
    if len(values) == 3:
        return (values[0], values[1], values[2])
    if len(values) == 4:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def rag_from_rgb(rgb: RGB | None) -> str | None:
    """The rating whose hue is nearest the fill's; None for white, grey, black or no fill."""
    if rgb is None:
        return None
    hue, saturation, value = colorsys.rgb_to_hsv(*rgb)
    if saturation < MIN_SATURATION or value < MIN_VALUE:
        return None
    degrees = hue * 360.0

    def distance(reference: float) -> float:
        d = abs(degrees - reference) % 360.0
        return min(d, 360.0 - d)

    return min(RAG_HUES, key=lambda name: distance(RAG_HUES[name]))
