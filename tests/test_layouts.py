"""Layout families of other councils, each drawn into a small PDF and read through the whole pack
extractor: tables are found by their content wherever they sit."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from extractors.colour import rag_from_rgb
from extractors.header_map import ACTION_PLAN_INDEX, field_of, header_readings
from extractors.kpi_cards import read_figures
from extractors.pack import extract_pack
from extractors.rag import read_legend, read_rag
from tests.pdf_builder import PageSpec, write_pdf

PALE_GREEN, PALE_AMBER, PALE_RED = (0.776, 0.937, 0.808), (1.0, 0.922, 0.612), (1.0, 0.78, 0.808)
DARK_GREEN, LIGHT_BLUE_HEADER, GREY = (0.0, 0.38, 0.0), (0.867, 0.922, 0.969), (0.85, 0.85, 0.85)
PURPLE = (0.44, 0.19, 0.63)


def _rows(page: PageSpec, columns: list[float], top: float, rows: list[tuple], height: float = 24, bold_first: bool = True) -> list[float]:
    """Draw rows of (text or (text, fill) or None) cells; returns the row edges."""
    ys = [top]
    for index, row in enumerate(rows):
        y = ys[-1]
        for x0, x1, cell in zip(columns, columns[1:], row):
            if cell is None:
                continue
            text, fill = cell if isinstance(cell, tuple) else (cell, None)
            if fill is not None:
                page.fill_rect(x0, y, x1, y + height, fill)
            for line_no, line in enumerate(text.split("\n")):
                page.text(x0 + 3, y + 4 + line_no * 10, line, 8, bold=bold_first and index == 0)
        ys.append(y + height)
    return ys


def _pack(tmp_path, name: str, pages: list[PageSpec]):
    return extract_pack(write_pdf(tmp_path / f"{name}.pdf", pages), name)


def _records(frame) -> list[dict]:
    """Rows as dicts, dates as ISO text, missing values as None."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()} for row in rows]


# -- header words broken by narrow columns -------------------------------------------------------


def test_a_header_broken_by_a_narrow_column_is_read_whole():
    assert header_readings("Actio\nn No")[:2] == ["Actio n No", "Action No"]
    assert field_of("Actio\nn No", ACTION_PLAN_INDEX) == ("ref", "Action No")
    assert field_of("Progress\nupdate", ACTION_PLAN_INDEX) == ("commentary", "Progress update")
    assert field_of("Budget (£k)", ACTION_PLAN_INDEX) == (None, "Budget (£k)")


# -- colours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rgb", "rag"),
    [
        (PALE_GREEN, "GREEN"),  # Excel "Good"
        (PALE_AMBER, "AMBER"),  # Excel "Neutral"
        (PALE_RED, "RED"),  # Excel "Bad"
        (DARK_GREEN, "GREEN"),
        ((0.886, 0.937, 0.855), "GREEN"),  # green accent, lighter 80%
        ((0.612, 0.761, 0.902), "BLUE"),  # blue accent, lighter 40%
        ((0.75, 0.0, 0.0), "RED"),
        ((1.0, 1.0, 0.0), "AMBER"),  # yellow stands for amber
        ((0.93, 0.49, 0.19), "AMBER"),  # Office orange
        (LIGHT_BLUE_HEADER, None),  # a pale blue-grey header tint
        (GREY, None),
        (PURPLE, None),  # no rating's hue: unknown, not guessed
    ],
)
def test_rag_from_fill_by_perceptual_hue(rgb, rag):
    assert rag_from_rgb(rgb) == rag


def test_a_printed_key_decides_what_a_colour_means():
    words = [{"text": "Complete", "x0": 32.0, "x1": 70.0, "top": 10.0, "bottom": 18.0}]
    legend = read_legend([((10.0, 10.0, 24.0, 18.0), PURPLE)], words, ["Blue = complete"])
    assert read_rag("", PURPLE, legend) == "BLUE", "a purple swatch labelled Complete"
    assert read_rag("", PURPLE, None) is None
    assert read_rag("Complete", None, legend) == "BLUE"


@pytest.mark.parametrize(
    ("text", "rag"),
    [("On target", "GREEN"), ("Near target", "AMBER"), ("Off target", "RED"), ("Exceeded", "BLUE"), ("Met", "GREEN"), ("Not met", "RED"), ("At risk", "AMBER")],
)
def test_rag_words(text, rag):
    assert read_rag(text, None) == rag


