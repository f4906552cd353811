"""Scorecards and measure tables: parsing rules, arrows in every encoding, and real values."""

from __future__ import annotations

import json

import pdfplumber
import pytest

from extractors.arrows import direction_from_pixels, direction_from_points, direction_from_text
from extractors.measures import extract_measures
from extractors.pdf_pages import read_page
from extractors.periods import expand_refs, normalise_ref, parse_period, parse_target, parse_value
from extractors.scorecard import extract_scorecards, infer_unit
from extractors.table_reader import read_tables
from tests.conftest import CORPUS, KENT, TAMESIDE_PDF
from tests.pdf_builder import PageSpec, write_pdf

QPR = KENT / "cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf"
QPR_TRUTH = CORPUS / "uk_council/kent_cc/ground_truth/QPR_Q3_appendix1_pages4-7.json"


@pytest.mark.parametrize(
    ("header", "period"),
    [
        ("Aug-23", "2023-08"),
        ("Sep 2023", "2023-09"),
        ("Sept-23", "2023-09"),
        ("January 2024", "2024-01"),
        ("Dec-23", "2023-12"),
        ("Jan-24", "2024-01"),
        ("Q1 2023/24", "2023/24-Q1"),
        ("Q3 24/25", "2024/25-Q3"),
        ("Q2 2023", "2023-Q2"),
        ("2023/24", "2023/24"),
        ("Target", None),
        ("England Average (2022/23)", None),
    ],
)
def test_periods(header, period):
    assert parse_period(header) == period


@pytest.mark.parametrize(("raw", "value"), [("52.0%", 52.0), ("1,169", 1169.0), ("5.7", 5.7), ("n/a", None), ("-", None), ("", None), ("N/A", None)])
def test_values(raw, value):
    assert parse_value(raw) == value


@pytest.mark.parametrize(
    ("target", "bounds"),
    [("85%", (85.0, 85.0)), ("20-24%", (20.0, 24.0)), ("16-18", (16.0, 18.0)), ("14-22%", (14.0, 22.0)), ("<5%", (None, 5.0)), ("", (None, None)), ("tbc", (None, None))],
)
def test_targets(target, bounds):
    assert parse_target(target) == bounds


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Scorecard - SG16-20", ["SG16", "SG17", "SG18", "SG19", "SG20"]),
        ("Scorecard - WF6 - WF14", [f"WF{n}" for n in range(6, 15)]),
        ("CIN21-24", ["CIN21", "CIN22", "CIN23", "CIN24"]),
        ("Scorecard - CIN 8", ["CIN8"]),
        ("SG8", ["SG8"]),
        ("Scorecard - CIN20, CF3", ["CIN20", "CF3"]),
        ("To be developed", []),
    ],
)
def test_ref_ranges(text, refs):
    assert expand_refs(text) == refs


def test_ref_normalised():
    assert normalise_ref("CIN 16a") == "CIN16a"
    assert normalise_ref("") is None


@pytest.mark.parametrize(
    ("indicator", "values", "unit"),
    [
        ("MASH Contact Ending Prior to Screening (%)", ["12%"], "percent"),
        ("Contact - (12 Month Rolling Rate)", ["3058"], "rate"),
        ("All Social Work Staff - Raw Average", ["14.4"], "average"),
        ("Child Protection cases (No.)", ["303"], "count"),
        ("Requests for Information Received", ["12", "1,400"], "count"),
        ("Greenhouse gas emissions", [], "other"),
        ("Greenhouse gas emissions in tonnes - rolling 12 months", ["10,323", "10,797"], "other"),  # a weight, not a count
        ("Total energy used (MWh)", ["4,210"], "other"),
    ],
)
def test_units(indicator, values, unit):
    assert infer_unit(indicator, values) == unit


@pytest.mark.parametrize(("text", "direction"), [("↑", "up"), ("↓", "down"), ("↔", "flat"), ("\uf0e9", "up"), ("\uf0ea", "down"), ("No change", "flat"), ("", None), ("x", None)])
def test_direction_from_text(text, direction):
    assert direction_from_text(text) == direction


UP_ARROW = [(5, 0), (10, 6), (7, 6), (7, 14), (3, 14), (3, 6), (0, 6)]


def test_direction_from_shape_points():
    assert direction_from_points(UP_ARROW) == "up"
    assert direction_from_points([(x, 14 - y) for x, y in UP_ARROW]) == "down"
    assert direction_from_points([(y, x) for x, y in UP_ARROW]) == "flat"


