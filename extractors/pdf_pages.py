"""Open a PDF defensively and turn each page into lines of words with their font facts."""

from __future__ import annotations

import gc
import io
import logging
import marshal
import re
import threading
import unicodedata
import zlib
from collections import OrderedDict, UserList
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from statistics import median

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTPage
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect, PDFXRefFallback
from pdfplumber.page import ALL_ATTRS
from pdfplumber.utils.exceptions import PdfminerException

from extractors.char_records import PLAIN_TYPES, CharRecordDevice, colour_space_name, resolved
from extractors.content_stream import ContentStreamInterpreter
from extractors.errors import PackError
from extractors.text_lines import group_rows, is_bold_font, mostly_bold
from extractors.word_assembly import extract_words

LINE_TOLERANCE = 3.0
# A gap wider than this many font sizes separates columns within one printed line.
SEGMENT_GAP = 2.0
# What parses a page's content streams into pdfminer's layout objects.
PAGE_DEVICE = CharRecordDevice
PAGE_INTERPRETER = ContentStreamInterpreter


@dataclass(frozen=True)
class Segment:
    """Words of a line with no wide gap between them (one column's share of a line)."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class Line:
    """A run of upright words sharing a baseline, and its gap-separated segments."""

    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    segments: tuple[Segment, ...] = ()
    # The line's leading run of bold words ("2466. Public Forum:" before plain minute text).
    bold_lead: str = ""


@dataclass
class PageText:
    """The text of one physical page: upright lines top to bottom, and rotated margin strings."""

    number: int
    width: float
    height: float
    lines: list[Line]
    margin_text: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def check_pdf_bytes(data: bytes) -> None:
    """Raise PackError for input that is plainly not a whole PDF, before any parser sees it."""
    if not data:
        raise PackError("empty", "the file is empty (0 bytes)")
    if b"%PDF-" not in data[:1024]:
        raise PackError("not_pdf", "the file does not start with a %PDF- header; it is not a PDF")
    if b"%%EOF" not in data[-2048:] and b"startxref" not in data[-4096:]:
        raise PackError("truncated", "the file has no %%EOF or startxref trailer; it looks truncated")


def _root_cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's errors in PdfminerException(original); unwrap to the original."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
    return _root_cause(inner) if inner is not None else exc


def as_pack_error(exc: BaseException, during: str) -> PackError:
    """Turn a parser's exception into a PackError with a specific code."""
    cause = _root_cause(exc)
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or re.search("password|encrypt", str(cause), re.I):
        return PackError("encrypted", f"the PDF is encrypted and needs a password ({type(cause).__name__})")
    if isinstance(cause, RecursionError) or "recursion" in str(cause):
        return PackError("malformed", f"the PDF's objects are cyclic or nested too deeply ({during})")
    detail = str(cause) or type(cause).__name__
    return PackError("malformed", f"the PDF cannot be parsed ({during}): {type(cause).__name__}: {detail}")


_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_AT = re.compile(rb"\s*(xref|\d+\s+\d+\s+obj)")
MAX_PAGE_TREE_NODES = 1_000_000


def xref_is_broken(data: bytes) -> bool:
    """True when the last `startxref` is missing or does not point at an xref table or stream."""
    found = list(_STARTXREF.finditer(data[-4096:]))
    if not found:
        return True
    offset = int(found[-1].group(1))
    return offset >= len(data) or not _XREF_AT.match(data, offset)


