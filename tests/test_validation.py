"""The validation gate: every expectation generated from the contract fails on a broken frame, the
reviewed Tameside truth and the sample run pass, nothing is lost, and `scrutiny validate` names
corrupted rows of a published folder."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import flows.publish as publish_module
from flows.expectations import Check, checks_for
from flows.history import derive
from flows.publish import publish, write_tree
from flows.validate import Failure, gate, run_suites
import schemas.contract as contract
from schemas.contract import DATASETS, HasRows, Lookup, NotAbove, RangeWhen
from schemas.frames import make_frame
from tests.conftest import ROOT, run_cli, truth_frames

PACK = "f89538e73669539c"
REVISION = {
    "pack_id": PACK,
    "source_id": "democracy.example.gov.uk/meeting/9001/public-reports-pack",
    "previous_pack_id": "0123456789abcdef",
    "detected_at": dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone.utc),
    "changed_datasets": "packs; documents",
}
# A value of the wrong type for each column kind, as an extractor bug or a hand edit would leave it.
WRONG_TYPE = {
    "string": 5,
    "int32": "3",
    "float64": "52%",
    "bool": "yes",
    "date": "2024-13-01",
    "timestamp": dt.datetime(2024, 3, 1, 9, 30),  # no time zone
}


@pytest.fixture(scope="module")
def truth() -> dict[str, pd.DataFrame]:
    """Every dataset of the reviewed Tameside truth (read as a published folder), plus one revision."""
    frames = truth_frames()
    frames["revisions"] = make_frame("revisions", [REVISION])
    # The derived datasets as a run would publish them from these rows.
    frames.update(derive(frames)[0])
    return frames


def copied(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in frames.items()}


def repeated_first_row(frames: dict[str, pd.DataFrame], name: str, n: int) -> dict[str, pd.DataFrame]:
    out = copied(frames)
    out[name] = pd.concat([frames[name].iloc[[0]]] * n, ignore_index=True)
    return out


def failures_of(frames: dict[str, pd.DataFrame], name: str) -> list[Failure]:
    return run_suites(frames, names=[name]).failures


def found(failures: list[Failure], row: int, rule: str, severity: str = "blocking") -> list[Failure]:
    return [f for f in failures if f.row == row and f.rule == rule and f.severity == severity]


def test_the_reviewed_truth_passes_every_expectation(truth):
    checked = run_suites(truth)
    assert checked.failures == []
    for name, ds in DATASETS.items():
        assert checked.summary[name]["expectations_run"] == len(checks_for(ds))
        assert checked.summary[name]["rows_checked"] == len(truth[name])
    assert len(truth["scorecard_values"]) > 500  # the percent and unit rules really ran on rows


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_a_value_of_the_wrong_type_fails_its_type_expectation(truth, name):
    ds = DATASETS[name]
    frames = repeated_first_row(truth, name, len(ds.columns))
    for row, column in enumerate(ds.columns):
        frames[name].at[row, column.name] = WRONG_TYPE[column.kind]
    failures = failures_of(frames, name)
    for row, column in enumerate(ds.columns):
        by_format = column.kind in ("date", "timestamp")
        expected = "expect_column_values_to_match_strftime_format" if by_format else "expect_column_values_to_be_in_type_list"
        hits = [f for f in failures if f.row == row and f.rule.startswith(f"{column.name} is ") and f.expectation == expected]
        assert hits, (column.name, failures)
        assert hits[0].values == repr(WRONG_TYPE[column.kind])


def test_a_bool_is_not_an_int(truth):
    frames = copied(truth)
    frames["documents"].at[1, "doc_index"] = True
    assert found(failures_of(frames, "documents"), 1, "doc_index is int32")


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_an_empty_required_value_fails(truth, name):
    required = [c for c in DATASETS[name].columns if not c.nullable]
    frames = repeated_first_row(truth, name, len(required))
    for row, column in enumerate(required):
        frames[name].at[row, column.name] = None
    failures = failures_of(frames, name)
    for row, column in enumerate(required):
        assert found(failures, row, f"{column.name} is required"), column.name


def _value_checks(name: str) -> list[Check]:
    """The generated checks on single column values (allowed values, formats, ranges, usual forms)."""
    ds = DATASETS[name]
    return [
        c
        for c in checks_for(ds)
        if c.stage == "rules" and c.kwargs.get("column") in ds.column_names and c.condition is None and c.expectation != "expect_column_values_to_be_unique"
    ]


# A plausible but wrong value for every pattern of the contract (not only an empty string).
WRONG_VALUES = {
    contract.TIME_PATTERN: "24:00",
    contract.HEX16_PATTERN: "F89538E73669539C",
    contract.HEX64_PATTERN: "f89538e73669539c" * 3 + "f89538e73669539",
    contract.PERIOD_PATTERN: "Aug-23",  # a month column left as printed
    contract.USUAL_PERIOD_PATTERN: "Year to date",
    contract.REF_PATTERN: "CIN 16a",
    contract.USUAL_NUMBER_PATTERN: "Item four",
}


def test_every_pattern_has_a_wrong_value():
    patterns = {p for ds in DATASETS.values() for c in ds.columns for p in (c.pattern, c.usual_pattern) if p}
    assert patterns == set(WRONG_VALUES)


@pytest.mark.parametrize(
    "period",
    ["Aug 2023", "Sept-23", "March", "Q1 2024", "2023-13", "2023-Q5", "2023/2024", " 2023-08", ""],
)
def test_a_period_left_unnormalised_or_malformed_is_blocked(truth, period):
    frames = copied(truth)
    frames["scorecard_values"].at[0, "period"] = period
    failures = [f for f in failures_of(frames, "scorecard_values") if f.row == 0]
    assert any(f.severity == "blocking" and f.rule.startswith("period ") for f in failures), period


@pytest.mark.parametrize("period", ["2023-08", "2023-Q1", "2024/25-Q3", "2023/24", "Year to date", "Market share"])
def test_a_normalised_or_printed_label_period_passes(truth, period):
    frames = copied(truth)
    frames["scorecard_values"].at[0, "period"] = period
    assert not [f for f in failures_of(frames, "scorecard_values") if f.row == 0 and f.severity == "blocking"]


def _breaking_value(name: str, check: Check) -> object:
    kwargs = check.kwargs
    if check.expectation == "expect_column_values_to_be_in_set":
        return "PURPLE"
    if check.expectation == "expect_column_values_to_match_regex":
        return WRONG_VALUES[check.kwargs["regex"]]
    if check.expectation == "expect_column_values_to_be_between":
        value = kwargs["min_value"] - 1 if kwargs["min_value"] is not None else kwargs["max_value"] + 1
        return int(value) if DATASETS[name].column(kwargs["column"]).kind == "int32" else float(value)
    raise AssertionError(f"no breaking value for {check}")


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_a_value_breaking_its_column_rule_fails(truth, name):
    checks = _value_checks(name)
    frames = repeated_first_row(truth, name, len(checks))
    for row, check in enumerate(checks):
        frames[name].at[row, check.kwargs["column"]] = _breaking_value(name, check)
    failures = failures_of(frames, name)
    for row, check in enumerate(checks):
        assert found(failures, row, check.rule, check.severity), check


def test_column_rules_cover_the_issue():
    rules = {c.rule for name in DATASETS for c in _value_checks(name)}
    for expected in (
        "action_rag is one of BLUE, RED, AMBER, GREEN",
        "direction is one of up, down, flat",
        "unit is one of percent, count, rate, average, other",
        "kind is one of agenda, minutes, action_plan, scorecard, letter, report, appendix, other",
        r"meeting_time matches ^([01]\d|2[0-3]):[0-5]\d$",
        r"ref matches ^\S+$",
        r"period usually matches ^(\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4]|\d{4}/\d{2})$",
        "page >= 1",
    ):
        assert expected in rules, expected


def test_the_issue_examples_name_the_value(truth):
    frames = copied(truth)
    frames["action_plan"].at[2, "action_rag"] = "PURPLE"
    frames["action_plan"].at[3, "end_date"] = "2024-13-01"
    frames["packs"].at[0, "meeting_time"] = "25:00"
    plan = {f.row: f.reason for f in failures_of(frames, "action_plan")}
    assert plan[2] == "action_rag is one of BLUE, RED, AMBER, GREEN [expect_column_values_to_be_in_set]: 'PURPLE'"
    assert plan[3] == "end_date is a date (YYYY-MM-DD) [expect_column_values_to_match_strftime_format]: '2024-13-01'"
    packs = failures_of(frames, "packs")
    assert [f.reason for f in packs] == [r"meeting_time matches ^([01]\d|2[0-3]):[0-5]\d$ [expect_column_values_to_match_regex]: '25:00'"]


@pytest.mark.parametrize("name", sorted(n for n, ds in DATASETS.items() if ds.key))
def test_a_duplicated_key_fails_on_both_rows(truth, name):
    frames = copied(truth)
    frames[name] = pd.concat([truth[name], truth[name].iloc[[0]]], ignore_index=True)
    last = len(frames[name]) - 1
    failures = failures_of(frames, name)
    rule = f"key ({', '.join(DATASETS[name].key)}) is unique"
    assert found(failures, 0, rule) and found(failures, last, rule)
    assert {f.row for f in failures} == {0, last}


def test_a_null_inside_a_key_still_clashes(truth):
    frames = copied(truth)
    frames["scorecard_indicators"] = pd.concat([truth["scorecard_indicators"].iloc[[0, 0]]], ignore_index=True)
    frames["scorecard_indicators"]["service_area"] = None
    assert {f.row for f in failures_of(frames, "scorecard_indicators") if f.rule.startswith("key")} == {0, 1}


def _bump(value: object) -> object:
    return value + dt.timedelta(days=1) if isinstance(value, dt.date) else value + 1


def _looked_up(frames, name: str, lookup: Lookup, row: int) -> pd.Series:
    """Rows of the looked-up dataset matching `row` of `name` on the lookup's columns."""
    other = frames[lookup.dataset]
    mask = pd.Series(True, index=other.index)
    for column in lookup.on:
        mask &= other[column] == frames[name][column].iat[row]
    assert mask.any(), f"no {lookup.dataset} row for row {row} of {name}"
    return mask


