"""Great Expectations in a process of its own, started as a run begins.

Importing GX costs seconds of CPU. In the run's own process that import would queue behind
Prefect's (a background thread holds the same interpreter lock), so a short run would wait for
both in turn. A separate process imports GX on the other core while the run imports Prefect and
the packs are read, then checks the publication (`flows.checking`) when the rows arrive.

One process serves every run in this process, one call at a time. If it cannot be started or
dies, the check runs here instead: slower, never different.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

_executor: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _load_gx() -> None:
    # Registered before GX's own exit handlers, this runs after them: the process then ends
    # without tearing GX's objects down one by one (most of a second), as it has nothing to save.
    atexit.register(os._exit, 0)
    from flows.validate import load_gx

    load_gx()
    # GX's import leaves some million long-lived objects; every full collection during a check
    # would walk them all again (about a tenth of a check's CPU). They are never garbage.
    gc.freeze()


def _ready() -> None:
    """Nothing: a first call that makes the process start and import GX."""


def start() -> None:
    """Start the validation process (it imports GX at once); calling it again costs nothing."""
    global _executor
    with _lock:
        if _executor is not None:
            return
        # spawn: a fresh interpreter, so the process does not inherit this one's threads and locks.
        _executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_load_gx)
        _executor.submit(_ready)


def call(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in the validation process when it runs, else in this process.

    `function` must be importable by name and its arguments and result picklable.
    """
    global _executor
    with _lock:
        executor = _executor
    if executor is None:
        return function(*args)
    try:
        return executor.submit(function, *args).result()
    except BrokenProcessPool:
        log.warning("the validation process stopped; checking in the run's own process instead")
        with _lock:
            if _executor is executor:
                _executor = None
        executor.shutdown(wait=False, cancel_futures=True)
        return function(*args)


def stop() -> None:
    """Stop the validation process (the next `start` makes a new one)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)
