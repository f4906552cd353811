"""Start a run's slow parts at once and side by side: the Prefect API, extraction workers, GX.

Without `PREFECT_API_URL` (in the environment or the active Prefect profile) a run needs Prefect's
ephemeral API server. Prefect would start it when the flow first calls the API, after importing the
server's whole web app into this process; here the same server command is launched as the run
begins, so it boots while this process imports the flow code and the workers load the extractors.
It is started once per process, listens on 127.0.0.1 only and is stopped at exit. Its database
migrations are skipped when this Prefect version already migrated the database.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# Written next to Prefect's database once a server of this Prefect version has migrated it.
MIGRATED_MARKER = "scrutiny-db-migrated"
HEALTH_POLL_S = 0.05
LAUNCH_ATTEMPTS = 3


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active profile in PREFECT_HOME, if any."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or Path(os.environ.get("PREFECT_HOME", "~/.prefect")) / "profiles.toml").expanduser()
    try:
        data = tomllib.loads(profiles.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or data.get("active")
    return data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL") or None


def _prefect_version() -> str:
    from importlib.metadata import version

    return version("prefect")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EphemeralAPI:
    """Prefect's ephemeral API server (the command Prefect itself runs), as a child process."""

    def __init__(self) -> None:
        self.home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
        migrated = (self.home / MIGRATED_MARKER).exists() and (self.home / MIGRATED_MARKER).read_text() == _prefect_version()
        self._migrate = not (migrated and (self.home / "prefect.db").exists() and "PREFECT_API_DATABASE_CONNECTION_URL" not in os.environ)
        self._ready = False
        self._launch()

    def _launch(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        if not self._migrate:
            env["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
        site = Path(importlib.util.find_spec("prefect").origin).parent.parent
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(site), "--factory", "prefect.server.api.server:create_app"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]
        self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)

    def wait_ready(self) -> str:
        """Block until the server answers its health check; return its API URL."""
        if self._ready:
            return self.url
        import httpx

        deadline = time.monotonic() + float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90"))
        relaunches = LAUNCH_ATTEMPTS - 1
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    if relaunches == 0:
                        raise RuntimeError(f"Prefect's ephemeral API server exited with code {self.process.returncode}")
                    relaunches -= 1  # e.g. another process took the port between choosing and binding it
                    self._launch()
                    continue
                try:
                    if client.get(f"{self.url}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(HEALTH_POLL_S)
            else:
                self.stop()
                raise RuntimeError("Prefect's ephemeral API server did not become healthy in time")
        if self._migrate:
            (self.home / MIGRATED_MARKER).write_text(_prefect_version())
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


_api: EphemeralAPI | None = None
_api_lock = threading.Lock()


def start_api() -> EphemeralAPI | None:
    """Launch the ephemeral API server unless one is configured; returns immediately."""
    global _api
    if configured_api_url():
        return None
    with _api_lock:
        if _api is None or _api.process.poll() is not None:
            _api = EphemeralAPI()
            atexit.register(_api.stop)
        return _api


@contextmanager
def prefect_api() -> Iterator[str | None]:
    """Run the enclosed flows against the configured API, or this process's ephemeral server."""
    api = start_api()
    if api is None:
        yield configured_api_url()
        return
    url = api.wait_ready()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield url


def _import_gx() -> None:
    try:
        from flows.validate import load_gx

        load_gx()
    except Exception:  # noqa: BLE001 - the validation step imports it again and reports any error
        pass


_gx_import: threading.Thread | None = None


def warm_up(memory_mb: int | None, workers: int = 1) -> None:
    """Start, in the background, what a run will wait for: the API server, extraction workers (for a
    memory limit in MB; None when packs are extracted elsewhere) and Great Expectations' import.

    Calling it again costs nothing: each part starts once per process.
    """
    global _gx_import
    start_api()
    if memory_mb is not None:
        from flows.isolation import Limits, pool_for

        pool = pool_for(Limits(memory_mb=memory_mb))
        threading.Thread(target=pool.warm, args=(workers,), name="scrutiny-warm-workers", daemon=True).start()
    if _gx_import is None:
        _gx_import = threading.Thread(target=_import_gx, name="scrutiny-import-gx", daemon=True)
        _gx_import.start()
