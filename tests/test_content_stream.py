"""The content-stream reader hands operators exactly what pdfminer's `PDFContentParser` would.

Checked token for token on real PDFs of every corpus family, on generated streams full of the
tokenizer's corner cases, on whole extractions, and on the fallback to pdfminer's own parser.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psparser import LIT, PSEOF, PSKeyword, PSLiteral
from pdfminer.pdftypes import PDFStream, list_value, resolve1, stream_value

import extractors.pdf_pages as pdf_pages
from extractors.content_stream import ContentStreamInterpreter, Unsure, read_content
from tests.conftest import CORPUS, KENT, TAMESIDE_PDF
from tests.pdf_builder import PageSpec, write_pdf

FAMILIES = ("uk_council", "pdfplumber", "camelot", "tabula_java", "malformed", "us_council")
# Pages read per file; a longer file is sampled evenly (first and last page included).
PAGES_PER_FILE = 10


def pdfminer_objects(datas: list[bytes]) -> list | Exception:
    """What `PDFContentParser.nextobject()` yields for these streams, or the error it raises."""
    streams = [PDFStream({}, data) for data in datas]
    try:
        parser = PDFContentParser(streams)
    except PSEOF:
        return []
    objects = []
    while True:
        try:
            objects.append(parser.nextobject()[1])
        except PSEOF:
            return objects
        except Exception as exc:  # noqa: BLE001 - the comparison needs whatever pdfminer raises
            return exc


def same(a: object, b: object) -> bool:
    """Equal values of the very same types (1, 1.0 and True are three different tokens)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (PSLiteral, PSKeyword)):
        return a is b
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, PDFStream):
        return same(a.attrs, b.attrs) and (a.rawdata, a.data, a.objid) == (b.rawdata, b.data, b.objid)
    return a == b


def compare(datas: list[bytes]) -> str:
    """'fast' when the reader matched pdfminer, 'unsure' when it declined; fails on any difference."""
    want = pdfminer_objects(datas)
    try:
        got = read_content(datas)
    except Unsure:
        return "unsure"
    assert not isinstance(want, Exception), f"pdfminer raises {want!r} on {datas!r}; the reader must decline"
    for index, (a, b) in enumerate(zip(want, got)):
        assert same(a, b), f"object {index}: pdfminer {a!r}, reader {b!r} on {datas!r}"
    assert len(want) == len(got), f"{len(want)} objects from pdfminer, {len(got)} from the reader on {datas!r}"
    return "fast"


def _sampled(pages: list) -> list:
    if len(pages) <= PAGES_PER_FILE:
        return pages
    step = (len(pages) - 1) / (PAGES_PER_FILE - 1)
    return [pages[round(i * step)] for i in range(PAGES_PER_FILE)]


def content_stream_sets(path: Path):
    """Each sampled page's content streams, then every Form XObject reachable from its resources."""
    with path.open("rb") as handle:
        document = PDFDocument(PDFParser(handle))
        seen: set[int] = set()
        for page in _sampled(list(PDFPage.create_pages(document))):
            yield [s for s in map(stream_value, list_value(page.contents)) if s.objid is not None]
            todo = [page.resources]
            while todo:
                resources = resolve1(todo.pop())
                xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
                for ref in xobjects.values() if isinstance(xobjects, dict) else ():
                    xobject = resolve1(ref)
                    if isinstance(xobject, PDFStream) and xobject.get("Subtype") is LIT("Form") and xobject.objid not in seen:
                        seen.add(xobject.objid)
                        yield [xobject]
                        todo.append(xobject.get("Resources"))


