"""Dataset tables ruled by hairlines, dotted rules, rules between rows only, or nothing, each drawn
into a small PDF and read through the whole pack extractor into exact dataset rows."""

from __future__ import annotations

import json

import pytest

from tests.pdf_builder import PageSpec
from tests.test_layouts import PALE_AMBER, PALE_GREEN, PALE_RED, _pack, _records

SCORE_COLUMNS = [40, 90, 330, 410, 480, 550, 620, 720]
SCORE_HEADER = ("Ref", "Indicator", "Target", "Oct-23", "Nov-23", "Dec-23", "RAG")
SCORE_BODY = [
    ("PI1", "Households in temporary accommodation", "150", "162", "158", "149", ("", PALE_GREEN)),
    ("PI2", "Percentage of repairs done on time", "92%", "88%", "90%", "85%", ("", PALE_RED)),
    ("PI3", "Average days to re-let a home", "20", "24", "n/a", "22", ("", PALE_AMBER)),
]
ROW_HEIGHT = 22


def _draw_rows(page: PageSpec, columns: list[float], top: float, rows: list[tuple], height: float = ROW_HEIGHT, bold_first: bool = True) -> list[float]:
    """Cells of (text or (text, fill)); the first row bold unless told. Returns the row edges."""
    ys = [top]
    for index, row in enumerate(rows):
        y = ys[-1]
        for x0, x1, cell in zip(columns, columns[1:], row):
            text, fill = cell if isinstance(cell, tuple) else (cell, None)
            if fill is not None:
                page.fill_rect(x0, y, x1, y + height, fill)
            if text:
                page.text(x0 + 4, y + 6, text, 8, bold=bold_first and index == 0)
        ys.append(y + height)
    return ys


def _rule(page: PageSpec, style: str, x0: float, top: float, x1: float, bottom: float) -> None:
    if style == "hairline":
        page.line(x0, top, x1, bottom, width=0.1)
        return
    length = max(x1 - x0, bottom - top)
    for i in range(0, int(length), 3):  # dots: 1pt marks 2pt apart
        if top == bottom:
            page.line(x0 + i, top, min(x1, x0 + i + 1), bottom, width=0.5)
        else:
            page.line(x0, top + i, x1, min(bottom, top + i + 1), width=0.5)


def _assert_scorecard(result, rags=("GREEN", "RED", "AMBER")) -> None:
    indicators = _records(result.frames["scorecard_indicators"])
    assert [(r["ref"], r["indicator"], r["target"], r["target_low"], r["performance_rag"]) for r in indicators] == [
        ("PI1", "Households in temporary accommodation", "150", 150.0, rags[0]),
        ("PI2", "Percentage of repairs done on time", "92%", 92.0, rags[1]),
        ("PI3", "Average days to re-let a home", "20", 20.0, rags[2]),
    ]
    values = [(v["ref"], v["period"], v["value"], v["value_raw"]) for v in _records(result.frames["scorecard_values"])]
    assert values == [
        ("PI1", "2023-10", 162.0, "162"),
        ("PI1", "2023-11", 158.0, "158"),
        ("PI1", "2023-12", 149.0, "149"),
        ("PI2", "2023-10", 88.0, "88%"),
        ("PI2", "2023-11", 90.0, "90%"),
        ("PI2", "2023-12", 85.0, "85%"),
        ("PI3", "2023-10", 24.0, "24"),
        ("PI3", "2023-11", None, "n/a"),
        ("PI3", "2023-12", 22.0, "22"),
    ]
    assert "scorecard_indicators" not in result.rejected


@pytest.mark.parametrize("style", ["hairline", "dotted"])
def test_scorecard_ruled_by_hairlines_or_dotted_rules(tmp_path, style):
    page = PageSpec()
    page.text(40, 20, "Housing performance scorecard", 14, bold=True)
    ys = _draw_rows(page, SCORE_COLUMNS, 60, [SCORE_HEADER, *SCORE_BODY])
    for y in ys:
        _rule(page, style, SCORE_COLUMNS[0], y, SCORE_COLUMNS[-1], y)
    for x in SCORE_COLUMNS:
        _rule(page, style, x, ys[0], x, ys[-1])
    result = _pack(tmp_path, style, [page])
    _assert_scorecard(result)
    assert result.quality["part_kinds"] == ["scorecard"]