def test_card_figures():
    figures = read_figures("Latest (Dec-24): 97% | Target: 92-97%, Floor 90% | Previous: 5,473 (Amber)")
    assert (figures["latest"].raw, figures["latest"].period) == ("97%", "2024-12")
    assert figures["target"].raw == "92-97%" and figures["floor"].raw == "90%"
    assert (figures["previous"].raw, figures["previous"].rating) == ("5,473", "AMBER")


# -- action plans ---------------------------------------------------------------------------------

PLAN_COLUMNS = [40, 66, 300, 400, 470, 560, 800]


def test_action_plan_with_a_broken_ref_header_words_themes_and_fills(tmp_path):
    page = PageSpec()
    page.text(40, 20, "Report of the Director of Place", 14, bold=True)
    page.text(40, 40, "The committee is asked to note progress against the plan below.", 9)
    header = [("Actio\nn No", LIGHT_BLUE_HEADER), ("Action", LIGHT_BLUE_HEADER), ("Owner", LIGHT_BLUE_HEADER), ("Due date", LIGHT_BLUE_HEADER), ("Status", LIGHT_BLUE_HEADER), ("Progress update", LIGHT_BLUE_HEADER)]
    ys = _rows(page, PLAN_COLUMNS, 60, [header], height=26)
    # A theme row spanning the table: one bold cell, no inner rules.
    page.text(PLAN_COLUMNS[0] + 3, ys[-1] + 5, "Theme 1: Housing", 9, bold=True)
    theme_top = ys[-1]
    ys2 = _rows(
        page,
        PLAN_COLUMNS,
        theme_top + 20,
        [
            ("1", "Adopt the housing strategy", "Head of Housing", "31/03/2024", "On track", "Draft out"),
            ("2", "Review the allocations policy", "Housing Manager", "June 24", ("", PALE_AMBER), "Consultation late"),
            ("3", "Open the new hostel", "Director", "Sep 24", ("", PALE_RED), ""),
            ("4", "Publish the tenancy strategy", "Housing Manager", "Jan 24", ("Complete", (0.0, 0.44, 0.75)), "Published"),
            ("5", "Train frontline staff", "HR Lead", "Ongoing", ("Not started", None), ""),
        ],
        bold_first=False,
    )
    for y in [ys[0], ys[-1], theme_top + 20, *ys2[1:]]:
        page.line(PLAN_COLUMNS[0], y, PLAN_COLUMNS[-1], y)
    for x in PLAN_COLUMNS:
        page.line(x, ys[0], x, ys[-1])
        page.line(x, theme_top + 20, x, ys2[-1])
    page.line(PLAN_COLUMNS[0], ys[-1], PLAN_COLUMNS[0], theme_top + 20)
    page.line(PLAN_COLUMNS[-1], ys[-1], PLAN_COLUMNS[-1], theme_top + 20)
    result = _pack(tmp_path, "plan", [page])
    rows = {r["ref"]: r for r in _records(result.frames["action_plan"])}
    assert list(rows) == ["1", "2", "3", "4", "5"], "the broken 'Actio / n No' header still keys the rows"
    assert [rows[k]["action_rag"] for k in rows] == ["GREEN", "AMBER", "RED", "BLUE", "RED"]
    assert rows["1"]["end_date"] == "2024-03-31" and rows["2"]["end_date"] == "2024-06-01"
    assert rows["5"]["end_date"] is None and json.loads(rows["5"]["extra"]) == {"Due date": "Ongoing"}
    assert rows["2"]["lead"] == "Housing Manager" and rows["2"]["commentary"] == "Consultation late"
    assert {r["theme"] for r in rows.values()} == {"Theme 1: Housing"}
    assert result.quality["part_kinds"] == ["action_plan"], "a report holding a plan is an action plan by its content"


