"""A pack's memory stays flat in its length: pages are parsed once and released past a budget,
and a released page still gives every reader all of its characters."""

from __future__ import annotations

import tracemalloc

import pdfplumber
import pytest

from extractors import pack, pdf_pages
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


def test_a_page_past_both_budgets_is_forgotten_and_read_again_through_the_keeper():
    with pdfplumber.open(TAMESIDE_PDF) as pdf:
        whole = [list(parse_page(p).chars) for p in pdf.pages[:8]]
    with pdfplumber.open(TAMESIDE_PDF) as pdf:
        pages = pdf.pages[:8]
        keeper = PageKeeper(budget=0, packed_budget=0)
        for page in pages:
            keeper.hold(page)
            keeper.done(page)
        # Only the page read last is held; every other one is forgotten, nothing is packed.
        assert keeper.most_packed == 0
        forgotten = [p for p in pages if "_objects" not in p.__dict__]
        assert len(forgotten) == len(pages) - 1
        # A reader that asks a forgotten page for its characters, without holding it, gets every
        # one of them back, and the keeper counts the page (and lets go of the one before).
        assert list(forgotten[0].chars) == whole[0]
        assert keeper.parsed_again == 1
        assert sum(1 for p in pages if "_objects" in p.__dict__) == 1


def _kept_counts(tmp_path, pages: int, monkeypatch, item_pages: int | None = None) -> tuple[int, int, int]:
    path = long_pack(pages, tmp_path / f"kept-{pages}-{item_pages}.pdf", item_pages)
    keepers = []

    class Recorded(PageKeeper):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            keepers.append(self)

    monkeypatch.setattr(pack, "PageKeeper", Recorded)
    result = extract_pack(path, path.name)
    assert len(result.frames["action_plan"]) == ROWS_PER_PAGE * pages
    (keeper,) = keepers
    return keeper.most_held, keeper.most_packed, keeper.parsed_again


def test_characters_kept_stay_bounded_as_a_pack_grows(tmp_path, monkeypatch):
    # Budgets of a few pages, so that short generated packs show what a 1,000-page pack does.
    monkeypatch.setattr(pdf_pages, "HELD_CHARS", 3000)
    monkeypatch.setattr(pdf_pages, "PACKED_CHARS", 3000)
    per_page = len(pdfplumber.open(long_pack(1, tmp_path / "one.pdf")).pages[0].chars)
    short, long = _kept_counts(tmp_path, 6, monkeypatch), _kept_counts(tmp_path, 24, monkeypatch)
    for held, packed, _ in (short, long):
        assert held <= 3000 + per_page and packed <= 3000
    # The pages past both budgets are parsed a second time, in the second pass, and only once.
    assert 0 < long[2] <= 24


def test_a_stamped_pack_is_read_an_item_at_a_time(tmp_path, monkeypatch):
    # Budgets of a few pages: an unstamped pack of 24 pages would pack and forget pages.
    monkeypatch.setattr(pdf_pages, "HELD_CHARS", 5000)
    monkeypatch.setattr(pdf_pages, "PACKED_CHARS", 0)
    with pdfplumber.open(long_pack(24, tmp_path / "sizes.pdf", item_pages=3)) as pdf:
        per_page = max(len(page.chars) for page in pdf.pages)
    held, packed, again = _kept_counts(tmp_path, 24, monkeypatch, item_pages=3)
    # An item's three pages, and the next item's first page (its stamp ends the item), at most.
    assert held <= 4 * per_page < 5000
    assert packed == 0 and again == 0
    unstamped = _kept_counts(tmp_path, 24, monkeypatch)
    assert unstamped[2] > 0  # the same pages as one document are parsed again past the budget


def test_a_stamped_pack_is_split_into_its_items(tmp_path):
    result = extract_pack(long_pack(12, tmp_path / "items.pdf", item_pages=3), "items.pdf")
    documents = result.frames["documents"]
    assert documents["agenda_item"].tolist() == ["1", "2", "3", "4"]
    assert documents["page_from"].tolist() == [1, 4, 7, 10]
    assert documents["page_to"].tolist() == [3, 6, 9, 12]
    plan = result.frames["action_plan"]
    assert len(plan) == ROWS_PER_PAGE * 12 and plan["page"].tolist() == [n for n in range(1, 13) for _ in range(ROWS_PER_PAGE)]


def test_a_stamped_pack_s_peak_memory_does_not_grow_with_its_items(tmp_path):
    # The product's own budgets: every page here fits in them, yet an item's pages are let go
    # once it is read, so 8 more items (24 pages) add only their rows and text.
    short, long = _extraction_peak(tmp_path, 6, item_pages=3), _extraction_peak(tmp_path, 30, item_pages=3)
    assert long - short < 3 * 2**20, (short, long)


def _extraction_peak(tmp_path, pages: int, item_pages: int | None = None) -> int:
    path = long_pack(pages, tmp_path / f"long-{pages}-{item_pages}.pdf", item_pages)
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
    monkeypatch.setattr(pdf_pages, "PACKED_CHARS", 5000)
    short, long = _extraction_peak(tmp_path, 5), _extraction_peak(tmp_path, 20)
    # Kept whole, 15 more pages of characters would add some 22 MB (about 1.5 MB a page), and
    # kept packed some 2 MB (their characters packed, their rects and lines as they are).
    assert long - short < 2 * 2**20, (short, long)


@pytest.mark.parametrize("packed", [10**9, 0])
def test_rows_are_the_same_when_every_page_is_released_or_forgotten(monkeypatch, packed):
    monkeypatch.setattr(pdf_pages, "HELD_CHARS", 10**9)
    whole = extract_pack(TAMESIDE_PDF, "t")
    monkeypatch.setattr(pdf_pages, "HELD_CHARS", 0)
    monkeypatch.setattr(pdf_pages, "PACKED_CHARS", packed)
    released = extract_pack(TAMESIDE_PDF, "t")
    for name, frame in whole.frames.items():
        assert frame.equals(released.frames[name]), name
    assert whole.quality == released.quality