def test_unruled_scorecard_with_rag_and_trend_words(tmp_path):
    page = PageSpec()
    page.text(40, 20, "Housing performance scorecard", 14, bold=True)
    page.text(40, 40, "Figures for the third quarter, reported to the panel each month.", 9)
    columns = [*SCORE_COLUMNS[:-1], 680, 800]
    header = (*SCORE_HEADER, "Trend")
    body = [
        (*SCORE_BODY[0][:-1], "On target", "Improving"),
        (*SCORE_BODY[1][:-1], "Off target", "Declining"),
        (*SCORE_BODY[2][:-1], "Near target", "No change"),
    ]
    _draw_rows(page, columns, 70, [header, *body])  # no rules at all: columns by whitespace
    result = _pack(tmp_path, "unruled", [page])
    _assert_scorecard(result)
    directions = [r["direction"] for r in _records(result.frames["scorecard_indicators"])]
    assert directions == ["up", "down", "flat"]
    assert result.quality["table_search"] == [{"part": 0, "pages_searched": 1, "tables_split": 0, "tables_added": 1}]
    (entry,) = [t for t in result.quality["tables"] if t["kind"] == "scorecard"]
    assert entry["status"] == "published"


@pytest.mark.parametrize("style", ["rules between rows", "header boxed"])
def test_action_plan_ruled_only_between_rows_or_only_in_its_header(tmp_path, style):
    page = PageSpec()
    page.text(40, 20, "Improvement Plan", 14, bold=True)
    columns = [40, 80, 330, 450, 530, 600, 800]
    header = ("Ref", "Action", "Lead", "Due date", "RAG", "Progress update")
    body = [
        ("1.1", "Publish the housing allocations policy", "Head of Housing", "Mar 24", "G", "Published in March"),
        ("1.2", "Recruit two more social workers", "Director of Children's", "Jun 24", "A", "One post filled"),
        ("1.3", "Review the fostering allowances", "Finance Lead", "Sep 24", ("", PALE_RED), "Not yet started"),
    ]
    ys = _draw_rows(page, columns, 60, [header, *body], height=24)
    if style == "header boxed":
        page.grid(columns, ys[:2])
    else:
        for y in ys:
            page.line(columns[0], y, columns[-1], y)  # rules across, no vertical rules
    result = _pack(tmp_path, "horizontal", [page])
    assert result.quality["table_search"][0]["tables_added"] == 1
    rows = _records(result.frames["action_plan"])
    assert [(r["ref"], r["action"], r["lead"], r["end_date"], r["action_rag"], r["commentary"], json.loads(r["extra"])) for r in rows] == [
        ("1.1", "Publish the housing allocations policy", "Head of Housing", "2024-03-01", "GREEN", "Published in March", {}),
        ("1.2", "Recruit two more social workers", "Director of Children's", "2024-06-01", "AMBER", "One post filled", {}),
        ("1.3", "Review the fostering allowances", "Finance Lead", "2024-09-01", "RED", "Not yet started", {}),
    ]
    assert {r["plan_title"] for r in rows} == {"Improvement Plan"}


def test_action_log_refs_restarting_under_each_meeting_are_qualified_by_the_meeting(tmp_path):
    page = PageSpec()
    page.text(40, 20, "Action Log", 14, bold=True)
    columns = [40, 80, 330, 440, 520, 600, 800]
    ys = _draw_rows(page, columns, 50, [("Ref", "Action", "Owner", "Due date", "Status", "Progress update")])
    edges = list(ys)
    top = ys[-1]
    for heading, body in (
        ("Meeting held on 11 July 2023", [("1", "Circulate the budget briefing", "Finance Lead", "Aug 23", "Complete", "Sent"), ("2", "Invite the police commander", "Scrutiny Officer", "Sep 23", "On track", "Booked")]),
        ("Meeting held on 12 September 2023", [("1", "Report on fly-tipping", "Head of Waste", "Nov 23", "At risk", "Data late")]),
    ):
        page.text(columns[0] + 4, top + 6, heading, 8, bold=True)  # a band spanning the table
        page.line(columns[0], top, columns[0], top + ROW_HEIGHT)
        page.line(columns[-1], top, columns[-1], top + ROW_HEIGHT)
        rows_at = _draw_rows(page, columns, top + ROW_HEIGHT, body, bold_first=False)[1:]
        for x in columns:
            page.line(x, top + ROW_HEIGHT, x, rows_at[-1])
        edges += [top + ROW_HEIGHT, *rows_at]
        top = rows_at[-1]
    for y in edges:
        page.line(columns[0], y, columns[-1], y)
    for x in columns:
        page.line(x, ys[0], x, ys[-1])
    result = _pack(tmp_path, "restart", [page])
    rows = _records(result.frames["action_plan"])
    assert [(r["ref"], r["theme"], r["action"], r["action_rag"], r["end_date"]) for r in rows] == [
        ("2023-07-11 / 1", "Meeting held on 11 July 2023", "Circulate the budget briefing", "BLUE", "2023-08-01"),
        ("2023-07-11 / 2", "Meeting held on 11 July 2023", "Invite the police commander", "GREEN", "2023-09-01"),
        ("2023-09-12 / 1", "Meeting held on 12 September 2023", "Report on fly-tipping", "AMBER", "2023-11-01"),
    ]
    assert "action_plan" not in result.rejected
    (entry,) = [t for t in result.quality["tables"] if t["kind"] == "action_plan"]
    assert entry["refs_qualified_by_group"] == 3


