"""The table reader: colours, dates, header mapping, stitching across pages, and RAG fills."""

from __future__ import annotations

import datetime as dt
import json
import re

import pdfplumber
import pytest

from extractors.action_plan import extract_action_plans
from extractors.colour import rag_from_rgb, to_rgb
from extractors.header_map import ACTION_PLAN_INDEX, build_index, map_headers
from extractors.pdf_pages import read_page
from extractors.rag import read_rag
from extractors.table_reader import read_tables
from extractors.text import normalise, parse_plan_date
from tests.conftest import CORPUS, KENT
from tests.pdf_builder import PageSpec, write_pdf

QPR = KENT / "cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf"
QPR_TRUTH = CORPUS / "uk_council/kent_cc/ground_truth/QPR_Q3_appendix1_pages4-7.json"


@pytest.mark.parametrize(
    ("colour", "rgb"),
    [
        ((0.5,), (0.5, 0.5, 0.5)),
        (0.25, (0.25, 0.25, 0.25)),
        ((1.0, 0.75, 0.0), (1.0, 0.75, 0.0)),
        ((0.0, 0.25, 1.0, 0.0), (1.0, 0.75, 0.0)),
        ((0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 0.0)),
        ("P0", None),
        (None, None),
    ],
)
def test_colour_spaces_normalise_to_rgb(colour, rgb):
    assert to_rgb(colour) == rgb


@pytest.mark.parametrize(
    ("rgb", "rag"),
    [
        ((1.0, 0.0, 0.0), "RED"),
        ((0.75, 0.0, 0.0), "RED"),
        ((1.0, 0.75, 0.0), "AMBER"),
        ((1.0, 0.6, 0.0), "AMBER"),
        ((0.0, 1.0, 0.0), "GREEN"),
        ((0.0, 0.69, 0.31), "GREEN"),
        ((0.0, 0.44, 0.75), "BLUE"),
        ((1.0, 1.0, 1.0), None),
        ((0.85, 0.85, 0.85), None),
        ((0.0, 0.0, 0.0), None),
        (None, None),
    ],
)
def test_fill_to_rag(rgb, rag):
    assert rag_from_rgb(rgb) == rag


def test_text_wins_over_fill_and_words_map():
    assert read_rag("Complete", (1.0, 0.0, 0.0)) == "BLUE"
    assert read_rag("On track", None) == "GREEN"
    assert read_rag("G", None) == "GREEN"
    assert read_rag("", (1.0, 0.75, 0.0)) == "AMBER"
    assert read_rag("see note", None) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Sep 23", dt.date(2023, 9, 1)),
        ("Sept 24", dt.date(2024, 9, 1)),
        ("June 24", dt.date(2024, 6, 1)),
        ("March 2024", dt.date(2024, 3, 1)),
        ("31/03/2024", dt.date(2024, 3, 31)),
        ("31 March 2024", dt.date(2024, 3, 31)),
        ("Mar\n2026", dt.date(2026, 3, 1)),
        ("Ongoing", None),
        ("2027", None),
        ("Sep 23 - Mar 24", None),
        ("31/02/2024", None),
    ],
)
def test_plan_dates(text, date):
    assert parse_plan_date(text) == date


def test_header_synonyms_ignore_case_and_punctuation():
    fields = map_headers(["REF.", "What we will do", "Owner", "Due date", "RAG status", "Progress update", "Budget (£k)"], ACTION_PLAN_INDEX)
    assert fields == ["ref", "action", "lead", "end_date", "action_rag", "commentary", None]
    assert map_headers(["#", "Action"], ACTION_PLAN_INDEX) == ["ref", "action"]


def test_duplicated_header_resolved_by_position():
    headers = ["Ref.", "Actions", "Lead", "Start Date", "Start Date", "Action RAG"]
    reference = ["ref", "action", "lead", "start_date", "end_date", "action_rag"]
    assert map_headers(headers, ACTION_PLAN_INDEX, reference) == reference
    assert map_headers(headers, ACTION_PLAN_INDEX)[4] == "end_date", "without a reference the partner field is used"


def test_a_header_listed_twice_in_the_synonyms_is_refused():
    with pytest.raises(ValueError, match="listed for both"):
        build_index({"lead": ("Owner",), "commentary": ("owner",)})