def test_action_log_without_a_ref_column_grouped_by_meeting(tmp_path):
    page = PageSpec()
    page.text(40, 20, "Action Log", 14, bold=True)
    columns = [40, 300, 400, 480, 560, 800]
    ys = _rows(page, columns, 50, [("Action", "Owner", "Due date", "Status", "Progress update")])
    top = ys[-1]
    page.text(columns[0] + 3, top + 5, "Meeting held on 11 July 2023", 9, bold=True)
    ys2 = _rows(
        page,
        columns,
        top + 20,
        [
            ("Circulate the budget briefing", "Finance Lead", "Aug 23", ("", PALE_GREEN), "Sent"),
            ("Invite the police commander", "Scrutiny Officer", "Sep 23", ("", DARK_GREEN), "Booked"),
        ],
        bold_first=False,
    )
    page.fill_rect(columns[0], ys2[-1], columns[-1], ys2[-1] + 20, GREY)
    page.text(columns[0] + 3, ys2[-1] + 5, "Meeting held on 12 September 2023", 9)  # shaded, not bold
    ys3 = _rows(page, columns, ys2[-1] + 20, [("Report on fly-tipping", "Head of Waste", "Nov 23", ("At risk", None), "Data late")], bold_first=False)
    for y in [*ys, top + 20, *ys2[1:], ys2[-1] + 20, *ys3[1:]]:
        page.line(columns[0], y, columns[-1], y)
    for x in columns:
        page.line(x, ys[0], x, ys[-1])
        page.line(x, top + 20, x, ys2[-1])
        page.line(x, ys2[-1] + 20, x, ys3[-1])
    for x in (columns[0], columns[-1]):
        page.line(x, ys[0], x, ys3[-1])
    rows = _records(_pack(tmp_path, "log", [page]).frames["action_plan"])
    assert [r["ref"] for r in rows] == ["1", "2", "3"], "no printed number: the row's place"
    assert [r["theme"] for r in rows] == ["Meeting held on 11 July 2023"] * 2 + ["Meeting held on 12 September 2023"]
    assert [r["action_rag"] for r in rows] == ["GREEN", "GREEN", "AMBER"]
    assert [r["end_date"] for r in rows] == ["2023-08-01", "2023-09-01", "2023-11-01"]


def test_a_table_claimed_with_low_confidence_is_quarantined_and_reported(tmp_path):
    page = PageSpec()
    columns = [40, 300, 380, 460, 540, 620, 700, 780]
    ys = _rows(page, columns, 50, [("Action", "Owner", "Alpha", "Beta", "Gamma", "Delta", "Status"), ("Do the thing", "Someone", "a", "b", "c", "d", "G")])
    page.grid(columns, ys)
    result = _pack(tmp_path, "odd", [page])
    assert result.frames["action_plan"].empty
    (row,) = _records(result.rejected["action_plan"])
    assert row["action"] == "Do the thing" and "43%" in row["reasons"]
    (entry,) = [t for t in result.quality["tables"] if t["kind"] == "action_plan"]
    assert entry["status"].startswith("quarantined")


# -- scorecards ---------------------------------------------------------------------------------

SC_COLUMNS = [30, 60, 230, 280, 330, 385, 430, 490, 560, 630, 680, 740, 800]
SC_HEADER = ("Ref", "Measure", "Q2\n2022/23", "Q3\n2022/23", "2021/22\nOutturn", "Target", "Regional\nAvg\n2022-23", "CIPFA Nearest\nNeighbours\n(2022/23)", "Statistical\nneighbours", "National", "RAG", "DoT")


def _chart(page: PageSpec, x0: float, top: float, x1: float, bottom: float) -> None:
    """A bar chart drawn with vectors: a frame, gridlines, axis numbers and bars."""
    for i, value in enumerate(("100", "75", "50", "25", "0")):
        y = top + i * (bottom - top) / 4
        page.line(x0, y, x1, y, 0.5)
        page.text(x0 - 20, y - 4, value, 6)
    page.line(x0, top, x0, bottom, 0.5)
    page.line(x1, top, x1, bottom, 0.5)
    for i in range(6):
        page.fill_rect(x0 + 20 + i * 60, top + 30 + i * 5, x0 + 50 + i * 60, bottom, (0.8, 0.8, 1.0))


