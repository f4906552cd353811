"""Fill colours of PDF objects, normalised to RGB, and the RAG rating a fill stands for.

Ratings are read by hue in CIELAB's polar form (LCh), where hue barely moves as a colour is
tinted or shaded: Office's pale "lighter 60%" green and its dark "darker 50%" green have nearly
the hue of pure green, while in RGB or HSV they sit far apart. Chroma (colourfulness) tells a
tint from grey: white, greys and black have none and are no rating.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

RGB = tuple[float, float, float]
LCh = tuple[float, float, float]

# Reference hue angles (degrees, CIELAB LCh under D65) of the four ratings; fills are matched to
# the nearest. Red sits between pure red (40) and the pinkish pale red of Excel's "Bad" (11).
RAG_HUES: dict[str, float] = {"RED": 28.0, "AMBER": 82.0, "GREEN": 140.0, "BLUE": 262.0}
# Below this chroma a fill is white, grey or black; the faintest Office tints ("lighter 80%")
# of green and gold sit around 12-20, its pale blue-grey header tint below 10.
MIN_CHROMA = 10.0
# Darker than this is black-ish text background, no rating.
MIN_LIGHTNESS = 18.0
# A hue further than this from every reference (purples, magentas) is an unknown colour.
MAX_HUE_DISTANCE = 48.0


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


def to_lab(rgb: RGB) -> tuple[float, float, float]:
    """sRGB (0-1) to CIELAB (D65)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def to_lch(rgb: RGB) -> LCh:
    """Lightness, chroma and hue angle (degrees) of an sRGB colour."""
    lightness, a, b = to_lab(rgb)
    return lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360.0


def colour_distance(first: RGB, second: RGB) -> float:
    """Perceptual distance (CIE76 delta E) between two colours."""
    return math.dist(to_lab(first), to_lab(second))


def is_neutral(rgb: RGB | None) -> bool:
    """White, grey, black or no fill."""
    if rgb is None:
        return True
    lightness, chroma, _ = to_lch(rgb)
    return chroma < MIN_CHROMA or lightness < MIN_LIGHTNESS


def rag_from_rgb(rgb: RGB | None) -> str | None:
    """The rating whose hue is nearest the fill's; None for white, grey, black, no fill, or a hue
    far from all four (purple)."""
    if is_neutral(rgb):
        return None
    _, _, hue = to_lch(rgb)  # type: ignore[arg-type]

    def distance(reference: float) -> float:
        d = abs(hue - reference) % 360.0
        return min(d, 360.0 - d)

    nearest = min(RAG_HUES, key=lambda name: distance(RAG_HUES[name]))
    return nearest if distance(RAG_HUES[nearest]) <= MAX_HUE_DISTANCE else None
