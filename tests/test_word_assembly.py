"""Words and cell texts assembled by `extractors.word_assembly` are exactly pdfplumber's own: same
dicts (key order, value types, every bit of a float), same order, same text, on real pages of every
family of the corpus and on generated characters built to hit pdfplumber's edge cases."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pdfplumber.utils import extract_text as plumber_text
from pdfplumber.utils import extract_words as plumber_words

from extractors import word_assembly
from extractors.pdf_pages import open_pdf, parse_page
from extractors.table_reader import TABLE_SETTINGS, cell_texts
from tests.conftest import CORPUS

FAMILIES = ["uk_council", "pdfplumber", "camelot", "tabula_java", "us_council"]
READ_PAGE_ARGS = {"extra_attrs": ["size", "fontname", "upright"], "keep_blank_chars": False}
PAGES_PER_FILE = 2


def _pdfs() -> list[Path]:
    return sorted(p for family in FAMILIES for p in (CORPUS / family).rglob("*.pdf"))


def _sample(count: int) -> list[int]:
    """The first page and one from the middle: every file is covered within the time a test may take."""
    return sorted({0, count // 2})[:PAGES_PER_FILE] if count else []


def _same_words(chars: list[dict], **kwargs) -> None:
    ours = word_assembly.extract_words(chars, **kwargs)
    theirs = plumber_words(chars, **kwargs)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("family", FAMILIES)
def test_words_and_cell_texts_match_pdfplumber_on_the_corpus(family: str) -> None:
    pdfs = [p for p in _pdfs() if p.relative_to(CORPUS).parts[0] == family]
    assert pdfs, family
    pages = cells = readable = 0
    for path in pdfs:
        try:
            pdf = open_pdf(path.read_bytes())
        except Exception:  # unreadable files are the bad-input tests' business
            continue
        readable += 1
        with pdf:
            for index in _sample(len(pdf.pages)):
                page = pdf.pages[index]
                try:
                    chars = parse_page(page).chars
                except Exception:
                    continue
                where = f"{path.relative_to(CORPUS)} p{index + 1}"
                assert repr(word_assembly.extract_words(chars, **READ_PAGE_ARGS)) == repr(page.extract_words(**READ_PAGE_ARGS)), where
                assert repr(word_assembly.extract_words(chars)) == repr(page.extract_words()), where
                pages += 1
                for table in page.find_tables(TABLE_SETTINGS):
                    expected = table.extract()
                    assert cell_texts(table, chars) == expected, where
                    cells += sum(1 for row in expected for cell in row if cell)
    assert readable >= len(pdfs) - 2 and pages >= readable  # every readable file gave a page
    if family in ("uk_council", "camelot", "pdfplumber"):
        assert cells > 100


def _char(text: str, x0: float, top: float, size: float = 10.0, *, upright: bool = True, width: float | None = None, font: str = "Helvetica") -> dict:
    width = size * 0.5 if width is None else width
    height = size if upright else width
    if not upright:
        width, height = size, width
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "doctop": top + 792.0,
        "bottom": top + height,
        "upright": upright,
        "size": size,
        "fontname": font,
        "height": height,
        "width": width,
    }


def _line(text: str, x0: float, top: float, size: float = 10.0, **kw) -> list[dict]:
    return [_char(ch, x0 + i * size * 0.5, top, size, **kw) for i, ch in enumerate(text)]


def _random_chars(rng: random.Random) -> list[dict]:
    """Characters out of order, overlapping and duplicated, blank and empty, ligatures, mixed sizes
    and fonts on one line, some rotated, tops exactly a tolerance apart, integer and float positions."""
    chars: list[dict] = []
    for _ in range(rng.randint(1, 12)):
        top = rng.choice([100, 100.0, 103, 103.0, 106.0000001, 96.5, rng.uniform(50, 300)])
        x0 = rng.choice([72, 72.0, rng.uniform(50, 400)])
        size = rng.choice([8.0, 10.0, 10, 12.5])
        upright = rng.random() > 0.15
        font = rng.choice(["Helvetica", "Helvetica-Bold"])
        text = "".join(rng.choice("ab c\u00a0\ufb01\ufb02.,-x") for _ in range(rng.randint(1, 8)))
        run = _line(text, x0, top, size, upright=upright, font=font)
        for char in run:
            if rng.random() < 0.1:
                char["text"] = ""
            if rng.random() < 0.1:
                char["x0"] -= 4  # starts left of the previous character
            if rng.random() < 0.1:
                char["x1"] += 3  # the next one starts exactly a tolerance past its end, or less
        chars += run
        if rng.random() < 0.3:
            chars += [dict(c) for c in rng.sample(run, k=min(2, len(run)))]  # duplicates
    if rng.random() < 0.7:
        rng.shuffle(chars)
    return chars


@pytest.mark.parametrize("seed", range(400))
def test_generated_characters_match_pdfplumber(seed: int) -> None:
    rng = random.Random(seed)
    chars = _random_chars(rng)
    _same_words(chars)
    _same_words(chars, **READ_PAGE_ARGS)
    _same_words(chars, keep_blank_chars=True)
    assert word_assembly.extract_text(chars) == plumber_text(chars)


def test_tops_exactly_a_tolerance_apart_chain_into_one_line() -> None:
    chars = _line("ab", 72, 100.0) + _line("cd", 90, 103.0) + _line("ef", 110, 106.0) + _line("gh", 130, 109.5)
    words = word_assembly.extract_words(chars)
    assert repr(words) == repr(plumber_words(chars))
    # 100, 103 and 106 chain into one line (each within 3 of the last); 109.5 starts another.
    assert [w["text"] for w in words] == ["ab", "cd", "ef", "gh"]
    assert word_assembly.extract_text(chars) == plumber_text(chars) == "ab cd ef\ngh"


def test_rotated_words_read_top_to_bottom() -> None:
    chars = [_char(ch, 500.0, 100.0 + i * 6, upright=False) for i, ch in enumerate("Page 12")][::-1]
    words = word_assembly.extract_words(chars, **READ_PAGE_ARGS)
    assert repr(words) == repr(plumber_words(chars, **READ_PAGE_ARGS))
    assert [(w["text"], w["direction"]) for w in words] == [("Page", "ttb"), ("12", "ttb")]


def test_a_size_change_splits_a_line_into_runs_in_the_characters_order() -> None:
    chars = _line("Big", 72, 100.0, 12.0) + _line("small", 92, 101.0, 8.0) + _line("Big", 120, 100.0, 12.0)
    words = word_assembly.extract_words(chars, **READ_PAGE_ARGS)
    assert repr(words) == repr(plumber_words(chars, **READ_PAGE_ARGS))
    assert [w["text"] for w in words] == ["Big", "small", "Big"]
    assert [w["text"] for w in word_assembly.extract_words(chars)] == ["Bigsmall", "Big"]


def test_other_options_are_pdfplumber_s_own() -> None:
    chars = _line("a,b c", 72, 100.0)
    assert word_assembly.extract_words(chars, split_at_punctuation=True) == plumber_words(chars, split_at_punctuation=True)
    assert [w["text"] for w in word_assembly.extract_words(chars, split_at_punctuation=True)] == ["a", ",", "b", "c"]
    assert word_assembly.extract_text(chars, layout=True) == plumber_text(chars, layout=True)
    assert word_assembly.extract_text([]) == "" == plumber_text([])

