"""pdfplumber's character dicts, built while pdfminer interprets a page.

pdfplumber reads a character in three steps: pdfminer's device makes an `LTChar` (matrix maths
through a chain of small functions), pdfplumber tags it with its marked-content id, and once the
page is done `Page.process_object` turns the object's attributes into a dict. On a page of text
these steps cost about as much as reading the content stream itself. `CharRecordDevice` does the
same arithmetic, in the same order, straight into the final dict, which it keeps in the layout
tree in the character's place; everything else on the page (rects, lines, curves, images,
figures) is built by pdfplumber's own device as before.

Characters it does not reproduce exactly are left to pdfminer's `LTChar` (see `fallback_reason`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Hashable
from functools import lru_cache

from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextSeq
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState
from pdfminer.utils import Matrix, Point
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

# Values that pdfplumber's resolve_all returns unchanged.
PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


def resolved(value: object) -> object:
    """An object's attribute as pdfplumber's `resolve_all` gives it; a tuple of plain values
    (the text matrix) is returned as it is, without walking it."""
    if type(value) is tuple and all(map(PLAIN_TYPES.__contains__, map(type, value))):
        return value
    return resolve_all(value)


@lru_cache(maxsize=256)
def _colour_space_name(name: object) -> str:
    return resolve_and_decode(name)


def colour_space_name(name: object) -> str:
    """A colour space's name as pdfplumber writes it in a character's `ncs`."""
    return _colour_space_name(name) if isinstance(name, Hashable) else resolve_and_decode(name)


def fallback_reason(font: PDFFont, laparams: object) -> str | None:
    """Why a font's characters must go through pdfminer's `LTChar` (None: they need not).

    Vertical writing has its own box arithmetic, and a font name stored as bytes is repaired by
    pdfplumber (`fix_fontname_bytes`); layout analysis (laparams) groups the `LTChar`s themselves.
    """
    if laparams is not None:
        return "layout analysis"
    if font.is_vertical():
        return "vertical font"
    if isinstance(resolved(font.fontname), bytes):
        return "font name in bytes"
    return None


class _FontFacts:
    """What a page's characters in one font share: its name, descent, and each glyph's text and
    width (pdfminer works them out again for every character)."""

    __slots__ = ("fontname", "descent", "glyphs")

    def __init__(self, font: PDFFont) -> None:
        self.fontname = resolved(font.fontname)
        self.descent = font.get_descent()
        self.glyphs: dict[int, tuple[str, float]] = {}


class CharRecordDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, except that a character comes out as the dict pdfplumber's
    `Page.process_object` would make of it (same keys, same order, bit-identical values).

    `set_page` must be called before the page is interpreted (the dict's `top`, `doctop` and
    mediabox offset depend on the page); without it every character is an `LTChar`, as from
    pdfplumber's device. `fallbacks` counts, by reason, the characters left as `LTChar`s.
    """

    def __init__(self, *args, **kwargs) -> None:  # noqa: D107 - pdfminer's device arguments
        super().__init__(*args, **kwargs)
        self.fallbacks: Counter[str] = Counter()
        self._page: tuple | None = None
        self._unicode_norm: str | None = None
        self._fallback = ""
        self._same_line: tuple = (None, None)
        self._fonts: dict[PDFFont, _FontFacts | None] = {}
        self._fallback_fonts: dict[PDFFont, str] = {}
        self._colour_spaces: dict[object, str] = {}

    def set_page(self, page: Page) -> None:
        """Take the page facts a character's dict needs (its number, height, mediabox origin,
        first `doctop` and the document's Unicode normalisation)."""
        mb_x0, mb_top = page.mediabox[:2]
        self._page = (page.page_number, page.height, mb_x0, mb_top, page.initial_doctop)
        self._unicode_norm = page.pdf.unicode_norm

    def _font_facts(self, font: PDFFont) -> _FontFacts | None:
        reason = fallback_reason(font, self.laparams) if self._page is not None else "no page facts"
        if reason:
            self._fallback_fonts[font] = reason
        facts = self._fonts[font] = None if reason else _FontFacts(font)
        return facts

    def tag_cur_item(self) -> None:
        """pdfplumber's tagging of the last object made with the current marked-content id and
        tag; a painted path that made no object tags the one before it, which may be a character."""
        objs = self.cur_item._objs
        if objs:
            obj = objs[-1]
            if type(obj) is dict:
                mcid, tag = self.cur_mcid, self.cur_tag
                obj["mcid"] = mcid if type(mcid) in PLAIN_TYPES else resolved(mcid)
                obj["tag"] = tag if type(tag) in PLAIN_TYPES else resolved(tag)
            else:
                obj.mcid = self.cur_mcid  # type: ignore[attr-defined]
                obj.tag = self.cur_tag  # type: ignore[attr-defined]

    def render_string_horizontal(  # type: ignore[override]
        self, seq: PDFTextSeq, matrix: Matrix, pos: Point, font: PDFFont, fontsize: float, scaling: float, charspace: float,
        wordspace: float, rise: float, dxscale: float, ncs: PDFColorSpace, graphicstate: PDFGraphicState,
    ) -> Point:
        """pdfminer's `PDFTextDevice.render_string_horizontal` (same steps, same arithmetic), with
        each character's dict made in the loop rather than through `render_char`."""
        run = self._run(matrix, font, fontsize, scaling, rise, ncs, graphicstate)
        if run is None:
            return super().render_string_horizontal(seq, matrix, pos, font, fontsize, scaling, charspace, wordspace, rise, dxscale, ncs, graphicstate)
        (x, y) = pos
        (a, b, c, d, e, f) = matrix
        add = self.cur_item._objs.append
        record_of = self._record
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    char_e, char_f = x * a + y * c + e, x * b + y * d + f  # utils.translate_matrix
                    char_matrix = (a, b, c, d, char_e, char_f)
                    try:
                        record = record_of(run, cid, char_matrix, char_e, char_f)
                    except Exception:  # pdfminer's own path raises the same error, or copes in its own way
                        self.fallbacks["error"] += 1
                        x += PDFPageAggregatorWithMarkedContent.render_char(self, char_matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
                    else:
                        add(record)
                        x += record["adv"]
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            else:  # pdfminer warns and skips it
                super().render_string_horizontal([obj], matrix, (x, y), font, fontsize, scaling, charspace, wordspace, rise, dxscale, ncs, graphicstate)
        return (x, y)

    def render_char(  # type: ignore[override]
        self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, cid: int, ncs: PDFColorSpace, graphicstate: PDFGraphicState,
    ) -> float:
        """Add the character's dict to the current container and return its advance, as
        pdfminer's `PDFLayoutAnalyzer.render_char` + `LTChar` + pdfplumber's `process_object` do."""
        run = self._run(matrix, font, fontsize, scaling, rise, ncs, graphicstate)
        if run is not None:
            try:
                record = self._record(run, cid, matrix, matrix[4], matrix[5])
            except Exception:  # pdfminer's own path raises the same error, or copes in its own way
                self.fallbacks["error"] += 1
            else:
                self.cur_item._objs.append(record)
                return record["adv"]
        else:
            self.fallbacks[self._fallback] += 1
        return super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)

    def _run(self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, ncs: PDFColorSpace, graphicstate: PDFGraphicState) -> tuple | None:
        """What the characters drawn with one text state share (None: leave them to `LTChar`):
        the parts of `LTChar`'s box arithmetic that do not depend on the glyph's advance or the
        character's position, computed once with the same operations, and the dict's values
        that come from the state rather than the glyph."""
        facts = self._fonts.get(font, False)
        if facts is False:
            facts = self._font_facts(font)
        if facts is None or type(matrix) is not tuple or len(matrix) != 6:
            self._fallback = self._fallback_fonts.get(font, "matrix not a 6-tuple")
            return None
        try:
            (a, b, c, d, _e, _f) = matrix
            descent = facts.descent * fontsize
            lo = descent + rise
            hi = descent + rise + fontsize
            upright = a * d * scaling > 0 and b * c <= 0
            name = self._colour_spaces.get(ncs)
            if name is None:
                name = self._colour_spaces[ncs] = colour_space_name(ncs.name)
            scolor, ncolor, mcid, tag = graphicstate.scolor, graphicstate.ncolor, self.cur_mcid, self.cur_tag
            return (
                facts, font, fontsize, scaling, a, b,
                # apply_matrix_rect(matrix, (0, lo, adv, hi)): each corner is apply_matrix_pt's
                # `a * x + c * y + e`, `b * x + d * y + f`; these are the terms before `+ e`, `+ f`
                # that do not involve adv.
                a * 0 + c * lo, b * 0 + d * lo, c * lo, d * lo, c * hi, d * hi, a * 0 + c * hi, b * 0 + d * hi,
                upright,
                mcid if type(mcid) in PLAIN_TYPES else resolved(mcid),
                tag if type(tag) in PLAIN_TYPES else resolved(tag),
                name,
                scolor if isinstance(scolor, tuple) else (scolor,),
                ncolor if isinstance(ncolor, tuple) else (ncolor,),
            )
        except Exception:  # pdfminer's own path raises the same error for the first character, if any
            self._fallback = "error"
            return None

    def _record(self, run: tuple, cid: int, matrix: tuple, e: float, f: float) -> dict:
        """The dict of one character whose matrix is `matrix` (`e`, `f` its translation)."""
        (facts, font, fontsize, scaling, a, b, left_lo, bottom_lo, c_lo, d_lo, c_hi, d_hi, left_hi, top_hi, upright, mcid, tag, ncs_name, scolor, ncolor) = run
        glyph = facts.glyphs.get(cid)
        if glyph is None:
            try:
                text = font.to_unichr(cid)
                assert isinstance(text, str), str(type(text))
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            if self._unicode_norm is not None:
                text = unicodedata.normalize(self._unicode_norm, text)
            glyph = facts.glyphs[cid] = (text, font.char_width(cid))
        text, textwidth = glyph
        adv = textwidth * fontsize * scaling
        a_adv = a * adv
        b_adv = b * adv
        left1, bottom1 = left_lo + e, bottom_lo + f
        right1, bottom2 = a_adv + c_lo + e, b_adv + d_lo + f
        right2, top1 = a_adv + c_hi + e, b_adv + d_hi + f
        left2, top2 = left_hi + e, top_hi + f
        x0 = min(left1, left2, right1, right2)
        y0 = min(bottom1, bottom2, top1, top2)
        x1 = max(left1, left2, right1, right2)
        y1 = max(bottom1, bottom2, top1, top2)
        if x1 < x0:
            (x0, x1) = (x1, x0)
        if y1 < y0:
            (y0, y1) = (y1, y0)
        page_number, page_height, mb_x0, mb_top, initial_doctop = self._page  # type: ignore[misc]
        same_line = self._same_line
        if y0 == same_line[0] and y1 == same_line[1] and type(y0) is float and type(y1) is float:
            # The characters of a line share one set of vertical values (equal non-zero floats
            # have the same bits, and the rest follow from them): a tenth of a page's memory.
            (y0, y1, height, top, bottom, doctop) = same_line
        else:
            height = y1 - y0
            top = (page_height - y1) + mb_top
            bottom = (page_height - y0) + mb_top
            doctop = initial_doctop + top
            if y0 and y1 and type(y0) is float and type(y1) is float:
                self._same_line = (y0, y1, height, top, bottom, doctop)
        # Page.process_object's dict, in its order of keys.
        return {
            "matrix": matrix,
            "fontname": facts.fontname,
            "adv": adv,
            "upright": upright,
            "x0": x0 if mb_x0 == 0 else x0 + mb_x0,
            "y0": y0,
            "x1": x1 if mb_x0 == 0 else x1 + mb_x0,
            "y1": y1,
            "width": x1 - x0,
            "height": height,
            "size": height,
            "mcid": mcid,
            "tag": tag,
            "object_type": "char",
            "page_number": page_number,
            "ncs": ncs_name,
            "text": text,
            "stroking_color": scolor,
            "non_stroking_color": ncolor,
            "top": top,
            "bottom": bottom,
            "doctop": doctop,
        }
