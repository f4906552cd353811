"""Write small PDFs for tests: text, ruled cells, filled rectangles in any colour space, curves.

Only what the tests need, using the standard Helvetica fonts so no font files are embedded.
Coordinates are top-left based like pdfplumber's (y grows downwards); the builder flips them.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@dataclass
class PageSpec:
    """Drawing operations of one page."""

    width: float = 842.0
    height: float = 595.0
    ops: list[str] = field(default_factory=list)
    images: list[list[list[int]]] = field(default_factory=list)

    def _y(self, top: float) -> float:
        return self.height - top

    def text(self, x: float, top: float, text: str, size: float = 10.0, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        self.ops.append(f"BT /{font} {size:g} Tf 1 0 0 1 {x:g} {self._y(top) - size:g} Tm ({_escape(text)}) Tj ET")

    def fill_rect(self, x0: float, top: float, x1: float, bottom: float, colour: tuple[float, ...]) -> None:
        operator = {1: "g", 3: "rg", 4: "k"}[len(colour)]
        values = " ".join(f"{v:g}" for v in colour)
        self.ops.append(f"q {values} {operator} {x0:g} {self._y(bottom):g} {x1 - x0:g} {bottom - top:g} re f Q")

    def line(self, x0: float, top: float, x1: float, bottom: float, width: float = 0.75) -> None:
        self.ops.append(f"q {width:g} w 0 G {x0:g} {self._y(top):g} m {x1:g} {self._y(bottom):g} l S Q")

    def grid(self, xs: list[float], ys: list[float]) -> None:
        """Ruling lines for a table with column edges `xs` and row edges `ys`."""
        for y in ys:
            self.line(xs[0], y, xs[-1], y)
        for x in xs:
            self.line(x, ys[0], x, ys[-1])

    def symbol(self, x: float, top: float, code: int, size: float = 10.0) -> None:
        """One character of the standard Symbol font by its code (0xAD is an up arrow)."""
        self.ops.append(f"BT /F3 {size:g} Tf 1 0 0 1 {x:g} {self._y(top) - size:g} Tm <{code:02X}> Tj ET")

    def wingding(self, x: float, top: float, code: int, size: float = 10.0) -> None:
        """A character whose text is a Wingdings private-use code point (0xE9 reads U+F0E9, an up arrow)."""
        self.ops.append(f"BT /F4 {size:g} Tf 1 0 0 1 {x:g} {self._y(top) - size:g} Tm <{code:02X}> Tj ET")

    def image(self, x0: float, top: float, x1: float, bottom: float, pixels: list[list[int]]) -> None:
        """A grey-scale image (rows of 0-255 values) drawn into the box."""
        self.images.append(pixels)
        name = f"Im{len(self.images)}"
        self.ops.append(f"q {x1 - x0:g} 0 0 {bottom - top:g} {x0:g} {self._y(bottom):g} cm /{name} Do Q")

    def polygon(self, points: list[tuple[float, float]], colour: tuple[float, float, float] = (0, 0, 0)) -> None:
        """A filled closed shape (drawn as a path: pdfplumber reports it as a curve)."""
        first, *rest = points
        path = f"{first[0]:g} {self._y(first[1]):g} m " + " ".join(f"{x:g} {self._y(y):g} l" for x, y in rest)
        r, g, b = colour
        self.ops.append(f"q {r:g} {g:g} {b:g} rg {path} h f Q")


def write_pdf(path: Path, pages: list[PageSpec]) -> Path:
    """Write the pages to `path` as a minimal, valid PDF."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    symbol = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Symbol /Encoding << /Differences [171 /arrowboth 173 /arrowup 175 /arrowdown] >> >>")
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Wing def "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        b"1 beginbfrange <E7> <EA> <F0E7> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    to_unicode = add(stream_object(cmap))
    wingdings = add(f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode {to_unicode} 0 R >>".encode())
    pages_id = len(objects) + 1
    objects.append(b"")  # the page tree, filled in below
    kids = []
    for page in pages:
        stream = zlib.compress("\n".join(page.ops).encode("cp1252"))
        content = add(stream_object(stream, "/Filter /FlateDecode "))
        xobjects = []
        for number, pixels in enumerate(page.images, start=1):
            data = zlib.compress(bytes(v for row in pixels for v in row))
            head = f"/Type /XObject /Subtype /Image /Width {len(pixels[0])} /Height {len(pixels)} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
            ref = add(stream_object(data, head))
            xobjects.append(f"/Im{number} {ref} 0 R")
        kids.append(
            add(
                (
                    f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {page.width:g} {page.height:g}] "
                    f"/Resources << /Font << /F1 {font} 0 R /F2 {bold} 0 R /F3 {symbol} 0 R /F4 {wingdings} 0 R >> "
                    f"/XObject << {' '.join(xobjects)} >> >> /Contents {content} 0 R >>"
                ).encode()
            )
        )
    objects[pages_id - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    path.write_bytes(pdf_file(objects, catalog))
    return path


def stream_object(data: bytes, head: str = "") -> bytes:
    """The body of a stream object holding `data` (`head`: more entries for its dictionary)."""
    return f"<< /Length {len(data)} {head}>>\nstream\n".encode() + data + b"\nendstream"


def pdf_file(objects: list[bytes], catalog: int) -> bytes:
    """A PDF file of the object bodies (object n is objects[n - 1]) with a cross-reference table;
    `catalog` is the number of the document catalog."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
