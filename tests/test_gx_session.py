"""Great Expectations in one process: suites run through GX's Validator on one context give the same
results as GX's stored validation definitions, with or without the per-validation memo, and the
memo never outlives a validation."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pandas as pd
import pytest

import flows.gx_session as gx_session
import flows.validate as validate_module
from flows.expectations import rules_view, typed_view, types_view
from flows.history import derive
from flows.validate import gate
from schemas.contract import CONTRACT_VERSION, DATASETS
from schemas.frames import blanks_to_null, make_frame
from tests.conftest import truth_frames


@pytest.fixture(scope="module")
def broken() -> dict[str, pd.DataFrame]:
    """The reviewed Tameside truth with a row breaking each kind of expectation, blocking and warning."""
    frames = truth_frames()
    frames.update(derive(frames)[0])
    frames = {name: frame.copy() for name, frame in frames.items()}
    plan = frames["action_plan"]
    plan.at[0, "action_rag"] = "PURPLE"  # a value outside its set
    plan.at[1, "end_date"] = "2024-13-01"  # not a date
    plan.at[2, "start_date"] = dt.date(2030, 1, 1)  # after its end date
    frames["agenda_items"] = pd.concat([frames["agenda_items"], frames["agenda_items"].iloc[[4]]], ignore_index=True)  # a key twice
    frames["documents"].at[0, "page"] = 61  # beyond the pack's page count, looked up in another dataset
    values, indicators = frames["scorecard_values"], frames["scorecard_indicators"]
    values.at[0, "period"] = "Year to date"  # a warning: not a usual period
    values.at[1, "value"] = "52%"  # the wrong type
    unit = {(r.ref, r.indicator): r.unit for r in indicators.itertuples()}
    values.at[next(i for i, r in enumerate(values.itertuples()) if unit[(r.ref, r.indicator)] == "percent"), "value"] = 150.0
    indicators.at[0, "indicator"] = None  # a required value missing
    frames["attendance"] = make_frame("attendance")  # a warning: minutes without attendance rows
    return frames


def _without_run_fields(result: dict) -> dict:
    """A GX result less what differs from run to run and from store to store (times and ids)."""
    result = json.loads(json.dumps(result, default=str))
    for key in ("run_id", "validation_time", "validation_id", "batch_markers"):
        result["meta"].pop(key, None)
    for item in result["results"]:
        item["expectation_config"].pop("id", None)
    return result


def _views(frames: dict[str, pd.DataFrame]) -> dict[tuple[str, str], pd.DataFrame]:
    """Each non-empty dataset's view per stage, as `run_suites` makes them."""
    inputs = {name: blanks_to_null(name, frames[name]).reset_index(drop=True) for name in DATASETS}
    typed = {name: typed_view(ds, inputs[name]) for name, ds in DATASETS.items()}
    views = {}
    for name, ds in DATASETS.items():
        if len(inputs[name]):
            views[(name, "types")] = types_view(ds, inputs[name])
            views[(name, "rules")] = rules_view(ds, typed)
    return views


def _stored_run(name: str, stage: str, view: pd.DataFrame, run_time: dt.datetime) -> dict:
    """GX's result the way its own stores make it: suite and validation definition added to a fresh context."""
    import copy

    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    context = gx_session.context()
    batch = context.data_sources.add_pandas("scrutiny").add_dataframe_asset(name).add_batch_definition_whole_dataframe("all rows")
    templates = validate_module._expectations(name, stage)
    suite = context.suites.add(gx.ExpectationSuite(name=f"{name}.{stage}", expectations=[copy.copy(e) for e in templates]))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=f"{name}.{stage}", data=batch, suite=suite))
    run_id = RunIdentifier(run_name="scrutiny", run_time=run_time)
    return definition.run(batch_parameters={"dataframe": view}, result_format="COMPLETE", run_id=run_id).to_json_dict()


def test_results_match_gx_stored_validation_definitions(broken):
    validate_module.load_gx()
    run_time = dt.datetime(2024, 3, 6, 12, 0, tzinfo=dt.timezone.utc)
    views = _views(broken)
    failing = 0
    for (name, stage), view in views.items():
        templates = tuple(validate_module._expectations(name, stage))
        direct = gx_session.validate(name, f"{name}.{stage}", templates, (name, stage, CONTRACT_VERSION), view, run_time)
        stored = _stored_run(name, stage, view, run_time)
        assert _without_run_fields(direct) == _without_run_fields(stored), f"{name}.{stage}"
        assert direct["meta"]["run_id"] == stored["meta"]["run_id"]
        failing += not direct["success"]
    assert failing >= 5  # the broken rows are seen: the comparison covers failing results, not only passing ones


