"""Accuracy floors against the reviewed truth: the Tameside pack and the hand-checked Kent papers."""

from __future__ import annotations

import pytest

from bench.accuracy import extract_to_folder, fixture_sources
from bench.score import score_folder

MEETING_DATASETS = ("packs", "documents", "agenda_items", "minutes", "attendance", "minute_items", "minute_actions")
# The council is printed only in the logo image of these two papers ("KCC" in the text of one).
COUNCIL_IN_LOGO_ONLY = {"agenda-frontsheet-13th-mar-2025-10-00-county-council.truth", "cpp-minutes-10-12-24.truth"}


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    sources = fixture_sources()
    out = tmp_path_factory.mktemp("accuracy") / "out"
    extract_to_folder(sorted(set(sources.values())), out)
    return {truth.name: score_folder(out, truth) for truth in sources}


@pytest.mark.parametrize("dataset", MEETING_DATASETS)
def test_tameside_meeting_datasets(scores, dataset):
    assert scores["tameside-childrens-scrutiny-2024-03-06.truth"][dataset]["f1"] >= 0.99


KENT_MEETING_TRUTHS = [
    "agenda-frontsheet-30th-jan-2025-10-00-cabinet.truth",
    "agenda-frontsheet-13th-mar-2025-10-00-county-council.truth",
    "printed-minutes-30th-jan-2025-10-00-cabinet.truth",
    "printed-minutes-13th-mar-2025-10-00-county-council.truth",
    "cpp-minutes-10-12-24.truth",
]


@pytest.mark.parametrize("truth", KENT_MEETING_TRUTHS)
def test_kent_meeting_papers(scores, truth):
    for dataset, score in scores[truth].items():
        if dataset not in MEETING_DATASETS:
            continue
        floor = 0.9 if dataset == "packs" and truth in COUNCIL_IN_LOGO_ONLY else 0.95
        assert score["f1"] >= floor, (truth, dataset, score)


# Papers of other publishers: a parish council's word-processed agendas and minutes, and a city
# council's decision record.
OTHER_MEETING_TRUTHS = [
    "agenda-20180521.truth",
    "agenda-20191028.truth",
    "minutes-20180430.truth",
    "minutes-20190819.truth",
    "decision-notice-2025-10-23.truth",
    # Reports' cover sheets: the meeting a report goes to (packs only).
    "local-council-tax-support-scheme.truth",
    "transport-report-2026-03-27.truth",
]


@pytest.mark.parametrize("truth", OTHER_MEETING_TRUTHS)
def test_other_publishers_meeting_papers(scores, truth):
    for dataset, score in scores[truth].items():
        if dataset in MEETING_DATASETS:
            assert score["f1"] >= 0.95, (truth, dataset, score)


def test_tameside_action_plan_including_every_rag(scores):
    assert scores["tameside-childrens-scrutiny-2024-03-06.truth"]["action_plan"]["f1"] >= 0.99


def test_kent_commitments_table_over_many_pages(scores):
    score = scores["24-00115-appendix-b-kcc-ics-priorities-measures.truth"]["action_plan"]
    assert score["truth_rows"] >= 15
    assert score["f1"] >= 0.95, score


@pytest.mark.parametrize("dataset", ["scorecard_indicators", "scorecard_values", "scorecard_benchmarks", "performance_measures"])
def test_tameside_scorecard_datasets(scores, dataset):
    assert scores["tameside-childrens-scrutiny-2024-03-06.truth"][dataset]["f1"] >= 0.99


def test_kent_qpr_scorecard_tables_and_kpi_cards(scores):
    score = scores["qpr-q3-cabinet-appendix-1.truth"]["scorecard_indicators"]
    assert score["truth_rows"] == 60, "38 table rows on pages 4-7 and 22 KPI cards read by eye"
    assert score["predicted_rows"] == 60, score
    assert score["f1"] >= 0.95, score