def page_tree_loops(doc) -> bool:
    """True when the /Pages tree reaches a node twice (a cycle, or a page listed under two parents)."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    stack, seen = [doc.catalog.get("Pages")], set()
    while stack and len(seen) < MAX_PAGE_TREE_NODES:
        ref = stack.pop()
        if isinstance(ref, PDFObjRef):
            if ref.objid in seen:
                return True
            seen.add(ref.objid)
        node = resolve1(ref)
        kids = resolve1(node.get("Kids")) if isinstance(node, dict) else None
        if isinstance(kids, list):
            stack.extend(kids)
    return False


def open_pdf(data: bytes) -> pdfplumber.PDF:
    """Open PDF bytes with pdfplumber, turning parser failures into specific PackErrors."""
    check_pdf_bytes(data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = len(pdf.pages)
        loops = page_tree_loops(pdf.doc)
    except (Exception, RecursionError) as exc:  # pdfminer raises many types, often wrapped in PdfminerException
        error = as_pack_error(exc, "opening the file")
        if error.code == "malformed" and xref_is_broken(data):
            detail = error.message.split(": ", 1)[-1]
            raise PackError("broken_xref", f"the cross-reference table is missing or broken and the file could not be rebuilt ({detail})") from exc
        raise error from exc
    if loops:
        pdf.close()
        raise PackError("cyclic_pages", "the page tree is cyclic (a /Pages node is reached twice); the pages cannot be listed safely")
    return pdf


def repair_note(pdf: pdfplumber.PDF, data: bytes) -> str | None:
    """How the parser had to repair the file's structure to open it (None: it did not), so a read
    that needed a repair is flagged rather than passed off as clean."""
    if any(isinstance(xref, PDFXRefFallback) for xref in pdf.doc.xrefs):
        return "the cross-reference table is missing or broken; the objects were found by scanning the whole file"
    if xref_is_broken(data):
        return "`startxref` does not point at the cross-reference table; the table was found by searching the file"
    return None


# Warnings pdfminer logs when it reads on past damage, and what each means for the pack.
REPAIR_WARNINGS = (
    (re.compile(r"Data-loss while decompressing corrupted data"), "a compressed stream is corrupt; only the data before the damage was read"),
    (re.compile(r"circular reference to content stream"), "a content stream draws itself; the repeat was skipped"),
)


class _RepairLog(logging.Handler):
    def __init__(self, found: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.found = found
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:  # another pack read at the same time in this process
            return
        message = record.getMessage()
        for pattern, reason in REPAIR_WARNINGS:
            if pattern.search(message) and reason not in self.found:
                self.found.append(reason)


@contextmanager
def parser_repairs() -> Iterator[list[str]]:
    """Collect, while the block runs, the damage pdfminer read past (see REPAIR_WARNINGS)."""
    found: list[str] = []
    handler = _RepairLog(found)
    logger = logging.getLogger("pdfminer")
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


def _char_object(page: pdfplumber.page.Page, obj: LTChar, mb_x0: float, mb_top: float) -> dict:
    """pdfplumber's `Page.process_object` for a character, without its per-attribute indirection.

    A page holds thousands of characters and pdfplumber spends about as long turning them into
    dicts as pdfminer spends reading the page; this builds the same dict (a test holds it equal).
    `CharRecordDevice` builds most characters' dicts itself; this is for those it leaves to
    pdfminer's `LTChar` (see `char_records.fallback_reason`).
    """
    attr = {key: value if type(value) in PLAIN_TYPES else resolved(value) for key, value in obj.__dict__.items() if key in ALL_ATTRS}
    attr["object_type"] = "char"
    attr["page_number"] = page.page_number
    attr["ncs"] = colour_space_name(obj.ncs.name)
    text = obj.get_text()
    attr["text"] = text if page.pdf.unicode_norm is None else unicodedata.normalize(page.pdf.unicode_norm, text)
    state = obj.graphicstate
    attr["stroking_color"] = state.scolor if isinstance(state.scolor, tuple) else (state.scolor,)
    attr["non_stroking_color"] = state.ncolor if isinstance(state.ncolor, tuple) else (state.ncolor,)
    if isinstance(attr["fontname"], bytes):
        return page.process_object(obj)  # rare byte-encoded font names: pdfplumber's own repair
    attr["top"] = (page.height - attr["y1"]) + mb_top
    attr["bottom"] = (page.height - attr["y0"]) + mb_top
    attr["doctop"] = page.initial_doctop + attr["top"]
    if mb_x0 != 0:
        attr["x0"] = attr["x0"] + mb_x0
        attr["x1"] = attr["x1"] + mb_x0
    return attr


def _layout_objects(page: pdfplumber.page.Page, items: list) -> list[dict]:
    found: list[dict] = []
    mb_x0, mb_top = page.mediabox[:2]
    laparams = page.pdf.laparams is not None
    for obj in items:
        if type(obj) is dict:  # a character CharRecordDevice made: already pdfplumber's dict
            found.append(obj)
        elif isinstance(obj, LTContainer):
            if laparams:
                found.append(page.process_object(obj))
            found += _layout_objects(page, obj._objs)
        elif type(obj) is LTChar and not hasattr(obj, "scs"):
            found.append(_char_object(page, obj, mb_x0, mb_top))
        else:
            found.append(page.process_object(obj))
    return found


def page_layout(page: pdfplumber.page.Page) -> LTPage:
    """pdfminer's layout tree of a page, as pdfplumber's `Page.layout` builds it (same errors),
    through this module's interpreter and device classes. With `CharRecordDevice` (the default)
    the tree's characters are already pdfplumber's char dicts, not `LTChar`s."""
    if "_layout" in page.__dict__:
        return page._layout
    device = PAGE_DEVICE(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    if isinstance(device, CharRecordDevice):
        device.set_page(page)
    interpreter = PAGE_INTERPRETER(page.pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except Exception as e:
        raise PdfminerException(e) from e
    page._layout = device.get_result()
    return page._layout


def parse_page(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """Parse a page's objects once (what `page.objects` would hold) and let go of pdfminer's layout tree.

    Every later reader of the page (words, tables, colours) uses these objects; the layout tree
    is needed only to build them and holds about a quarter of a parsed page's memory. It is let go
    of when building them fails too: its characters are already dicts, which pdfplumber's own
    `page.objects` could not read.
    """
    try:
        if "_objects" not in page.__dict__:
            objects: dict[str, list[dict]] = {}
            for obj in _layout_objects(page, page_layout(page)._objs):
                if obj["object_type"] != "anno":
                    objects.setdefault(obj["object_type"], []).append(obj)
            page._objects = objects
    finally:
        page.__dict__.pop("_layout", None)
    return page


class PackedChars(UserList):
    """A released page's characters, kept compressed (about a tenth of the dicts' memory).

    Any use reads them back as a fresh list, so a reader that touches a released page still sees
    every character; `hold_page` unpacks them once for a run of readers. Read-only: changes to
    the list are not kept.
    """

    def __init__(self, chars: list[dict]) -> None:  # noqa: D107 - UserList's own list is never used
        self._blob = zlib.compress(marshal.dumps(chars), 1)

    @property
    def data(self) -> list[dict]:  # type: ignore[override]
        return marshal.loads(zlib.decompress(self._blob))


# Page caches pdfplumber builds from the objects (table finding's edges); rebuilt when asked for.
_DERIVED_CACHES = ("_rect_edges", "_curve_edges", "_edges", "_layout")


def release_page(page: pdfplumber.page.Page) -> None:
    """Let go of a parsed page's memory until it is held again: its characters are packed and the
    edges and text maps pdfplumber cached are dropped. Rects, lines, curves and images stay as
    they are (readers of arrows and fills use them; they are few next to the characters).

    A pack's pages are parsed once and released as they are read, so memory stays flat in the
    pack's length.
    """
    objects = page.__dict__.get("_objects")
    if objects is not None:
        chars = objects.get("char")
        if isinstance(chars, list) and chars:
            packed = page.__dict__.get("_packed_chars")
            if packed is None:
                try:
                    packed = PackedChars(chars)
                except ValueError:  # a value marshal cannot store: keep the characters as they are
                    packed = None
                page.__dict__["_packed_chars"] = packed
            if packed is not None:
                objects["char"] = packed
    for name in _DERIVED_CACHES:
        page.__dict__.pop(name, None)
    page.get_textmap.cache_clear()


def hold_page(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page with its characters unpacked (parsed first if it never was), for a run of readers."""
    parse_page(page)
    objects = page.__dict__["_objects"]
    if isinstance(objects.get("char"), PackedChars):
        objects["char"] = objects["char"].data
    return page