def test_scorecard_with_a_chart_above_quarters_outturn_benchmarks_words(tmp_path):
    page = PageSpec()
    page.text(30, 14, "Appendix 2 - Performance Report Quarter 3", 13, bold=True)
    _chart(page, 60, 40, 500, 140)
    head = _rows(page, SC_COLUMNS, 140, [SC_HEADER], height=36)
    rows = [
        ["PI 1", "Households in temporary accommodation", "160", "172", "150", "16-20", "175", "181", "170", "tbc", "Off target", "Declining"],
        ["PI 2", "% of invoices paid in 30 days", "93%", "95%", "91%", "92-97%", "94%", "–", "*", "96%", ("", PALE_GREEN), "Improving"],
        ["PI3", "Average days to process a claim", "n/a", "-", "", "<10", "12", "11", "", "", ("Near target", PALE_AMBER), "No change"],
    ]
    ys = _rows(page, SC_COLUMNS, head[-1], [tuple(r) for r in rows], height=24, bold_first=False)
    page.grid(SC_COLUMNS, [head[0], *ys])  # the table's top rule is the chart's bottom gridline
    result = _pack(tmp_path, "scorecard", [page])
    indicators = {r["ref"]: r for r in _records(result.frames["scorecard_indicators"])}
    assert list(indicators) == ["PI1", "PI2", "PI3"]
    assert [indicators[k]["performance_rag"] for k in indicators] == ["RED", "GREEN", "AMBER"]
    assert [indicators[k]["direction"] for k in indicators] == ["down", "up", "flat"]
    assert [indicators[k]["previous_year"] for k in indicators] == ["150", "91%", None]
    assert (indicators["PI1"]["target_low"], indicators["PI1"]["target_high"]) == (16.0, 20.0)
    assert (indicators["PI2"]["target_low"], indicators["PI2"]["target_high"], indicators["PI2"]["unit"]) == (92.0, 97.0, "percent")
    assert (indicators["PI3"]["target_low"], indicators["PI3"]["target_high"]) == (None, 10.0)
    values = {(v["ref"], v["period"]): (v["value"], v["value_raw"]) for v in _records(result.frames["scorecard_values"])}
    assert values[("PI1", "2022/23-Q2")] == (160.0, "160") and values[("PI2", "2022/23-Q3")] == (95.0, "95%")
    assert values[("PI3", "2022/23-Q2")] == (None, "n/a") and values[("PI3", "2022/23-Q3")] == (None, "-")
    benchmarks = {(b["ref"], b["benchmark"]): (b["benchmark_period"], b["value"], b["value_raw"]) for b in _records(result.frames["scorecard_benchmarks"])}
    assert benchmarks[("PI1", "Regional Avg")] == ("2022-23", 175.0, "175")
    assert benchmarks[("PI1", "CIPFA Nearest Neighbours")] == ("2022/23", 181.0, "181")
    assert benchmarks[("PI1", "Statistical neighbours")] == (None, 170.0, "170")
    assert benchmarks[("PI1", "National")] == (None, None, "tbc")
    assert benchmarks[("PI2", "CIPFA Nearest Neighbours")] == ("2022/23", None, "–")
    assert result.quality["part_kinds"] == ["scorecard"], "a part is a scorecard because of the table it holds"


def test_kpi_cards(tmp_path):
    page = PageSpec(width=595, height=842)
    page.text(60, 30, "Key Performance Indicators", 11, bold=True)
    cards = [
        ("Percentage of calls answered", ("GREEN", (0.0, 1.0, 0.0)), "up", "Latest (Dec-24): 97%", "Target: 92-97%, Floor: 90%", "Previous (Sep-24): 95% (Amber)"),
        ("Number of homes brought back into use", ("", PALE_RED), "down", "Latest: 422", "Target: 400 Floor 360", "Previous: 493 (Green)"),
    ]
    top = 50
    for title, rating, arrow, latest, target, previous in cards:
        _boxed_card(page, top, title, rating, (latest, target, previous), [], arrow=arrow, chart_bottom=top + 130)
        top += 200
    result = _pack(tmp_path, "cards", [page])
    rows = _records(result.frames["scorecard_indicators"])
    assert [(r["indicator"], r["target"], r["target_low"], r["target_high"], r["floor"], r["performance_rag"], r["direction"], r["unit"]) for r in rows] == [
        ("Percentage of calls answered", "92-97%", 92.0, 97.0, 90.0, "GREEN", "up", "percent"),
        ("Number of homes brought back into use", "400", 400.0, 400.0, 360.0, "RED", "down", "count"),
    ]
    values = [(v["indicator"], v["period"], v["value"]) for v in _records(result.frames["scorecard_values"])]
    assert values == [("Percentage of calls answered", "2024-12", 97.0), ("Percentage of calls answered", "2024-09", 95.0)]


def _boxed_card(
    page: PageSpec,
    top: float,
    title: str,
    rating: tuple[str, tuple],
    figures: tuple[str, str, str],
    axis: list[str],
    arrow: str | None = None,
    chart_bottom: float | None = None,
) -> None:
    """A card drawn as boxes: title and RAG box (with a vector arrow, "up" or "down", if given),
    a vector chart with its axis labels as text (none: the chart is an image), and the figures row."""
    word, fill = rating
    page.fill_rect(60, top, 476, top + 30, GREY)
    page.text(63, top + 8, title, 10)
    page.fill_rect(476, top, 535, top + 30, fill)
    page.text(485, top + 3, word, 9)
    if arrow:
        tip, tail = (top + 16, top + 28) if arrow == "up" else (top + 28, top + 16)
        page.polygon([(505, tip), (511, (tip + tail) / 2), (508, (tip + tail) / 2), (508, tail), (502, tail), (502, (tip + tail) / 2), (499, (tip + tail) / 2)])
    _chart(page, 90, top + 40, 520, top + 115 if chart_bottom is None else chart_bottom)
    for i, label in enumerate(axis):
        page.text(100 + i * 100, top + 120, label, 8)
    for x0, text in zip((60, 220, 380), figures):
        page.text(x0 + 10, top + 146, text, 9)
    page.grid([60, 220, 380, 535], [top + 140, top + 160])
    for y in (top, top + 30):
        page.line(60, y, 535, y)
    for x in (60, 476, 535):
        page.line(x, top, x, top + 30)
    page.line(60, top + 30, 60, top + 140)
    page.line(535, top + 30, 535, top + 140)


