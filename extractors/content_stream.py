"""A page interpreter that reads content streams with one compiled pattern instead of pdfminer's
byte-at-a-time tokenizer, handing every operator exactly the objects pdfminer's would.

pdfminer's `PDFContentParser` is a state machine fed 4096-byte chunks, with quirks that decide
what an operator receives: unknown escapes dropped from strings, an odd hex digit kept as its own
byte, `#xx` in names, a lone `>` ignored, unclosed arrays swallowing the rest of the stream, an
inline image's data ending at the first `EI` followed by whitespace. `read_content` reproduces
those rules over whole streams; for the few constructs whose result in pdfminer depends on where
a chunk or a stream ends (a token cut by the end of a stream, a backslash-CR escape, an
unterminated string or hex string, nesting deeper than the pattern follows, an inline image
without data or inside an array), it says it is unsure, before any operator has run, and the
interpreter lets pdfminer's own parser read those streams.
"""

from __future__ import annotations

import binascii
import logging
import re
from collections.abc import Sequence

from pdfminer import settings
from pdfminer.pdfinterp import LITERALS_ASCII85_DECODE, PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, resolve1, stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword, PSLiteral, keyword_name, literal_name

# pdfminer's own logger, so the warnings about skipped streams read as they always did.
log = logging.getLogger("pdfminer.pdfinterp")

_WS = b" \t\n\r\x0b\x0c"  # what pdfminer's `\s` and `bytes.isspace` both mean
_HEX_OR_WS = _WS + b"0123456789abcdefABCDEF"
_NOT_NAME = rb"/%\[\]()<>{}\s"
_STRING_BODY = rb"(?:[^()\\]++|\\.)"
# Balanced parentheses three levels deep inside a string; deeper nesting goes to pdfminer.
_STRING = rb"\((?:" + _STRING_BODY + rb"|\((?:" + _STRING_BODY + rb"|\(" + _STRING_BODY + rb"*+\))*+\))*+\)"
TOKEN = re.compile(
    rb"[\s\x00]*+("
    rb"%[^\r\n]*+"  # comment
    rb"|/[^" + _NOT_NAME + rb"]*+"  # name, `#xx` escapes included
    rb"|[-+0-9][0-9]*+(?:\.[0-9]*+)?|\.[0-9]*+"  # number (may be malformed, e.g. a lone '-')
    rb"|[A-Za-z][^#" + _NOT_NAME + rb"]*+"  # keyword (operators, true, false)
    rb"|" + _STRING +
    rb"|<<|>>"
    rb"|<[\s0-9a-fA-F]*+"  # hex string; its terminator is the next token's business
    rb"|[^\s\x00]"  # any other byte is a one-byte keyword; a '(' here never closed
    rb"|\Z)",
    re.S,
)
_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{1,2})?")
_STRING_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.S)
_ESCAPED = {b"b": b"\b", b"t": b"\t", b"n": b"\n", b"f": b"\f", b"r": b"\r", b"(": b"(", b")": b")", b"\\": b"\\"}
_INLINE_EOL = re.compile(rb"(\x0d\x0a|[\x0d\x0a])$")  # pdfminer's trim of an inline image's data
KEYWORD_EI = KWD(b"EI")
# The reader holds a stream set's objects at once (about four bytes per byte of content), where
# pdfminer's parser streams them; a larger set goes to pdfminer to keep memory bounded.
MAX_READ_BYTES = 32 * 2**20
# Distinct tokens remembered per stream set, so a stream of unique numbers cannot grow it unbounded.
MAX_CACHED_TOKENS = 65536


class Unsure(Exception):
    """The reader cannot vouch that pdfminer would read these streams the same way."""


