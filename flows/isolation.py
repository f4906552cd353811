"""Run packs' extraction in worker processes bounded in time and memory, reused from pack to pack.

A hostile or pathological PDF can make a parser recurse, loop or allocate without end; its worker is
killed at the limit (and replaced) and the pack gets a specific error while the other packs carry on.
Workers are forked from a server process that has already imported the extractors, so a pack costs
no interpreter start-up; each worker serves one pack at a time under an address-space limit, and is
retired after `MAX_PACKS_PER_WORKER` packs so that memory a parser leaves behind does not build up.
"""

from __future__ import annotations

import atexit
import multiprocessing
import resource
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from extractors.errors import PackError
from extractors.extraction import PackExtraction, Progress
from flows.ocr import ENGINE, engine_path, not_installed_error, ocr_copy, temporary_workdir
from flows.settings import PACK_MEMORY_MB, PACK_TIMEOUT_S

MAX_PACKS_PER_WORKER = 25
# Seconds a retiring worker gets to exit on its own before it is killed.
RETIRE_GRACE_S = 2.0


@dataclass(frozen=True)
class Limits:
    """Per-pack bounds: wall-clock seconds and address-space megabytes."""

    timeout_s: float = PACK_TIMEOUT_S
    memory_mb: int = PACK_MEMORY_MB


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass(frozen=True)
class _Progress:
    """Sent by a worker as it starts each page, so a pack stopped at its time limit says where it was."""

    stage: str
    page: int
    pages: int

    def where(self) -> str:
        return f"{self.stage} on page {self.page} of {self.pages}" if self.pages else self.stage


# Share of a pack's time limit left for extraction after OCR (ocrmypdf gets the rest).
READ_SHARE_AFTER_OCR = 0.2


def _extract(path: str, source: str, timeout_s: float, ocr_engine: str | None, conn: Connection) -> PackExtraction | PackError:
    from extractors.pack import extract_pack  # preloaded by the forkserver: free in a worker

    started = time.monotonic()

    def tell(stage: str, page: int, pages: int) -> None:
        conn.send(_Progress(stage, page, pages))

    result = _bounded(extract_pack, Path(path), source, tell)
    if isinstance(result, PackError) and result.code == "no_text":
        left = timeout_s - (time.monotonic() - started)
        return _bounded(_extract_ocr, Path(path), source, result, ocr_engine, left * (1 - READ_SHARE_AFTER_OCR), tell)
    return result


def _bounded(read, *args) -> PackExtraction | PackError:
    """`read(*args)`, with a parser's failures and exhaustion turned into the pack's error."""
    try:
        return read(*args)
    except PackError as exc:
        return exc
    except MemoryError:
        return PackError("too_large", "extraction ran out of its memory allowance")
    except RecursionError:
        return PackError("malformed", "the PDF is nested too deeply to parse")


def _extract_ocr(path: Path, source: str, exc: PackError, engine: str | None, ocr_timeout_s: float, tell: Progress) -> PackExtraction | PackError:
    """A pack without a text layer, read again from an OCR'd copy; never skipped without saying so."""
    if engine is None:
        return not_installed_error(exc.message)
    tell(f"running OCR ({ENGINE})", 0, 0)
    with temporary_workdir() as work:
        copy = ocr_copy(path, Path(work), engine, max(1.0, ocr_timeout_s))  # its PackError says why OCR failed
        try:
            from extractors.pack import extract_pack

            result = extract_pack(copy.path, source, tell, named_by=path)
        except PackError as again:
            if again.code == "no_text":
                return PackError("no_text", f"needs OCR: {exc.message}; the copy OCR'd by {ENGINE} has no text either")
            return again
    result.quality["ocr"] = copy.note()
    return result


def _serve(conn: Connection, memory_mb: int) -> None:
    """A worker's loop: extract each (path, source, timeout, OCR engine) received and send progress,
    then the result, back; None stops it."""
    _limit_memory(memory_mb)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            conn.send(_extract(*job, conn))
        except MemoryError:
            conn.send(PackError("too_large", "extraction ran out of its memory allowance"))


def _context() -> multiprocessing.context.BaseContext:
    """Forkserver: workers fork from a clean single-threaded process that preloaded the extractors
    (the run's own process never imports them)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["flows.isolation", "extractors.pack"])
    return context


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = _context().Process(target=_serve, args=(child, memory_mb), daemon=True, name="scrutiny-extract")
        self.process.start()
        child.close()
        self.packs = 0

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def retire(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(RETIRE_GRACE_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class WorkerPool:
    """Extraction processes sharing one memory limit; grows to as many packs as run at once."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._starting = 0  # workers being started by `warm`
        self._lock = threading.Lock()

    def warm(self, count: int = 1) -> None:
        """Have `count` idle workers ready (the first also starts the forkserver), so packs need not wait."""
        with self._lock:
            missing = max(0, count - len(self._idle) - self._starting)
            self._starting += missing
        for _ in range(missing):
            try:
                worker = _Worker(self.memory_mb)
            finally:
                with self._lock:
                    self._starting -= 1
            with self._lock:
                self._idle.append(worker)

    def _checkout(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.kill()
        return _Worker(self.memory_mb)

    def _checkin(self, worker: _Worker) -> None:
        worker.packs += 1
        if worker.packs >= MAX_PACKS_PER_WORKER:
            worker.retire()
            return
        with self._lock:
            self._idle.append(worker)

    def extract(self, path: Path, source: str, timeout_s: float) -> PackExtraction:
        """Extract one pack in a worker; raise PackError on failure, timeout or memory exhaustion."""
        worker = self._checkout()
        deadline = time.monotonic() + timeout_s
        at: _Progress | None = None
        try:
            # The engine is looked up here, in the run's environment, not the long-lived worker's.
            worker.conn.send((str(path), source, timeout_s, engine_path()))
            while True:
                if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                    worker.kill()
                    where = at.where() if at else "opening the file"
                    raise PackError("timeout", f"timed out {where} after {timeout_s:g} s; the pack's time limit stopped it")
                result = worker.conn.recv()
                if not isinstance(result, _Progress):
                    break
                at = result
        except (EOFError, OSError):
            worker.kill()
            raise PackError("too_large", f"the extracting process died (memory limit {self.memory_mb} MB?)") from None
        self._checkin(worker)
        if isinstance(result, PackError):
            raise result
        return result

    def close(self) -> None:
        """Stop every idle worker."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.retire()


_pools: dict[int, WorkerPool] = {}
_pools_lock = threading.Lock()


def pool_for(limits: Limits) -> WorkerPool:
    """The process-wide pool for this memory limit (created on first use)."""
    with _pools_lock:
        if limits.memory_mb not in _pools:
            _pools[limits.memory_mb] = WorkerPool(limits.memory_mb)
        return _pools[limits.memory_mb]


@atexit.register
def close_pools() -> None:
    """Stop every pool's idle workers (also run at interpreter exit)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


def extract_bounded(path: Path, source: str, limits: Limits) -> PackExtraction:
    """Extract one pack in a pooled worker process; raise PackError on failure, timeout or memory exhaustion."""
    return pool_for(limits).extract(path, source, limits.timeout_s)