# -- columns that cannot be placed ---------------------------------------------------------------


def _scorecard_with(tmp_path, extra_header: str, extra_cells: tuple[str, str]):
    page = PageSpec()
    columns = [40, 80, 330, 400, 470, 700]
    body = [("K1", "Homes built", "120", "G", extra_cells[0]), ("K2", "Roads fixed", "40", "R", extra_cells[1])]
    ys = _draw_rows(page, columns, 50, [("Ref", "Indicator", "Jun-24", "RAG", extra_header), *body])
    page.grid(columns, ys)
    return _pack(tmp_path, "extra", [page])


def test_a_scorecard_text_column_that_cannot_be_placed_quarantines_its_rows(tmp_path):
    result = _scorecard_with(tmp_path, "Wibble", ("Housing", "Highways"))
    assert result.frames["scorecard_indicators"].empty and result.frames["scorecard_values"].empty
    rejected = _records(result.rejected["scorecard_indicators"])
    assert [(r["ref"], r["performance_rag"]) for r in rejected] == [("K1", "GREEN"), ("K2", "RED")]
    assert rejected[0]["reasons"] == "scorecard on page 1: column(s) 'Wibble' (text) could not be placed"
    assert [v["value_raw"] for v in _records(result.rejected["scorecard_values"])] == ["120", "40"]


@pytest.mark.parametrize(("header", "cells"), [("Wibble", ("", "")), ("Comments", ("Up on last year", "Weather")), ("RAG rating Previous", ("A", "R"))])
def test_blank_and_known_unpublished_scorecard_columns_are_not_unplaced(tmp_path, header, cells):
    result = _scorecard_with(tmp_path, header, cells)
    rows = _records(result.frames["scorecard_indicators"])
    assert [(r["ref"], r["indicator"], r["performance_rag"]) for r in rows] == [("K1", "Homes built", "GREEN"), ("K2", "Roads fixed", "RED")]
    assert "scorecard_indicators" not in result.rejected


def test_a_measures_column_that_cannot_be_placed_quarantines_its_rows(tmp_path):
    page = PageSpec()
    columns = [40, 300, 500, 700]
    ys = _draw_rows(page, columns, 50, [("Measure", "Data Source", "Wibble"), ("Pupils attending school", "School census", "Termly"), ("Children in care", "CLA return", "")])
    page.grid(columns, ys)
    result = _pack(tmp_path, "measures", [page])
    assert result.frames["performance_measures"].empty
    rejected = _records(result.rejected["performance_measures"])
    assert [(r["measure"], r["data_source"]) for r in rejected] == [("Pupils attending school", "School census"), ("Children in care", "CLA return")]
    assert rejected[0]["reasons"] == "measures table on page 1: column(s) 'Wibble' could not be placed"


def test_unruled_scorecard_with_rag_fills_and_arrow_glyphs(tmp_path):
    page = PageSpec()
    page.text(40, 20, "Housing performance scorecard", 14, bold=True)
    columns = [*SCORE_COLUMNS[:-1], 680, 800]
    ys = _draw_rows(page, columns, 70, [(*SCORE_HEADER, "DoT"), *[(*row, "") for row in SCORE_BODY]])
    for top, code in zip(ys[1:], (0xAD, 0xAF, 0xAB)):  # Symbol font: up, down, left-right arrows
        page.symbol(columns[-2] + 4, top + 6, code, 8)
    result = _pack(tmp_path, "unruled-fills", [page])
    _assert_scorecard(result)
    assert [r["direction"] for r in _records(result.frames["scorecard_indicators"])] == ["up", "down", "flat"]


def test_scorecard_with_its_header_boxed_and_rows_ruled_across(tmp_path):
    page = PageSpec()
    ys = _draw_rows(page, SCORE_COLUMNS, 60, [SCORE_HEADER, *SCORE_BODY])
    page.grid(SCORE_COLUMNS, ys[:2])  # the header boxed cell by cell
    for y in ys[2:]:
        page.line(SCORE_COLUMNS[0], y, SCORE_COLUMNS[-1], y)  # body rows ruled across
    for x in (SCORE_COLUMNS[0], SCORE_COLUMNS[-1]):
        page.line(x, ys[1], x, ys[-1])
    result = _pack(tmp_path, "header-boxed", [page])
    _assert_scorecard(result)
    assert result.quality["table_search"] == [{"part": 0, "pages_searched": 0, "tables_split": 1, "tables_added": 0}]
