"""Deterministic CSV and Parquet writers for contract tables."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DATE_FORMAT = "%Y-%m-%d"
# How every timestamp we write is printed (always UTC): CSV cells, the manifest, run records.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime(TIMESTAMP_FORMAT)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_bytes(table: pa.Table, extra_columns: dict[str, list[str]] | None = None) -> bytes:
    """UTF-8 CSV with a header row, ISO dates, "" for null, true/false, floats as Python prints them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    extra = extra_columns or {}
    writer.writerow([*table.column_names, *extra])
    columns = [table.column(name).to_pylist() for name in table.column_names] + list(extra.values())
    for row in zip(*columns):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def write_csv(table: pa.Table, path: Path, extra_columns: dict[str, list[str]] | None = None) -> None:
    path.write_bytes(csv_bytes(table, extra_columns))


def write_parquet(table: pa.Table, path: Path) -> None:
    """Parquet with fixed writer options, so equal tables give equal bytes."""
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=3,
        version="2.6",
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
    )


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks (packs can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
