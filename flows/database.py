"""`scrutiny.duckdb`: a DuckDB database of views over the published Parquet files.

The views name their files by relative paths, so the output folder can be moved or copied. DuckDB
resolves a relative path against its `file_search_path` setting (else the working directory):
`connect` sets it to the database's folder, and an analyst opening the file directly runs it from
that folder or sets the same option.
"""

from __future__ import annotations

from pathlib import Path

from schemas.contract import DATASETS
from schemas.views import VIEWS

DATABASE = "scrutiny.duckdb"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_database(folder: Path) -> Path:
    """Create `folder/scrutiny.duckdb` with a view per dataset and the analyst views; return its path.

    `folder` already holds the Parquet files (it is the staging folder of a publication, swapped in
    as a whole, so the database is replaced atomically with the files it reads).
    """
    import duckdb

    path = folder / DATABASE
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(f"SET file_search_path = {_literal(str(folder.absolute()))}")
        for name in DATASETS:
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({_literal(name + ".parquet")})')
        for view in VIEWS:
            con.execute(f'CREATE VIEW "{view.name}" AS {view.sql}')
        con.execute("CHECKPOINT")
    return path


def connect(folder: Path):
    """A read-only connection to `folder/scrutiny.duckdb` with its relative paths resolved in `folder`."""
    import duckdb

    path = folder / DATABASE
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `scrutiny run` with --output {folder}")
    con = duckdb.connect(str(path), read_only=True)
    con.execute(f"SET file_search_path = {_literal(str(folder.absolute()))}")
    return con
