"""Characters built while the page is interpreted are exactly pdfplumber's own char dicts."""

from __future__ import annotations

import math
import zlib
from pathlib import Path

import pandas as pd
import pdfplumber
import pytest
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from extractors import pdf_pages
from extractors.char_records import CharRecordDevice
from extractors.pack import extract_pack
from tests.conftest import CORPUS, KENT, TAMESIDE_PDF
from tests.pdf_builder import pdf_file, stream_object

FAMILIES = ["uk_council", "pdfplumber", "camelot", "tabula_java", "malformed", "us_council"]


def _strict(objects: dict[str, list[dict]]) -> dict[str, list[str]]:
    """Each object as its repr: key order, value types, -0.0 and every bit of a float count."""
    return {kind: [_image(obj) if kind == "image" else repr(obj) for obj in found] for kind, found in objects.items()}


def _image(obj: dict) -> str:
    # An image's stream is an object of the open file: its repr says what it holds, not which
    # object it is; pdfminer names an inline image after the id() of a Python object.
    return repr({k: repr(v) for k, v in obj.items() if not (k == "name" and str(v).isdigit())})


def _outcome(read):
    try:
        return _strict(read()), None
    except Exception as exc:  # a malformed page must fail the same way on both paths
        return None, f"{type(exc).__name__}: {exc}"


class _Counting(CharRecordDevice):
    """The device, keeping how many characters each page built and left to pdfminer."""

    built: list[tuple[int, int]] = []

    def get_result(self):
        result = super().get_result()
        _Counting.built.append((sum(self.fallbacks.values()), _count_dicts(result)))
        return result


def _count_dicts(container) -> int:
    return sum(1 if type(obj) is dict else _count_dicts(obj) if hasattr(obj, "_objs") else 0 for obj in container._objs)


def _sampled(count: int) -> list[int]:
    """The pages of a corpus file compared: its middle page. Every file is read, and the suite
    stays quick (all of the corpus' 1,700-odd pages take some minutes)."""
    return [count // 2] if count else []


def _compare_file(path: Path, monkeypatch, **open_args) -> int:
    """Compare every sampled page of `path`; returns how many characters were compared."""
    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", _Counting)
    try:
        ours, theirs = pdfplumber.open(path, **open_args), pdfplumber.open(path, **open_args)
        pages = len(ours.pages)
    except Exception:  # a file pdfplumber cannot open is read by neither path
        return 0
    compared = 0
    with ours, theirs:
        for index in _sampled(pages):
            mine, error = _outcome(lambda: pdf_pages.parse_page(ours.pages[index]).objects)
            reference, reference_error = _outcome(lambda: theirs.pages[index].objects)
            assert error == reference_error, (path.name, index + 1)
            assert mine == reference, (path.name, index + 1)
            compared += len(mine.get("char", [])) if mine else 0
    return compared


@pytest.mark.parametrize("family", FAMILIES)
def test_corpus_chars_equal_pdfplumbers_own(family, monkeypatch):
    paths = sorted((CORPUS / family).rglob("*.pdf"))
    assert paths
    _Counting.built = []
    compared = sum(_compare_file(path, monkeypatch) for path in paths)
    fallbacks = sum(fell for fell, _ in _Counting.built)
    built = sum(made for _, made in _Counting.built)
    if family != "malformed":
        assert compared > 1000
        # The characters were built by the device, not left to pdfminer's LTChar and converted.
        assert built + fallbacks == compared and built > 0.9 * compared


# --- generated PDFs: one page per case the arithmetic has to get right ---

HELVETICA = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
TYPE3_GLYPHS = {"sq": b"1000 0 0 0 750 750 d1 0 0 750 750 re f", "tri": b"600 0 0 0 600 700 d1 0 0 m 600 0 l 300 700 l f"}


def _type3_font(add) -> str:
    procs = " ".join(f"/{name} {add(stream_object(body))} 0 R" for name, body in TYPE3_GLYPHS.items())
    cmap = b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <41> <25A0> <42> <25B2> endbfchar"
    return (
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 -100 1000 800] /FontMatrix [0.001 0 0 0.001 0 0] "
        f"/CharProcs << {procs} >> /Encoding << /Type /Encoding /Differences [65 /sq /tri] >> "
        f"/FirstChar 65 /LastChar 66 /Widths [1000 600] /Resources << >> /ToUnicode {add(stream_object(cmap))} 0 R >>"
    )