# -- a made-up action log, drawn into a PDF ---------------------------------------------------

COLUMNS = [40, 80, 300, 400, 470, 540, 700, 780]
HEADERS = ["No.", "Action", "Owner", "Due date", "Status", "Progress update", "Cost"]
ROWS = [
    ("1", "Recruit two senior social workers", "Head of Service", "Sep 23", ("Complete", None), "Both in post", "£90k"),
    ("2", "Review the front door threshold", "AD Children", "31/03/2024", ("", (0.0, 0.69, 0.31)), "On plan", ""),
    ("3", "Audit fifty case files", "Principal SW", "March 2024", ("", (0.0, 0.25, 1.0, 0.0)), "Half done", ""),
    ("4", "Publish the practice standards", "DCS", "June 24", ("", (0.8,)), "", ""),
    ("5", "Launch the multi-", "QA Lead", "Ongoing", ("Delayed", None), "", ""),
    ("6", "Train all team managers", "L&D", "Jan 25", ("R", None), "Booked", ""),
]


def _draw_rows(page: PageSpec, rows, top: float, header: bool) -> None:
    ys = [top]
    if header:
        for x, text in zip(COLUMNS, HEADERS):
            page.text(x + 3, top + 4, text, 9, bold=True)
        ys.append(top + 20)
    for row in rows:
        y = ys[-1]
        ref, action, owner, due, (status, fill), update, cost = row
        if fill is not None:
            page.fill_rect(COLUMNS[4], y, COLUMNS[5], y + 30, fill)
        for x, text in zip(COLUMNS, (ref, action, owner, due, status, update, cost)):
            page.text(x + 3, y + 4, text, 9)
        if ref == "5":
            page.text(COLUMNS[1] + 3, y + 16, "agency training", 9)
        ys.append(y + 30)
    page.grid(COLUMNS, ys)


def _plan_pdf(tmp_path, split: int, repeat_header: bool = True):
    first, second = PageSpec(), PageSpec()
    first.text(40, 20, "1: QUALITY OF PRACTICE", 12, bold=True)
    first.text(40, 36, "Lead: Director of Children's Services", 10)
    _draw_rows(first, ROWS[:split], 60, header=True)
    _draw_rows(second, ROWS[split:], 60, header=repeat_header)
    return write_pdf(tmp_path / f"plan-{split}.pdf", [first, second])


def _tables(pdf):
    return [table for page in pdf.pages for table in read_tables(page)]


def _extract(path):
    with pdfplumber.open(path) as pdf:
        return extract_action_plans(_tables(pdf), [read_page(p) for p in pdf.pages], "Action Log")


@pytest.mark.parametrize("split", range(1, len(ROWS)))
def test_action_log_split_at_every_row_boundary(tmp_path, split):
    result = _extract(_plan_pdf(tmp_path, split))
    assert [r["ref"] for r in result.rows] == [r[0] for r in ROWS]
    assert [r["page"] for r in result.rows] == [1] * split + [2] * (len(ROWS) - split)
    assert len(result.tables) == 1 and result.tables[0]["header_matches"] == 2


@pytest.mark.parametrize("split", [2, 4])
def test_continuation_page_without_header_joins_by_geometry(tmp_path, split):
    result = _extract(_plan_pdf(tmp_path, split, repeat_header=False))
    assert [r["ref"] for r in result.rows] == [r[0] for r in ROWS]


def test_action_log_values(tmp_path):
    rows = {r["ref"]: r for r in _extract(_plan_pdf(tmp_path, 3)).rows}
    assert rows["1"]["action_rag"] == "BLUE", "the word Complete"
    assert rows["2"]["action_rag"] == "GREEN", "an RGB fill"
    assert rows["3"]["action_rag"] == "AMBER", "a CMYK fill"
    assert rows["4"]["action_rag"] is None, "a grey fill is no rating"
    assert rows["5"]["action_rag"] == "AMBER" and rows["6"]["action_rag"] == "RED"
    assert rows["2"]["end_date"] == dt.date(2024, 3, 31) and rows["1"]["end_date"] == dt.date(2023, 9, 1)
    assert rows["5"]["end_date"] is None and json.loads(rows["5"]["extra"]) == {"Due date": "Ongoing"}
    assert json.loads(rows["1"]["extra"]) == {"Cost": "£90k"}, "an unknown column is kept in extra"
    assert rows["5"]["action"] == "Launch the multi-agency training", "hyphenation repaired across lines"
    assert rows["1"]["priority"] == "1: QUALITY OF PRACTICE"
    assert rows["1"]["priority_lead"] == "Director of Children's Services"
    assert rows["1"]["lead"] == "Head of Service" and rows["1"]["commentary"] == "Both in post"