def break_rule(frames, name: str, rule) -> None:
    """Change row 0 of `name` (or the rows it depends on) so that `rule` fails for it."""
    frame = frames[name]
    if isinstance(rule, HasRows):
        other = frames[rule.dataset]
        mask = pd.Series(True, index=other.index)
        for column in rule.on:
            mask &= other[column] == frame[column].iat[0]
        assert mask.any()
        frames[rule.dataset] = other[~mask].reset_index(drop=True)
    elif isinstance(rule, NotAbove):
        if isinstance(rule.limit, Lookup):
            limit = frames[rule.limit.dataset].loc[_looked_up(frames, name, rule.limit, 0), rule.limit.column].iat[0]
        else:
            limit = frame[rule.limit].iat[0]
            if limit is None:
                kind = DATASETS[name].column(rule.limit).kind
                limit = {"int32": 5, "float64": 5.0, "date": dt.date(2024, 1, 1)}[kind]
                frame.at[0, rule.limit] = limit
        frame.at[0, rule.column] = _bump(limit)
    elif isinstance(rule, RangeWhen):
        if isinstance(rule.when, Lookup):
            other = frames[rule.when.dataset]
            other.loc[_looked_up(frames, name, rule.when, 0), rule.when.column] = rule.equals
        else:
            frame.at[0, rule.when] = rule.equals
        frame.at[0, rule.column] = rule.max_value + 50.0
    else:
        raise AssertionError(f"no breaker for {rule!r}")