def test_corpus_streams_read_exactly_as_pdfminer_reads_them():
    files = sorted(p for family in FAMILIES for p in (CORPUS / family).rglob("*") if p.suffix.lower() == ".pdf")
    outcomes: Counter[str] = Counter()
    unreadable: list[str] = []
    read_files = 0
    for path in files:
        compared = 0
        try:
            for streams in content_stream_sets(path):
                try:
                    datas = [stream.get_data() for stream in streams]
                except Exception:  # noqa: BLE001 - the interpreter leaves undecodable streams to pdfminer
                    outcomes["undecodable"] += 1
                    continue
                outcomes[compare(datas)] += 1
                compared += 1
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001 - encrypted or broken beyond pdfminer's repair
            unreadable.append(f"{path.name}: {type(exc).__name__}")
        read_files += compared > 0
    assert len(files) >= 280
    assert read_files >= len(files) - 25, unreadable
    assert outcomes["fast"] >= 900, outcomes
    # The fast path is the rule: pdfminer's parser is kept for a handful of odd streams.
    assert outcomes["unsure"] <= 0.01 * outcomes["fast"], outcomes


# Each case is a list of streams (one page's /Contents, read as one byte sequence by pdfminer).
FAST_CASES = [
    [b"1 2 3 -4 +5 -.5 5. .5 -0 +.25 007 1.2.3 --5 -+5 1-2 . - + -. 1e5 12abc"],
    [b"/Name /A#41B /A#4G /A#G /A##41 /#20x /A#414 / /Caf\xc3\xa9 /\xff\xfe /a/b/c /x[ 1 ]"],
    [b"(plain) (a(nested)b) (a(b(c)d)e) (esc \\( \\) \\\\ \\n\\r\\t\\b\\f) (\\101\\1011\\08\\7) (\\q\\\nx) ()"],
    [b"<41> <4142 43> <414> < 4 1 > <> <4\n1\t2> <41>> <<>> <x <61 62 z"],
    [b"<< /A 1 /B [1 2] /C << /D (x) >> >> BDC [1 [2 [3]] (s) /n] TJ { 1 2 } true false null"],
    [b"] ] >> } > )) ' \" T* d0 d1 * ! @ \\ # \x80 \x00\x00 BT\x00ET"],
    [b"[1 2 Tf (unclosed array swallows the rest) Tj ET"],
    [b"q 1 0 0 1 0 0 cm % comment (with [brackets] and <hex>\n Q %no newline at the end"],
    [b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00EI\x01EEI EIEIxEI \nQ"],
    [b"BI /W 1 /H 1 /F /AHx ID\n4142EI>EI \n(after) Tj"],
    [b"BI /W 1 /H 1 /F /A85 ID 9jqo^~>z~> EI Q", b"q"],
    [b"BI /W 1 /H 1 /F [/A85 /Fl] ID xx~> EI Q"],
    [b"BI /W 1 /H 1 ID\r\nabc\r\nEI\rQ"],
    [b"BI /W 1 /H ID x EI Q", b"ID without BI"],
    [b"q 1 0 0 1 0 0 cm", b"Q BT /F1 12 Tf ET"],
    [b"BT /F1 1", b"2 Tf (a) Tj E", b"T"],
    [b"/Na", b"me 1", b".5 Tc % comment", b"1 0 0 1 0 0 cm"],
    [b"", b"BT", b"", b"ET", b""],
    [b"[1 2", b"3] TJ << /A", b" 1 >> BDC"],
    [b"BI /W 1 /H 1", b"ID \x01\x02EI \nQ"],
    [b"\xef\xbb\xbf1 0 0 RG 0 0 m 10 10 l S"],
    [b""],
    [],
]
# Constructs whose reading by pdfminer depends on where a 4096-byte chunk or a stream ends, or
# that make pdfminer raise: the reader declines them so that pdfminer's own parser reads them.
UNSURE_CASES = [
    [b"(line \\\r\ncontinued)"],
    [b"((((four deep))))"],
    [b"(never closed"],
    [b"(str", b"ing)"],
    [b"<41", b"42>"],
    [b"(a) Tj <4142"],
    [b"<< /A >>"],
    [b"(\\777)"],
    [b"/A#4"],
    [b"/", b"Name"],
    [b"<41>", b">"],
    [b"[ BI /W 1 /H 1 ID xx EI ]"],
    [b"BI /W 1 /H 1 ID xx"],
    [b"BI /W 1 /H 1 ID x", b"x EI Q"],
    [b"BI /W 1 /H 1 /F 5 ID x EI Q"],
]


@pytest.mark.parametrize("datas", FAST_CASES, ids=range(len(FAST_CASES)))
def test_generated_edge_cases_read_exactly_as_pdfminer_reads_them(datas):
    assert compare(datas) == "fast"


@pytest.mark.parametrize("datas", UNSURE_CASES, ids=range(len(UNSURE_CASES)))
def test_constructs_left_to_pdfminer_are_declined(datas):
    assert compare(datas) == "unsure"


def test_large_stream_sets_go_to_pdfminer_and_the_token_cache_stays_bounded(monkeypatch):
    import extractors.content_stream as content_stream

    numbers = [b" ".join(b"%d" % n for n in range(5000)) + b" 1 2 m"]
    monkeypatch.setattr(content_stream, "MAX_CACHED_TOKENS", 100)
    assert compare(numbers) == "fast"
    monkeypatch.setattr(content_stream, "MAX_READ_BYTES", len(numbers[0]) - 1)
    assert compare(numbers) == "unsure"


FRAGMENTS = [
    b"0", b"12", b"-3", b"+4", b"-.5", b"5.", b".", b"-", b"1.2.3", b"/F1", b"/A#41", b"/A#4x", b"/", b"/#",
    b"(s)", b"(a(b)c)", b"(\\)x\\(\\\\)", b"(\\101\\1234\\9)", b"(\\\n)", b")", b"<41>", b"<414>", b"< 4 1>",
    b">", b"<<", b">>", b"[", b"]", b"{", b"}", b"Tj", b"TJ", b"T*", b"'", b'"', b"true", b"false", b"BT", b"ET",
    b"%c\n", b"%", b"EI", b"\x00", b"\\", b"#", b"\x80", b"\xff", b"d0", b"re", b"~>", b"/F /A85", b"\r\n", b"\r",
]
# Fragments that leave a string or an inline image open: rarer, or most soups would be declined.
RARE_FRAGMENTS = [b"(", b"<", b"BI", b"ID", b"BI /W 1 /H 1 ID \x00EI\x00E EI ", b"BI /F /A85 ID ~> EI "]
SEPARATORS = [b" ", b"\n", b"", b"\t", b"\r\n"]


def test_random_token_soup_reads_exactly_as_pdfminer_reads_it():
    generator = random.Random(14)
    outcomes: Counter[str] = Counter()
    for _ in range(4000):
        soup = b"".join(
            generator.choice(RARE_FRAGMENTS if generator.random() < 0.02 else FRAGMENTS) + generator.choice(SEPARATORS)
            for _ in range(generator.randint(1, 40))
        )
        cuts = sorted(generator.sample(range(len(soup) + 1), generator.randint(0, 2)))
        datas = [soup[a:b] for a, b in zip([0, *cuts], [*cuts, len(soup)])]
        outcomes[compare(datas)] += 1
    assert outcomes["fast"] >= 2000, outcomes


KENT_PAPERS = [
    KENT / "full_council/2025-03-13/originals/Printed minutes 13th-Mar-2025 10.00 County Council.pdf",
    KENT / "cabinet/2025-01-30/originals/Appendix I Budget Risk Register 22.01.25.pdf",
    KENT / "cabinet/2025-01-30/originals/Appendix A Capital Investment Summary.pdf",
    KENT / "cabinet/2025-01-30/originals/24-00108 - Appendix - NOV 2024-25.pdf",
]


def _extraction(path: Path) -> dict:
    from extractors.pack import extract_pack

    result = extract_pack(path, path.name)
    frames = {name: frame.to_csv(index=False) for name, frame in result.frames.items()}
    rejected = {name: frame.to_csv(index=False) for name, frame in result.rejected.items()}
    return {"frames": frames, "rejected": rejected, "quality": repr(result.quality), "pages": result.page_count}


# Colours set by `sc`, which pops its own operands.
TINTERN_MINUTES = CORPUS / "uk_council" / "tintern_cc" / "minutes_20180430.pdf"


@pytest.mark.parametrize("path", [TAMESIDE_PDF, *KENT_PAPERS, TINTERN_MINUTES], ids=lambda p: p.name[:30])
def test_extraction_is_identical_with_pdfminers_interpreter(path, monkeypatch):
    assert pdf_pages.PAGE_INTERPRETER is ContentStreamInterpreter
    ours = _extraction(path)
    monkeypatch.setattr(pdf_pages, "PAGE_INTERPRETER", PDFPageInterpreter)
    theirs = _extraction(path)
    assert ours == theirs
    assert sum(frame.count("\n") for frame in ours["frames"].values()) > len(ours["frames"])  # rows were read


def _plain(value: object) -> object:
    """Page objects with pdfminer's objects (an image's stream, a colour space) as comparable values."""
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, PDFStream):
        return ("stream", _plain(value.attrs), value.rawdata, value.data)
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return value
    return repr(value)


