"""Run every PDF of the shared corpus through extraction, one child process each, and record the outcome.

Usage: python bench/corpus.py [--corpus ../shared/corpus] [--out bench/results/corpus.json] [--timeout 300]
       python bench/corpus.py --large [--out bench/results/large_pack.json]

Per file: the outcome ("ok" or the pack error code; "timeout" when stopped; "crash" for an
exception that is not a pack error, with its traceback), seconds, peak resident memory of the
child (MB) and, when read, pages and rows. `--large` generates packs of 60, 250, 500 and 1,000 pages
and records the peak memory and CPU seconds of each, to show whether memory stays flat as packs grow.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LARGE_SIZES = (60, 250, 500, 1000)


def extract_one(path: Path) -> dict:
    """Extract one file in this process; never raises."""
    from extractors.errors import PackError
    from extractors.pack import extract_pack

    try:
        result = extract_pack(path, path.name)
    except PackError as exc:
        return {"outcome": exc.code, "message": exc.message}
    except (MemoryError, RecursionError) as exc:
        return {"outcome": "too_large" if isinstance(exc, MemoryError) else "malformed", "message": type(exc).__name__}
    except Exception as exc:  # noqa: BLE001 - the point is to find these
        return {"outcome": "crash", "message": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    return {"outcome": "ok", "pages": result.page_count, "rows": {k: len(v) for k, v in result.frames.items() if len(v)}}


def measure(path: Path, timeout: float) -> dict:
    """Extract `path` in a fresh child; add its wall-clock seconds and peak RSS (from wait4)."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--one", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    timed_out = False
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            timed_out = True
            break
        time.sleep(0.05)
    seconds = round(time.monotonic() - started, 2)
    output = child.stdout.read().decode("utf-8", "replace") if child.stdout else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if timed_out:
        record = {"outcome": "timeout", "message": f"stopped after {timeout:g} s"}
    else:
        try:
            record = json.loads(output.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            record = {"outcome": "crash", "message": f"the child exited {child.returncode} without a result"}
    # ru_maxrss is in kilobytes on Linux. CPU seconds (the child's, start-up and imports included),
    # unlike wall seconds, do not depend on what else the machine runs.
    cpu = usage.ru_utime + usage.ru_stime
    return {**record, "seconds": seconds, "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def corpus_files(corpus: Path) -> list[Path]:
    """Every PDF in the corpus, and every file of malformed/ (hostile input need not be named .pdf)."""
    files = {p for p in corpus.rglob("*.pdf") if p.is_file()}
    files |= {p for p in (corpus / "malformed").rglob("*") if p.is_file() and p.suffix not in (".out", ".json", ".md")}
    return sorted(files)


def large_pack(pages: int, folder: Path) -> Path:
    """A generated pack: each page a heading, paragraphs and a ruled action-plan table with RAG fills."""
    from tests.long_packs import long_pack

    return long_pack(pages, folder / f"generated-{pages}-pages.pdf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one file may take")
    parser.add_argument("--large", action="store_true", help="measure generated packs of 60-1,000 pages instead")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(LARGE_SIZES), help="page counts of the generated packs (with --large)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(extract_one(args.one)))
        return 0
    if args.large:
        folder = Path(tempfile.mkdtemp(prefix="scrutiny-large-"))
        report = {}
        for pages in args.sizes:
            path = large_pack(pages, folder)
            report[str(pages)] = {"bytes": path.stat().st_size, **measure(path, args.timeout * 10)}
            print(pages, report[str(pages)], flush=True)
            path.unlink()
        out = args.out or ROOT / "bench" / "results" / "large_pack.json"
    else:
        files = corpus_files(args.corpus)
        per_file = {}
        for path in files:
            name = path.relative_to(args.corpus).as_posix()
            per_file[name] = measure(path, args.timeout)
            print(f"{name}: {per_file[name]['outcome']} {per_file[name]['seconds']}s {per_file[name]['peak_rss_mb']}MB", flush=True)
        outcomes: dict[str, int] = {}
        for record in per_file.values():
            outcomes[record["outcome"]] = outcomes.get(record["outcome"], 0) + 1
        report = {
            "files": len(per_file),
            "outcomes": dict(sorted(outcomes.items())),
            "crashes": sorted(n for n, r in per_file.items() if r["outcome"] == "crash"),
            "timeouts": sorted(n for n, r in per_file.items() if r["outcome"] == "timeout"),
            "total_seconds": round(sum(r["seconds"] for r in per_file.values()), 1),
            "max_peak_rss_mb": max((r["peak_rss_mb"] for r in per_file.values()), default=0),
            "per_file": per_file,
        }
        out = args.out or ROOT / "bench" / "results" / "corpus.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
