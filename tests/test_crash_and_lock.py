"""Crash safety and concurrent runs: kill -9 mid-publish leaves the previous outputs; runs never interleave."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from flows.lock import lock_path, output_lock
from flows.exchange import exchange
from flows.publish import recover_interrupted_swap, swap_in
from flows.writers import sha256_file
from tests.conftest import ROOT, SAMPLE, run_cli

AGENDA = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
MINUTES = SAMPLE / "Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"

# Kills its own process (kill -9) just before its KILL_AT_STEP-th filesystem step of publication (or
# its first step of the audit event KILL_AT_EVENT): a file opened for writing, a folder made, a file
# or folder renamed, moved, copied or removed under KILL_ROOT, or the look-up of the C library's
# rename call (just before the atomic exchange). Steps are counted by a Python audit hook from the
# moment `publish` is entered, so the product needs no test hook. With STEP_LOG set, each step is
# also written there (one line each), which is how a test learns how many steps there are.
KILL_AT_STEP = """
import os, signal, sys
target = int(os.environ.get("KILL_AT_STEP", "0"))
target_event = os.environ.get("KILL_AT_EVENT")
root = os.environ["KILL_ROOT"]
log = open(os.environ["STEP_LOG"], "a") if os.environ.get("STEP_LOG") else None
PATH_ARG = {"open": 0, "os.rename": 0, "os.mkdir": 0, "os.remove": 0, "os.rmdir": 0, "shutil.rmtree": 0, "shutil.move": 0, "shutil.copytree": 0, "os.symlink": 1}
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT
state = {"armed": False, "n": 0}

def step(event, args):
    if not state["armed"]:
        return
    if event in PATH_ARG:
        path = args[PATH_ARG[event]]
        if not isinstance(path, (str, bytes, os.PathLike)) or not os.fsdecode(path).startswith(root):
            return
        if event == "open" and not (set(args[1] or "") & set("wax+") or (args[1] is None and args[2] & WRITES)):
            return
    elif event != "ctypes.dlsym" or "rename" not in str(args[1]):  # looking up the exchange call, just before it
        return
    state["n"] += 1
    if log:
        log.write(f"{state['n']} {event}\\n")
        log.flush()
    if state["n"] == target or event == target_event:
        os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(step)
import flows.publish

real_publish = flows.publish.publish
def publish(*args, **kwargs):
    state["armed"] = True
    return real_publish(*args, **kwargs)
flows.publish.publish = publish
"""

# The CLI, under KILL_AT_STEP.
CLI_KILLED = KILL_AT_STEP + """
import flows.pipeline
flows.pipeline.publish = publish
from flows.cli import app
sys.argv = ["scrutiny", *sys.argv[1:]]
app()
"""

# Publication alone (as `scrutiny run` does it: under the lock, after recovery), under KILL_AT_STEP:
# the datasets, quarantine and provenance of the folder NEXT are published into OUT. Cheap enough
# to be killed at every step.
REPUBLISH_KILLED = KILL_AT_STEP + """
from pathlib import Path
from flows.lock import output_lock
from flows.publish import load_provenance, load_published, recover_interrupted_swap
out, new = Path(os.environ["OUT"]), Path(os.environ["NEXT"])
with output_lock(out):
    recover_interrupted_swap(out)
    published, quarantined = load_published(new)
    publish(out, [], published, quarantined, {"checked": "by the test"}, provenance=load_provenance(new))
