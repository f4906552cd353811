"""`extractors.ruled_finder.find_ruled_tables` returns exactly what pdfplumber's `page.find_tables`
returns: on real PDFs of every source in the corpus, on generated PDFs, and on drawn edges placed
right at the snap, join and intersection tolerances."""

from __future__ import annotations

import random
from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.container import Container
from pdfplumber.table import TableFinder, TableSettings

from extractors.errors import PackError
from extractors.pdf_pages import open_pdf, parse_page
from extractors.ruled_finder import RuledTable, find_ruled_tables
from extractors.table_reader import TABLE_SETTINGS
from tests.pdf_builder import PageSpec, write_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PACKS = Path(__file__).resolve().parents[2] / "shared" / "packs"
SOURCES = ["uk_council", "pdfplumber", "camelot", "tabula_java", "us_council", "icdar2013"]
# Pages read per file: the first few and the rest evenly spaced, so every file counts.
PAGES_PER_FILE = 4
OTHER_SETTINGS = [
    {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 1, "join_tolerance": 5, "intersection_tolerance": 1},
    {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 0, "edge_min_length": 10},
]


def shape(tables: list) -> str:
    """Every float of the tables, written so that two differ unless bit for bit equal (repr of a
    float round-trips; 0 and 0.0, -0.0 and 0.0 read differently)."""
    return repr([(t.cells, t.bbox, [r.cells for r in t.rows], [r.bbox for r in t.rows], [c.cells for c in t.columns]) for t in tables])


def assert_same(page, settings=TABLE_SETTINGS, texts: bool = False) -> int:
    ours = find_ruled_tables(page, settings)
    for cache in ("_edges", "_rect_edges", "_curve_edges"):
        page.__dict__.pop(cache, None)
    theirs = page.find_tables(settings)
    assert shape(ours) == shape(theirs)
    if texts and theirs:
        # The first table's texts (pdfplumber's `extract` reads every character of the page per row).
        assert ours[0].extract() == theirs[0].extract()
    return len(theirs)