def _body(page: PageSpec, top: float, lines: int) -> None:
    for i in range(lines):
        page.text(60, top + i * 13, "Performance this quarter is set out below against the targets agreed for the year.", 10)


def test_kpi_cards_under_section_banners_with_periods_from_the_chart_axis(tmp_path):
    first, second = PageSpec(width=595, height=842), PageSpec(width=595, height=842)
    # A section banner: bold, larger than the body, in a grey box across the page.
    first.fill_rect(60, 30, 535, 50, GREY)
    first.text(240, 33, "Adult Social Care", 14, bold=True)
    _body(first, 60, 6)
    first.text(60, 145, "Key Performance Indicators", 10, bold=True)  # names a kind of figure, not a service
    _boxed_card(
        first,
        165,
        "Proportion of new assessments completed within 28 days",
        ("AMBER", (1.0, 0.75, 0.0)),
        ("Latest: 74%", "Target: 85%, Floor: 75%", "Previous: 75% (Amber)"),
        ["Jun-24", "Sep-24", "Dec-24", "Mar-25"],
    )
    # The next section's banner is centred, without a box; its first card is printed as text lines.
    second.text(250, 30, "Public Health", 14, bold=True)
    _body(second, 55, 4)
    second.text(60, 120, "Successful completion of drug and alcohol treatment", 10)
    second.text(480, 120, "GREEN", 9)
    for i, label in enumerate(["Q1 2024/25", "Q2 2024/25", "Q3 2024/25"]):
        second.text(100 + i * 140, 200, label, 8)
    for x0, text in ((70, "Latest: 27.4%"), (230, "Target: 25%, Floor: 20%"), (390, "Previous: 28.2% (Green)")):
        second.text(x0, 220, text, 9)
    # A card whose chart is an image: its axis is no text, so it gives no periods.
    _boxed_card(second, 280, "Number of NHS Health Checks delivered", ("", PALE_RED), ("Latest: 5,534", "Target: 5,998, Floor: 5,000", "Previous 5,473 (Red)"), [])
    result = _pack(tmp_path, "sections", [first, second])
    rows = _records(result.frames["scorecard_indicators"])
    assert [(r["page"], r["service_area"], r["indicator"], r["target"], r["floor"], r["performance_rag"], r["unit"]) for r in rows] == [
        (1, "Adult Social Care", "Proportion of new assessments completed within 28 days", "85%", 75.0, "AMBER", "percent"),
        (2, "Public Health", "Successful completion of drug and alcohol treatment", "25%", 20.0, "GREEN", "percent"),
        (2, "Public Health", "Number of NHS Health Checks delivered", "5,998", 5000.0, "RED", "count"),
    ]
    values = [(v["indicator"][:20], v["period"], v["value"], v["value_raw"]) for v in _records(result.frames["scorecard_values"])]
    assert values == [
        ("Proportion of new as", "2025-03", 74.0, "74%"),
        ("Proportion of new as", "2024-12", 75.0, "75%"),
        ("Successful completio", "2024/25-Q3", 27.4, "27.4%"),
        ("Successful completio", "2024/25-Q2", 28.2, "28.2%"),
    ], "the axis's last label is the latest period, the one before it the previous; an image chart gives none"
    axes = [t.get("axis_periods") for t in result.quality["tables"] if t["kind"] == "kpi_cards"]
    assert axes == [["2024-06", "2024-09", "2024-12", "2025-03"], ["2024/25-Q1", "2024/25-Q2", "2024/25-Q3"], None]
    # Each row keeps the boxes it was read from: the title, the RAG box and the figures.
    boxes = result.provenance["scorecard_indicators"]
    card = [b for b in boxes if b["indicator"].startswith("Proportion")]
    assert {b["column"] for b in card} == {"indicator", "performance_rag", "latest", "floor, target", "previous"}
    title = next(b for b in card if b["column"] == "indicator")
    assert (title["page"], round(title["x0"]), round(title["top"]), round(title["x1"]), round(title["bottom"])) == (1, 60, 165, 476, 195)
    latest = [b for b in result.provenance["scorecard_values"] if b["period"] == "2025-03"]
    assert [(b["column"], round(b["x0"]), round(b["top"]), round(b["x1"])) for b in latest] == [("latest", 60, 305, 220)]
    text_value = next(b for b in result.provenance["scorecard_values"] if b["period"] == "2024/25-Q2")
    assert text_value["page"] == 2 and 380 < text_value["x0"] < 400 and text_value["top"] > 215


