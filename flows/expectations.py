"""Expectation suites generated from the contract, and the two views of a dataset they run on.

Each dataset gets two Great Expectations suites, run in order:

- `<dataset>.types`: every value has its column's type (dates as YYYY-MM-DD) and required columns
  are filled. It runs on the values as given.
- `<dataset>.rules`: allowed values, formats, ranges, order checks, unique keys, rules that need
  another dataset (a page within its pack, a percent within 0-100) and row counts. It runs on the
  typed values, where a value of the wrong type is null: that value has already failed `types`,
  and GX's comparisons raise on mixed types instead of naming rows.

Nothing here lists columns or rules; every check is derived from `schemas.contract`. This module
does not import Great Expectations (its import takes seconds); `to_expectation` does, when called.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from flows.writers import DATE_FORMAT, TIMESTAMP_FORMAT
from schemas.contract import Column, Dataset, HasRows, Lookup, NotAbove, RangeWhen, Rule, Severity

Stage = Literal["types", "rules"]
STAGES: tuple[Stage, ...] = ("types", "rules")

# Python type names GX's `expect_column_values_to_be_in_type_list` checks each value against.
TYPE_NAMES = {"string": ["str"], "int32": ["int"], "float64": ["float", "int"], "bool": ["bool"]}
INT32_RANGE = (-(2**31), 2**31 - 1)

GX_SEVERITY: dict[Severity, str] = {"blocking": "critical", "warning": "warning"}


class _Invalid:
    """Marks a value that is not of its column's type."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass(frozen=True)
class Check:
    """One generated expectation: where it runs, what it is called and how a failure is handled."""

    stage: Stage
    rule: str
    severity: Severity
    expectation: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Rows the expectation applies to: (column, value) for a GX `row_condition` column == value.
    condition: tuple[str, str] | None = None
    # Whether a failure quotes the row's values (not for keys and row counts: the rule says it all).
    show_values: bool = True

    @property
    def columns(self) -> list[str]:
        """The view columns the expectation reads, for naming a failing row's values."""
        kw = self.kwargs
        if "column" in kw:
            return [kw["column"]]
        if "column_A" in kw:
            return [kw["column_B"], kw["column_A"]]
        return list(kw.get("column_list", []))


def is_null(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def canonical(kind: str, value: object) -> object:
    """The value in the form the suites check; None for null, INVALID when it is not of the kind.

    Dates and timestamps become their CSV text, so that GX checks their format and compares them
    as strings (ISO order is time order).
    """
    if is_null(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()  # numpy scalars from pandas operations
    if kind == "string":
        return value if isinstance(value, str) else INVALID
    if kind == "bool":
        return value if isinstance(value, bool) else INVALID
    if isinstance(value, bool):
        return INVALID  # a bool is an int to Python, never to the contract
    if kind == "int32":
        return value if isinstance(value, int) and INT32_RANGE[0] <= value <= INT32_RANGE[1] else INVALID
    if kind == "float64":
        return float(value) if isinstance(value, (int, float)) else INVALID
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else INVALID
    if kind == "timestamp":
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc).strftime(TIMESTAMP_FORMAT)
        return INVALID
    raise ValueError(f"unknown column kind {kind!r}")


def types_view(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows as given, with a wrong-typed value shown as its repr, so the type checks name it."""
    columns = {}
    for column in ds.columns:
        values = []
        for raw in frame[column.name].tolist():
            value = canonical(column.kind, raw)
            if value is INVALID:
                # A string column's wrong value is already not a str; any other kind's is made text,
                # which fails both the type-name and the date-format checks.
                value = raw if column.kind == "string" else repr(raw)
            values.append(value)
        columns[column.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))


def typed_view(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with typed values only (a wrong-typed value is null)."""
    columns = {}
    for column in ds.columns:
        values = [canonical(column.kind, raw) for raw in frame[column.name].tolist()]
        columns[column.name] = pd.Series([None if v is INVALID else v for v in values], dtype=object)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))


def _objects(series: pd.Series) -> pd.Series:
    """Object values with None for missing (merges turn missing into NaN and ints into floats)."""
    return pd.Series([None if is_null(v) else v for v in series.tolist()], dtype=object, index=series.index)


def rows_column(rule: HasRows) -> str:
    return f"{rule.dataset}.row_count"