# Allocations between young-generation collections while a pack is read (Python's default: 700).
# Parsing makes a dict per character, and collecting every 700 of them costs some 7% of the CPU
# time of a pack, for garbage that is almost never cyclic.
PARSE_GC_THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector triggered less often (then as before)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], PARSE_GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


# Characters a pack keeps unpacked at once (about 1.1 kB each), about what a 60-page pack holds:
# past it the pages read least recently, or marked done, are packed (`release_page`).
HELD_CHARS = 60_000
# Characters of released pages kept packed (about 30 bytes each, plus the page's rects and
# lines, some 0.1 MB a page of ruled tables). A pack is read an agenda item at a time and an
# item's pages are let go once it is read, so only an item longer than HELD_CHARS (a long pack
# without ModernGov's stamps is one item) comes here. Past this budget a released page is
# forgotten (`forget_page`) and parsed again when its item's tables are read, so memory stops
# growing there: some 170 dense pages. On a 1,000-page unstamped pack this budget costs some 5%
# more CPU than one that keeps every page (1,500,000 characters) and 45 MB less at its peak.
PACKED_CHARS = 500_000


class KeptPage(pdfplumber.page.Page):
    """A page whose objects are read through its keeper, so that a reader that comes back to a
    forgotten page (a card's banner, an arrow's curves) has it parsed again and counted against
    the keeper's budget, rather than held outside it for the rest of the pack."""

    _keeper: "PageKeeper"

    @property
    def objects(self) -> dict[str, list[dict]]:  # type: ignore[override]
        if "_objects" not in self.__dict__:
            self._keeper.hold(self)
        return self.__dict__["_objects"]


