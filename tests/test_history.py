"""Indicator and action history across meetings, the DuckDB views over it, and `scrutiny sql`.

Rows come from tests/history_packs.py: unit tests use the published rows it generates; the
end-to-end test draws the same packs as PDFs and runs them through the pipeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from flows.database import build_database, connect
from flows.history import Item, derive, fold, match_series, ref_key
from flows.publish import write_tree
from schemas.contract import DATASETS
from schemas.frames import from_arrow, make_frame
from schemas.views import VIEWS
from tests.conftest import run_cli
from tests.history_packs import COUNCIL, MEETINGS, combined, pack_pdf, published_rows

D = [m.date for m in MEETINGS]
CIN, FD2, CASELOAD = "testshire/CIN16A", "testshire/FD2", "testshire/average caseload per social worker"

# (indicator_key, period, value, packs_seen, restated, previous_value, first_meeting_date)
EXPECTED_INDICATORS = [
    (CIN, "2023-10", 21.0, 4, False, None, D[0]),
    (CIN, "2023-11", 22.5, 4, False, None, D[0]),
    (CIN, "2023-12", 23.0, 4, False, None, D[0]),
    (CIN, "2024-01", 24.0, 3, False, None, D[1]),
    (CIN, "2024-02", 22.0, 2, False, None, D[2]),
    (CIN, "2024-03", 20.5, 1, False, None, D[3]),
    (FD2, "2023-10", 38.0, 4, False, None, D[0]),
    (FD2, "2023-11", 42.5, 4, True, 40.0, D[0]),
    (FD2, "2023-12", 41.0, 4, False, None, D[0]),
    (FD2, "2024-01", 39.5, 3, False, None, D[1]),
    (FD2, "2024-02", 44.0, 2, False, None, D[2]),
    (FD2, "2024-03", 45.0, 1, False, None, D[3]),
    (CASELOAD, "2023-10", 19.0, 4, False, None, D[0]),
    (CASELOAD, "2023-11", 20.0, 4, False, None, D[0]),
    (CASELOAD, "2023-12", 21.0, 4, False, None, D[0]),
    (CASELOAD, "2024-01", 22.0, 3, False, None, D[1]),
    (CASELOAD, "2024-02", 20.0, 2, False, None, D[2]),
    (CASELOAD, "2024-03", 18.0, 1, False, None, D[3]),
]
PLAN = "testshire/improvement plan/"
# (action_key, meeting_date, action_rag, rag_changed, previous_action_rag, meetings_red, overdue)
EXPECTED_ACTIONS = [
    (PLAN + "1.1", D[0], "AMBER", False, None, 0, False),
    (PLAN + "1.1", D[1], "RED", True, "AMBER", 1, False),
    (PLAN + "1.1", D[2], "RED", False, "RED", 2, False),
    (PLAN + "1.1", D[3], "GREEN", True, "RED", 0, False),
    (PLAN + "1.2", D[0], "GREEN", False, None, 0, False),
    (PLAN + "1.2", D[1], "GREEN", False, "GREEN", 0, False),
    (PLAN + "1.2", D[2], "GREEN", False, "GREEN", 0, True),
    (PLAN + "1.2", D[3], "GREEN", False, "GREEN", 0, True),
    (PLAN + "2.1", D[0], "AMBER", False, None, 0, False),
    (PLAN + "2.1", D[1], "RED", True, "AMBER", 1, False),
    (PLAN + "2.1", D[2], "RED", False, "RED", 2, False),
    (PLAN + "2.1", D[3], "RED", False, "RED", 3, False),
    (PLAN + "2.2", D[0], "AMBER", False, None, 0, False),
    (PLAN + "2.2", D[1], "AMBER", False, "AMBER", 0, True),
    (PLAN + "2.2", D[2], "BLUE", True, "AMBER", 0, False),
    (PLAN + "2.2", D[3], "BLUE", False, "BLUE", 0, False),
]
EXPECTED_VIEWS = {
    "latest_scorecard": [
        # indicator_key, indicator, period, value, previous_period, previous_value, change, target
        (CIN, "Re-referrals within 12 months", "2024-03", 20.5, "2024-02", 22.0, -1.5, "20-24%"),
        (FD2, "Contacts progressing to referral", "2024-03", 45.0, "2024-02", 44.0, 1.0, "40%"),
        (CASELOAD, "Average caseloads per social worker", "2024-03", 18.0, "2024-02", 20.0, -2.0, "18"),
    ],
    "restated_values": [(FD2, "2023-11", 40.0, 42.5, 2.5)],
    "actions_red_for_3_meetings": [(PLAN + "2.1", "Recruit two senior social workers", 3, D[3])],
    "overdue_actions": [(PLAN + "1.2", "GREEN", dt.date(2024, 3, 1), D[3], 40)],
}
VIEW_QUERIES = {
    "latest_scorecard": "SELECT indicator_key, indicator, period, value, previous_period, previous_value, change, target FROM latest_scorecard",
    "restated_values": "SELECT indicator_key, period, previous_value, value, change FROM restated_values",
    "actions_red_for_3_meetings": "SELECT action_key, action, meetings_red, meeting_date FROM actions_red_for_3_meetings",
    "overdue_actions": "SELECT action_key, action_rag, end_date, meeting_date, days_overdue FROM overdue_actions",
}


def indicator_rows(frame) -> list[tuple]:
    columns = ["indicator_key", "period", "value", "packs_seen", "restated", "previous_value", "first_meeting_date"]
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


def action_rows(frame) -> list[tuple]:
    columns = ["action_key", "meeting_date", "action_rag", "rag_changed", "previous_action_rag", "meetings_red", "overdue"]
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


@pytest.fixture(scope="module")
def history():
    return derive(published_rows())


def test_indicator_history_rows(history):
    frames, _ = history
    got = frames["indicator_history"]
    assert indicator_rows(got) == EXPECTED_INDICATORS
    latest = got[got["period"] == "2024-03"].set_index("indicator_key")
    # Names and refs as in the latest pack; every value from the latest pack that printed it.
    assert latest.at[CIN, "ref"] == "CIN16A" and latest.at[CASELOAD, "indicator"] == "Average caseloads per social worker"
    assert set(got["latest_meeting_date"]) == {D[3]} and set(got["council"]) == {COUNCIL}
    assert (got["pack_id"] == got["latest_pack_id"]).all()


def test_action_history_rows(history):
    frames, _ = history
    assert action_rows(frames["action_history"]) == EXPECTED_ACTIONS


def test_each_match_is_recorded_with_its_method(history):
    _, report = history
    assert report["methods"] == {
        "indicator_history": {"new": 3, "ref": 6, "close name": 1, "name": 2},
        "action_history": {"new": 4, "ref": 12},
    }
    (close,) = [m for m in report["matches"] if m["method"] == "close name"]
    assert close["key"] == CASELOAD and close["item"] == "Average caseloads per social worker"
    assert close["previous_name"] == "average caseload per social worker" and 0.97 <= close["similarity"] < 1
    assert report["ambiguous"] == 0


def test_history_is_deterministic_whatever_the_row_order():
    rows = published_rows()
    shuffled = {name: frame.iloc[::-1].reset_index(drop=True) for name, frame in rows.items()}
    first, _ = derive(rows)
    again, _ = derive(shuffled)
    for name in first:
        assert first[name].equals(again[name]), name


def test_two_councils_with_the_same_refs_never_share_a_key():
    frames, _ = derive(combined(published_rows(), published_rows("Otherton", range(1))))
    for name, key in (("indicator_history", "indicator_key"), ("action_history", "action_key")):
        frame = frames[name]
        by_council = {c: set(frame.loc[frame["council"] == c, key]) for c in ("Testshire", "Otherton")}
        assert by_council["Testshire"] and by_council["Otherton"]
        assert not by_council["Testshire"] & by_council["Otherton"], name
        assert all(k.startswith("otherton/") for k in by_council["Otherton"])
    assert indicator_rows(frames["indicator_history"][frames["indicator_history"]["council"] == "Testshire"]) == EXPECTED_INDICATORS


def test_refs_and_names_fold():
    assert ref_key("CIN 16a") == ref_key("CIN16A") == "CIN16A"
    assert fold("  Re-referrals (within 12 months) ") == "re referrals within 12 months"


def _items(pack: str, *entries: tuple[str | None, str]) -> tuple[str, list[Item]]:
    return pack, [Item(pack, "c", ref_key(ref), fold(name), name) for ref, name in entries]


def test_an_ambiguous_name_is_reported_not_merged():
    packs = [
        _items("p1", (None, "Children looked after north"), (None, "Children looked after south")),
        _items("p2", (None, "Children looked after")),
    ]
    matching = match_series(packs, lambda item: item.name, 0.8)
    record = matching.records[-1]
    assert record["method"] == "ambiguous"
    assert {c["key"] for c in record["candidates"]} == {"children looked after north", "children looked after south"}
    assert matching.keys[("p2", 0)] == "children looked after"


def test_a_renumbered_plan_follows_the_text():
    packs = [
        _items("p1", ("1.1", "Recruit two senior social workers"), ("1.2", "Audit fifty case files")),
        _items("p2", ("1.1", "Audit fifty case files"), ("1.2", "Publish the practice standards")),
    ]
    matching = match_series(packs, lambda item: item.ref, 0.77)
    assert matching.keys[("p2", 0)] == "1.2", "the audit kept its series under its new number"
    assert matching.keys[("p2", 1)] == "1.2~2", "a new action under a reused number is a new series"
    methods = {r["item"]: r["method"] for r in matching.records if r["pack_id"] == "p2"}
    assert methods == {"Audit fifty case files": "name", "Publish the practice standards": "new"}


def test_a_sibling_indicator_is_not_merged_by_name():
    packs = [
        _items("p1", ("CIN1", "Child in need all open cases"), ("CIN2", "Child in need all open cases rate")),
        _items("p2", ("CIN1", "Child in need all open cases"), ("CIN3", "Child in need all open cases no")),
    ]
    matching = match_series(packs, lambda item: item.ref, 0.97)
    assert matching.keys[("p2", 1)] == "CIN3"


def _database(tmp_path, frames):
    folder = tmp_path / "out"
    quarantined = {name: make_frame(name).assign(reasons=[]) for name in DATASETS}
    write_tree(folder, frames, quarantined)
    build_database(folder)
    return folder


@pytest.fixture(scope="module")
def database(tmp_path_factory, history):
    frames, _ = history
    return _database(tmp_path_factory.mktemp("db"), {**published_rows(), **frames})


@pytest.mark.parametrize("view", sorted(EXPECTED_VIEWS))
def test_views_give_the_expected_rows(database, view):
    with connect(database) as con:
        assert con.execute(VIEW_QUERIES[view]).fetchall() == EXPECTED_VIEWS[view]


def test_views_have_their_documented_columns(database):
    with connect(database) as con:
        for view in VIEWS:
            assert [d[0] for d in con.execute(f"SELECT * FROM {view.name} LIMIT 0").description] == view.column_names
        for name in DATASETS:
            assert [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description] == DATASETS[name].column_names


def test_the_folder_can_be_moved(database, tmp_path):
    moved = tmp_path / "elsewhere" / "outputs"
    shutil.copytree(database, moved)
    with connect(moved) as con:
        assert con.execute("SELECT count(*) FROM indicator_history").fetchone() == (18,)


def test_sql_prints_csv_and_tables(database):
    result = run_cli("sql", "--output", str(database), "--format", "csv", "SELECT action_key, meetings_red, end_date FROM actions_red_for_3_meetings")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [["action_key", "meetings_red", "end_date"], [PLAN + "2.1", "3", "2024-09-30"]]
    table = run_cli("sql", "-o", str(database), "SELECT indicator_key FROM restated_values")
    assert table.exit_code == 0 and FD2 in table.stdout
    bad = run_cli("sql", "-o", str(database), "SELECT nothing FROM nowhere")
    assert bad.exit_code == 1 and "nowhere" in bad.output
    missing = run_cli("sql", "-o", str(database / "absent"), "SELECT 1")
    assert missing.exit_code == 2


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory):
    """The generated packs drawn as PDFs (four meetings of one panel, one of another council), run through the pipeline."""
    folder = tmp_path_factory.mktemp("packs")
    for n in range(len(MEETINGS)):
        pack_pdf(folder, n)
    pack_pdf(folder, 0, council="Otherton")
    out = tmp_path_factory.mktemp("run") / "outputs"
    result = run_cli("run", str(folder), "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_the_pipeline_publishes_the_history_of_generated_packs(pipeline_run):
    indicators = from_arrow(pq.read_table(pipeline_run / "indicator_history.parquet"))
    actions = from_arrow(pq.read_table(pipeline_run / "action_history.parquet"))
    assert indicator_rows(indicators[indicators["council"] == COUNCIL]) == EXPECTED_INDICATORS
    assert action_rows(actions[actions["council"] == COUNCIL]) == EXPECTED_ACTIONS
    other = set(indicators.loc[indicators["council"] == "Otherton", "indicator_key"])
    assert other == {"otherton/CIN16A", "otherton/FD2", "otherton/average caseload per social worker"}


def test_the_pipeline_writes_the_database_and_the_matching_report(pipeline_run):
    import json

    manifest = json.loads((pipeline_run / "manifest.json").read_text())
    assert manifest["contract_version"] == "2.0.0" and manifest["database"] == "scrutiny.duckdb"
    assert manifest["datasets"]["indicator_history"]["rows"] == 18 + 9
    assert manifest["history"]["methods"]["indicator_history"]["close name"] == 1
    for name in ("indicator_history", "action_history"):
        assert manifest["validation"]["datasets"][name]["rows_checked"] == manifest["datasets"][name]["rows"]
    with connect(pipeline_run) as con:
        for view, query in VIEW_QUERIES.items():
            rows = con.execute(f"{query} WHERE council = '{COUNCIL}' ORDER BY 1").fetchall()
            assert rows == EXPECTED_VIEWS[view], view


def test_the_latest_period_is_the_latest_month_even_beside_a_year(tmp_path):
    rows = published_rows()
    values = rows["scorecard_values"]
    year = values[(values["ref"] == "FD2")].iloc[[-1]].assign(period="2023/24", value=41.0, value_raw="41.0%")
    rows["scorecard_values"] = pd.concat([values, year], ignore_index=True)
    frames, _ = derive(rows)
    folder = _database(tmp_path, {**rows, **frames})
    with connect(folder) as con:
        assert con.execute("SELECT period, previous_period FROM latest_scorecard WHERE indicator_key = ?", [FD2]).fetchall() == [("2024-03", "2024-02")]