def test_the_memo_changes_no_result(broken, tmp_path, monkeypatch):
    memoised = gate(broken, report_dir=tmp_path / "memoised")
    monkeypatch.setattr(gx_session, "_memoised", contextlib.nullcontext)
    plain = gate(broken, report_dir=tmp_path / "plain")
    assert memoised.failures == plain.failures and memoised.summary == plain.summary
    assert {f.dataset for f in memoised.failures} >= {"action_plan", "agenda_items", "documents", "scorecard_values", "scorecard_indicators", "minutes"}
    for name in DATASETS:
        pd.testing.assert_frame_equal(memoised.published[name], plain.published[name])
        pd.testing.assert_frame_equal(memoised.quarantined[name], plain.quarantined[name])
    for path in sorted((tmp_path / "memoised" / "results").glob("*.json")):
        other = tmp_path / "plain" / "results" / path.name
        assert _without_run_fields(json.loads(path.read_text())) == _without_run_fields(json.loads(other.read_text())), path.name


def test_the_shortcuts_last_one_validation_only(broken):
    from great_expectations.core.id_dict import IDDict
    from great_expectations.expectations.expectation import Expectation

    gate(broken, names=["packs"])  # installs the shortcuts
    assert getattr(Expectation.__dict__["configuration"].fget, "scrutiny_shortcut", False)
    expectation = validate_module._expectations("packs", "types")[0]
    # Outside a validation, GX's own behaviour: a new configuration on each read.
    assert expectation.configuration is not expectation.configuration
    assert expectation.configuration.to_domain_obj() is not expectation.configuration.to_domain_obj()
    with gx_session._memoised():
        assert expectation.configuration is expectation.configuration
        config = expectation.configuration
        assert config.to_domain_obj() is config.to_domain_obj()
    assert gx_session._memo.configurations is None and gx_session._memo.expectations is None
    assert expectation.configuration is not expectation.configuration


@pytest.mark.parametrize(
    "arguments",
    [
        {"column": "page", "batch_id": "scrutiny-packs"},
        {"value_set": ["RED", "AMBER"], "parse_strings_as_datetimes": False, "result_format": {"result_format": "COMPLETE", "partial_unexpected_count": 20}},
        {"min_value": 1, "max_value": None, "strict_min": False, "ratio": 0.5},
        {"column_list": ("a", "b"), "ignore_row_if": "never"},
        {"nan": float("nan"), "day": dt.date(2024, 3, 6), "other": 1},  # not plain JSON: GX's own conversion
    ],
)
def test_metric_ids_are_gx_own(broken, arguments):
    gate(broken, names=["packs"])  # installs the shortcuts
    from great_expectations.core.id_dict import IDDict

    outside = IDDict(arguments).to_id()
    with gx_session._memoised():
        inside = IDDict(arguments).to_id()
    assert inside == outside
    assert IDDict.to_id.gx_original(IDDict(arguments)) == outside  # GX's own


def test_one_context_serves_every_validation_and_stores_nothing(broken, monkeypatch):
    gate(broken, names=["packs"])  # the process's context exists from here on
    made = []
    real = gx_session.context
    monkeypatch.setattr(gx_session, "context", lambda: made.append(1) or real())
    first = gate(broken)
    second = gate(broken)
    assert made == []
    assert first.failures == second.failures
    context = gx_session._state["source"].data_context  # type: ignore[attr-defined]
    assert context.suites.all() == [] and context.validation_definitions.all() == []


def test_result_ids_are_the_same_on_every_run(broken, tmp_path):
    gate(broken, report_dir=tmp_path / "one", names=["action_plan"])
    gate(broken, report_dir=tmp_path / "two", names=["action_plan"])
    for stage in ("types", "rules"):
        one, two = (json.loads((tmp_path / run / "results" / f"action_plan.{stage}.json").read_text()) for run in ("one", "two"))
        ids = [item["expectation_config"]["id"] for item in one["results"]]
        assert all(ids) and len(set(ids)) == len(ids)
        assert ids == [item["expectation_config"]["id"] for item in two["results"]]
        assert one["meta"]["validation_id"] == two["meta"]["validation_id"]


def test_a_result_on_no_rows_names_expectations_alike(broken, tmp_path, monkeypatch):
    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path / "home"))
    empty = dict(broken, action_plan=make_frame("action_plan"))
    gate(broken, report_dir=tmp_path / "rows", names=["action_plan"])
    for run in ("computed", "kept"):  # GX's result on no rows, then the same read back from the run state
        gate(empty, report_dir=tmp_path / run, names=["action_plan"])
        for stage in ("types", "rules"):
            rows, none = (json.loads((tmp_path / r / "results" / f"action_plan.{stage}.json").read_text()) for r in ("rows", run))
            assert [i["expectation_config"]["id"] for i in none["results"]] == [i["expectation_config"]["id"] for i in rows["results"]]
            assert none["meta"]["validation_id"] == rows["meta"]["validation_id"]