def test_kpi_tiles_with_their_labels_over_their_figures(tmp_path):
    page = PageSpec(width=595, height=842)
    page.text(60, 30, "Housing Services", 14, bold=True)  # not centred, no box: not a section banner
    columns = [60, 200, 340, 470, 535]
    tiles = [
        ("Average days to re-let council homes", ("On target", PALE_GREEN), ("Current (Mar-25)", "Target", "Last (Dec-24)"), ("21.5", "20-25", "24.0")),
        ("Rent collected as a share of rent due", ("", PALE_AMBER), ("Actual", "Target", "Previous"), ("97.1%", "98%", "97.4%")),
    ]
    top = 60
    for title, rating, labels, figures in tiles:
        ys = [top, top + 30, top + 50, top + 68]
        page.fill_rect(columns[0], ys[0], columns[3], ys[1], GREY)
        page.text(columns[0] + 3, ys[0] + 8, title, 10)
        word, fill = rating
        page.fill_rect(columns[3], ys[0], columns[4], ys[1], fill)
        page.text(columns[3] + 5, ys[0] + 8, word, 8)
        for x0, label, figure in zip(columns, labels, figures):
            page.text(x0 + 5, ys[1] + 5, label, 9)
            page.text(x0 + 5, ys[2] + 4, figure, 11, bold=True)
        for y in ys:
            page.line(columns[0], y, columns[4], y)
        for x in (columns[0], columns[3], columns[4]):
            page.line(x, ys[0], x, ys[1])
        for x in columns:
            page.line(x, ys[1], x, ys[3])
        top += 110
    # The same tile printed as text lines, with no boxes: labels on one line, figures under them.
    text_tile = PageSpec(width=595, height=842)
    text_tile.text(60, 40, "Number of households prevented from becoming homeless", 10)
    text_tile.text(480, 40, "Off target", 9)
    for x0, label, figure in ((70, "Latest (Q3 2024/25)", "412"), (230, "Target", "450"), (390, "Previous (Q2 2024/25)", "398")):
        text_tile.text(x0, 70, label, 9)
        text_tile.text(x0 + 10, 84, figure, 11, bold=True)
    result = _pack(tmp_path, "tiles", [page, text_tile])
    rows = _records(result.frames["scorecard_indicators"])
    assert [(r["service_area"], r["indicator"], r["target"], r["target_low"], r["target_high"], r["floor"], r["performance_rag"]) for r in rows] == [
        (None, "Average days to re-let council homes", "20-25", 20.0, 25.0, None, "GREEN"),
        (None, "Rent collected as a share of rent due", "98%", 98.0, 98.0, None, "AMBER"),
        (None, "Number of households prevented from becoming homeless", "450", 450.0, 450.0, None, "RED"),
    ]
    values = [(v["indicator"][:7], v["period"], v["value"], v["value_raw"]) for v in _records(result.frames["scorecard_values"])]
    assert values == [
        ("Average", "2025-03", 21.5, "21.5"),
        ("Average", "2024-12", 24.0, "24.0"),
        ("Number ", "2024/25-Q3", 412.0, "412"),
        ("Number ", "2024/25-Q2", 398.0, "398"),
    ], "the tile without periods gives no values"
    latest = next(b for b in result.provenance["scorecard_values"] if b["period"] == "2025-03")
    assert (round(latest["x0"]), round(latest["top"]), round(latest["x1"]), round(latest["bottom"])) == (60, 90, 200, 128), "the label and its figure"