class PageKeeper:
    """Parsed pages ready to read, up to `budget` characters; past that the pages used least
    recently (or marked done) are released (`release_page`), their characters packed, up to
    `packed_budget` characters of released pages; past that a released page is forgotten
    (`forget_page`) and parsed again when held.

    An agenda item is read in two passes, each in page order: every page's text, then each of its
    parts' tables. A page released in the first pass is the page read last (it is marked done), so
    the item's earliest pages stay ready for the second pass and only the pages past both budgets
    are parsed twice.
    """

    def __init__(self, budget: int | None = None, packed_budget: int | None = None) -> None:
        self.budget = HELD_CHARS if budget is None else budget
        self.packed_budget = PACKED_CHARS if packed_budget is None else packed_budget
        self._held: OrderedDict[int, tuple[pdfplumber.page.Page, int]] = OrderedDict()
        self._packed: dict[int, int] = {}
        self._chars = 0
        self._packed_chars = 0
        # For tests and reports: the most characters held and kept packed at once, and how many
        # times a page was parsed again after being forgotten.
        self.most_held = 0
        self.most_packed = 0
        self.parsed_again = 0

    def hold(self, page: pdfplumber.page.Page) -> pdfplumber.page.Page:
        """The page parsed and unpacked; it counts against the budget until released."""
        key = id(page)
        if key in self._held and "_objects" in page.__dict__:
            self._held.move_to_end(key)
        else:
            if key in self._held:  # closed by someone else meanwhile
                self._chars -= self._held.pop(key)[1]
            if type(page) is pdfplumber.page.Page:
                page.__class__ = KeptPage  # same layout; only `objects` differs
            page.__dict__["_keeper"] = self
            self._packed_chars -= self._packed.pop(key, 0)
            if page.__dict__.pop("_forgotten", False):
                self.parsed_again += 1
            count = len(hold_page(page).__dict__["_objects"].get("char", ()))
            self._held[key] = (page, count)
            self._chars += count
            self.most_held = max(self.most_held, self._chars)
        while self._chars > self.budget and len(self._held) > 1:
            _, (oldest, count) = self._held.popitem(last=False)
            self._chars -= count
            self._release(oldest, count)
        return page

    def _release(self, page: pdfplumber.page.Page, count: int) -> None:
        if self._packed_chars + count <= self.packed_budget:
            release_page(page)
            self._packed[id(page)] = count
            self._packed_chars += count
            self.most_packed = max(self.most_packed, self._packed_chars)
        else:
            forget_page(page)

    def done(self, page: pdfplumber.page.Page) -> None:
        """The page's characters are not needed for now: it is the first to release past the budget."""
        if id(page) in self._held:
            self._held.move_to_end(id(page), last=False)

    def forget(self, page: pdfplumber.page.Page) -> None:
        """Stop keeping a page that will not be read again (if it is, it is parsed anew)."""
        if (held := self._held.pop(id(page), None)) is not None:
            self._chars -= held[1]
        self._packed_chars -= self._packed.pop(id(page), 0)
        forget_page(page)


