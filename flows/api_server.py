"""Prefect's API server on 127.0.0.1: how to launch it, and one kept between runs until idle.

Prefect needs an API for every flow run. Without PREFECT_API_URL it would boot a server in each
run's process (seconds of CPU, every run). Runs that share a PREFECT_HOME share one server
instead: the first run starts it as a detached process (`python -m flows.api_server`), later runs
find it, and it stops itself once no run has used it for SCRUTINY_API_IDLE_S seconds (default
600; 0 keeps one server per run, stopped with it).

Files beside Prefect's database, in PREFECT_HOME:
- `scrutiny-api.json`: the running server (its supervising process, URL, Prefect version, Python);
- `scrutiny-api.lock`: held while a run finds or starts the server, and while the server stops;
- `scrutiny-api.users`: each run holds a shared lock on it while it uses the server; its
  modification time is when a run last let go;
- `scrutiny-api.log`: the server's own output.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO, Iterator

# Written next to Prefect's database once a server of this Prefect version has migrated it.
MIGRATED_MARKER = "scrutiny-db-migrated"
STATE_FILE = "scrutiny-api.json"
START_LOCK = "scrutiny-api.lock"
USERS_FILE = "scrutiny-api.users"
LOG_FILE = "scrutiny-api.log"
IDLE_ENV = "SCRUTINY_API_IDLE_S"
DEFAULT_IDLE_S = 600.0
HEALTH_POLL_S = 0.05
# Launches of a per-process server before giving up (another process may take its port first).
LAUNCH_ATTEMPTS = 3
# How often the kept server checks whether it is still used.
IDLE_POLL_S = 1.0


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def idle_seconds() -> float:
    """How long a shared server outlives its last run (SCRUTINY_API_IDLE_S); 0: one server per run."""
    try:
        return max(0.0, float(os.environ.get(IDLE_ENV, DEFAULT_IDLE_S)))
    except ValueError:
        return DEFAULT_IDLE_S


def prefect_version() -> str:
    from importlib.metadata import version

    return version("prefect")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def needs_migration(home: Path) -> bool:
    """True unless a server of this Prefect version already migrated the database in `home`."""
    marker = home / MIGRATED_MARKER
    migrated = marker.exists() and marker.read_text() == prefect_version()
    return not (migrated and (home / "prefect.db").exists() and "PREFECT_API_DATABASE_CONNECTION_URL" not in os.environ)


def mark_migrated(home: Path) -> None:
    (home / MIGRATED_MARKER).write_text(prefect_version())


def server_command(port: int) -> list[str]:
    """The command Prefect itself runs for its ephemeral server, on 127.0.0.1:`port`."""
    site = Path(importlib.util.find_spec("prefect").origin).parent.parent
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(site), "--factory", "prefect.server.api.server:create_app"]
    return command + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"]


def server_env(migrate: bool) -> dict[str, str]:
    """The server's environment: no UI, Prefect's ephemeral-mode services, migrations only when needed."""
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    if not migrate:
        env["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
    return env


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True when the API at `url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:  # noqa: S310 - a 127.0.0.1 URL we chose
            return response.status == 200
    except OSError:
        return False


def startup_timeout() -> float:
    return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90"))


@contextlib.contextmanager
def _locked(path: Path, mode: int = fcntl.LOCK_EX) -> Iterator[IO]:
    with path.open("a+") as handle:
        fcntl.flock(handle, mode)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _in_use(handle: IO) -> bool:
    """True while any run holds its shared lock on the users file."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def read_state(home: Path) -> dict | None:
    try:
        state = json.loads((home / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def pid_alive(pid: object) -> bool:
    """True while process `pid` runs (a zombie, exited but not yet reaped, does not count)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (macOS): kill(0) is the answer
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def settings_fingerprint() -> str:
    """A digest of the PREFECT_* settings a server runs with (its database, for one): a run with
    other settings does not use a server started with these."""
    import hashlib

    settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("PREFECT_") and k != "PREFECT_API_URL")
    return hashlib.sha256(json.dumps(settings).encode()).hexdigest()[:16]


def _reusable(state: dict | None) -> bool:
    """A recorded server this run may use: same Prefect, Python and settings, alive and healthy."""
    return bool(
        state
        and state.get("prefect") == prefect_version()
        and state.get("python") == sys.executable
        and state.get("settings") == settings_fingerprint()
        and pid_alive(state.get("pid"))
        and isinstance(state.get("url"), str)
        and healthy(state["url"], timeout=1.0)
    )


class EphemeralAPI:
    """Prefect's ephemeral API server (the command Prefect itself runs), as a child process."""

    def __init__(self, die_with_parent: bool = False) -> None:
        self.home = prefect_home()
        self._migrate = needs_migration(self.home)
        self._ready = False
        self._die_with_parent = die_with_parent
        self._launch()

    def _launch(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        preexec = _die_with_parent if self._die_with_parent else None
        self.process = subprocess.Popen(server_command(self.port), env=server_env(self._migrate), stdin=subprocess.DEVNULL, preexec_fn=preexec)

    def wait_ready(self) -> str:
        """Block until the server answers its health check; return its API URL."""
        if self._ready:
            return self.url
        deadline = time.monotonic() + startup_timeout()
        relaunches = LAUNCH_ATTEMPTS - 1
        while not healthy(self.url):
            if self.process.poll() is not None:
                if relaunches == 0:
                    raise RuntimeError(f"Prefect's ephemeral API server exited with code {self.process.returncode}")
                relaunches -= 1  # e.g. another process took the port between choosing and binding it
                self._launch()
                continue
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("Prefect's ephemeral API server did not become healthy in time")
            time.sleep(HEALTH_POLL_S)
        if self._migrate:
            mark_migrated(self.home)
        self._ready = True
        return self.url

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class SharedAPI:
    """This run's use of the shared server: found, or started, in the background as the run begins."""

    def __init__(self, idle_s: float) -> None:
        self.home = prefect_home()
        self.idle_s = idle_s
        self.url: str | None = None
        self.pid: int | None = None
        self.started_here = False  # this run launched the server (it was not running)
        self._users: IO | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._acquire, name="scrutiny-shared-api", daemon=True)
        self._thread.start()

    def _acquire(self) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with _locked(self.home / START_LOCK):
                state = read_state(self.home)
                if not _reusable(state):
                    state = self._launch()
                    self.started_here = True
                users = (self.home / USERS_FILE).open("a+")
                fcntl.flock(users, fcntl.LOCK_SH)
                self._users = users
                self.url = state["url"]
                self.pid = state["pid"]
        except BaseException as exc:  # noqa: BLE001 - reported to the run by wait_ready
            self._error = exc

    def _launch(self) -> dict:
        """Start the supervising process and wait until it records a healthy server."""
        package_root = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)}
        with (self.home / LOG_FILE).open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "flows.api_server", "--idle", str(self.idle_s)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # shared by later runs: not stopped by this one's Ctrl-C
            )
        deadline = time.monotonic() + startup_timeout()
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"Prefect's API server exited with code {process.returncode}; see {self.home / LOG_FILE}")
            state = read_state(self.home)
            if state and state.get("pid") == process.pid and healthy(state["url"]):
                return state
            time.sleep(HEALTH_POLL_S)
        process.terminate()
        raise RuntimeError(f"Prefect's API server did not become healthy in time; see {self.home / LOG_FILE}")

    def wait_ready(self) -> str:
        """Block until the server is found or started; return its API URL."""
        self._thread.join()
        if self._error is not None:
            raise RuntimeError(f"no Prefect API server: {self._error}") from self._error
        assert self.url is not None
        return self.url

    def lost(self) -> bool:
        """True when the server this run found has gone (stopped or killed from outside)."""
        return not self._thread.is_alive() and (self._error is not None or not pid_alive(self.pid))

    def stop(self) -> None:
        """Let go of the server (it stays up for later runs until idle)."""
        self._thread.join()
        users, self._users = self._users, None
        if users is not None:
            with contextlib.suppress(OSError):
                os.utime(users.fileno())
            users.close()


