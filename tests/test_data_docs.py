"""Data Docs work offline: plain pages listing every suite and every result, nothing fetched from a network."""

from __future__ import annotations

import html
import re

import pytest

from flows.expectations import checks_for
from flows.validate import run_suites
from schemas.contract import DATASETS
from tests.conftest import truth_frames

URL = re.compile(r"https?://|//[\w.-]+\.\w+/", re.IGNORECASE)


def pages(folder):
    return sorted(p for p in folder.rglob("*") if p.suffix in (".html", ".htm", ".css", ".js"))


def assert_offline(folder) -> None:
    found = pages(folder)
    assert found, "no pages written"
    for page in found:
        text = page.read_text()
        assert not URL.search(text), f"{page.relative_to(folder)} references {URL.search(text).group(0)}"
        assert "<script" not in text.lower(), page


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The suites' report on the reviewed Tameside truth with one blocking failure and one warning."""
    frames = truth_frames()
    frames["action_plan"].at[0, "action_rag"] = "PURPLE"
    frames["scorecard_values"].at[0, "period"] = "Year to date"  # a printed label, not a usual form
    folder = tmp_path_factory.mktemp("report")
    run_suites(frames, report_dir=folder)
    return folder


def test_no_page_references_the_network(report):
    assert_offline(report)


def test_the_sample_run_report_is_offline(sample_run):
    _, out = sample_run
    assert_offline(out / "validation")


def _cells(row: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_index_lists_every_suite_with_status_and_row_counts(report):
    index = (report / "index.html").read_text()
    rows = {cells[1]: cells for cells in map(_cells, re.findall(r"<tr>(.*?)</tr>", index, re.S)) if cells}
    assert list(rows) == [f"{name}.{stage}" for name in DATASETS for stage in ("types", "rules")]
    assert rows["action_plan.rules"][0] == "✘ failed"
    assert rows["scorecard_values.rules"][0] == "⚠ warned"
    assert rows["packs.types"][0] == "✔ passed"
    # expectations, failed, warned, rows checked, rows quarantined, rows with warnings
    assert rows["action_plan.rules"][2:] == [str(len([c for c in checks_for(DATASETS["action_plan"]) if c.stage == "rules"])), "1", "0", "32", "1", "0"]
    assert rows["scorecard_values.rules"][3:5] == ["0", "1"]


def test_a_suite_page_shows_every_result_with_status_severity_and_counts(report):
    page = (report / "data_docs" / "action_plan.rules.html").read_text()
    rows = [cells for cells in map(_cells, re.findall(r"<tr>(.*?)</tr>", page, re.S)) if cells]
    assert len(rows) == len([c for c in checks_for(DATASETS["action_plan"]) if c.stage == "rules"])
    failed = [r for r in rows if r[0] == "✘ failed"]
    assert len(failed) == 1
    status, severity, rule, expectation, checked, failing, values, positions = failed[0]
    assert (severity, rule, checked, failing, values, positions) == ("blocking", "action_rag is one of BLUE, RED, AMBER, GREEN", "32", "1", "'PURPLE'", "0")
    assert all(r[0] == "✔ passed" and r[5] == "0" for r in rows if r is not failed[0])
    assert (report / "data_docs" / "index.html").exists()
