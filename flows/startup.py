"""Start a run's slow parts at once and side by side: the Prefect API, extraction workers, GX.

Without `PREFECT_API_URL` (in the environment or the active Prefect profile) a run needs a Prefect
API server on 127.0.0.1. Runs share one, kept between runs until idle (`flows.api_server`); with
SCRUTINY_API_IDLE_S=0 each process starts its own and stops it at exit. Either way it is found or
launched as the run begins, so that it boots while this process imports the flow code, the
workers load the extractors and the validation process imports Great Expectations.
"""

from __future__ import annotations

import atexit
import os
import threading
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from flows.api_server import EphemeralAPI, SharedAPI, idle_seconds

__all__ = ["EphemeralAPI", "SharedAPI", "configured_api_url", "prefect_api", "start_api", "warm_up"]


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


_api: EphemeralAPI | SharedAPI | None = None
_api_lock = threading.Lock()


def _gone(api: EphemeralAPI | SharedAPI) -> bool:
    if isinstance(api, EphemeralAPI):
        return api.process.poll() is not None
    return api.lost()


def start_api() -> EphemeralAPI | SharedAPI | None:
    """Find or launch the API server unless one is configured; returns at once (see `wait_ready`)."""
    global _api
    if configured_api_url():
        return None
    with _api_lock:
        if _api is None or _gone(_api):
            if _api is not None:
                _api.stop()
            idle = idle_seconds()
            _api = SharedAPI(idle) if idle > 0 else EphemeralAPI()
            atexit.register(_api.stop)
        return _api


@contextmanager
def prefect_api() -> Iterator[str | None]:
    """Run the enclosed flows against the configured API, or the shared or this process's server."""
    api = start_api()
    if api is None:
        yield configured_api_url()
        return
    url = api.wait_ready()
    from prefect.settings import PREFECT_API_TLS_INSECURE_SKIP_VERIFY, PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    local = {
        PREFECT_API_URL: url,
        # The local server runs Prefect's ephemeral-mode services: nothing there reads heartbeats,
        # and a flow's last heartbeat wait (up to a second) would only delay the end of every run.
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
        # It speaks plain HTTP on 127.0.0.1, so there is no certificate to verify; this only spares
        # each Prefect client parsing the CA bundle it would never use.
        PREFECT_API_TLS_INSECURE_SKIP_VERIFY: True,
    }
    with temporary_settings(updates=local):
        yield url


def warm_up(memory_mb: int | None, workers: int = 1) -> None:
    """Start, in the background, what a run will wait for: the API server, the validation process
    (it imports Great Expectations) and extraction workers (for a memory limit in MB; None when
    packs are extracted elsewhere).

    Calling it again costs nothing: each part starts once per process.
    """
    start_api()
    from flows import validation_process

    validation_process.start()
    if memory_mb is not None:
        from flows.isolation import Limits, pool_for

        pool = pool_for(Limits(memory_mb=memory_mb))
        threading.Thread(target=pool.warm, args=(workers,), name="scrutiny-warm-workers", daemon=True).start()
