"""Build pandas frames and Arrow tables that hold exactly a dataset's contract columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import pyarrow as pa

from schemas.contract import dataset


def make_frame(name: str, rows: Iterable[Mapping[str, object]] = ()) -> pd.DataFrame:
    """Return a frame of the dataset's columns, in contract order; an unknown key raises KeyError."""
    ds = dataset(name)
    allowed = set(ds.column_names)
    records = []
    for row in rows:
        unknown = set(row) - allowed
        if unknown:
            raise KeyError(f"{name}: columns not in the contract: {sorted(unknown)}")
        records.append({c: row.get(c) for c in ds.column_names})
    # Columns stay `object` so that integers with nulls are not widened to floats before Arrow sees them.
    return pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object) for c in ds.column_names})


def to_arrow(name: str, frame: pd.DataFrame, quarantine: bool = False) -> pa.Table:
    """Convert a frame to an Arrow table with the contract schema (types enforced, no pandas metadata).

    `quarantine` relaxes every column to nullable: a row is quarantined precisely when a required
    value is missing, and it must still be written with its reasons.
    """
    ds = dataset(name)
    missing = [c for c in ds.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in ds.column_names]
    if missing or extra:
        raise KeyError(f"{name}: missing columns {missing}, columns not in the contract {extra}")
    arrays = []
    for column in ds.columns:
        # A missing value is null in Parquet, never "" (the CSV writes both as an empty field).
        values = [None if _is_null(v) or (column.kind == "string" and v == "") else v for v in frame[column.name].tolist()]
        arrays.append(pa.array(values, type=column.arrow_type))
    schema = ds.arrow_schema
    if quarantine:
        schema = pa.schema([field.with_nullable(True) for field in schema])
    return pa.Table.from_arrays(arrays, schema=schema)


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A frame read from an earlier contract version: columns added since are null, in contract order.

    Extra columns (beyond the contract) are kept, e.g. quarantine's `reasons`.
    """
    ds = dataset(name)
    out = frame.copy()
    for column in ds.column_names:
        if column not in out.columns:
            out[column] = pd.Series([None] * len(out), index=out.index, dtype=object)
    return out[ds.column_names + [c for c in out.columns if c not in ds.column_names]]


def blanks_to_null(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every empty string of a text column replaced by null (a missing value is never "")."""
    ds = dataset(name)
    out = frame.copy()
    for column in ds.columns:
        if column.kind == "string" and column.name in out.columns:
            out[column.name] = pd.Series([None if isinstance(v, str) and v == "" else v for v in out[column.name].tolist()], index=out.index, dtype=object)
    return out


def from_arrow(table: pa.Table) -> pd.DataFrame:
    """Read an Arrow table back into a frame of plain Python values (dates as datetime.date)."""
    return pd.DataFrame({name: table.column(name).to_pylist() for name in table.column_names}, dtype=object)


def _is_null(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