def rules_view(ds: Dataset, typed: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The typed rows of `ds` plus the looked-up columns and row counts its rules need."""
    view = typed[ds.name].copy()
    for rule in ds.all_rules:
        for side in (getattr(rule, "limit", None), getattr(rule, "when", None)):
            if isinstance(side, Lookup) and side.name not in view.columns:
                other = typed[side.dataset]
                other = other.drop_duplicates(subset=list(side.on), keep="first")[[*side.on, side.column]]
                looked = view[list(side.on)].merge(other, on=list(side.on), how="left")
                view[side.name] = _objects(looked[side.column]).set_axis(view.index)
        if isinstance(rule, HasRows):
            counts = typed[rule.dataset].groupby(list(rule.on), dropna=False).size().rename("n").reset_index()
            matched = view[list(rule.on)].merge(counts, on=list(rule.on), how="left")["n"]
            view[rows_column(rule)] = pd.Series([0 if is_null(n) else int(n) for n in matched], dtype=object, index=view.index)
    return view


def _type_check(c: Column) -> Check:
    if c.kind in TYPE_NAMES:
        kwargs = {"column": c.name, "type_list": TYPE_NAMES[c.kind]}
        return Check("types", f"{c.name} is {c.kind}", "blocking", "expect_column_values_to_be_in_type_list", kwargs)
    fmt, what = (DATE_FORMAT, "a date (YYYY-MM-DD)") if c.kind == "date" else (TIMESTAMP_FORMAT, "a UTC timestamp")
    kwargs = {"column": c.name, "strftime_format": fmt}
    return Check("types", f"{c.name} is {what}", "blocking", "expect_column_values_to_match_strftime_format", kwargs)


def _value_checks(c: Column) -> list[Check]:
    """The rules on a column's values: allowed values, format, range, usual form."""
    checks = []
    if c.allowed:
        rule = f"{c.name} is one of {', '.join(c.allowed)}"
        kwargs = {"column": c.name, "value_set": list(c.allowed)}
        checks.append(Check("rules", rule, "blocking", "expect_column_values_to_be_in_set", kwargs))
    if c.pattern:
        kwargs = {"column": c.name, "regex": c.pattern}
        checks.append(Check("rules", f"{c.name} matches {c.pattern}", "blocking", "expect_column_values_to_match_regex", kwargs))
    if c.min_value is not None or c.max_value is not None:
        bounds = [f">= {c.min_value:g}"] if c.min_value is not None else []
        bounds += [f"<= {c.max_value:g}"] if c.max_value is not None else []
        kwargs = {"column": c.name, "min_value": c.min_value, "max_value": c.max_value}
        checks.append(Check("rules", f"{c.name} {' and '.join(bounds)}", "blocking", "expect_column_values_to_be_between", kwargs))
    if c.usual_pattern:
        rule = f"{c.name} usually matches {c.usual_pattern}"
        kwargs = {"column": c.name, "regex": c.usual_pattern}
        checks.append(Check("rules", rule, "warning", "expect_column_values_to_match_regex", kwargs))
    return checks


def _column_checks(ds: Dataset) -> list[Check]:
    checks = []
    for c in ds.columns:
        checks.append(_type_check(c))
        if not c.nullable:
            kwargs = {"column": c.name}
            checks.append(Check("types", f"{c.name} is required", "blocking", "expect_column_values_to_not_be_null", kwargs, show_values=False))
    return checks + [check for c in ds.columns for check in _value_checks(c)]


def _key_check(ds: Dataset) -> list[Check]:
    if not ds.key:
        return []
    rule = f"key ({', '.join(ds.key)}) is unique"
    if len(ds.key) == 1:
        return [Check("rules", rule, "blocking", "expect_column_values_to_be_unique", {"column": ds.key[0]}, show_values=False)]
    # "never": a null inside a key is a value like any other, so two rows alike in every key column clash.
    kwargs = {"column_list": list(ds.key), "ignore_row_if": "never"}
    return [Check("rules", rule, "blocking", "expect_compound_columns_to_be_unique", kwargs, show_values=False)]


def _name(side: str | Lookup) -> str:
    return side.name if isinstance(side, Lookup) else side


def _rule_check(rule: Rule) -> Check:
    if isinstance(rule, NotAbove):
        kwargs = {"column_A": _name(rule.limit), "column_B": rule.column, "or_equal": True, "ignore_row_if": "either_value_is_missing"}
        return Check("rules", str(rule), rule.severity, "expect_column_pair_values_a_to_be_greater_than_b", kwargs)
    if isinstance(rule, RangeWhen):
        kwargs = {"column": rule.column, "min_value": rule.min_value, "max_value": rule.max_value}
        return Check("rules", str(rule), rule.severity, "expect_column_values_to_be_between", kwargs, (_name(rule.when), rule.equals))
    if isinstance(rule, HasRows):
        kwargs = {"column": rows_column(rule), "min_value": 1}
        return Check("rules", str(rule), rule.severity, "expect_column_values_to_be_between", kwargs, show_values=False)
    raise TypeError(f"unknown rule {rule!r}")


def checks_for(ds: Dataset) -> list[Check]:
    """Every expectation of one dataset, in run order: types first, then rules."""
    checks = [*_column_checks(ds), *_key_check(ds), *(_rule_check(r) for r in ds.all_rules)]
    # A result is matched back to its check by rule name and expectation type.
    seen = [(c.rule, c.expectation) for c in checks]
    if len(set(seen)) != len(seen):
        raise ValueError(f"{ds.name}: two checks share a rule name and expectation: {seen}")
    return checks


def to_expectation(check: Check) -> Any:
    """The Great Expectations object for a check; its `meta` carries the rule name back in results."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    cls = getattr(gxe, "".join(part.title() for part in check.expectation.split("_")))
    kwargs = dict(check.kwargs)
    if check.condition:
        column, value = check.condition
        kwargs["row_condition"] = Column(column) == value
    return cls(**kwargs, severity=GX_SEVERITY[check.severity], meta={"rule": check.rule, "severity": check.severity})