def test_an_uneven_axis_gives_no_periods():
    from extractors.kpi_cards import axis_periods
    from extractors.pdf_pages import Line, PageText, Segment

    def page(labels: list[str]) -> PageText:
        segments = tuple(Segment(label, 100 + i * 80, 130 + i * 80) for i, label in enumerate(labels))
        return PageText(1, 595, 842, [Line("  ".join(labels), 100, 108, 100, 130 + 80 * (len(labels) - 1), 8, False, segments)])

    area = (0, 0, 595, 842)
    assert axis_periods(page(["Sep-23", "Dec-23", "Mar-24", "Jun-24"]), area) == ["2023-09", "2023-12", "2024-03", "2024-06"]
    assert axis_periods(page(["Sep-23", "Dec-23", "Jun-24"]), area) == [], "a gap in the series: the last two are not latest and previous"
    assert axis_periods(page(["Sep-23", "Dec-23"]), area) == [], "two labels are no axis"
    assert axis_periods(page(["2021/22", "2022/23", "2023/24"]), area) == []  # years: not a month or quarter series


# -- parts: a report and its appendices ------------------------------------------------------------


def test_a_report_and_each_appendix_are_parts_of_one_item(tmp_path):
    report, scorecard, plan, annex = PageSpec(), PageSpec(), PageSpec(), PageSpec()
    for page in (report, scorecard, plan, annex):
        page.text(700, 12, "Agenda Item 5" if page is report else "", 10)
    report.text(40, 40, "Quarter 3 Performance Report", 16, bold=True)
    report.text(40, 70, "1. The panel is asked to note the performance in Appendix 1 and the plan in Appendix B.", 10)
    scorecard.text(40, 30, "Appendix 1 - Performance Scorecard", 14, bold=True)
    columns = [40, 80, 330, 400, 470, 540, 610]
    ys = _rows(scorecard, columns, 60, [("Ref", "Indicator", "Q1 2024/25", "Q2 2024/25", "Target", "RAG"), ("H1", "Homes built", "120", "140", "130", ("G", None))])
    scorecard.grid(columns, ys)
    plan.text(40, 30, "Appendix B: Improvement Action Plan", 14, bold=True)
    ys = _rows(plan, PLAN_COLUMNS, 60, [("Ref", "Action", "Lead", "Due date", "RAG", "Update"), ("1.1", "Build homes", "Director", "Mar 25", ("A", None), "Slow")])
    plan.grid(PLAN_COLUMNS, ys)
    annex.text(40, 30, "Annex A", 14, bold=True)
    annex.text(40, 60, "Glossary of terms used in this report.", 10)
    result = _pack(tmp_path, "report", [report, scorecard, plan, annex])
    documents = _records(result.frames["documents"])
    assert [(d["kind"], d["agenda_item"], d["title"], d["page_from"], d["page_to"]) for d in documents] == [
        ("report", "5", "Quarter 3 Performance Report", 1, 1),
        ("scorecard", "5", "Appendix 1 - Performance Scorecard", 2, 2),
        ("action_plan", "5", "Appendix B: Improvement Action Plan", 3, 3),
        ("appendix", "5", "Annex A", 4, 4),
    ]
    assert [r["indicator"] for r in _records(result.frames["scorecard_indicators"])] == ["Homes built"]
    (action,) = _records(result.frames["action_plan"])
    assert (action["ref"], action["plan_title"], action["action_rag"]) == ("1.1", "Appendix B: Improvement Action Plan", "AMBER")


def test_a_scorecard_column_of_figures_that_cannot_be_placed_quarantines_its_rows(tmp_path):
    page = PageSpec()
    columns = [40, 80, 330, 400, 470, 540]
    ys = _rows(page, columns, 50, [("Ref", "Indicator", "Jun-24", "Wibble", "RAG"), ("K1", "Homes built", "120", "118", "G"), ("K2", "Roads fixed", "40", "38", "R")])
    page.grid(columns, ys)
    result = _pack(tmp_path, "unplaced", [page])
    assert result.frames["scorecard_indicators"].empty and result.frames["scorecard_values"].empty
    rejected = _records(result.rejected["scorecard_indicators"])
    assert [r["ref"] for r in rejected] == ["K1", "K2"]
    assert "'Wibble' (figures) could not be placed" in rejected[0]["reasons"]
    (entry,) = [t for t in result.quality["tables"] if t["kind"] == "scorecard"]
    assert entry["unplaced_columns"] == ["Wibble"] and entry["status"].startswith("quarantined")


@pytest.mark.parametrize(
    ("header", "period"),
    [
        ("Sep-23", "2023-09"),
        ("Q3 2022/23", "2022/23-Q3"),
        ("Qtr 3 2023/24", "2023/24-Q3"),
        ("Quarter 2 2023-24", "2023/24-Q2"),
        ("2023/24 Q1", "2023/24-Q1"),
        ("2023-24", "2023/24"),
        ("2023/2024", "2023/24"),
        ("2023/24", "2023/24"),
        ("2028", "2028"),
        ("2022/23 Outturn", None),
    ],
)
def test_period_headers_of_other_councils(header, period):
    from extractors.periods import parse_period

    assert parse_period(header) == period


