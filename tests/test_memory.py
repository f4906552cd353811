"""A pack's memory stays flat in its length: pages are parsed once and released past a budget,
and a released page still gives every reader all of its characters."""

from __future__ import annotations

import tracemalloc

import pdfplumber
import pytest

from extractors import pdf_pages
from extractors.pack import extract_pack
from extractors.pdf_pages import PackedChars, PageKeeper, hold_page, parse_page, release_page
from tests.conftest import KENT, TAMESIDE_PDF
from tests.long_packs import ROWS_PER_PAGE, long_pack

QPR = KENT / "cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf"


def test_a_released_page_gives_back_every_character():
    with pdfplumber.open(QPR) as pdf:
        page = parse_page(pdf.pages[0])
        chars, rects = list(page.chars), list(page.rects)
        tables = page.extract_tables()
        release_page(page)
        assert isinstance(page.objects["char"], PackedChars)
        assert page.rects == rects
        # Read while released (unpacked on use), then held (unpacked once).
        assert list(page.chars) == chars and page.extract_tables() == tables
        assert type(hold_page(page).chars) is list and page.chars == chars


def test_the_keeper_holds_no_more_than_its_budget():
    with pdfplumber.open(TAMESIDE_PDF) as pdf:
        pages = pdf.pages[:12]
        keeper = PageKeeper(budget=4000)
        counts = [len(parse_page(p).chars) for p in pages]
        for page in pages:
            keeper.hold(page)
        assert keeper.most_held <= 4000 + max(counts)
        released = [p for p in pages if isinstance(p.objects.get("char"), PackedChars)]
        assert released and len(released) < len(pages)


def _extraction_peak(tmp_path, pages: int) -> int:
    path = long_pack(pages, tmp_path / f"long-{pages}.pdf")
    tracemalloc.start()
    try:
        result = extract_pack(path, path.name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.frames["action_plan"]) == ROWS_PER_PAGE * pages
    return peak


def test_peak_memory_is_flat_in_pack_length(tmp_path, monkeypatch):
    # A small budget, so that short generated packs show what a 1,000-page pack does.
    monkeypatch.setattr(pdf_pages, "HELD_CHARS", 5000)
    short, long = _extraction_peak(tmp_path, 5), _extraction_peak(tmp_path, 20)
    # Kept whole, 15 more pages of characters would add some 22 MB (about 1.5 MB a page).
    assert long - short < 6 * 2**20, (short, long)


@pytest.mark.parametrize("budget", [0])
def test_rows_are_the_same_when_every_page_is_released(monkeypatch, budget):
    whole = extract_pack(TAMESIDE_PDF, "t")
    monkeypatch.setattr(pdf_pages, "HELD_CHARS", budget)
    released = extract_pack(TAMESIDE_PDF, "t")
    for name, frame in whole.frames.items():
        assert frame.equals(released.frames[name]), name
    assert whole.quality == released.quality
