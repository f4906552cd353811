"""The page parsing layer builds exactly the objects pdfplumber would, once per page."""

from __future__ import annotations

import pdfplumber
import pytest

from extractors.pdf_pages import parse_page, read_page
from tests.conftest import KENT, TAMESIDE_PDF

PDFS = [
    TAMESIDE_PDF,
    KENT / "cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf",
    KENT / "full_council/2025-03-13/originals/Printed minutes 13th-Mar-2025 10.00 County Council.pdf",
]


def _comparable(objects: dict[str, list[dict]]) -> dict[str, list[dict]]:
    # An image's stream and colour space are objects of the open file: compare what they say, not which object they are.
    return {kind: [{k: v if kind != "image" else repr(v) for k, v in obj.items()} for obj in found] for kind, found in objects.items()}


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_parsed_objects_equal_pdfplumbers_own(path):
    with pdfplumber.open(path) as ours, pdfplumber.open(path) as theirs:
        assert len(ours.pages) == len(theirs.pages) > 0
        for mine, reference in zip(ours.pages, theirs.pages):
            parsed = parse_page(mine).objects
            assert parsed["char"], mine.page_number
            assert _comparable(parsed) == _comparable(reference.objects), mine.page_number


def test_a_page_is_parsed_once_and_its_layout_tree_let_go():
    with pdfplumber.open(TAMESIDE_PDF) as pdf:
        page = pdf.pages[3]
        text = read_page(page)
        objects = page.objects
        assert "_layout" not in page.__dict__
        assert read_page(page).text == text.text and "Tameside" in pdf.pages[0].extract_text()
        assert page.objects is objects
