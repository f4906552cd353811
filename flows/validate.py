"""The validation gate: Great Expectations suites from the contract decide which rows are published.

A row failing a blocking expectation goes to quarantine with a `reasons` cell naming each failed
expectation; a warning is published, counted and shown. Nothing is dropped: published +
quarantined = extracted. Results are kept as GX JSON and rendered as Data Docs when asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.expectations import (
    DATE_FORMAT,
    INVALID,
    STAGES,
    TIMESTAMP_FORMAT,
    Check,
    canonical,
    checks_for,
    rules_view,
    to_expectation,
    typed_view,
    types_view,
)
from flows import gx_session, kept_results
from flows.data_docs import render_data_docs
from schemas.contract import CONTRACT_VERSION, DATASETS, Column, Dataset, Severity
from schemas.frames import blanks_to_null, make_frame

RESULTS = "results"
DATA_DOCS = "data_docs"
SUMMARY = "summary.json"


@dataclass(frozen=True)
class Failure:
    """One row failing one expectation."""

    dataset: str
    row: int  # 0-based position in the checked frame; in a published CSV, line row + 2
    rule: str
    expectation: str
    severity: Severity
    values: str = ""  # the row's values in the columns the expectation read

    @property
    def reason(self) -> str:
        text = f"{self.rule} [{self.expectation}]" + (f": {self.values}" if self.values else "")
        return text + (" (warning)" if self.severity == "warning" else "")


@dataclass
class Validation:
    """Every failure, in dataset, suite and expectation order, and counts per dataset."""

    failures: list[Failure]
    summary: dict[str, dict[str, object]]

    def blocking_rows(self, name: str) -> set[int]:
        return {f.row for f in self.failures if f.dataset == name and f.severity == "blocking"}


@dataclass
class GateResult:
    """Frames split into published and quarantined rows, with counts per dataset and every failure."""

    published: dict[str, pd.DataFrame]
    quarantined: dict[str, pd.DataFrame]
    summary: dict[str, dict[str, object]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    report_dir: Path | None = None  # GX results (JSON) and Data Docs, when they were written


class ExpectationError(RuntimeError):
    """An expectation could not be evaluated (a bug in the suites or the views, never bad data)."""


def load_gx() -> None:
    """Import Great Expectations and its expectation classes (seconds); later calls cost nothing.

    A run starts this in the background as it begins (`flows.startup`), so that the import overlaps
    the Prefect API's start-up and the extraction instead of following them.
    """
    import great_expectations  # noqa: F401
    import great_expectations.expectations  # noqa: F401
    from great_expectations.data_context.types.base import DataContextConfig  # noqa: F401


def _context():
    """A fresh in-memory GX context (`flows.gx_session.context`)."""
    return gx_session.context()


def _raised(exception_info: dict) -> str | None:
    """The message of an exception GX caught while evaluating an expectation, if any."""
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    for info in infos:
        if isinstance(info, dict) and info.get("raised_exception"):
            return str(info.get("exception_message"))
    return None


def _values(check: Check, stage: str, frame: pd.DataFrame, view: pd.DataFrame, row: int) -> str:
    if not check.show_values:
        return ""
    columns = check.columns
    source = frame if stage == "types" else view
    values = [source[c].iat[row] for c in columns]
    if len(values) == 1:
        return repr(values[0])
    return ", ".join(f"{c}={v!r}" for c, v in zip(columns, values))


def _stage_failures(name: str, stage: str, checks: dict[tuple[str, str], Check], result: dict, frame, view) -> tuple[list[Failure], int, int]:
    """The failures, blocking and warning counts of one suite's GX result (as JSON)."""
    failures: list[Failure] = []
    failed = {"blocking": 0, "warning": 0}
    for item in result["results"]:
        config = item["expectation_config"]
        check = checks[(config["meta"]["rule"], config["type"])]
        message = _raised(item.get("exception_info") or {})
        if message:
            raise ExpectationError(f"{name}.{stage}: {check.rule} [{check.expectation}] could not run: {message}")
        if item["success"]:
            continue
        failed[check.severity] += 1
        for index in (item.get("result") or {}).get("unexpected_index_list") or []:
            row = int(index)
            failures.append(Failure(name, row, check.rule, check.expectation, check.severity, _values(check, stage, frame, view, row)))
    return failures, failed["blocking"], failed["warning"]


