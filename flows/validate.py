"""The validation gate: every row is checked against the contract; failing rows are quarantined with reasons.

Rules come from `schemas/contract.py` only. Blocking failures move a row to quarantine; nothing is
dropped: published + quarantined = extracted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from schemas.contract import DATASETS, Column, Dataset


@dataclass
class GateResult:
    """Frames split into published and quarantined rows, with counts per dataset and check."""

    published: dict[str, pd.DataFrame]
    quarantined: dict[str, pd.DataFrame]
    summary: dict[str, dict[str, object]] = field(default_factory=dict)


_PY_TYPES = {"string": (str,), "int32": (int,), "float64": (float, int), "bool": (bool,), "date": (dt.date,), "timestamp": (dt.datetime,)}


def _null(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _column_reasons(column: Column, values: list[object]) -> list[list[str]]:
    reasons: list[list[str]] = [[] for _ in values]
    pattern = re.compile(column.pattern) if column.pattern else None
    for i, value in enumerate(values):
        if _null(value):
            if not column.nullable:
                reasons[i].append(f"{column.name}: required but empty")
            continue
        types = _PY_TYPES[column.kind]
        if not isinstance(value, types) or (column.kind == "int32" and isinstance(value, bool)):
            reasons[i].append(f"{column.name}: {value!r} is not {column.kind}")
            continue
        if column.allowed and value not in column.allowed:
            reasons[i].append(f"{column.name}: {value!r} not in {list(column.allowed)}")
        if pattern and not pattern.match(str(value)):
            reasons[i].append(f"{column.name}: {value!r} does not match {column.pattern}")
        if column.min_value is not None and value < column.min_value:
            reasons[i].append(f"{column.name}: {value!r} below {column.min_value:g}")
        if column.max_value is not None and value > column.max_value:
            reasons[i].append(f"{column.name}: {value!r} above {column.max_value:g}")
    return reasons


def row_reasons(ds: Dataset, frame: pd.DataFrame) -> list[list[str]]:
    """For each row, the names of the blocking checks it fails (empty when it passes)."""
    reasons: list[list[str]] = [[] for _ in range(len(frame))]
    for column in ds.columns:
        for i, found in enumerate(_column_reasons(column, frame[column.name].tolist())):
            reasons[i] += found
    if ds.key and len(frame):
        duplicated = frame.duplicated(subset=list(ds.key), keep="first").tolist()
        for i, dup in enumerate(duplicated):
            if dup:
                reasons[i].append(f"key ({', '.join(ds.key)}) duplicated")
    return reasons


def gate(frames: dict[str, pd.DataFrame]) -> GateResult:
    """Split every dataset's rows into published and quarantined ones."""
    result = GateResult({}, {})
    for name, ds in DATASETS.items():
        frame = frames[name].reset_index(drop=True)
        reasons = row_reasons(ds, frame)
        bad = pd.Series([bool(r) for r in reasons], index=frame.index, dtype=bool)
        quarantined = frame.loc[bad].copy()
        quarantined["reasons"] = pd.Series(["; ".join(r) for r in reasons if r], index=quarantined.index, dtype=object)
        result.published[name] = frame.loc[~bad].reset_index(drop=True)
        result.quarantined[name] = quarantined.reset_index(drop=True)
        result.summary[name] = {"rows_checked": len(frame), "rows_quarantined": int(sum(bad))}
    return result