class _Mark:
    """A token that is not an object: it opens or closes a container, or is dropped."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


SKIP, ARRAY, ARRAY_END, DICT, DICT_END, PROC, PROC_END, BEGIN_IMAGE, IMAGE_DATA, UNCLOSED = (
    _Mark(name) for name in ("skip", "[", "]", "<<", ">>", "{", "}", "BI", "ID", "unclosed")
)
_CLOSES = {ARRAY_END: "a", DICT_END: "d", PROC_END: "p"}
_SINGLE = {
    b"[": ARRAY, b"]": ARRAY_END, b"{": PROC, b"}": PROC_END, b"<<": DICT, b">>": DICT_END,
    b">": SKIP, b"(": UNCLOSED, b"BI": BEGIN_IMAGE, b"ID": IMAGE_DATA, b"true": True, b"false": False,
}


def _unescape(match: re.Match) -> bytes:
    code = match[1]
    if code[0] in b"01234567":
        value = int(code, 8)
        if value > 255:  # pdfminer fails an assertion here
            raise Unsure("octal escape above \\377")
        return bytes((value,))
    return _ESCAPED.get(code, b"")  # an unknown escape and a line continuation both vanish


def _convert(token: bytes) -> object:
    """The object (or mark) pdfminer makes of one token's bytes, wherever the token stands."""
    first = token[:1]
    special = _SINGLE.get(token)
    if special is not None:
        return special
    if first == b"%" or not token:
        return SKIP
    if first == b"/":
        name = token[1:]
        if b"#" in name:
            name = _NAME_ESCAPE.sub(lambda m: bytes((int(m[1], 16),)) if m[1] else b"", name)
        try:
            return LIT(str(name, "utf-8"))
        except UnicodeDecodeError:
            return LIT(name)
    if first in b"+-.0123456789":
        try:
            return float(token) if b"." in token else int(token)
        except ValueError:
            return SKIP  # '-', '+', '.', or more digits than int() takes: pdfminer drops them
    if first.isalpha():
        return KWD(token)
    if first == b"(":
        body = token[1:-1]
        if b"\\" in body:
            if b"\\\r" in body:  # pdfminer reads `\` CR LF differently at a 4096-byte chunk edge
                raise Unsure("backslash-CR in a string")
            body = _STRING_ESCAPE.sub(_unescape, body)
        return body
    if first == b"<":
        digits = token[1:].translate(None, _WS)
        if len(digits) % 2:
            return binascii.unhexlify(digits[:-1]) + bytes((int(digits[-1:], 16),))
        return binascii.unhexlify(digits)
    return KWD(token)  # a byte that starts no other token: ')', '\'', '"', '*', ...


def _inline_data(data: bytes, start: int, target: bytes) -> tuple[bytes, int]:
    """pdfminer's `get_inline_data`: the bytes up to `target` plus one whitespace byte, as it scans
    them (a byte that breaks a partial match is consumed, not rescanned), and where it stops."""
    first, second = target[0], target[1]
    end = len(data)
    pos = start
    while True:
        found = data.find(first, pos)
        if found < 0 or found + 2 >= end:
            raise Unsure("inline image data runs to the end of its stream")
        pos = found + 2
        if data[found + 1] != second:
            continue
        pos = found + 3
        if data[found + 2] in _WS:
            break
    return _INLINE_EOL.sub(b"", data[start : pos - 3]), pos


def read_content(datas: Sequence[bytes]) -> list:
    """The objects pdfminer's `PDFContentParser.nextobject()` yields for these (decoded) streams
    of one page or form, in order; raises `Unsure` where pdfminer's answer may differ."""
    if sum(map(len, datas)) > MAX_READ_BYTES:
        raise Unsure("content streams larger than MAX_READ_BYTES")
    out: list = []
    cur = out
    curtype = None
    context: list[tuple[str | None, list]] = []
    cache: dict[bytes, object] = {}
    get = cache.get
    last = len(datas) - 1
    for index, data in enumerate(datas):
        if b"#" in data[-3:]:
            raise Unsure("a name's #xx escape at the end of a stream")
        if index < last and data[-1:] in (b"/", b">"):
            raise Unsure("a token cut by the end of a stream")
        if data.rstrip(_HEX_OR_WS)[-1:] == b"<":
            raise Unsure("a hex string left open at the end of a stream")
        pos = 0
        while pos is not None:
            start, pos = pos, None
            for match in TOKEN.finditer(data, start):
                token = match[1]
                obj = get(token)
                if obj is None:
                    if len(cache) >= MAX_CACHED_TOKENS:
                        cache.clear()
                    obj = cache[token] = _convert(token)
                if obj.__class__ is not _Mark:
                    cur.append(obj)
                elif obj is SKIP:
                    pass
                elif obj is ARRAY or obj is DICT or obj is PROC:
                    context.append((curtype, cur))
                    curtype, cur = ("a" if obj is ARRAY else "d" if obj is DICT else "p"), []
                elif obj in _CLOSES:
                    if curtype != _CLOSES[obj]:
                        continue  # a stray closer: pdfminer drops it
                    objs = cur
                    curtype, cur = context.pop()
                    if obj is DICT_END:
                        if len(objs) % 2:
                            raise Unsure("a dictionary with an odd number of items")  # pdfminer raises
                        cur.append({literal_name(k): v for k, v in zip(objs[::2], objs[1::2]) if v is not None})
                    else:
                        cur.append(objs)
                elif obj is BEGIN_IMAGE:
                    if context:
                        raise Unsure("an inline image inside an array or dictionary")
                    context.append((curtype, cur))
                    curtype, cur = "inline", []
                elif obj is IMAGE_DATA:
                    if curtype != "inline":
                        continue  # pdfminer drops an ID outside BI ... ID
                    objs = cur
                    curtype, cur = context.pop()
                    if len(objs) % 2:
                        continue  # pdfminer drops the ID and reads on
                    pos = _inline_image(objs, data, match.start(1), out)
                    break
                else:  # UNCLOSED
                    raise Unsure("a string left open or nested deeper than three levels")
    return out