def _cid_font(add, encoding: str) -> str:
    """A Type0 font of 2-byte codes without a ToUnicode map (its text reads "(cid:N)")."""
    descriptor = add(b"<< /Type /FontDescriptor /FontName /KozMinPro-Regular /Flags 4 /FontBBox [0 -120 1000 880] /Ascent 880 /Descent -120 /ItalicAngle 0 /CapHeight 700 /StemV 80 >>")
    cid = add(
        (
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPro-Regular "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [65 [500 600]] >>"
        ).encode()
    )
    return f"<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPro-Regular /Encoding /{encoding} /DescendantFonts [{cid} 0 R] >>"


def _byte_named_font(add) -> str:
    """A font whose descriptor names it with a string, which pdfminer passes on as bytes."""
    descriptor = add(b"<< /Type /FontDescriptor /FontName (ABCDEF+\xcb\xce\xcc\xe5) /Flags 32 /FontBBox [0 -200 1000 900] /Ascent 900 /Descent -200 /ItalicAngle 0 /CapHeight 700 /StemV 80 >>")
    widths = " ".join(["500"] * 95)
    return f"<< /Type /Font /Subtype /TrueType /BaseFont /SimSun /FirstChar 32 /LastChar 126 /Widths [{widths}] /Encoding /WinAnsiEncoding /FontDescriptor {descriptor} 0 R >>"


TEXT_CASES = [
    # plain, then kerning, char and word spacing, leading and the quote operators
    "BT /F1 11 Tf 72 760 Td (Plain text, 42%, \x85 \xbd) Tj ET",
    "BT /F1 11 Tf 72 740 Td [(A) 120 (V) -250.5 (A W) 80 (ay)] TJ ET",
    "BT /F1 10 Tf 2.5 Tc 7 Tw 72 720 Td (Spaced out words) Tj 13 TL T* (next line) Tj (quoted) ' 1 2 (dquoted) \" ET",
    # rise up and down, horizontal scaling (wide, narrow, mirrored)
    "BT /F1 9 Tf 72 700 Td 4.2 Ts (raised) Tj -3 Ts (lowered) Tj 0 Ts 150 Tz (wide) Tj 55.5 Tz (narrow) Tj -100 Tz (mirror) Tj ET",
    # rotated by 30, 90, 180 and 270 degrees, skewed, mirrored, and through a scaled CTM
    "BT /F1 12 Tf 0.8660254 0.5 -0.5 0.8660254 300 600 Tm (Thirty degrees) Tj ET",
    "BT /F1 12 Tf 0 1 -1 0 500 300 Tm (Up the page) Tj ET",
    "BT /F1 12 Tf -1 0 0 -1 400 500 Tm (Upside down) Tj ET",
    "BT /F1 12 Tf 0 -1 1 0 520 700 Tm (Down the page) Tj ET",
    "BT /F1 12 Tf 1 0 0.4 1 72 480 Tm (Skewed) Tj -1 0 0 1 300 480 Tm (Mirrored) Tj ET",
    "q 1.5 0 0 0.75 10 -20 cm BT /F1 10 Tf 60 400 Td (Scaled by the CTM) Tj ET Q",
    "BT /F1 -10 Tf 72 380 Td (Negative size) Tj /F1 0 Tf (zero) Tj ET",
    # colours in gray, RGB, CMYK; stroked and invisible text
    "BT /F1 10 Tf 72 360 Td 0.25 g (grey) Tj 1 0 0 rg 0 0 1 RG 1 Tr (red) Tj 0.1 0.2 0.3 0.4 k 3 Tr (cmyk) Tj 0 Tr ET",
    # a Type3 font, a CID font without Unicode, a font named in bytes
    "BT /F3 14 Tf 72 340 Td (ABAB) Tj ET",
    "BT /F5 12 Tf 72 320 Td <004100420043> Tj ET",
    "BT /F7 10 Tf 72 300 Td (Byte-named font) Tj ET",
    # marked content, with and without an id; a path that makes no object re-tags the last character
    "/P << /MCID 3 >> BDC BT /F1 10 Tf 72 280 Td (Tagged) Tj ET EMC /Span BMC BT /F1 10 Tf 150 280 Td (span) Tj ET EMC",
    "BT /F1 10 Tf 72 260 Td (Retagged) Tj ET /Artifact << /MCID 9 >> BDC 10 10 l S EMC",
    # a form XObject (drawn twice, once inside marked content) holding text and a rule
    "q 1 0 0 1 0 -30 cm /Fm1 Do Q /Figure << /MCID 11 >> BDC q 0.5 0 0 0.5 300 100 cm /Fm1 Do Q EMC",
    "BT /F1 10 Tf 72 120 Td (After the figure) Tj ET 72 110 m 300 110 l S",
]
VERTICAL = "BT /F6 12 Tf 500 500 Td <00410042> Tj ET"
FORM = b"BT /F1 9 Tf 72 230 Td (In a form) Tj 1 0 0 1 80 215 Tm 0 1 0 rg (green) Tj ET 72 210 m 200 210 l S"


