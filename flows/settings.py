"""Process-wide settings applied before Prefect or Great Expectations are imported.

Prefect runs ephemeral (no server to run, only 127.0.0.1), keeps its state under the project's
`.scrutiny/` directory, and sends no telemetry; Great Expectations' analytics are off.
"""

from __future__ import annotations

import os
from pathlib import Path

STATE_DIR_ENV = "SCRUTINY_HOME"
# Per-pack bounds (flows.isolation.Limits and the CLI's --timeout and --memory-mb defaults).
PACK_TIMEOUT_S = 900.0
PACK_MEMORY_MB = 6144


def state_dir() -> Path:
    """Where run state (Prefect database, downloads cache) lives: $SCRUTINY_HOME or ./.scrutiny."""
    return Path(os.environ.get(STATE_DIR_ENV) or Path.cwd() / ".scrutiny").absolute()


def configure_environment() -> None:
    """Set the environment Prefect and GX read at import time, keeping anything the user set."""
    home = state_dir()
    defaults = {
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_LOCAL_STORAGE_PATH": str(home / "prefect" / "storage"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # Prefect creates its home without parents and then cannot open its database.
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