def sample(count: int) -> list[int]:
    if count <= PAGES_PER_FILE:
        return list(range(count))
    head = list(range(PAGES_PER_FILE // 2))
    step = (count - 1) / (PAGES_PER_FILE - len(head))
    return sorted(set(head) | {round(len(head) + i * step) for i in range(PAGES_PER_FILE - len(head))} - {count})


def corpus_files() -> list[Path]:
    return [pdf for source in SOURCES for pdf in sorted((CORPUS / source).rglob("*.pdf"))]


@pytest.mark.parametrize("source", SOURCES)
def test_same_tables_as_pdfplumber_on_the_corpus(source):
    files = sorted((CORPUS / source).rglob("*.pdf"))
    assert files, f"no PDFs under {source}"
    checked = tables = 0
    for pdf_path in files:
        try:
            pdf = open_pdf(pdf_path.read_bytes())
        except PackError:
            continue  # encrypted or broken beyond repair: no page to compare
        with pdf:
            for index in sample(len(pdf.pages)):
                page = pdf.pages[index]
                try:
                    parse_page(page)
                except Exception:
                    continue
                tables += assert_same(page, texts=True)
                checked += 1
    assert checked >= len(files) // 2
    assert tables > 0


def test_same_tables_on_every_page_of_the_tameside_pack_and_with_other_settings():
    counts = {}
    with open_pdf((PACKS / "tameside-childrens-scrutiny-2024-03-06.pdf").read_bytes()) as pdf:
        for page in pdf.pages:
            parse_page(page)
            counts[page.page_number] = assert_same(page)
            for settings in OTHER_SETTINGS:
                assert_same(page, settings)
    assert sum(1 for n in counts.values() if n) >= 35  # most of the pack's pages hold ruled action plans and scorecards


def test_other_strategies_are_pdfplumber_s_own():
    with open_pdf((PACKS / "tameside-childrens-scrutiny-2024-03-06.pdf").read_bytes()) as pdf:
        page = parse_page(pdf.pages[10])
        for settings in [{"vertical_strategy": "text", "horizontal_strategy": "lines"}, {"vertical_strategy": "lines_strict", "horizontal_strategy": "lines_strict"}, {"vertical_strategy": "explicit", "horizontal_strategy": "lines", "explicit_vertical_lines": [50, 300, 500]}]:
            found = find_ruled_tables(page, settings)
            assert not any(isinstance(t, RuledTable) for t in found)
            assert shape(found) == shape(page.find_tables(settings))


class DrawnPage(Container):
    """A page of drawn objects only, read by pdfplumber's finder as a real page would be."""

    def __init__(self, lines=(), rects=(), curves=()):
        self.bbox = (0, 0, 1000, 1000)
        self._objects = {"line": list(lines), "rect": list(rects), "curve": list(curves), "char": []}

    @property
    def objects(self):
        return self._objects

    def find_tables(self, settings=None):
        return TableFinder(self, TableSettings.resolve(settings)).tables  # `Page.find_tables`' body


def line(x0, top, x1, bottom):
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}


def rect(x0, top, x1, bottom, width=None, height=None):
    return {
        "object_type": "rect",
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "y0": 1000 - bottom,
        "y1": 1000 - top,
        "width": x1 - x0 if width is None else width,
        "height": bottom - top if height is None else height,
    }


def curve(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return {"object_type": "curve", "pts": points, "x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys), "doctop": min(ys), "width": max(xs) - min(xs), "height": max(ys) - min(ys)}


def grid(xs, ys, dx=0.0, dy=0.0):
    return [line(xs[0], y, xs[-1], y) for y in ys] + [line(x + dx, ys[0] + dy, x + dx, ys[-1] + dy) for x in xs]


def check(page: DrawnPage, settings=TABLE_SETTINGS) -> list:
    ours = find_ruled_tables(page, settings)
    page.__dict__.pop("_edges", None)
    page.__dict__.pop("_rect_edges", None)
    page.__dict__.pop("_curve_edges", None)
    assert shape(ours) == shape(page.find_tables(settings))
    return ours


@pytest.mark.parametrize("gap", [2.9, 3.0, 3.0000000000000004, 3.1, 5.9, 6.0, 6.1])
def test_edges_meeting_at_the_tolerances(gap):
    # Columns drawn `gap` points right of the rows' ends and below their tops, lines split by a
    # `gap` (joined when within 3), and parallel lines `gap` apart (snapped when within 3).
    xs, ys = [100.1, 200.7, 300.3], [50.2, 80.9, 110.4]
    lines = grid(xs, ys, dx=gap / 2, dy=gap)
    lines.append(line(xs[0], 140.0, 200.0, 140.0))
    lines.append(line(200.0 + gap, 140.0, xs[-1], 140.0))
    lines.append(line(xs[0], 140.0 + gap, xs[-1], 140.0 + gap))
    lines += [line(x, 110.4, x, 140.0 + gap) for x in xs]
    lines.append(line(xs[-1] + gap, 50.2, xs[-1] + gap, 110.4 + gap))
    found = check(DrawnPage(lines))
    assert found and all(isinstance(t, RuledTable) for t in found)
    for settings in OTHER_SETTINGS:
        check(DrawnPage(lines), settings)


def test_duplicate_edges_curves_and_flat_rectangles():
    xs, ys = [10.5, 60.25, 110.0], [10.0, 30.5, 51.0]
    lines = grid(xs, ys) + grid(xs, ys)  # every line twice
    rects = [rect(10.5, 10.0, 110.0, 51.0), rect(10.5, 30.5, 110.0, 30.5), rect(60.25, 10.0, 60.25, 51.0), rect(200, 200, 200, 200)]
    curves = [curve([(10.5, 70.0), (110.0, 70.0), (110.0, 90.0), (10.5, 90.0), (10.5, 70.0)]), curve([(60.0, 70.0), (61.0, 90.0)]), curve([(5.0, 5.0), (5.0, 5.0)])]
    found = check(DrawnPage(lines, rects, curves))
    assert [len(t.cells) for t in found] == [4]


def test_a_single_cell_is_no_table_and_nested_tables():
    assert check(DrawnPage(rects=[rect(10, 10, 50, 40)])) == []
    outer = grid([10.0, 400.0], [10.0, 300.0])
    inner = grid([50.0, 100.0, 150.0], [50.0, 70.0, 90.0])
    found = check(DrawnPage(outer + inner))
    assert found  # the inner grid's lines cut the outer box into cells that form one table
    apart = grid([10.0, 50.0, 90.0], [10.0, 30.0]) + grid([10.0, 50.0, 90.0], [300.0, 320.0]) + grid([500.0, 540.0], [10.0, 30.0, 50.0])
    assert [t.bbox for t in check(DrawnPage(apart))] == [(10.0, 10.0, 90.0, 30.0), (500.0, 10.0, 540.0, 50.0), (10.0, 300.0, 90.0, 320.0)]


def test_no_edges_of_one_direction_and_a_cropped_page(tmp_path):
    assert check(DrawnPage([line(10, 10, 10, 100), line(50, 10, 50, 100)])) == []
    assert check(DrawnPage([line(10, 10, 100, 10)])) == []
    spec = PageSpec()
    spec.grid([40.0, 140.0, 240.0, 340.0], [40.0, 60.0, 80.0, 100.0])
    spec.grid([40.0, 200.0], [300.0, 320.0, 340.0])
    spec.text(45, 43, "Ref")
    spec.fill_rect(140, 60, 240, 80, (1, 0, 0))
    with pdfplumber.open(write_pdf(tmp_path / "grid.pdf", [spec])) as pdf:
        page = pdf.pages[0]
        assert assert_same(page, texts=True) == 2
        assert assert_same(page.within_bbox((0, 50, 400, 400)), texts=True) == 1  # the first grid's columns cross the box
        assert assert_same(page.crop((0, 0, 200, 90)), texts=True) == 1


@pytest.mark.parametrize("seed", range(40))
def test_random_edges_near_the_tolerances(seed):
    rng = random.Random(seed)
    # Coordinates on a coarse grid plus offsets at and around the tolerances, so that snapping,
    # joining and intersecting all meet their boundaries.
    offsets = [0.0, 0.1, 0.5, 1.0, 2.9, 3.0, 3.1, 6.0, 0.30000000000000004]

    def at(base: float) -> float:
        return base + rng.choice(offsets) * rng.choice([-1, 1])

    lines, rects, curves = [], [], []
    for _ in range(rng.randint(5, 60)):
        x, y = rng.randint(0, 12) * 20.0 + 0.7, rng.randint(0, 12) * 15.0 + 0.3
        kind = rng.random()
        if kind < 0.4:
            length = rng.randint(0, 6) * 20.0 + rng.choice([0.0, 0.5, 1.0, 3.0])
            lines.append(line(at(x), y, at(x) + length, y) if rng.random() < 0.5 else line(x, at(y), x, at(y) + length))
        elif kind < 0.8:
            x1, y1 = at(x + rng.randint(0, 4) * 20.0), at(y + rng.randint(0, 4) * 15.0)
            x0, y0 = min(x, x1), min(y, y1)
            rects.append(rect(x0, y0, max(x, x1), max(y, y1)))
        elif kind < 0.95:
            points = [(x, y)]
            for _ in range(rng.randint(1, 5)):
                px, py = points[-1]
                points.append((at(px + rng.choice([0.0, 20.0])), py) if rng.random() < 0.5 else (px, at(py + rng.choice([0.0, 15.0]))))
            curves.append(curve(points))
        else:
            lines.append(line(x, y, at(x + 20.0), at(y + 15.0)))  # slanted: pdfplumber counts it as vertical
    check(DrawnPage(lines, rects, curves))
    check(DrawnPage(lines, rects, curves), OTHER_SETTINGS[0])


def test_ruled_tables_cache_their_bbox_and_rows():
    page = DrawnPage(grid([10.0, 50.0, 90.0], [10.0, 30.0, 50.0]))
    (table,) = find_ruled_tables(page)
    assert table.rows is table.rows and table.bbox == (10.0, 10.0, 90.0, 50.0)


def test_edges_snapped_near_the_page_origin():
    # Near zero, moving an edge by (mean - position) does not land exactly on the mean, as it does
    # for positions within a factor of two of each other: the cells carry pdfplumber's own floats.
    lines = [line(x, -0.2, x, 40.0) for x in (0.1, 0.7, 30.0, 60.0)]
    lines += [line(-1.7, top, 60.0, top) for top in (-0.2, 0.1, 20.0, 40.0)]
    (table,) = check(DrawnPage(lines))
    assert table.bbox[:2] == (0.3999999999999999, -0.05000000000000002)  # the means: 0.39999999999999997, -0.05