def _page_objects(path: Path, interpreter: type) -> list:
    pdf_pages.PAGE_INTERPRETER = interpreter
    with pdfplumber.open(path) as pdf:
        return [_plain(pdf_pages.parse_page(page)._objects) for page in pdf.pages]


@pytest.mark.parametrize("path", [KENT_PAPERS[2], TINTERN_MINUTES], ids=lambda p: p.name[:30])
def test_every_page_object_is_identical_with_pdfminers_interpreter(path, monkeypatch):
    monkeypatch.setattr(pdf_pages, "PAGE_INTERPRETER", ContentStreamInterpreter)
    ours = _page_objects(path, ContentStreamInterpreter)
    theirs = _page_objects(path, PDFPageInterpreter)
    assert sum(len(page.get("char", ())) for page in ours) > 1000
    for number, (a, b) in enumerate(zip(ours, theirs), start=1):
        assert a == b, f"page {number}"
    assert len(ours) == len(theirs)


def _page_chars(path: Path, interpreter: type) -> list[tuple]:
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        pdf_pages.PAGE_INTERPRETER = interpreter
        chars = pdf_pages.parse_page(page)._objects["char"]
        return [(c["text"], round(c["x0"], 3), round(c["top"], 3), c["fontname"], c["size"]) for c in chars]


