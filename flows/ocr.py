"""OCR of a pack without a text layer through ocrmypdf (with tesseract), when it is installed.

The pack is copied to a temporary folder and ocrmypdf writes its OCR'd copy there (`--skip-text`:
pages that have text are left as they are), bounded in time; the pack is then read from that copy
but still named by the original bytes. Nothing is ever OCR'd silently: the pack's quality report
and manifest entry say that OCR was used and which ocrmypdf did it, and when no engine is installed
the pack's error says so.
"""

from __future__ import annotations

import functools
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import PackError

ENGINE = "ocrmypdf"
VERSION_TIMEOUT_S = 30.0
# The end of ocrmypdf's error output kept in a failure's message.
STDERR_TAIL = 300


@dataclass(frozen=True)
class OcrCopy:
    """An OCR'd copy of a pack, and what made it (for the pack's quality report)."""

    path: Path
    engine: str
    version: str

    def note(self) -> dict[str, str]:
        return {"engine": ENGINE, "version": self.version, "options": "--skip-text"}


def engine_path() -> str | None:
    """Where ocrmypdf is on PATH, or None."""
    return shutil.which(ENGINE)


def _die_with_parent() -> None:
    # OCR of a pack whose worker is killed at its time limit must not run on alone.
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@functools.cache
def engine_version(engine: str) -> str:
    """The engine's `--version` (first line), or "unknown"."""
    try:
        done = subprocess.run([engine, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if done.returncode == 0 and lines else "unknown"


def not_installed_error(reason: str) -> PackError:
    return PackError("no_text", f"needs OCR: {reason}; no OCR engine (ocrmypdf with tesseract) is installed, so its text was not read")


def ocr_copy(path: Path, workdir: Path, engine: str, timeout_s: float) -> OcrCopy:
    """OCR a copy of `path` into `workdir` within `timeout_s` seconds; raise PackError("no_text") on failure."""
    source = workdir / "pack.pdf"
    target = workdir / "pack.ocr.pdf"
    shutil.copyfile(path, source)
    command = [engine, "--skip-text", "--output-type", "pdf", str(source), str(target)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, errors="replace", timeout=timeout_s, check=False, preexec_fn=_die_with_parent
        )
    except subprocess.TimeoutExpired:
        raise PackError("no_text", f"needs OCR: {ENGINE} did not finish within {timeout_s:g} s and was stopped") from None
    except OSError as exc:
        raise PackError("no_text", f"needs OCR: {ENGINE} could not be started ({exc.strerror})") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        tail = " ".join((done.stderr or "").split())[-STDERR_TAIL:]
        raise PackError("no_text", f"needs OCR: {ENGINE} failed (exit {done.returncode}): {tail}")
    return OcrCopy(target, engine, engine_version(engine))


def temporary_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="scrutiny-ocr-")