class _Runner:
    """One validation run: its time, and GX (the process's context, made on first use) for suites with rows."""

    def __init__(self) -> None:
        self.run_time = dt.datetime.now(dt.timezone.utc)

    def run(self, name: str, stage: str, view: pd.DataFrame) -> dict:
        """GX's result (as JSON) of one dataset's suite of a stage on `view`."""
        templates = tuple(_expectations(name, stage))
        return gx_session.validate(name, f"{name}.{stage}", templates, (name, stage, CONTRACT_VERSION), view, self.run_time)

    def run_kept(self, name: str, stage: str, view: pd.DataFrame) -> dict:
        """GX's result of a suite on `view`: the one kept from an earlier run on the same values
        (`flows.kept_results`), or GX's own, which is then kept."""
        suite = f"{name}.{stage}"
        path = kept_results.result_path(suite, _described(name, stage), view)
        if path is not None and (result := kept_results.read_kept(path, suite, len(_checks(name, stage)), self.run_time)):
            return result
        result = self.run(name, stage, view)
        # An expectation that could not run fails the run; nothing of it is kept.
        if path is not None and not any(_raised(item.get("exception_info") or {}) for item in result["results"]):
            kept_results.keep(path, suite, result)
        return result


def _described(name: str, stage: str) -> dict:
    """What a suite's result depends on besides the values it checks."""
    return {
        # GX computes on pandas: a new version of either may word a result differently.
        "versions": _library_versions(),
        # Expectation and validation ids are named in this namespace (`flows.gx_session`).
        "ids": str(gx_session.IDS_NAMESPACE),
        "checks": [[c.stage, c.rule, c.severity, c.expectation, c.kwargs, c.condition] for c in _checks(name, stage).values()],
    }


@functools.cache
def _library_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("great_expectations", "pandas", "numpy")}


def run_suites(frames: dict[str, pd.DataFrame], names: list[str] | None = None, report_dir: Path | None = None) -> Validation:
    """Run each dataset's `types` and `rules` suites; with `report_dir`, keep GX results and Data Docs there.

    `frames` must hold every dataset (rules look rows up in other datasets); `names` limits which
    datasets are checked. A suite whose values GX checked in an earlier run (an empty dataset
    among them) gets the result GX gave then (`_Runner.run_kept`).
    """
    runner = _Runner()
    # GX's pandas engine names failing rows only on a fresh 0..n-1 index (other indexes misalign).
    inputs = {name: frames[name].reset_index(drop=True) for name in DATASETS}
    typed = {name: typed_view(ds, inputs[name]) for name, ds in DATASETS.items()}
    failures: list[Failure] = []
    summary: dict[str, dict[str, object]] = {}
    with warnings.catch_warnings():
        # pandas warns that the contract's patterns have groups GX does not extract; they are only matched.
        warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression", category=UserWarning)
        for name in names or list(DATASETS):
            failures += _run_dataset(runner, name, inputs[name], typed, report_dir, summary)
    if report_dir is not None:
        _write_report(report_dir, summary)
    return Validation(failures, summary)


def _write_report(report_dir: Path, summary: dict[str, dict[str, object]]) -> None:
    """Add this call's counts to the report's summary and render the offline Data Docs.

    A run checks the extracted datasets, then the derived ones, into one report: counts merge.
    """
    path = report_dir / SUMMARY
    earlier = json.loads(path.read_text()).get("datasets", {}) if path.exists() else {}
    merged = {name: summary.get(name, earlier.get(name)) for name in DATASETS if name in summary or name in earlier}
    path.write_text(json.dumps(validation_summary(merged), indent=2) + "\n")
    render_data_docs(report_dir, DATA_DOCS)