ROW_RULES = [(name, rule) for name, ds in DATASETS.items() for rule in ds.all_rules]


@pytest.mark.parametrize(("name", "rule"), ROW_RULES, ids=[f"{n}: {r}" for n, r in ROW_RULES])
def test_a_row_breaking_a_row_rule_fails(truth, name, rule):
    frames = copied(truth)
    break_rule(frames, name, rule)
    failures = failures_of(frames, name)
    assert found(failures, 0, str(rule), rule.severity), failures


def test_every_row_rule_has_a_case():
    assert {type(rule) for _, rule in ROW_RULES} == {NotAbove, RangeWhen, HasRows}
    assert "has attendance rows (same pack_id, meeting_date)" in [str(r) for n, r in ROW_RULES if n == "minutes"]
    assert "has scorecard_values rows (same pack_id)" in [str(r) for n, r in ROW_RULES if n == "scorecard_indicators"]


def test_the_percent_range_applies_to_percent_indicators_only(truth):
    frames = copied(truth)
    values, indicators = frames["scorecard_values"], truth["scorecard_indicators"]
    unit = {(r.ref, r.indicator): r.unit for r in indicators.itertuples()}
    count_row = next(i for i, r in enumerate(values.itertuples()) if unit[(r.ref, r.indicator)] == "count")
    percent_row = next(i for i, r in enumerate(values.itertuples()) if unit[(r.ref, r.indicator)] == "percent")
    values.at[count_row, "value"] = 1500.0
    values.at[percent_row, "value"] = 150.0
    failures = failures_of(frames, "scorecard_values")
    assert [(f.row, f.values) for f in failures] == [(percent_row, "150.0")]
    assert failures[0].rule == "value in 0-100 when scorecard_indicators.unit is percent"


