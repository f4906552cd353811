"""GX results kept under the run state, each named by a hash of everything it depends on.

A suite's result on a batch depends only on the suite's expectations, the batch's values (their
types included) and the library versions. A dataset whose checked values are the same as in an
earlier run (an empty dataset, the same pack run again, an auditor's re-run, a scheduled run
that added no rows to it) gets the result GX gave then, read back with this run's time.
Any difference in a value, a type, a column or a version names another file, and GX runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import pickle
import threading
from pathlib import Path

import pandas as pd

from flows.settings import state_dir

# Under the run state.
KEPT_RESULTS = "gx-results"
# Results kept per suite, the most recently used first; older ones are removed.
KEPT_PER_SUITE = 16


def values_digest(view: pd.DataFrame) -> str | None:
    """A hash of a view's columns and values with their Python types (1, 1.0, "1" and True differ);
    None for values that cannot be pickled (GX then simply runs)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    # No memo: equal values pickle to the same bytes whichever objects hold them.
    pickler.fast = True
    try:
        pickler.dump((list(view.columns), [str(t) for t in view.dtypes], [view[c].tolist() for c in view.columns]))
    except Exception:  # noqa: BLE001 - any unpicklable value only means no kept result
        return None
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def result_path(suite: str, described: dict, view: pd.DataFrame) -> Path | None:
    """Where the result of `suite` (as `described`: its checks, ids and library versions) on `view` is kept."""
    values = values_digest(view)
    if values is None:
        return None
    text = json.dumps({**described, "suite": suite, "values": values}, sort_keys=True, default=repr)
    return state_dir() / KEPT_RESULTS / f"{suite}.{len(view)}-rows.{hashlib.sha256(text.encode()).hexdigest()[:32]}.json"


def read_kept(path: Path, suite: str, expectations: int, run_time: dt.datetime) -> dict | None:
    """The kept result at `path` with this run's time, or None when there is none or it is not whole."""
    try:
        result = json.loads(path.read_text())
        if result.get("suite_name") != suite or len(result.get("results", [])) != expectations:
            return None
        os.utime(path)  # recently used: kept longest
    except (OSError, ValueError, AttributeError):
        return None
    meta = result.setdefault("meta", {})
    meta["run_id"] = {"run_name": "scrutiny", "run_time": run_time.isoformat()}
    meta["validation_time"] = run_time.isoformat()
    meta.setdefault("batch_markers", {})["ge_load_time"] = run_time.strftime("%Y%m%dT%H%M%S.%fZ")
    return result


def keep(path: Path, suite: str, result: dict) -> None:
    """Keep `result` at `path` and remove the suite's least recently used results past `KEPT_PER_SUITE`.

    A run state that cannot be written only costs the next run this validation again.
    """
    try:
        write_atomically(path, json.dumps(result, indent=2, default=str) + "\n")
        kept = sorted(path.parent.glob(f"{suite}.*.json"), key=_mtime, reverse=True)
        for old in kept[KEPT_PER_SUITE:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary name then rename, so that runs at once never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    scratch.write_text(text)
    os.replace(scratch, path)