def _inline_image(objs: list, data: bytes, id_at: int, out: list) -> int:
    """Append the inline image ending at the first `EI` after `id_at` as pdfminer does; return where
    reading resumes."""
    attrs = {literal_name(k): resolve1(v) for k, v in zip(objs[::2], objs[1::2])}
    target = b"EI"
    filters = attrs.get("F")
    if filters is not None:
        try:
            if isinstance(filters, PSLiteral):
                filters = [filters]
            if filters[0] in LITERALS_ASCII85_DECODE:
                target = b"~>"
        except Exception as exc:  # pdfminer fails the page here
            raise Unsure(f"an inline image filter of type {type(filters).__name__}") from exc
    image, resume = _inline_data(data, id_at + 3, target)
    if target != b"EI":
        image += target
    out.append(PDFStream(attrs, image))
    if target == b"EI":
        out.append(KEYWORD_EI)
    return resume


def stream_datas(streams: Sequence[PDFStream]) -> list[bytes]:
    """The decoded bytes of each stream (what pdfminer's content parser reads).

    A stream not yet decoded is decoded from a copy: pdfminer keeps a decoded stream in the
    stream object, which its document caches for good, so every page read would stay in memory
    (some 12 kB a page) for the rest of the pack."""
    return [_decoded(stream) for stream in streams]


def _decoded(stream: PDFStream) -> bytes:
    if stream.data is not None or stream.rawdata is None:
        return stream.get_data()
    copy = PDFStream(stream.attrs, stream.rawdata, stream.decipher)
    copy.objid, copy.genno = stream.objid, stream.genno
    return copy.get_data()


class ContentStreamInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter with `read_content` as its content-stream reader."""

    def execute(self, streams: Sequence[object]) -> None:
        if settings.STRICT:  # pdfminer then raises on what `read_content` forgives
            super().execute(streams)
            return
        valid_streams: list[PDFStream] = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None:
                log.warning("Execute called on non-indirect object (inline image?) %r", stream)
                continue
            if stream.objid in self.parent_stream_ids:
                log.warning("Refusing to execute circular reference to content stream %d", stream.objid)
            else:
                valid_streams.append(stream)
                self.stream_ids.add(stream.objid)
        try:
            objects = read_content(stream_datas(valid_streams))
        except Exception:  # Unsure, a stream that cannot be decoded, or a fault here: pdfminer decides
            super().execute(valid_streams)
            return
        self._run(objects)

    def _run(self, objects: list) -> None:
        """Dispatch operators as pdfminer's `execute` does: each keyword pops as many arguments as
        its `do_*` method takes, and runs only if there were that many."""
        # Through push and pop, never a local alias of the stack: `sc`, `scn` and their kind pop
        # their own operands, and pdfminer's `pop` replaces the list.
        push, pop = self.push, self.pop
        operators: dict[PSKeyword, tuple | None] = {}
        for obj in objects:
            if obj.__class__ is not PSKeyword:
                push(obj)
                continue
            try:
                operator = operators[obj]
            except KeyError:
                name = keyword_name(obj)
                method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
                if hasattr(self, method):
                    func = getattr(self, method)
                    operator = (func, func.__code__.co_argcount - 1)
                else:
                    operator = None
                operators[obj] = operator
            if operator is None:  # an unknown operator: ignored, its operands stay on the stack
                continue
            func, nargs = operator
            if nargs:
                args = pop(nargs)
                if len(args) == nargs:
                    func(*args)
            else:
                func()