def test_a_construct_left_to_pdfminer_is_read_by_its_parser_with_the_same_result(tmp_path, monkeypatch):
    page = PageSpec()
    page.text(72, 72, "Before")
    page.ops.append(r"BT /F1 10 Tf 72 400 Td ((((four deep)))) Tj ET")  # deeper than the pattern follows
    page.text(72, 150, "After")
    pdf = write_pdf(tmp_path / "deep.pdf", [page])
    parsers: list[object] = []

    class CountingParser(PDFContentParser):
        def __init__(self, streams):
            parsers.append(self)
            super().__init__(streams)

    monkeypatch.setattr("pdfminer.pdfinterp.PDFContentParser", CountingParser)
    monkeypatch.setattr(pdf_pages, "PAGE_INTERPRETER", ContentStreamInterpreter)
    ours = _page_chars(pdf, ContentStreamInterpreter)
    assert len(parsers) == 1  # the fast reader declined and pdfminer's parser read the page
    assert "".join(c[0] for c in ours) == "Before(((four deep)))After"
    assert ours == _page_chars(pdf, PDFPageInterpreter)
    assert len(parsers) == 2


def test_an_ordinary_page_is_read_without_pdfminers_parser(tmp_path, monkeypatch):
    page = PageSpec()
    page.text(72, 72, "Café (nested) \\ text")
    page.fill_rect(10, 10, 50, 50, (1, 0.5, 0))
    page.image(100, 100, 120, 110, [[0, 255], [255, 0]])
    pdf = write_pdf(tmp_path / "plain.pdf", [page])
    monkeypatch.setattr("pdfminer.pdfinterp.PDFContentParser", None)  # would fail if it were used
    monkeypatch.setattr(pdf_pages, "PAGE_INTERPRETER", ContentStreamInterpreter)
    chars = _page_chars(pdf, ContentStreamInterpreter)
    assert "".join(c[0] for c in chars) == "Café (nested) \\ text"


