"""The validation process: GX's checks run there, give what they give in the run's own process,
and a dead validation process falls back to the run's own process."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from flows import validation_process
from flows.checking import check_publication
from tests.conftest import truth_frames


def exit_unless_in(pid: int) -> str:
    """Kill the process this runs in, unless it is `pid`."""
    if os.getpid() != pid:
        os._exit(3)
    return "ran in the run's own process"


@pytest.fixture()
def fresh_process():
    validation_process.stop()
    validation_process.start()
    yield
    validation_process.stop()


def test_calls_run_in_another_process_once_started(fresh_process):
    assert validation_process.call(os.getpid) != os.getpid()
    validation_process.stop()
    assert validation_process.call(os.getpid) == os.getpid()


def test_a_dead_validation_process_falls_back_to_the_run_s_own_process(fresh_process):
    assert validation_process.call(exit_unless_in, os.getpid()) == "ran in the run's own process"
    # The next run starts a new one.
    validation_process.start()
    assert validation_process.call(os.getpid) != os.getpid()


def _comparable(frames: dict[str, pd.DataFrame]) -> dict[str, list]:
    return {name: frame.astype(str).values.tolist() for name, frame in frames.items()}


def test_the_check_gives_the_same_rows_reasons_and_counts_in_either_process(fresh_process, tmp_path):
    frames = truth_frames()
    broken = frames["action_plan"].copy()
    broken.loc[0, "action_rag"] = "purple"  # a value the contract does not allow: quarantined with a reason
    frames["action_plan"] = broken
    fresh = [(pack_id, {n: f[f["pack_id"] == pack_id] if len(f) else f for n, f in frames.items()}, {}) for pack_id in frames["packs"]["pack_id"]]
    there = validation_process.call(check_publication, fresh, tmp_path / "a" / "outputs", set())
    here = check_publication(fresh, tmp_path / "b" / "outputs", set())
    assert _comparable(there.published) == _comparable(here.published)
    assert _comparable(there.quarantined) == _comparable(here.quarantined)
    assert there.checked.summary == here.checked.summary and there.this_run == here.this_run
    assert there.history == here.history
    assert there.quarantined["action_plan"]["reasons"].str.contains("purple").any()
    assert Path(there.checked.report_dir, "summary.json").exists()