def test_kpi_cards_printed_as_text_without_boxes(tmp_path):
    page = PageSpec(width=595, height=842)
    top = 40
    for title, rating, figures in (
        (("Percentage of household waste", "sent for reuse or recycling"), "AMBER", "Latest (Q3 2024/25): 41.2%   Target: 45%, Floor: 40%   Previous (Q2 2024/25): 43.0% (Green)"),
        (("Number of affordable homes delivered",), "Off target", "Latest: 212   Target: 250   Previous: 198 (Red)"),
    ):
        for i, line in enumerate(title):
            page.text(60, top + i * 13, line, 11, bold=True)
        page.text(480, top, rating, 10, bold=True)
        _chart(page, 90, top + 40, 520, top + 140)
        page.text(90, top + 144, "Q4 23/24   Q1 24/25   Q2 24/25   Q3 24/25", 7)
        page.text(60, top + 165, figures, 9)
        top += 220
    result = _pack(tmp_path, "text-cards", [page])
    rows = _records(result.frames["scorecard_indicators"])
    assert [(r["indicator"], r["target"], r["floor"], r["performance_rag"], r["unit"]) for r in rows] == [
        ("Percentage of household waste sent for reuse or recycling", "45%", 40.0, "AMBER", "percent"),
        ("Number of affordable homes delivered", "250", None, "RED", "count"),
    ]
    values = [(v["period"], v["value"], v["value_raw"]) for v in _records(result.frames["scorecard_values"])]
    assert values == [("2024/25-Q3", 41.2, "41.2%"), ("2024/25-Q2", 43.0, "43.0%")]


def test_scorecard_headers_broken_by_narrow_columns():
    from extractors.scorecard import _header_cell, classify_column

    assert _header_cell("Indic\nator") == "Indicator"
    assert _header_cell("Tar\nget") == "Target"
    assert classify_column(_header_cell("Direc\ntion of\ntravel")).role == "direction"
    assert _header_cell("England\nAverage") == "England Average"


def test_a_printed_key_read_from_the_page_decides_fills(tmp_path):
    page = PageSpec()
    page.text(40, 20, "Action Plan", 14, bold=True)
    for i, (colour, label) in enumerate(((PURPLE, "Complete"), ((0.0, 0.69, 0.31), "On track"), ((1.0, 0.0, 0.0), "Off track"))):
        page.fill_rect(40 + i * 120, 44, 52 + i * 120, 52, colour)
        page.text(58 + i * 120, 43, label, 8)
    columns = [40, 80, 320, 420, 500]
    ys = _rows(page, columns, 70, [("Ref", "Action", "Lead", "RAG"), ("1", "Open the hub", "Director", ("", PURPLE)), ("2", "Hire staff", "HR", ("", (1.0, 0.0, 0.0)))])
    page.grid(columns, ys)
    rows = _records(_pack(tmp_path, "key", [page]).frames["action_plan"])
    assert [(r["ref"], r["action_rag"]) for r in rows] == [("1", "BLUE"), ("2", "RED")], "purple means complete by the page's key"


def test_a_scorecard_continued_on_the_next_page_without_its_header(tmp_path):
    first, second = PageSpec(), PageSpec()
    columns = [40, 80, 330, 400, 470, 540, 610]
    header = ("Ref", "Indicator", "Q1 2024/25", "Q2 2024/25", "Target", "RAG")
    ys = _rows(first, columns, 50, [header, ("H1", "Homes built", "120", "140", "130", "G"), ("H2", "Homes empty", "30", "28", "25", "A")])
    first.grid(columns, ys)
    ys = _rows(second, columns, 50, [("H3", "Roads resurfaced (km)", "12", "15", "14", "G"), ("H4", "Potholes fixed in 28 days (%)", "81%", "84%", "90%", "R")], bold_first=False)
    second.grid(columns, ys)
    result = _pack(tmp_path, "continued", [first, second])
    rows = _records(result.frames["scorecard_indicators"])
    assert [(r["ref"], r["page"], r["performance_rag"]) for r in rows] == [("H1", 1, "GREEN"), ("H2", 1, "AMBER"), ("H3", 2, "GREEN"), ("H4", 2, "RED")]
    values = {(v["ref"], v["period"]): v["value"] for v in _records(result.frames["scorecard_values"])}
    assert values[("H4", "2024/25-Q2")] == 84.0
