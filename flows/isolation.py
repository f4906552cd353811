"""Run one pack's extraction in a child process bounded in time and memory.

A hostile or pathological PDF can make a parser recurse, loop or allocate without end; the child is
killed at the limit and the pack gets a specific error while the other packs carry on.
"""

from __future__ import annotations

import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import PackError
from extractors.pack import PackExtraction, extract_pack


@dataclass(frozen=True)
class Limits:
    """Per-pack bounds: wall-clock seconds and address-space megabytes."""

    timeout_s: float = 900.0
    memory_mb: int = 6144


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _extract(path: str, source: str) -> PackExtraction | PackError:
    try:
        return extract_pack(Path(path), source)
    except PackError as exc:
        return exc
    except MemoryError:
        return PackError("too_large", "extraction ran out of its memory allowance")
    except RecursionError:
        return PackError("malformed", "the PDF is nested too deeply to parse")


def extract_bounded(path: Path, source: str, limits: Limits) -> PackExtraction:
    """Extract one pack in a child process; raise PackError on failure, timeout or memory exhaustion."""
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(1, mp_context=context, initializer=_limit_memory, initargs=(limits.memory_mb,))
    try:
        result = executor.submit(_extract, str(path), source).result(timeout=limits.timeout_s)
    except FutureTimeout:
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        raise PackError("timeout", f"extraction took longer than {limits.timeout_s:g} s and was stopped") from None
    except BrokenProcessPool:
        raise PackError("too_large", f"the extracting process died (memory limit {limits.memory_mb} MB?)") from None
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    if isinstance(result, PackError):
        raise result
    return result