def test_row_split_by_a_page_break_is_one_row(tmp_path):
    first, second = PageSpec(), PageSpec()
    _draw_rows(first, ROWS[:2], 60, header=True)
    _draw_rows(second, [("", "and report to the board", "", "", ("", None), "", ""), *ROWS[2:4]], 60, header=True)
    with pdfplumber.open(write_pdf(tmp_path / "split-row.pdf", [first, second])) as pdf:
        result = extract_action_plans(_tables(pdf), [read_page(p) for p in pdf.pages], "Action Log")
    assert [r["ref"] for r in result.rows] == ["1", "2", "3", "4"]
    assert result.rows[1]["action"] == "Review the front door threshold and report to the board"
    assert result.rows[1]["page"] == 1
    assert result.tables[0]["rows_joined_across_pages"] == 1


# -- the real Kent QPR: RAG fills read by the table reader -----------------------------------


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", normalise(text)).strip().lower()


def test_qpr_rag_fills_match_the_hand_checked_truth():
    truth = json.loads(QPR_TRUTH.read_text())
    expected = {(t["page"], _key(r["indicator"])): r for t in truth["tables"] for r in t["rows"]}
    found = {}
    with pdfplumber.open(QPR) as pdf:
        for page_number in range(4, 8):
            for table in read_tables(pdf.pages[page_number - 1]):
                for row in table.rows:
                    cells = [c for c in row.cells if c is not None]
                    if len(cells) >= 3 and (page_number, _key(cells[0].text)) in expected:
                        found[(page_number, _key(cells[0].text))] = (rag_from_rgb(cells[1].fill), rag_from_rgb(cells[2].fill))
    assert len(expected) == 38
    assert set(found) == set(expected)
    for key, row in expected.items():
        assert found[key] == (row["rag_latest"], row["rag_previous"]), key


def test_low_confidence_table_is_rejected_not_published(tmp_path):
    page = PageSpec()
    columns = [40, 80, 260, 340, 420, 500, 580, 660, 740]
    headers = ["No.", "Action", "Owner", "Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    for x, text in zip(columns, headers):
        page.text(x + 3, 64, text, 9, bold=True)
    for x, text in zip(columns, ["1", "Do the thing", "Someone", "a", "b", "c", "d", "e"]):
        page.text(x + 3, 84, text, 9)
    page.grid(columns, [60, 80, 100])
    with pdfplumber.open(write_pdf(tmp_path / "odd.pdf", [page])) as pdf:
        result = extract_action_plans(_tables(pdf), [read_page(p) for p in pdf.pages], "Odd")
    assert result.rows == []
    assert len(result.rejected) == 1 and "38%" in result.rejected[0][1]
    assert result.tables[0]["status"].startswith("quarantined")


def test_table_typeset_sideways_is_read_upright():
    from extractors.pdf_pages import upright_page

    with pdfplumber.open(CORPUS / "camelot/benchmark/lattice/rotated/rotated.pdf") as pdf:
        page = upright_page(pdf.pages[0])
        (table, *_) = read_tables(page)
    assert page.rotation == 90 and page.width > page.height
    texts = [[(c.text if c else None) for c in row.cells] for row in table.rows]
    assert texts[0][0] == "State"
    assert texts[2][:5] == ["Kerala", "5738", "6633", "8864", "8297"]


def test_upright_page_leaves_a_margin_stamp_alone():
    from extractors.pdf_pages import upright_page
    from tests.conftest import TAMESIDE_PDF

    with pdfplumber.open(TAMESIDE_PDF) as pdf:
        page = pdf.pages[16]  # a landscape page with "Page 15" rotated in its margin
        assert upright_page(page) is page