@pytest.fixture(scope="module")
def broken_gate(truth):
    frames = copied(truth)
    frames["action_plan"].at[0, "action_rag"] = "PURPLE"
    frames["action_plan"].at[1, "end_date"] = "2024-13-01"
    frames["action_plan"].at[2, "start_date"] = dt.date(2030, 1, 1)
    frames["agenda_items"] = pd.concat([truth["agenda_items"], truth["agenda_items"].iloc[[4]]], ignore_index=True)
    frames["documents"].at[0, "page"] = 61  # the pack has 60 pages
    frames["scorecard_values"].at[0, "period"] = "Year to date"  # a printed label, not a usual form: a warning
    frames["attendance"] = make_frame("attendance")  # minutes without attendance: a warning
    return frames, gate(frames)


def test_published_plus_quarantined_is_extracted(broken_gate):
    frames, result = broken_gate
    expected = copied(frames)
    expected["action_plan"].at[1, "end_date"] = None  # a wrong-typed value is nulled in quarantine; its reason keeps it
    for name in DATASETS:
        published, quarantined = result.published[name], result.quarantined[name]
        assert len(published) + len(quarantined) == len(frames[name]), name
        assert result.summary[name]["rows_quarantined"] == len(quarantined)
        assert result.summary[name]["rows_published"] == len(published)
        columns = DATASETS[name].column_names
        rows = pd.concat([published[columns], quarantined[columns]]).astype(str).sort_values(columns).reset_index(drop=True)
        original = expected[name][columns].astype(str).sort_values(columns).reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, original)
    assert [len(result.quarantined[n]) for n in ("action_plan", "agenda_items", "documents")] == [3, 2, 1]



def test_a_warning_is_published_and_counted(broken_gate):
    _, result = broken_gate
    for name, rule in (("scorecard_values", "period usually matches"), ("minutes", "has attendance rows")):
        summary = result.summary[name]
        assert summary["rows_with_warnings"] == 1 and summary["expectations_warned"] == 1, name
        assert summary["rows_quarantined"] == 0 and summary["expectations_failed"] == 0, name
        assert [f.severity for f in result.failures if f.dataset == name] == ["warning"]
        assert [f.rule for f in result.failures if f.dataset == name][0].startswith(rule)
    assert "Year to date" in set(result.published["scorecard_values"]["period"])
    assert len(result.published["minutes"]) == 1