def _write_cases(path: Path, pages: list[tuple[str, list[str]]]) -> Path:
    """A PDF of pages given as (page dictionary entries, content operators)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    fonts = {
        "F1": add(HELVETICA.encode()),
        "F3": add(_type3_font(add).encode()),
        "F5": add(_cid_font(add, "Identity-H").encode()),
        "F6": add(_cid_font(add, "Identity-V").encode()),
        "F7": add(_byte_named_font(add).encode("latin-1")),
    }
    font_dict = " ".join(f"/{name} {ref} 0 R" for name, ref in fonts.items())
    form = add(stream_object(FORM, f"/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Matrix [1 0 0 1 5 -5] /Resources << /Font << {font_dict} >> >> "))
    tree = add(b"")
    kids = []
    for entries, ops in pages:
        content = add(stream_object(zlib.compress("\n".join(ops).encode("latin-1")), "/Filter /FlateDecode "))
        resources = f"/Resources << /Font << {font_dict} >> /XObject << /Fm1 {form} 0 R >> >>"
        kids.append(add(f"<< /Type /Page /Parent {tree} 0 R {entries} {resources} /Contents {content} 0 R >>".encode()))
    objects[tree - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    catalog = add(f"<< /Type /Catalog /Pages {tree} 0 R >>".encode())
    path.write_bytes(pdf_file(objects, catalog))
    return path


@pytest.fixture(scope="module")
def cases_pdf(tmp_path_factory) -> Path:
    return _write_cases(
        tmp_path_factory.mktemp("chars") / "cases.pdf",
        [
            ("/MediaBox [0 0 612 792]", TEXT_CASES),
            # a mediabox away from the origin, cropped, on a rotated page; then the other rotations
            ("/MediaBox [36.5 -20 648 772] /CropBox [40 0 600 760] /Rotate 90", TEXT_CASES),
            ("/MediaBox [0 0 612 792] /Rotate 180", TEXT_CASES[:6]),
            ("/MediaBox [-100 50 512 842] /Rotate 270", TEXT_CASES[4:10]),
            ("/MediaBox [0 0 612 792]", [VERTICAL, *TEXT_CASES[:2]]),
        ],
    )


def _device_chars(path: Path, device, **open_args) -> list[list[dict]]:
    pdf_pages.PAGE_DEVICE = device
    with pdfplumber.open(path, **open_args) as pdf:
        return [pdf_pages.parse_page(page).objects.get("char", []) for page in pdf.pages]


@pytest.mark.parametrize("open_args", [{}, {"unicode_norm": "NFKC"}, {"laparams": {}}], ids=["plain", "unicode_norm", "laparams"])
def test_generated_cases_equal_pdfplumbers_own(cases_pdf, monkeypatch, open_args):
    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", _Counting)
    _Counting.built = []
    with pdfplumber.open(cases_pdf, **open_args) as ours, pdfplumber.open(cases_pdf, **open_args) as theirs:
        for mine, reference in zip(ours.pages, theirs.pages, strict=True):
            assert _strict(pdf_pages.parse_page(mine).objects) == _strict(reference.objects), mine.page_number
        chars = [page.chars for page in theirs.pages]
    if "laparams" in open_args:  # layout analysis groups pdfminer's own objects: every character falls back
        assert all(made == 0 for _, made in _Counting.built)
        return
    built = [made for _, made in _Counting.built]
    fell = [fallbacks for fallbacks, _ in _Counting.built]
    text = ["".join(c["text"] for c in page) for page in chars]
    # What the cases hold, so that a quiet change in the fixture cannot make the comparison empty.
    assert "Thirty degrees" in text[0] and "(cid:65)(cid:66)(cid:67)" in text[0] and "■▲■▲" in text[0]
    assert text[0].count("In a form") == 2 and "After the figure" in text[0]
    first = chars[0]
    assert {c["upright"] for c in first} == {True, False}
    assert any(c["fontname"] == "ABCDEF+SimSun,Regular" for c in first)
    assert {(c["mcid"], c["tag"]) for c in first} >= {(3, "P"), (None, "Span"), (9, "Artifact"), (11, "Figure"), (None, None)}
    assert {c["non_stroking_color"] for c in first} >= {(0.25,), (1, 0, 0), (0.1, 0.2, 0.3, 0.4), (0, 1, 0)}
    at = next(i for i in range(len(first)) if "".join(c["text"] for c in first[i : i + 8]) == "Retagged")
    assert [(c["mcid"], c["tag"]) for c in first[at + 6 : at + 8]] == [(None, None), (9, "Artifact")]  # only the last is re-tagged
    assert chars[1][0]["x0"] != chars[0][0]["x0"] and chars[1][0]["top"] != chars[0][0]["top"]
    # Byte-named fonts (one line on each of the first two pages) and the vertical font fall back.
    assert fell[:4] == [15, 15, 0, 0] and fell[4] == 2
    assert built[0] == len(chars[0]) - 15 and built[4] == len(chars[4]) - 2
    assert ("Plain text, 42%, ... 1⁄2" if "unicode_norm" in open_args else "Plain text, 42%, … ½") in text[0]


def test_a_wrong_value_would_be_caught(cases_pdf, monkeypatch):
    """The comparison sees a change in the last bit of one coordinate of one character."""
    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", CharRecordDevice)
    with pdfplumber.open(cases_pdf) as ours, pdfplumber.open(cases_pdf) as theirs:
        objects = pdf_pages.parse_page(ours.pages[0]).objects
        objects["char"][40]["top"] = math.nextafter(objects["char"][40]["top"], math.inf)
        assert _strict(objects) != _strict(theirs.pages[0].objects)


def test_render_char_alone_builds_the_same_chars(cases_pdf, monkeypatch):
    """An interpreter that calls `render_char` for each character (not `render_string`) gets the same dicts."""
    from pdfminer.pdfdevice import PDFTextDevice

    class CharByChar(CharRecordDevice):
        render_string_horizontal = PDFTextDevice.render_string_horizontal

    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", CharRecordDevice)
    whole = [_strict({"char": page}) for page in _device_chars(cases_pdf, CharRecordDevice)]
    one_by_one = [_strict({"char": page}) for page in _device_chars(cases_pdf, CharByChar)]
    assert whole == one_by_one


def _text_states(cases_pdf: Path):
    """The fonts, colour spaces and graphic states the cases page draws its text with."""
    seen = []

    class Recording(CharRecordDevice):
        def render_string(self, textstate, seq, ncs, graphicstate):
            seen.append((textstate.font, ncs, graphicstate))
            return super().render_string(textstate, seq, ncs, graphicstate)

    _device_chars(cases_pdf, Recording)
    return list({id(font): (font, ncs, state) for font, ncs, state in seen}.values())


# Values that make the arithmetic's order and signed zeros visible.
AWKWARD = [0, 0, 1, -1, 0.0, 0.0, -0.0, -0.0, 0.1, -0.3, 1e-300, 7.000000000000001, 1 / 3, -2.5, 1e16, 12, 0.7071067811865476]


def test_random_text_states_give_bit_identical_chars(cases_pdf, monkeypatch):
    """Random text matrices, CTMs, sizes, rises, scalings and spacings through `render_string`, and
    random character matrices through `render_char`, compared with pdfminer's LTChar turned into a dict by pdfplumber's own `process_object`."""
    import random

    from pdfminer.layout import LTPage
    from pdfminer.pdfinterp import PDFTextState

    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", CharRecordDevice)
    states = [(font, ncs, state) for font, ncs, state in _text_states(cases_pdf) if not font.is_vertical()]
    assert len(states) >= 4
    rng = random.Random(14)

    def value(scale: float = 100.0):
        return rng.choice(AWKWARD) if rng.random() < 0.6 else rng.uniform(-scale, scale)

    with pdfplumber.open(cases_pdf) as pdf:
        devices = {page.page_number: (PDFPageAggregatorWithMarkedContent(pdf.rsrcmgr, pageno=page.page_number), CharRecordDevice(pdf.rsrcmgr, pageno=page.page_number)) for page in pdf.pages[:2]}
        for page in pdf.pages[:2]:
            devices[page.page_number][1].set_page(page)
        compared = 0
        for _ in range(1000):
            page = rng.choice(pdf.pages[:2])  # the second page's mediabox is away from the origin
            font, ncs, state = rng.choice(states)
            textstate = PDFTextState()
            textstate.font, textstate.fontsize, textstate.rise = font, value(30), value(5)
            textstate.scaling, textstate.charspace, textstate.wordspace = value(200), value(3), value(5)
            textstate.matrix = tuple(value() for _ in range(6))
            textstate.linematrix = (value(), value())
            ctm = tuple(value(3) for _ in range(6))
            seq = [rng.choice([b"Ab c", b" ", b"AB", b"\x00\x41\x00\x42", rng.randint(-300, 300), value(500)]) for _ in range(4)]
            matrix, cid = tuple(value() for _ in range(6)), rng.choice([65, 32, 0, 66])
            char_args = (matrix, font, textstate.fontsize, value(2), textstate.rise, cid, ncs, state)
            marked = rng.choice([(None, None), (4, "P")])
            made = []
            for device in devices[page.page_number]:  # one pair per page: what a device keeps between characters is tested too
                device.cur_item, device.ctm = LTPage(1, (0, 0, 600, 800)), ctm
                device.cur_mcid, device.cur_tag = marked
                drawn = textstate.copy()
                device.render_string(drawn, seq, ncs, state)
                advance = device.render_char(*char_args)  # as an interpreter that draws character by character would
                made.append((device.cur_item._objs, (drawn.linematrix, advance)))
            (reference, position_theirs), (mine, position_mine) = made
            assert [repr(obj) for obj in pdf_pages._layout_objects(page, mine)] == [repr(page.process_object(obj)) for obj in reference]
            assert repr(position_mine) == repr(position_theirs)
            compared += len(mine)
        assert compared > 1000


def test_characters_share_vertical_values_only_when_their_bits_agree(cases_pdf, monkeypatch):
    """Characters of a line share their vertical floats, but 0.0 and -0.0 (equal, not the same
    bits) are never shared: each pair is drawn with its own device and with pdfminer's."""
    from pdfminer.layout import LTPage

    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", CharRecordDevice)
    font, ncs, state = next((f, n, s) for f, n, s in _text_states(cases_pdf) if f.get_descent() < 0)
    flat = (1, 0.0, 0, 0.0, 0, 0.0)  # a box of zero height at y 0.0 ...
    signed = (1, -0.0, 0, 0.0, 0, -0.0)  # ... and at y -0.0
    with pdfplumber.open(cases_pdf) as pdf:
        page = pdf.pages[0]
        for matrices in [(flat, signed), (signed, flat), ((1, 0, 0, 1, 5, 7.5), (1, 0, 0, 1, 12, 7.5))]:
            reference, mine = PDFPageAggregatorWithMarkedContent(pdf.rsrcmgr), CharRecordDevice(pdf.rsrcmgr)
            mine.set_page(page)
            for device in (reference, mine):
                device.cur_item = LTPage(1, (0, 0, 600, 800))
                for matrix in matrices:
                    device.render_char(matrix, font, 10, 1.0, 0, 65, ncs, state)
            records = pdf_pages._layout_objects(page, mine.cur_item._objs)
            assert [repr(obj) for obj in records] == [repr(page.process_object(obj)) for obj in reference.cur_item._objs]
            assert (records[0]["y0"] is records[1]["y0"]) == (matrices[0] is not flat and matrices[0] is not signed)


