"""Crash safety and concurrent runs: kill -9 mid-publish leaves the previous outputs; runs never interleave."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

from flows.lock import lock_path, output_lock
from tests.conftest import ROOT, SAMPLE, run_cli

AGENDA = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
MINUTES = SAMPLE / "Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"

# The CLI in a child process whose Parquet writer is slowed down, so the test can kill it while it
# is writing the new publication (the product has no such hook).
SLOW_PUBLISH = """
import sys, time
import flows.publish as publish
real = publish.write_parquet
def slow(table, path):
    time.sleep(0.3)
    real(table, path)
publish.write_parquet = slow
from flows.cli import app
sys.argv = ["scrutiny", *sys.argv[1:]]
app()
"""


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _child_env(tmp_path) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SCRUTINY_HOME": str(tmp_path / "home")}


def test_kill_9_while_publishing_leaves_the_previous_outputs(tmp_path):
    out = tmp_path / "outputs"
    assert run_cli("run", str(AGENDA), "--output", str(out)).exit_code == 0
    before = snapshot(out)
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_PUBLISH, "run", str(MINUTES), "--output", str(out)],
        cwd=tmp_path,
        env=_child_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        while not list(tmp_path.glob(".outputs.tmp-*/*.parquet")):
            assert child.poll() is None, "the run ended before it was caught publishing"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the whole group: the CLI and anything it started
        child.wait()
    assert snapshot(out) == before, "a killed run changed the published outputs"
    result = run_cli("run", str(MINUTES), "--output", str(out))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["packs"]) == 2
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".outputs")], "staging, scratch or lock left behind"


def test_a_second_run_exits_2_naming_the_holder(tmp_path):
    out = tmp_path / "outputs"
    with output_lock(out):
        result = run_cli("run", str(AGENDA), "--output", str(out))
    assert result.exit_code == 2
    assert f"being written by another scrutiny run (pid {os.getpid()})" in result.output
    assert not out.exists()


def test_a_second_run_can_wait_for_the_first(tmp_path):
    out = tmp_path / "outputs"
    held = threading.Event()

    def hold():
        with output_lock(out):
            held.set()
            time.sleep(2)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    result = run_cli("run", str(AGENDA), "--output", str(out), "--wait", "300")
    holder.join()
    assert result.exit_code == 0, result.output


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    out = tmp_path / "outputs"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_path(out).write_text(f"{dead.pid}\n")
    result = run_cli("run", str(AGENDA), "--output", str(out))
    assert result.exit_code == 0, result.output


def test_two_runs_at_once_both_land(tmp_path):
    out = tmp_path / "outputs"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", "from flows.cli import app; app()", "run", str(pdf), "--output", str(out), "--wait", "900"],
            cwd=ROOT,
            env=_child_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for pdf in (AGENDA, MINUTES)
    ]
    for child in runs:
        output, _ = child.communicate(timeout=1200)
        assert child.returncode == 0, output.decode(errors="replace")
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["packs"]) == 2, "one run's publication was overwritten by the other's"
    assert len(list((out / "runs").glob("*.json"))) == 2
