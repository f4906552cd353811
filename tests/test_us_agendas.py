"""US agendas (other layouts): no crash, the pack split into parts that cover it, nothing invented.

The page count comes from the corpus index (counted with another PDF library), and every text value
read is looked for in the page text as pypdfium2 reads it, so neither check leans on our own reader.
"""

from __future__ import annotations

import json
import re

import pypdfium2 as pdfium
import pytest

from extractors.errors import PackError
from extractors.pack import extract_pack
from tests.conftest import CORPUS

US_PDFS = sorted((CORPUS / "us_council").rglob("*.pdf"))
INDEXED_PAGES = {e["file"]: e["pages"] for e in json.loads((CORPUS / "index.json").read_text()) if e.get("pages")}
# Text values that must be found in the PDF's own text when they are read.
TEXT_VALUES = {
    "packs": ("committee", "venue"),
    "agenda_items": ("title",),
    "minutes": ("committee", "chair"),
    "minute_items": ("title",),
}


def _squashed(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _pdfium_text(path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return _squashed(" ".join(page.get_textpage().get_text_range() for page in pdf))
    finally:
        pdf.close()


def test_the_corpus_is_there():
    assert len(US_PDFS) == 37
    assert all(p.relative_to(CORPUS).as_posix() in INDEXED_PAGES for p in US_PDFS)


@pytest.mark.parametrize("path", US_PDFS, ids=lambda p: p.name)
def test_no_crash_and_nothing_invented(path):
    try:
        result = extract_pack(path, path.name)
    except PackError as exc:
        assert exc.code == "no_text"
        assert not _pdfium_text(path), "reported as having no text layer, but pdfium reads text"
        return
    pages = INDEXED_PAGES[path.relative_to(CORPUS).as_posix()]
    assert result.page_count == pages
    documents = result.frames["documents"].sort_values("doc_index")
    # The parts cover the pack: consecutive, no gap, no overlap, first page to last.
    assert documents["doc_index"].tolist() == list(range(len(documents)))
    assert documents["page_from"].iat[0] == 1 and documents["page_to"].iat[-1] == pages
    assert (documents["page_from"].iloc[1:].to_numpy() == documents["page_to"].iloc[:-1].to_numpy() + 1).all()
    text = _pdfium_text(path)
    for dataset, columns in TEXT_VALUES.items():
        for row in result.frames[dataset].to_dict("records"):
            for column in columns:
                value = row[column]
                if isinstance(value, str) and _squashed(value):
                    assert _squashed(value) in text, f"{dataset}.{column} {value!r} is not in the PDF's text"
    kinds = set(documents["kind"])
    if "agenda" not in kinds and "minutes" not in kinds:
        # Not recognised as a meeting paper: reported as a part, with no meeting details guessed.
        (pack,) = result.frames["packs"].to_dict("records")
        assert pack["committee"] is None and pack["meeting_date"] is None and pack["meeting_time"] is None
        assert all(len(result.frames[n]) == 0 for n in ("agenda_items", "minutes", "attendance", "minute_items"))