def forget_page(page: pdfplumber.page.Page) -> None:
    """Drop everything parsed from a page that will not be read again (reading it would parse it anew)."""
    page.close()
    page.__dict__.pop("_packed_chars", None)
    page.__dict__["_forgotten"] = True



ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}


def _join_words(words: list[dict]) -> str:
    """Join words with spaces, except a raised ordinal suffix that touches its number ("10" "th" -> "10th")."""
    text = ""
    for i, word in enumerate(words):
        gap = word["x0"] - words[i - 1]["x1"] if i else 0.0
        ordinal = word["text"] in ORDINAL_SUFFIXES and words[i - 1]["text"][-1:].isdigit() if i else False
        # Words split only by a change of font ("Savings" bold, ":" regular) touch each other.
        if i and (gap < 0.25 or (ordinal and gap < 1.5)):
            text += word["text"]
        else:
            text += (" " if i else "") + word["text"]
    return text


def _bold_lead(words: list[dict]) -> str:
    lead = []
    for word in words:
        if not is_bold_font(word["fontname"]):
            break
        lead.append(word)
    return _join_words(lead) if lead else ""


def _group_lines(words: list[dict]) -> list[Line]:
    lines = []
    for row in group_rows(words, LINE_TOLERANCE):
        segments: list[list[dict]] = [[row[0]]]
        for word in row[1:]:
            if word["x0"] - segments[-1][-1]["x1"] > SEGMENT_GAP * word["size"]:
                segments.append([word])
            else:
                segments[-1].append(word)
        lines.append(
            Line(
                text=_join_words(row),
                top=min(w["top"] for w in row),
                bottom=max(w["bottom"] for w in row),
                x0=row[0]["x0"],
                x1=row[-1]["x1"],
                size=median(w["size"] for w in row),
                bold=mostly_bold(row),
                segments=tuple(Segment(_join_words(seg), seg[0]["x0"], seg[-1]["x1"]) for seg in segments),
                bold_lead=_bold_lead(row),
            )
        )
    return lines


def _margin_strings(chars: list[dict]) -> list[str]:
    """Rebuild strings from rotated characters (ModernGov stamps "Page N" up the margin of landscape pages)."""
    columns: dict[int, list[dict]] = {}
    for char in chars:
        if not char.get("upright", True):
            columns.setdefault(round(char["x0"]), []).append(char)
    strings = []
    for column in columns.values():
        # matrix b > 0: the text runs bottom to top, so reading order is descending `top`.
        upward = column[0]["matrix"][1] > 0
        column.sort(key=lambda c: c["top"], reverse=upward)
        strings.append(re.sub(r"\s+", " ", "".join(c["text"] for c in column)).strip())
    return [s for s in strings if s]


def read_page(page: pdfplumber.page.Page) -> PageText:
    """Return the lines of one page."""
    parse_page(page)
    words = extract_words(page.chars, extra_attrs=["size", "fontname", "upright"], keep_blank_chars=False)
    upright = [w for w in words if w.get("upright", True)]
    return PageText(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        lines=_group_lines(upright),
        margin_text=_margin_strings(page.chars),
    )


def upright_page(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page turned so that most of its text reads left to right (tables typeset sideways).

    A page whose characters mostly run up or down the page is re-read as if its /Rotate said so,
    so that pdfminer reports every object in the turned coordinates. Pages that read normally
    (or carry only a rotated margin stamp) are returned as they are.
    """
    chars = parse_page(page).chars
    sideways = [c for c in chars if not c.get("upright", True)]
    if not chars or len(sideways) * 2 <= len(chars):
        return page
    upward = sum(1 for c in sideways if c["matrix"][1] > 0)
    turn = 90 if upward * 2 >= len(sideways) else 270
    page_obj = page.page_obj
    page_obj.attrs = {**page_obj.attrs, "Rotate": (page.rotation + turn) % 360}
    page_obj.rotate = (page.rotation + turn) % 360
    return pdfplumber.page.Page(page.pdf, page_obj, page_number=page.page_number, initial_doctop=page.initial_doctop)