def test_a_page_that_fails_to_parse_keeps_no_tree_of_char_dicts(cases_pdf, monkeypatch):
    """pdfplumber's own readers of a page whose parse failed rebuild its layout rather than find
    one holding char dicts, which they could not read."""
    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", CharRecordDevice)

    def failing(page, items):
        raise RuntimeError("an object that cannot be read")

    with pdfplumber.open(cases_pdf) as pdf, pdfplumber.open(cases_pdf) as reference:
        page = pdf.pages[0]
        with monkeypatch.context() as patch:
            patch.setattr(pdf_pages, "_layout_objects", failing)
            with pytest.raises(RuntimeError):
                pdf_pages.parse_page(page)
        assert "_layout" not in page.__dict__
        assert _strict({"char": page.chars}) == _strict({"char": reference.pages[0].chars})


# --- extraction: every frame and the quality report, with and without the device ---

EXTRACTED = [
    TAMESIDE_PDF,
    KENT / "cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf",
    KENT / "cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
    KENT / "cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf",
    KENT / "cabinet/2025-01-30/originals/Appendix I Budget Risk Register 22.01.25.pdf",
]


@pytest.mark.parametrize("path", EXTRACTED, ids=lambda p: p.name)
def test_extraction_is_the_same_with_pdfminers_chars(path, monkeypatch):
    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", PDFPageAggregatorWithMarkedContent)
    before = extract_pack(path, path.name)
    monkeypatch.setattr(pdf_pages, "PAGE_DEVICE", CharRecordDevice)
    after = extract_pack(path, path.name)
    assert sum(len(frame) for frame in after.frames.values()) > 0
    for field in ("frames", "rejected"):
        mine, reference = getattr(after, field), getattr(before, field)
        assert mine.keys() == reference.keys()
        for name, frame in reference.items():
            pd.testing.assert_frame_equal(mine[name], frame, check_exact=True, obj=f"{field} {name}")
    assert (after.page_count, repr(after.quality), repr(after.provenance)) == (before.page_count, repr(before.quality), repr(before.provenance))