def stop_shared_server(home: Path | None = None, timeout: float = 10.0) -> bool:
    """Stop the shared server of `home` (PREFECT_HOME) now, if one runs; True if one was stopped."""
    home = home or prefect_home()
    state = read_state(home)
    if not state or not pid_alive(state.get("pid")):
        return False
    os.kill(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(state["pid"]):
        time.sleep(0.05)
    return True


def _die_with_parent() -> None:
    """In the server process: be stopped if the supervisor dies without stopping it (Linux)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def supervise(idle_s: float) -> int:
    """Run Prefect's API server until no run has used it for `idle_s` seconds (or SIGTERM)."""
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    server = EphemeralAPI(die_with_parent=True)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stopping.set())
    state_path = home / STATE_FILE
    recorded = False
    try:
        try:
            url = server.wait_ready()
        except RuntimeError:
            return 1
        if stopping.is_set():
            return 1
        scratch = state_path.with_name(f".{STATE_FILE}.{os.getpid()}")
        scratch.write_text(json.dumps({"pid": os.getpid(), "url": url, "prefect": prefect_version(), "python": sys.executable, "settings": settings_fingerprint()}))
        os.replace(scratch, state_path)
        recorded = True
        _watch(home, server.process, stopping, idle_s)
        return 0
    finally:
        # Unrecorded, there is nothing to take back; and the run that started this server holds
        # the start lock until it sees the record, so waiting for the lock would only stall it.
        if recorded:
            with _locked(home / START_LOCK):
                if (read_state(home) or {}).get("pid") == os.getpid():
                    state_path.unlink(missing_ok=True)
        server.stop()


def _watch(home: Path, server: subprocess.Popen, stopping: threading.Event, idle_s: float) -> None:
    """Return once the server has been idle for `idle_s` seconds, has exited, or is told to stop."""
    last_used = time.time()
    with (home / USERS_FILE).open("a+") as users:
        while not stopping.wait(IDLE_POLL_S):
            if server.poll() is not None:
                return
            now = time.time()
            if _in_use(users):
                last_used = now
                continue
            with contextlib.suppress(OSError):
                last_used = max(last_used, os.stat(users.fileno()).st_mtime)
            if now - last_used < idle_s:
                continue
            # Stop under the start lock, so no run can find the server between this check and the end.
            with _locked(home / START_LOCK):
                if _in_use(users):
                    continue
                if (read_state(home) or {}).get("pid") == os.getpid():
                    (home / STATE_FILE).unlink(missing_ok=True)
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Prefect's API server for scrutiny runs, stopped when idle.")
    parser.add_argument("--idle", type=float, default=DEFAULT_IDLE_S, help="seconds without a run before it stops")
    args = parser.parse_args(argv)
    return supervise(args.idle)


if __name__ == "__main__":
    sys.exit(main())