def _arrow_pixels(pointing: str, size: int = 20) -> list[list[int]]:
    pixels = [[255] * size for _ in range(size)]
    for y in range(size):
        row = y if pointing == "up" else size - 1 - y
        half = row // 2 if row < size // 2 else 2
        for x in range(size // 2 - half, size // 2 + half + 1):
            pixels[y][x] = 0
    return pixels


def test_direction_from_pixels():
    dark = lambda px: [[v < 128 for v in row] for row in px]  # noqa: E731
    assert direction_from_pixels(dark(_arrow_pixels("up"))) == "up"
    assert direction_from_pixels(dark(_arrow_pixels("down"))) == "down"
    sideways = [list(col) for col in zip(*_arrow_pixels("up"))]
    assert direction_from_pixels(dark(sideways)) == "flat"


# -- a generated scorecard page with every arrow encoding --------------------------------------

COLS = [30, 80, 300, 360, 420, 480, 580, 640, 700]
HEAD = ["Ref", "Indicator", "Apr-24", "May-24", "Target", "England Average (2022/23)", "RAG", "DoT"]


def _scorecard_pdf(tmp_path):
    page = PageSpec()
    page.text(30, 20, "EARLY HELP - Head of Service - A Person", 11, bold=True)
    top = 50
    for x, text in zip(COLS, HEAD):
        page.text(x + 2, top + 4, text, 7, bold=True)
    rows = [
        ("EH 1", "Early Help Episodes (No.)", "551", "483", "", "570", ("G", None), ("symbol", 0xAD)),
        ("EH2", "Re-referrals (%)", "22.5%", "n/a", "20-24%", "21%", ("", (0.0, 0.69, 0.31)), ("wingding", 0xEA)),
        ("EH3", "Episodes closed (Rate)", "94.5", "108.6", "", "", ("", (1.0, 0.0, 0.0)), ("shape", "down")),
        ("EH4", "Average days open", "", "31", "30", "", ("R", None), ("image", "up")),
    ]
    ys = [top, top + 20]
    for ref, name, apr, may, target, england, (rag, fill), (kind, arrow) in rows:
        y = ys[-1]
        if fill:
            page.fill_rect(COLS[6], y, COLS[7], y + 20, fill)
        for x, text in zip(COLS, (ref, name, apr, may, target, england, rag)):
            page.text(x + 2, y + 5, text, 8)
        cx = (COLS[7] + COLS[8]) / 2
        if kind == "symbol":
            page.symbol(cx, y + 5, arrow, 9)
        elif kind == "wingding":
            page.wingding(cx, y + 5, arrow, 9)
        elif kind == "shape":
            page.polygon([(cx + px * 0.8, y + 3 + (14 - py) * 0.9) for px, py in UP_ARROW])
        else:
            page.image(cx - 6, y + 3, cx + 6, y + 17, _arrow_pixels(arrow))
        ys.append(y + 20)
    page.grid(COLS, ys)
    return write_pdf(tmp_path / "scorecard.pdf", [page])


def test_generated_scorecard(tmp_path):
    with pdfplumber.open(_scorecard_pdf(tmp_path)) as pdf:
        result = extract_scorecards(pdf.pages, [read_page(p) for p in pdf.pages])
    rows = {r["ref"]: r for r in result.indicators}
    assert list(rows) == ["EH1", "EH2", "EH3", "EH4"]
    assert {r["service_area"] for r in rows.values()} == {"EARLY HELP"}
    assert [rows[k]["direction"] for k in rows] == ["up", "down", "down", "up"], "Symbol glyph, Wingdings, shape, image"
    assert [rows[k]["performance_rag"] for k in rows] == ["GREEN", "GREEN", "RED", "RED"]
    assert (rows["EH2"]["target_low"], rows["EH2"]["target_high"]) == (20.0, 24.0)
    assert [rows[k]["unit"] for k in rows] == ["count", "percent", "rate", "average"]
    values = {(v["ref"], v["period"]): (v["value"], v["value_raw"]) for v in result.values}
    assert values[("EH2", "2024-04")] == (22.5, "22.5%")
    assert values[("EH2", "2024-05")] == (None, "n/a")
    assert ("EH4", "2024-04") not in values, "an empty cell is no value"
    (bench,) = [b for b in result.benchmarks if b["ref"] == "EH2"]
    assert (bench["benchmark"], bench["benchmark_period"], bench["value"]) == ("England Average", "2022/23", 21.0)


# -- the real papers --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tameside():
    with pdfplumber.open(TAMESIDE_PDF) as pdf:
        pages = pdf.pages[42:51]
        card = extract_scorecards(pages, [read_page(p) for p in pages])
        measures = extract_measures([table for page in pdf.pages[38:42] for table in read_tables(page)])
    return card, measures


def test_tameside_scorecard_values(tameside):
    card, _ = tameside
    indicators = {r["ref"]: r for r in card.indicators}
    assert len(indicators) == 106
    assert indicators["FD1"]["service_area"] == "FRONT DOOR", "the banner on the chart page before carries over"
    assert indicators["CIN16a"]["page"] == 47
    assert (indicators["WF4"]["target"], indicators["WF4"]["target_low"], indicators["WF4"]["target_high"]) == ("14-22%", 14.0, 22.0)
    assert indicators["SG2"]["performance_rag"] is None, "N/A is no rating"
    assert indicators["WF1"]["performance_rag"] == "AMBER" and indicators["WF1"]["direction"] == "down"
    fd1 = {v["period"]: v["value"] for v in card.values if v["ref"] == "FD1"}
    assert fd1 == {"2023-08": 1169.0, "2023-09": 1318.0, "2023-10": 1458.0, "2023-11": 1526.0, "2023-12": 1247.0, "2024-01": 1551.0}
    gm = [b for b in card.benchmarks if b["ref"] == "WF1" and b["benchmark"] == "Greater Manchester Average"]
    assert [(b["benchmark_period"], b["value"]) for b in gm] == [("2021/22", 2087.0)]


def test_tameside_measures(tameside):
    _, measures = tameside
    assert len(measures) == 53
    audits = next(m for m in measures if m["measure"] == "Audits")
    assert audits["scorecard_refs"] == "SG16; SG17; SG18; SG19; SG20"
    assert (audits["focus_area_code"], audits["focus_area"]) == ("FA7", "Children in specific circumstances")
    assert audits["action_refs"] == "1.5; 1.8; 1.9; 1.10; 3.2"


def test_qpr_rag_and_direction_for_every_row():
    truth = json.loads(QPR_TRUTH.read_text())
    with pdfplumber.open(QPR) as pdf:
        pages = pdf.pages[3:7]
        card = extract_scorecards(pages, [read_page(p) for p in pages])
    flat = {"right": "flat"}
    expected = [(r["rag_latest"], flat.get(r["direction_of_travel"], r["direction_of_travel"])) for t in truth["tables"] for r in t["rows"]]
    assert [(r["performance_rag"], r["direction"]) for r in card.indicators] == expected