def test_quarantine_reasons_name_each_failed_expectation(broken_gate, tmp_path):
    _, result = broken_gate
    reasons = result.quarantined["action_plan"].set_index("ref")["reasons"].to_dict()
    assert "[expect_column_values_to_be_in_set]: 'PURPLE'" in reasons["1.1"]
    assert "end_date is a date (YYYY-MM-DD) [expect_column_values_to_match_strftime_format]: '2024-13-01'" in reasons["1.2"]
    assert re.search(r"start_date <= end_date \[expect_column_pair_values_a_to_be_greater_than_b\]: start_date='2030-01-01'", reasons["1.3"])
    assert "page <= packs.page_count" in result.quarantined["documents"]["reasons"].iat[0]
    # Quarantined rows are written typed: the bad date is null there, and named in `reasons`.
    assert result.quarantined["action_plan"].set_index("ref").at["1.2", "end_date"] is None
    write_tree(tmp_path / "out", result.published, result.quarantined)
    with (tmp_path / "out" / "quarantine" / "action_plan.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["ref"] for r in rows] == ["1.1", "1.2", "1.3"]
    assert all(r["reasons"] for r in rows)


def test_the_sample_run_passes_with_no_blocking_failure(sample_run):
    result, out = sample_run
    manifest = json.loads((out / "manifest.json").read_text())
    totals = manifest["validation"]["totals"]
    assert totals["expectations_failed"] == 0, manifest["validation"]["datasets"]
    assert totals["rows_quarantined"] == 0
    assert totals["expectations_run"] == sum(len(checks_for(ds)) for ds in DATASETS.values())
    assert totals["rows_checked"] == sum(manifest["datasets"][n]["rows"] for n in DATASETS)
    assert json.loads((out / "validation" / "summary.json").read_text()) == manifest["validation"]
    assert f"validation: {totals['expectations_run']} expectations run, 0 failed (blocking)" in result.output


def test_validation_results_and_data_docs_are_published(sample_run):
    _, out = sample_run
    for name, ds in DATASETS.items():
        for stage in ("types", "rules"):
            result = json.loads((out / "validation" / "results" / f"{name}.{stage}.json").read_text())
            assert result["suite_name"] == f"{name}.{stage}"
            assert result["statistics"]["evaluated_expectations"] == len([c for c in checks_for(ds) if c.stage == stage])
    index = (out / "validation" / "index.html").read_text()
    links = re.findall(r'href="(data_docs/[\w.]+\.html)"', index)
    assert links == [f"data_docs/{name}.{stage}.html" for name in DATASETS for stage in ("types", "rules")]
    assert all((out / "validation" / link).exists() for link in links)
    assert not list(out.parent.glob(f".{out.name}.*")), "scratch or staging folder left behind"


@pytest.fixture(scope="module")
def published_truth(truth, tmp_path_factory):
    """The Tameside truth published through the gate, as `scrutiny run` would publish it."""
    out = tmp_path_factory.mktemp("truth") / "outputs"
    checked = gate(truth)
    publish(out, [], checked.published, checked.quarantined, {"datasets": checked.summary})
    return out


def corrupt(folder, dataset: str, change) -> int:
    """Apply `change(rows, header)` to a published CSV; returns the changed CSV line number."""
    path = folder / f"{dataset}.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    line = change(rows, rows[0])
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return line


def set_cell(index: int, column: str, value: str):
    def change(rows, header):
        rows[index][header.index(column)] = value
        return index + 1

    return change


def duplicate_row(index: int):
    def change(rows, header):
        rows.append(list(rows[index]))
        return len(rows)

    return change


CORRUPTIONS = {
    "rag": ("action_plan", set_cell(3, "action_rag", "PURPLE"), "[expect_column_values_to_be_in_set]: 'PURPLE'"),
    "date": ("minutes", set_cell(1, "meeting_date", "2024-13-01"), "[expect_column_values_to_match_strftime_format]: '2024-13-01'"),
    "key": ("minute_items", duplicate_row(2), "key (pack_id, meeting_date, minute_number) is unique [expect_compound_columns_to_be_unique]"),
}


def test_validate_passes_an_untouched_publication(published_truth):
    result = run_cli("validate", str(published_truth))
    assert result.exit_code == 0, result.output
    assert "validate: 0 blocking failures" in result.output


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_validate_names_the_corrupted_row(published_truth, tmp_path, case):
    folder = tmp_path / "outputs"
    shutil.copytree(published_truth, folder)
    dataset, change, expectation = CORRUPTIONS[case]
    line = corrupt(folder, dataset, change)
    result = run_cli("validate", str(folder))
    assert result.exit_code == 1
    named = [text for text in result.output.splitlines() if text.startswith(f"{dataset}.csv line {line} (")]
    assert named and expectation in named[0], result.output
    assert f"note: {dataset}.csv was changed after publication" in result.output


def test_validate_writes_a_report_and_fails_on_a_missing_file(published_truth, tmp_path):
    folder = tmp_path / "outputs"
    shutil.copytree(published_truth, folder)
    (folder / "attendance.csv").unlink()
    result = run_cli("validate", str(folder), "--report", str(tmp_path / "report"))
    assert result.exit_code == 1
    assert "error: attendance.csv: missing" in result.output
    # The rest is still checked: minutes now lack attendance, which is a warning.
    assert 'warning: minutes: 1 rows fail "has attendance rows (same pack_id, meeting_date)"' in result.output
    assert (tmp_path / "report" / "data_docs" / "index.html").exists()
    assert json.loads((tmp_path / "report" / "results" / "minutes.rules.json").read_text())["success"] is False


def test_a_failed_publish_leaves_no_report_behind(truth, tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    scratch = publish_module.scratch_dir(out, "validation")
    checked = run_suites(truth, names=["packs"], report_dir=scratch)
    assert (scratch / "data_docs" / "index.html").exists()
    quarantined = {name: make_frame(name).assign(reasons=pd.Series([], dtype=object)) for name in DATASETS}

    def failing(table, path):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(publish_module, "write_parquet", failing)
    with pytest.raises(OSError, match="injected"):
        publish(out, [], truth, quarantined, {"datasets": checked.summary}, scratch)
    assert list(tmp_path.iterdir()) == []


def test_an_expectation_that_cannot_run_fails_loudly(truth, monkeypatch):
    import flows.validate as validate_module

    real = validate_module.rules_view

    def mixed_types(ds, typed):
        view = real(ds, typed)
        view.at[0, "page"] = "three"  # GX's range check raises on mixed types instead of naming rows
        return view

    monkeypatch.setattr(validate_module, "rules_view", mixed_types)
    with pytest.raises(validate_module.ExpectationError, match=r"packs\.rules: page >= 1 .* could not run"):
        run_suites(truth, names=["packs"])


def test_gx_runs_in_memory_with_analytics_off():
    from flows.validate import _context

    context = _context()
    assert context.config.analytics_enabled is False
    assert context.config.data_docs_sites == {}  # no site in a temporary folder, no pages loading CDN scripts


def test_the_cli_does_not_import_gx():
    code = "import sys, flows.cli, flows.validate; print('great_expectations' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


def test_a_malformed_check_fails_loudly():
    from schemas.contract import Dataset

    broken = Dataset("x", "", DATASETS["packs"].columns, ("pack_id",), ("pack_id",), checks=("page_before_page_count",))
    with pytest.raises(ValueError, match="<low>_le_<high>"):
        broken.all_rules


def _without_run_fields(result: dict) -> dict:
    """A GX result less what differs from run to run (times, and ids GX makes per run)."""
    result = json.loads(json.dumps(result))
    for key in ("run_id", "validation_time", "validation_id", "batch_markers"):
        result["meta"].pop(key, None)
    for item in result["results"]:
        item["expectation_config"].pop("id", None)
    return result


def test_an_empty_dataset_reuses_gx_result_on_no_rows(tmp_path, monkeypatch):
    import flows.kept_results as kept_results
    import flows.validate as validate_module

    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path / "home"))
    empty = {name: make_frame(name) for name in DATASETS}
    first = run_suites(empty, names=["minutes"], report_dir=tmp_path / "first")
    kept = sorted((tmp_path / "home" / kept_results.KEPT_RESULTS).glob("minutes.*.json"))
    assert [p.name.split(".")[1] for p in kept] == ["rules", "types"]

    ran = []
    monkeypatch.setattr(validate_module._Runner, "run", lambda self, *args: ran.append(args) or pytest.fail("GX ran again"))
    second = run_suites(empty, names=["minutes"], report_dir=tmp_path / "second")
    assert ran == []
    assert second.summary == first.summary and second.failures == first.failures == []
    assert first.summary["minutes"]["expectations_run"] == len(checks_for(DATASETS["minutes"]))
    for stage in ("types", "rules"):
        fresh, reused = (json.loads((tmp_path / run / "results" / f"minutes.{stage}.json").read_text()) for run in ("first", "second"))
        assert _without_run_fields(reused) == _without_run_fields(fresh)
        assert reused["meta"]["run_id"]["run_time"] != fresh["meta"]["run_id"]["run_time"]