def _recording(base: type) -> type:
    """The interpreter class with a few operators that note what they were given."""

    class Recording(base):
        def __init__(self, rsrcmgr, device) -> None:
            super().__init__(rsrcmgr, device)
            self.calls: list[tuple] = []

        def do_m(self, x, y):
            self.calls.append(("m", x, y))

        def do_re(self, x, y, w, h):
            self.calls.append(("re", x, y, w, h))

        def do_Q(self):
            self.calls.append(("Q",))

        def do_Tc(self, space):
            self.calls.append(("Tc", space))

        def do_TJ(self, seq):
            self.calls.append(("TJ", seq))

        def do_BDC(self, tag, props):
            self.calls.append(("BDC", tag, props))

        def do__q(self, s):
            self.calls.append(("'", s))

        def do_EI(self, obj):
            self.calls.append(("EI", obj))

        def do_f(self):  # after `sc`/`scn`, which pop their own operands
            state = self.graphicstate
            self.calls.append(("f", state.ncolor, state.scolor, list(self.argstack)))

    return Recording


def _calls(base: type, streams: list[PDFStream], parents: set[int]) -> list[tuple]:
    from pdfminer.pdfdevice import PDFDevice
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.utils import MATRIX_IDENTITY

    rsrcmgr = PDFResourceManager()
    interpreter = _recording(base)(rsrcmgr, PDFDevice(rsrcmgr))
    interpreter.parent_stream_ids.update(parents)
    interpreter.init_resources({})
    interpreter.init_state(MATRIX_IDENTITY)
    interpreter.execute(streams)
    return interpreter.calls


def _stream(data: bytes, objid: int | None) -> PDFStream:
    stream = PDFStream({}, data)
    if objid is not None:
        stream.set_objid(objid, 0)
    return stream


@pytest.mark.parametrize(
    "contents",
    [
        [b"0.5 g f 0.1 0.2 0.3 sc f 9 0.1 0.2 0.3 scn 1 SC f 8 0.5 0.5 0.5 0.5 K 7 f 1 2 cs 3 f"],
        [b"1 2 m 3 m 4 m 5 6 m re 1 2 3 4 re 9 1 2 3 4 5 re Q Q 5 Tc Tc 1 2 Tc [(a) -1 (b)] TJ TJ"],
        [b"/P <</MCID 0>> BDC /Span BDC (x) ' ' unknown 1 2 3 nonsense m Q BI /W 1 /H 1 ID \x00 EI Q", b"7 8 m"],
        [b"((((deep)))) ' 1 2 m 3 m", b"3 4 m Q"],  # read by pdfminer's parser
    ],
)
def test_operators_get_the_same_arguments_as_with_pdfminers_interpreter(contents):
    streams = [_stream(data, objid) for objid, data in enumerate(contents, start=10)]
    skipped = [_stream(b"1 1 m", None), _stream(b"2 2 m", 99)]  # not indirect; already being executed
    ours = _calls(ContentStreamInterpreter, [*streams, *skipped], {99})
    theirs = _calls(PDFPageInterpreter, [*streams, *skipped], {99})
    assert len(ours) == len(theirs) >= 4
    for a, b in zip(ours, theirs):
        assert len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)), (a, b)


def test_strict_mode_is_pdfminers_own(monkeypatch):
    monkeypatch.setattr("pdfminer.settings.STRICT", True)
    for base in (ContentStreamInterpreter, PDFPageInterpreter):
        with pytest.raises(Exception, match="Unknown operator") as raised:
            _calls(base, [_stream(b"1 2 m unknown 3 4 m", 10)], set())
        assert type(raised.value).__name__ == "PDFInterpreterError"


def test_form_xobjects_are_read_by_the_same_interpreter():
    from pdfminer.pdfdevice import PDFDevice
    from pdfminer.pdfinterp import PDFResourceManager

    rsrcmgr = PDFResourceManager()
    interpreter = ContentStreamInterpreter(rsrcmgr, PDFDevice(rsrcmgr))
    interpreter.stream_ids.add(7)
    form = interpreter.subinterp()
    assert type(form) is ContentStreamInterpreter and form.parent_stream_ids == {7}