def _run_dataset(runner: _Runner, name: str, frame: pd.DataFrame, typed: dict[str, pd.DataFrame], report_dir: Path | None, summary: dict) -> list[Failure]:
    """Run both suites of one dataset; add its counts to `summary` and return its failures."""
    ds = DATASETS[name]
    views = {"types": types_view(ds, frame), "rules": rules_view(ds, typed)}
    found: list[Failure] = []
    run = failed = warned = 0
    for stage in STAGES:
        checks = _checks(name, stage)
        result = runner.run_kept(name, stage, views[stage])
        stage_failures, stage_failed, stage_warned = _stage_failures(name, stage, checks, result, frame, views[stage])
        found += stage_failures
        run += len(checks)
        failed += stage_failed
        warned += stage_warned
        if report_dir is not None:
            path = report_dir / RESULTS / f"{name}.{stage}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    summary[name] = _dataset_summary(frame, found, run, failed, warned)
    return found


@functools.cache
def _checks(name: str, stage: str, contract_version: str = CONTRACT_VERSION) -> dict[tuple[str, str], Check]:
    """One dataset's checks of a stage by (rule, expectation), built once per contract version."""
    return {(c.rule, c.expectation): c for c in checks_for(DATASETS[name]) if c.stage == stage}


@functools.cache
def _expectations(name: str, stage: str, contract_version: str = CONTRACT_VERSION) -> list:
    """The GX expectations of `_checks` (importing GX), built once per contract version."""
    return [to_expectation(c) for c in _checks(name, stage, contract_version).values()]


def _dataset_summary(frame: pd.DataFrame, failures: list[Failure], run: int, failed: int, warned: int) -> dict[str, object]:
    blocking = {f.row for f in failures if f.severity == "blocking"}
    warned_rows = {f.row for f in failures if f.severity == "warning"} - blocking
    per_rule = Counter((f.rule, f.expectation, f.severity) for f in failures)
    return {
        "rows_checked": len(frame),
        "rows_published": len(frame) - len(blocking),
        "rows_quarantined": len(blocking),
        "rows_with_warnings": len(warned_rows),
        "expectations_run": run,
        "expectations_failed": failed,
        "expectations_warned": warned,
        "failed": [{"rule": r, "expectation": e, "severity": s, "rows": n} for (r, e, s), n in per_rule.items()],
    }


def add_rejected(result: GateResult, rejected: list[dict[str, pd.DataFrame]]) -> None:
    """Put rows an extractor rejected (each with its reason) into quarantine, counted apart."""
    for frames in rejected:
        for name, frame in frames.items():
            if not len(frame):
                continue
            ds = DATASETS[name]
            typed = _quarantine_values(ds, frame[ds.column_names]).assign(reasons=frame["reasons"].tolist())
            result.quarantined[name] = pd.concat([result.quarantined[name], typed], ignore_index=True)
            summary = result.summary.setdefault(name, {})
            summary["rows_rejected_by_extractor"] = int(summary.get("rows_rejected_by_extractor", 0)) + len(frame)
            summary["rows_quarantined"] = int(summary.get("rows_quarantined", 0)) + len(frame)


def validation_summary(datasets: dict[str, dict[str, object]]) -> dict[str, object]:
    """The manifest's `validation` block: per dataset counts and their totals."""
    keys = (
        "rows_checked",
        "rows_quarantined",
        "rows_rejected_by_extractor",
        "rows_with_warnings",
        "expectations_run",
        "expectations_failed",
        "expectations_warned",
    )
    totals = {k: sum(int(d.get(k, 0)) for d in datasets.values()) for k in keys}
    return {"totals": totals, "datasets": datasets, "data_docs": "validation/index.html"}