"""


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _child_env(tmp_path, **extra: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SCRUTINY_HOME": str(tmp_path / "home"), "KILL_ROOT": str(tmp_path), **extra}


def _run_child(script: str, tmp_path, *args: str, **env: str) -> int:
    """Run `script` in a child process; return its exit code (negative: the signal that ended it)."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=tmp_path,
        env=_child_env(tmp_path, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return child.wait(timeout=900)
    finally:
        # A child killed mid-run leaves what it started (its Prefect server, extraction workers).
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()


def assert_whole_publication(out) -> dict:
    """The folder is one complete publication: its manifest names every file with the file's hash."""
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in [*manifest["datasets"].values(), *manifest.get("provenance", {}).values()]:
        for rel, sha in entry["sha256"].items():
            assert sha256_file(out / rel) == sha, f"{rel} does not match the manifest"
    assert (out / manifest["last_run"]).is_file()
    return manifest


def _datasets(folder) -> dict:
    return {p.name: p.read_bytes() for p in folder.glob("*.csv")}


def test_kill_9_at_steps_throughout_publication_leaves_a_whole_publication(tmp_path):
    out, new, previous = tmp_path / "outputs", tmp_path / "new", tmp_path / "previous"
    assert run_cli("run", str(AGENDA), "--output", str(out)).exit_code == 0
    assert run_cli("run", str(AGENDA), str(MINUTES), "--output", str(new)).exit_code == 0
    assert _datasets(out) != _datasets(new)
    shutil.copytree(out, previous)
    before = snapshot(out)
    # A rehearsal without a kill, into a copy, counts the steps.
    rehearsal, log = tmp_path / "rehearsal", tmp_path / "steps.log"
    shutil.copytree(out, rehearsal)
    assert _run_child(REPUBLISH_KILLED, tmp_path, OUT=str(rehearsal), NEXT=str(new), STEP_LOG=str(log)) == 0
    steps = log.read_text().splitlines()
    assert len(steps) > 20 and any("ctypes.dlsym" in s for s in steps), steps
    # Every step that makes, moves or removes a folder or file, and every third of the files written
    # (the first and last included): the writes between are alike, and each kill costs a process.
    opens = [n for n, line in enumerate(steps, start=1) if line.endswith(" open")]
    chosen = sorted({n for n, line in enumerate(steps, start=1) if not line.endswith(" open")} | set(opens[::3]) | {opens[-1]})
    seen = []
    for step in chosen:
        code = _run_child(REPUBLISH_KILLED, tmp_path, OUT=str(out), NEXT=str(new), KILL_AT_STEP=str(step))
        assert code == -signal.SIGKILL, f"step {steps[step - 1]}: the child was not killed ({code})"
        # At the instant of the kill, before any recovery, the folder is one whole publication.
        manifest = assert_whole_publication(out)
        if snapshot(out) == before:
            seen.append("previous")
        else:
            assert _datasets(out) == _datasets(new), f"step {steps[step - 1]}: neither the previous publication nor the new one"
            assert manifest["validation"] == {"checked": "by the test"} and len(list((out / "runs").glob("*.json"))) == 2
            seen.append("new")
        # What the next run does first leaves that publication as it is, and nothing else behind.
        with output_lock(out):
            recover_interrupted_swap(out)
        assert_whole_publication(out)
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".outputs")], f"step {steps[step - 1]} left scratch behind"
        if seen[-1] == "new":
            shutil.rmtree(out)
            shutil.copytree(previous, out)
    # The previous publication up to the swap, the new one from it on: one step switches them.
    assert seen == sorted(seen, key=["previous", "new"].index) and set(seen) == {"previous", "new"}, seen
    assert _run_child(REPUBLISH_KILLED, tmp_path, OUT=str(out), NEXT=str(new)) == 0
    assert_whole_publication(out)
    assert _datasets(out) == _datasets(new)


def test_kill_9_just_before_the_swap_leaves_the_previous_outputs_and_the_next_run_completes(tmp_path):
    out = tmp_path / "outputs"
    assert run_cli("run", str(AGENDA), "--output", str(out)).exit_code == 0
    before = snapshot(out)
    # The whole new publication is written; the kill falls on the swap itself.
    code = _run_child(CLI_KILLED, tmp_path, "run", str(MINUTES), "--output", str(out), KILL_AT_EVENT="ctypes.dlsym")
    assert code == -signal.SIGKILL
    assert list(tmp_path.glob(".outputs.tmp-*/manifest.json")), "the kill did not fall on a finished staging folder"
    assert snapshot(out) == before, "a killed run changed the published outputs"
    result = run_cli("run", str(MINUTES), "--output", str(out))
    assert result.exit_code == 0, result.output
    manifest = assert_whole_publication(out)
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


def test_where_no_atomic_exchange_exists_the_two_rename_swap_is_repaired_after_a_crash(tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    out.mkdir()
    (out / "manifest.json").write_text("previous\n")
    staging = tmp_path / ".outputs.tmp-1"
    staging.mkdir()
    (staging / "manifest.json").write_text("new\n")
    monkeypatch.setattr("flows.publish.exchange", lambda a, b: False)
    # A crash after the first of the two renames: the output folder is briefly missing.
    real_replace = os.replace
    calls = []

    def crash_on_second(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise KeyboardInterrupt("killed between the renames")
        real_replace(src, dst)

    monkeypatch.setattr("flows.publish.os.replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        swap_in(staging, out)
    monkeypatch.setattr("flows.publish.os.replace", real_replace)
    assert not out.exists()
    recover_interrupted_swap(out)
    assert (out / "manifest.json").read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["outputs"]
    # Without a crash, the fallback swap leaves the new folder and nothing else.
    staging.mkdir()
    (staging / "manifest.json").write_text("new\n")
    swap_in(staging, out)
    assert (out / "manifest.json").read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["outputs"]


def test_the_swap_is_one_exchange_where_the_platform_has_it(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    # Linux (renameat2) and macOS (renamex_np) have it on their usual file systems.
    assert exchange(a, b), f"no atomic exchange on {sys.platform} here: publication would fall back to two renames"
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
