"""The table finder: one generated PDF per layout family (ruled, rules between rows only, header-only
box, dotted and hairline rules, unruled), spans, non-tables rejected, and real tables from the
ICDAR 2013 set and camelot's and pdfplumber's test files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from extractors.table_export import table_record
from extractors.table_finder import find_tables
from extractors.table_grid import grid_texts
from tests.conftest import CORPUS, run_cli
from tests.pdf_builder import PageSpec, write_pdf

ICDAR = CORPUS / "icdar2013"
HEADER = ["Service", "Budget", "Spent", "Variance", "RAG"]
BODY = [
    ["Adult care", "1,200", "1,150", "50", "Green"],
    ["Children's services", "980", "1,020", "-40", "Amber"],
    ["Highways", "640", "700", "-60", "Red"],
    ["Libraries", "120", "118", "2", "Green"],
    ["Waste", "455", "450", "5", "Green"],
]
XS = [40, 200, 290, 380, 470, 560]


def _rows_top(first: float = 80, step: float = 22) -> list[float]:
    return [first + step * i for i in range(len(BODY) + 2)]


def _write_table(page: PageSpec, ys: list[float], header_bold: bool = True) -> None:
    for x, text in zip(XS, HEADER):
        page.text(x + 4, ys[0] + 5, text, 9, bold=header_bold)
    for row, top in zip(BODY, ys[1:]):
        for x, text in zip(XS, row):
            page.text(x + 4, top + 5, text, 9)


def _find(tmp_path: Path, page: PageSpec, name: str = "t.pdf"):
    return find_tables(write_pdf(tmp_path / name, [page]).read_bytes())


def _texts(table) -> list[list[str]]:
    return [[c.strip() for c in row] for row in grid_texts(table)]


def _assert_budget_table(table) -> None:
    grid = [row for row in _texts(table) if any(row)]
    assert grid[0] == HEADER
    assert grid[1:] == BODY


def test_fully_ruled_table(tmp_path):
    page = PageSpec()
    ys = _rows_top()
    _write_table(page, ys)
    page.grid(XS, ys)
    (table,) = _find(tmp_path, page)
    assert table.method == "ruled"
    _assert_budget_table(table)
    assert table.rows[0].cells[0].bold and not table.rows[1].cells[0].bold


def test_rules_between_rows_only(tmp_path):
    page = PageSpec()
    ys = _rows_top()
    _write_table(page, ys)
    for y in ys:
        page.line(XS[0], y, XS[-1], y)
    (table,) = _find(tmp_path, page)
    _assert_budget_table(table)


def test_header_only_box_with_unruled_body(tmp_path):
    page = PageSpec()
    ys = _rows_top()
    _write_table(page, ys)
    page.grid(XS, ys[:2])  # only the header row is boxed
    (table,) = _find(tmp_path, page)
    assert table.method == "unruled"
    _assert_budget_table(table)


def test_boxed_header_and_rows_ruled_across_is_split_along_the_header_columns(tmp_path):
    page = PageSpec()
    ys = _rows_top()
    _write_table(page, ys)
    page.grid(XS, ys[:2])
    for y in ys[2:]:
        page.line(XS[0], y, XS[-1], y)
    page.line(XS[0], ys[1], XS[0], ys[-1])
    page.line(XS[-1], ys[1], XS[-1], ys[-1])
    (table,) = _find(tmp_path, page)
    assert table.method == "partly ruled"
    _assert_budget_table(table)


@pytest.mark.parametrize("style", ["dotted", "hairline"])
def test_dotted_and_hairline_rules(tmp_path, style):
    page = PageSpec()
    ys = _rows_top()
    _write_table(page, ys)

    def rule(x0, top, x1, bottom):
        if style == "hairline":
            page.line(x0, top, x1, bottom, width=0.1)
            return
        length = max(x1 - x0, bottom - top)
        for i in range(0, int(length), 3):  # 1.5pt dashes, 1.5pt apart
            if top == bottom:
                page.line(x0 + i, top, min(x1, x0 + i + 1.5), bottom)
            else:
                page.line(x0, top + i, x1, min(bottom, top + i + 1.5))

    for y in ys:
        rule(XS[0], y, XS[-1], y)
    for x in XS:
        rule(x, ys[0], x, ys[-1])
    (table,) = _find(tmp_path, page)
    assert table.method == "ruled"
    _assert_budget_table(table)


def test_unruled_table_from_text_alignment(tmp_path):
    page = PageSpec()
    page.text(40, 40, "Table 3: Budget monitoring at month 9", 11, bold=True)
    _write_table(page, _rows_top())
    (table,) = _find(tmp_path, page)
    assert table.method == "unruled"
    _assert_budget_table(table)


def test_spanning_cells_keep_their_spans(tmp_path):
    page = PageSpec()
    xs, ys = [40, 160, 260, 360], [60, 80, 100, 120, 140]
    for x0, x1 in zip(xs, xs[1:]):
        page.line(x0, ys[0], x0, ys[-1])
    page.line(xs[-1], ys[0], xs[-1], ys[-1])
    for y in ys:
        page.line(xs[0] if y != ys[1] else xs[1], y, xs[-1], y)
    # Row 0: "Area" spans two rows; "Quarter 3" spans columns 2-3 (no rule between them in row 0).
    page.ops = [op for op in page.ops if not (f" {xs[2]:g} {page._y(ys[0]):g} m" in op)]
    page.line(xs[2], ys[1], xs[2], ys[-1])
    page.text(44, 64, "Area", 9, bold=True)
    page.text(164, 64, "Quarter 3", 9, bold=True)
    page.text(164, 84, "Target", 9)
    page.text(264, 84, "Actual", 9)
    for top, (area, target, actual) in zip(ys[2:], [("North", "95%", "97%"), ("South", "90%", "86%")]):
        page.text(44, top + 4, area, 9)
        page.text(164, top + 4, target, 9)
        page.text(264, top + 4, actual, 9)
    (table,) = _find(tmp_path, page)
    record = table_record(table, "t.pdf", 1)
    spans = {d["text"]: (d["row"], d["col"], d["row_span"], d["col_span"]) for d in record["cell_details"] if d["text"]}
    assert spans["Area"] == (0, 0, 2, 1)
    assert spans["Quarter 3"] == (0, 1, 1, 2)
    assert spans["Target"] == (1, 1, 1, 1)
    assert record["cells"][3] == ["South", "90%", "86%"]
    assert [0, 0, 1, 0] in record["spans"] and [0, 1, 0, 2] in record["spans"]


def test_fills_and_rag_are_kept(tmp_path):
    page = PageSpec()
    ys = _rows_top()
    page.fill_rect(XS[4], ys[2], XS[5], ys[3], (1.0, 0.75, 0.0))
    _write_table(page, ys)
    page.grid(XS, ys)
    (table,) = _find(tmp_path, page)
    details = {(d["row"], d["col"]): d for d in table_record(table, "t.pdf", 1)["cell_details"]}
    assert details[(2, 4)]["fill"] == [1.0, 0.75, 0.0] and details[(2, 4)]["rag"] == "AMBER"
    assert details[(1, 4)]["fill"] is None and details[(1, 4)]["rag"] is None


def test_chart_grid_and_boxed_panel_are_not_tables(tmp_path):
    page = PageSpec()
    # A bar chart: gridlines every 20pt with axis labels only on the left and bottom.
    xs, ys = [80 + 40 * i for i in range(9)], [60 + 20 * i for i in range(8)]
    page.grid(xs, ys)
    for i, y in enumerate(ys[:-1]):
        page.text(50, y + 4, str(70 - 10 * i), 8)
    for i, x in enumerate(xs[:-1]):
        page.text(x + 4, ys[-1] + 4, f"Q{i % 4 + 1}", 8)
    for i, x in enumerate(xs[:-1]):
        page.fill_rect(x + 10, ys[-1] - 20 - 12 * i, x + 30, ys[-1], (0.2, 0.4, 0.8))
    # A boxed text panel: one box with a paragraph in it.
    page.grid([480, 800], [300, 380])
    page.text(490, 310, "Key messages: demand for placements rose again this", 9)
    page.text(490, 324, "quarter and the service remains under pressure.", 9)
    assert _find(tmp_path, page) == []


# -- real tables ---------------------------------------------------------------------------------


def test_icdar_table_ruled_only_between_rows_is_read_cell_by_cell():
    tables = find_tables((ICDAR / "competition-dataset-eu/eu-016.pdf").read_bytes(), [3])
    (table,) = [t for t in tables if t.page == 3]
    grid = _texts(table)
    assert grid[0] == ["Country", "domestic (%)", "Imported (%)", "Unknown (%)", "Total (n)"]
    assert ["Austria", "86.2", "13.8", "0", "3,375"] in grid
    assert ["Czech Republic", "98.6", "1.4", "0", "17,655"] in grid


def test_icdar_unruled_statistical_table():
    (table,) = find_tables((ICDAR / "competition-dataset-us/us-017.pdf").read_bytes(), [2])
    assert table.method == "unruled"
    rows = _texts(table)
    assert ["1996", "51,544", "37,481", "14,062", "45,611", "32,762", "12,849", "5,933", "4,719", "1,213"] in rows
    assert len(rows) > 25 and len(rows[1]) == 10


def test_camelot_two_unruled_tables_reproduced_exactly():
    expected = json.loads((CORPUS / "camelot/ground_truth/expected_tables.json").read_text())
    tables = find_tables((CORPUS / "camelot/files/multiple_tables.pdf").read_bytes())
    grids = [[[c.strip() for c in row] for row in grid_texts(t)] for t in tables]
    assert [[c.strip() for c in row] for row in expected["data_network_two_tables_b_1"]] in grids
    assert [[c.strip() for c in row] for row in expected["data_network_two_tables_b_2"]] in grids


def test_pdfplumber_three_tables_in_order():
    tables = find_tables((CORPUS / "pdfplumber/issue-336-example.pdf").read_bytes(), [1])
    assert [len(t.rows) for t in tables] == [8, 11, 2]


def test_icdar_scores_on_a_mixed_sample_of_documents(tmp_path):
    """Ruled, partly ruled and unruled documents, scored by the shared ICDAR scorer."""
    sys.path.insert(0, str(CORPUS.parent / "tools" / "icdar"))
    import score as icdar_score

    docs = ["eu-004", "eu-016", "us-012", "us-017", "us-030"]
    predictions = tmp_path / "ours.jsonl"
    with predictions.open("w") as out:
        for doc in docs:
            pdf = next(ICDAR.rglob(f"{doc}.pdf"))
            for n, table in enumerate(find_tables(pdf.read_bytes()), start=1):
                record = table_record(table, pdf.name, n)
                out.write(json.dumps({k: record[k] for k in ("file", "page", "cells", "spans")}) + "\n")
    gt = {d: v for d, v in icdar_score.load_gt(ICDAR).items() if d in docs}
    preds, _ = icdar_score.load_predictions([predictions], gt)
    result = icdar_score.score_tool(gt, next(iter(preds.values())))
    f1 = {doc: d["prf"][2] for doc, d in result["docs"].items()}
    assert result["micro"][2] >= 0.85, f1
    assert min(f1.values()) >= 0.6, f1


# -- the command -----------------------------------------------------------------------------------


def test_tables_command_writes_csv_with_json_sidecars(tmp_path):
    page = PageSpec()
    ys = _rows_top()
    _write_table(page, ys)
    page.grid(XS, ys)
    pdf = write_pdf(tmp_path / "budget.pdf", [page, page])
    result = run_cli("tables", str(pdf), "--pages", "2", "--format", "csv", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["budget-p2-t1.csv", "budget-p2-t1.json"]
    lines = (tmp_path / "out/budget-p2-t1.csv").read_text().splitlines()
    assert lines[0] == "Service,Budget,Spent,Variance,RAG" and lines[2] == "Children's services,980,\"1,020\",-40,Amber"
    sidecar = json.loads((tmp_path / "out/budget-p2-t1.json").read_text())
    assert sidecar["page"] == 2 and sidecar["method"] == "ruled" and sidecar["cell_details"][0]["bold"] is True


def test_tables_command_jsonl_to_stdout_and_bad_pages(tmp_path):
    page = PageSpec()
    ys = _rows_top()
    _write_table(page, ys)
    page.grid(XS, ys)
    pdf = write_pdf(tmp_path / "budget.pdf", [page])
    result = run_cli("tables", str(pdf), "--format", "jsonl")
    assert result.exit_code == 0
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["file"] == "budget.pdf" and record["cells"][1] == BODY[0]
    assert run_cli("tables", str(pdf), "--pages", "3-1").exit_code == 2
    assert run_cli("tables", str(pdf), "--format", "csv").exit_code == 2


def test_line_chart_without_gridlines_is_not_a_table(tmp_path):
    page = PageSpec()
    for i in range(7):  # y-axis labels, and x-axis labels under each of two side-by-side charts
        page.text(40, 60 + 30 * i, str(300 - 50 * i), 8)
        page.text(440, 60 + 30 * i, str(300 - 50 * i), 8)
    for i, month in enumerate(["Jan-23", "Apr-23", "Jul-23", "Oct-23", "Jan-24"]):
        page.text(80 + 70 * i, 260, month, 8)
        page.text(480 + 70 * i, 260, month, 8)
    for left in (70, 470):
        points = [(left + 10 * i, 200 - 60 * ((i * 7) % 5) / 4) for i in range(35)]
        path = " ".join(f"{x:g} {page._y(y):g} {'m' if i == 0 else 'l'}" for i, (x, y) in enumerate(points))
        page.ops.append(f"q 1 w 0 0 1 RG {path} S Q")
    assert _find(tmp_path, page) == []


def test_council_risk_register_with_tall_rows_is_a_table():
    register = CORPUS / "uk_council/kent_cc/cabinet/2025-01-30/originals/Appendix I Budget Risk Register 22.01.25.pdf"
    tables = [t for t in find_tables(register.read_bytes(), [2]) if t.method == "ruled"]
    assert len(tables) == 1
    grid = [[" ".join(c.split()) for c in row] for row in grid_texts(tables[0])]
    assert grid[0][:5] == ["Directorate", "Risk Title", "Source/Cause of Risk", "Risk Event", "Consequence"]
    assert grid[0][5] == "Current Likelihood (1-5)"
    assert grid[1][6:] == ["£m", "£m"]
    assert ["4", "20.0"] == grid[2][5:7]


def test_tables_command_names_the_problem_with_a_file_that_is_not_a_pdf(not_a_pdf):
    result = run_cli("tables", str(not_a_pdf))
    assert result.exit_code == 1
    assert "not_pdf" in result.output