def _quarantine_values(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows with wrong-typed values nulled, so they can be written typed; `reasons` keeps them."""
    out = frame.copy()
    for column in ds.columns:
        out[column.name] = pd.Series(
            [None if canonical(column.kind, v) is INVALID else v for v in frame[column.name].tolist()], index=frame.index, dtype=object
        )
    return out


def gate(frames: dict[str, pd.DataFrame], report_dir: Path | None = None, names: list[str] | None = None) -> GateResult:
    """Split every dataset's rows (or those of `names`) into published and quarantined ones by the contract's expectations."""
    # A missing value is null, never "": the checks see what will be published (a required "" fails).
    frames = {name: blanks_to_null(name, frame) for name, frame in frames.items()}
    checked = run_suites(frames, names=names, report_dir=report_dir)
    result = GateResult({}, {}, checked.summary, checked.failures, report_dir)
    for name in names or list(DATASETS):
        ds = DATASETS[name]
        frame = frames[name].reset_index(drop=True)
        reasons: dict[int, list[str]] = {}
        for failure in checked.failures:
            if failure.dataset == name:
                reasons.setdefault(failure.row, []).append(failure.reason)
        blocked = checked.blocking_rows(name)
        bad = pd.Series([i in blocked for i in range(len(frame))], index=frame.index, dtype=bool)
        quarantined = _quarantine_values(ds, frame.loc[bad])
        quarantined["reasons"] = pd.Series(["; ".join(reasons[i]) for i in sorted(blocked)], index=quarantined.index, dtype=object)
        result.published[name] = frame.loc[~bad].reset_index(drop=True)
        result.quarantined[name] = quarantined.reset_index(drop=True)
    return result


def _parse_cell(column: Column, text: str) -> object:
    """A CSV cell as the writer wrote it, back to its Python value; text that does not parse is kept as text."""
    if text == "":
        return None  # the CSV writes null as "", and a missing value is null, never an empty string
    try:
        if column.kind == "int32":
            return int(text) if re.fullmatch(r"-?\d+", text) else text
        if column.kind == "float64":
            return float(text)
        if column.kind == "bool":
            return {"true": True, "false": False}.get(text.lower(), text)  # a spreadsheet may write TRUE
        if column.kind == "date":
            return dt.datetime.strptime(text, DATE_FORMAT).date()
        if column.kind == "timestamp":
            return dt.datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return text
    return text


def read_csv_frame(name: str, path: Path) -> tuple[pd.DataFrame, list[str]]:
    """One published CSV as a frame of contract columns, and what stops its rows being checked."""
    ds = DATASETS[name]
    # utf-8-sig: a spreadsheet saving the file by hand may add a byte-order mark.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0] != ds.column_names:
        found = rows[0] if rows else []
        return make_frame(name), [f"{path.name}: columns {found} are not the contract's {ds.column_names}"]
    problems = [f"{path.name} line {n}: {len(r)} fields, expected {len(ds.columns)}" for n, r in enumerate(rows[1:], 2) if len(r) != len(ds.columns)]
    if problems:
        return make_frame(name), problems
    records = {c.name: [_parse_cell(c, r[i]) for r in rows[1:]] for i, c in enumerate(ds.columns)}
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in records.items()}, columns=ds.column_names), []


def read_published(output_dir: Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every published dataset's CSV (the form people edit), and the problems that stop rows being checked."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for name in DATASETS:
        path = output_dir / f"{name}.csv"
        if not path.exists():
            frames[name] = make_frame(name)
            problems.append(f"{path.name}: missing")
            continue
        frames[name], found = read_csv_frame(name, path)
        problems += found
    return frames, problems


def row_label(ds: Dataset, frame: pd.DataFrame, row: int) -> str:
    """Name a row by its key (or pack and page when the dataset has none)."""
    columns = list(ds.key) or ["pack_id", "page"]
    return ", ".join(f"{c}={frame[c].iat[row]!r}" for c in columns)
