"""Start-up: which Prefect API a run uses; one server shared by runs until idle, or one per process."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time

import pytest

from flows import api_server, startup
from tests.conftest import ROOT


def test_a_configured_api_url_is_used_instead_of_a_local_server(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert startup.configured_api_url() == "http://127.0.0.1:4200/api"
    assert startup.start_api() is None


def test_the_active_prefect_profile_can_configure_the_api(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(tmp_path / "profiles.toml"))
    (tmp_path / "profiles.toml").write_text(
        'active = "shared"\n\n[profiles.local]\n\n[profiles.shared]\nPREFECT_API_URL = "http://127.0.0.1:4300/api"\n'
    )
    assert startup.configured_api_url() == "http://127.0.0.1:4300/api"
    monkeypatch.setenv("PREFECT_PROFILE", "local")
    assert startup.configured_api_url() is None


def test_runs_in_one_process_use_one_server(sample_run, tmp_path):
    from tests.conftest import SAMPLE, run_cli

    result, _ = sample_run
    assert result.exit_code == 1  # the not-a-PDF input
    api = startup.start_api()
    assert isinstance(api, api_server.SharedAPI)
    url = api.wait_ready()
    agenda = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
    assert run_cli("run", str(agenda), "--output", str(tmp_path / "out")).exit_code == 0
    assert startup.start_api() is api and api.wait_ready() == url
    state = api_server.read_state(api.home)
    assert state["url"] == url and state["prefect"] == api_server.prefect_version()
    assert (api.home / api_server.MIGRATED_MARKER).read_text() == api_server.prefect_version()


FIND_SERVER = """
from flows.settings import configure_environment
configure_environment()
from flows.startup import start_api
api = start_api()
print(api.wait_ready(), api.started_here, api.pid)
api.stop()
"""


def _find_server(env: dict) -> tuple[str, bool, int]:
    done = subprocess.run([sys.executable, "-c", FIND_SERVER], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    url, started, pid = done.stdout.split()
    return url, started == "True", int(pid)


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture()
def private_home(tmp_path):
    """A Prefect home of its own, whose shared server stops 1 s after its last run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_HOME": str(tmp_path / "prefect"), "SCRUTINY_API_IDLE_S": "1"}
    env.pop("PREFECT_API_URL", None)
    yield env
    api_server.stop_shared_server(tmp_path / "prefect")


def test_later_runs_find_the_server_the_first_one_started_and_it_stops_when_idle(private_home, tmp_path):
    home = tmp_path / "prefect"
    first_url, first_started, pid = _find_server(private_home)
    # Held as a run holds it while it uses the server: the next run finds the server however long
    # its interpreter takes to start on a loaded machine (longer than the 1 s idle time).
    with (home / api_server.USERS_FILE).open("a+") as users:
        fcntl.flock(users, fcntl.LOCK_SH)
        second_url, second_started, second_pid = _find_server(private_home)
    assert first_started and not second_started
    assert second_url == first_url and second_pid == pid
    # Nobody uses it now: it stops itself after its idle time and takes its record with it.
    assert _wait_until(lambda: not api_server.pid_alive(pid), 30)
    assert api_server.read_state(home) is None
    assert not api_server.healthy(first_url, timeout=0.5)


def test_a_server_in_use_is_not_stopped_for_idleness(private_home, tmp_path, monkeypatch):
    for key in ("PREFECT_HOME", "SCRUTINY_API_IDLE_S"):
        monkeypatch.setenv(key, private_home[key])
    api = api_server.SharedAPI(api_server.idle_seconds())
    try:
        url = api.wait_ready()
        time.sleep(4)  # four idle periods while this run holds it
        assert api_server.healthy(url)
    finally:
        api.stop()
    assert _wait_until(lambda: not api_server.pid_alive(api.pid), 30)


def test_a_record_of_a_dead_server_or_other_settings_is_not_used(private_home, tmp_path):
    home = tmp_path / "prefect"
    url, started, pid = _find_server(private_home)
    assert started
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    # The same record, but naming a process that has ended.
    record = {**api_server.read_state(home), "pid": dead.pid}
    (home / api_server.STATE_FILE).write_text(json.dumps(record))
    url2, started2, pid2 = _find_server(private_home)
    assert started2 and pid2 not in (pid, dead.pid) and url2 != url
    assert api_server.read_state(home)["pid"] == pid2
    # A run with other Prefect settings does not use a server started with these.
    url3, started3, pid3 = _find_server({**private_home, "PREFECT_LOGGING_LEVEL": "ERROR"})
    assert started3 and pid3 != pid2


def test_idle_zero_gives_each_process_its_own_server(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("SCRUTINY_API_IDLE_S", "0")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    (tmp_path / "prefect").mkdir()
    monkeypatch.setattr(startup, "_api", None)
    api = startup.start_api()
    try:
        assert isinstance(api, startup.EphemeralAPI)
        assert api_server.healthy(api.wait_ready())
        assert api_server.read_state(tmp_path / "prefect") is None
    finally:
        api.stop()
        monkeypatch.setattr(startup, "_api", None)


def _cli(env: dict, *args: str) -> str:
    code = "import sys; from flows.cli import main; sys.argv[0] = 'scrutiny'; main()"
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stderr.split())


def test_scrutiny_api_shows_and_stops_the_shared_server(private_home):
    env = {**private_home, "SCRUTINY_API_IDLE_S": "300"}
    assert "no shared API server is running" in _cli(env, "api")
    url, started, pid = _find_server(env)
    assert started
    assert f"shared API server at {url} (process {pid}" in _cli(env, "api")
    assert f"stopped the shared API server at {url}" in _cli(env, "api", "--stop")
    assert not api_server.pid_alive(pid) and not api_server.healthy(url, timeout=0.5)


def test_a_server_that_cannot_start_fails_the_run_with_its_log(private_home, tmp_path, monkeypatch):
    for key in ("PREFECT_HOME", "SCRUTINY_API_IDLE_S"):
        monkeypatch.setenv(key, private_home[key])
    # A database the server cannot open: it exits during start-up.
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/prefect.db")
    api = api_server.SharedAPI(api_server.idle_seconds())
    with pytest.raises(RuntimeError, match="exited with code .*scrutiny-api.log"):
        api.wait_ready()
    assert api_server.read_state(tmp_path / "prefect") is None