def test_a_damaged_empty_result_is_computed_again(tmp_path, monkeypatch):
    import flows.kept_results as kept_results

    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path / "home"))
    empty = {name: make_frame(name) for name in DATASETS}
    run_suites(empty, names=["packs"])
    for path in (tmp_path / "home" / kept_results.KEPT_RESULTS).glob("packs.*.json"):
        path.write_text('{"suite_name": "packs.types", "success": false, "results": []}')
    checked = run_suites(empty, names=["packs"])
    assert checked.summary["packs"]["expectations_failed"] == 0
    assert checked.summary["packs"]["expectations_run"] == len(checks_for(DATASETS["packs"]))
    for path in (tmp_path / "home" / kept_results.KEPT_RESULTS).glob("packs.*.json"):
        assert len(json.loads(path.read_text())["results"]) > 0


def _kept_files(home, dataset: str) -> list:
    import flows.kept_results as kept_results

    return sorted((home / kept_results.KEPT_RESULTS).glob(f"{dataset}.*.json"))


def test_the_same_rows_reuse_gx_result_and_other_values_run_gx(truth, tmp_path, monkeypatch):
    import flows.validate as validate_module

    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path / "home"))
    bad = {name: frame.copy() for name, frame in truth.items()}
    bad["action_plan"] = bad["action_plan"].astype(object)
    bad["action_plan"].loc[0, "action_rag"] = "purple"
    first = run_suites(bad, names=["action_plan"], report_dir=tmp_path / "first")
    assert [(f.row, f.rule.split(" is one of")[0]) for f in first.failures] == [(0, "action_rag")]
    assert len(_kept_files(tmp_path / "home", "action_plan")) == 2

    ran = []
    real_run = validate_module._Runner.run
    monkeypatch.setattr(validate_module._Runner, "run", lambda self, *args: ran.append(args[:2]) or real_run(self, *args))
    second = run_suites(bad, names=["action_plan"], report_dir=tmp_path / "second")
    assert ran == []
    assert second.failures == first.failures and second.summary == first.summary
    for stage in ("types", "rules"):
        fresh, reused = (json.loads((tmp_path / run / "results" / f"action_plan.{stage}.json").read_text()) for run in ("first", "second"))
        assert _without_run_fields(reused) == _without_run_fields(fresh)

    # Another value, and the same text as another type, are other values: GX runs.
    changed = {name: frame.copy() for name, frame in bad.items()}
    changed["action_plan"].loc[1, "action_rag"] = "purple"
    third = run_suites(changed, names=["action_plan"])
    assert ran == [("action_plan", "types"), ("action_plan", "rules")]
    assert [f.row for f in third.failures] == [0, 1]
    text, number = ({name: frame.copy() for name, frame in truth.items()} for _ in range(2))
    for frames, venue in ((text, "5"), (number, 5)):
        frames["packs"] = frames["packs"].astype(object)
        frames["packs"].loc[0, "venue"] = venue
    assert run_suites(text, names=["packs"]).failures == []
    ran.clear()
    wrong = run_suites(number, names=["packs"])
    assert ("packs", "types") in ran
    assert [(f.rule, f.values) for f in wrong.failures] == [("venue is string", "5")]


def test_kept_results_are_bounded_per_suite(truth, tmp_path, monkeypatch):
    import flows.kept_results as kept_results

    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(kept_results, "KEPT_PER_SUITE", 3)
    for n in range(5):
        frames = {name: frame.copy() for name, frame in truth.items()}
        frames["packs"] = frames["packs"].astype(object)
        frames["packs"].loc[0, "venue"] = f"Room {n}"
        run_suites(frames, names=["packs"])
    assert len([p for p in _kept_files(tmp_path / "home", "packs") if ".types." in p.name]) == 3
    assert len([p for p in _kept_files(tmp_path / "home", "packs") if ".rules." in p.name]) == 3


def test_a_result_that_could_not_run_is_not_kept(truth, tmp_path, monkeypatch):
    import flows.validate as validate_module

    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path / "home"))
    real = validate_module.rules_view

    def mixed_types(ds, typed):
        view = real(ds, typed)
        view.at[0, "page"] = "three"
        return view

    monkeypatch.setattr(validate_module, "rules_view", mixed_types)
    for _ in range(2):
        with pytest.raises(validate_module.ExpectationError, match="could not run"):
            run_suites(truth, names=["packs"])
    assert [p.name.split(".")[1] for p in _kept_files(tmp_path / "home", "packs")] == ["types"]


def test_the_speed_bench_forgets_the_kept_results_folder(monkeypatch):
    import importlib.util

    import flows.kept_results as kept_results

    spec = importlib.util.spec_from_file_location("speed_bench", ROOT / "bench" / "speed.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "speed_bench", bench)  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    assert bench.KEPT_RESULTS == kept_results.KEPT_RESULTS
