"""How long a scheduled run takes when nothing changed: 100 published packs on a ModernGov site.

Usage: python bench/noop.py [--out bench/results/noop.json] [--packs 100] [--workers 2]

A fake ModernGov site on 127.0.0.1 (tests/fake_moderngov.py) serves 100 meetings of one committee,
one a day back from today, each with a distinct small PDF (a Kent agenda front sheet with a
different trailing comment). A first scheduled run pulls and publishes them all; the runs measured
next find nothing new. They are timed in the same process, as under `scrutiny serve`, where the
Prefect server is already up; the first flow of a process also pays Prefect's start-up, measured
separately. Two settle periods are measured: 28 days (the default: older meetings are not
re-checked) and 365 days (every meeting re-checked: GetMeeting, its documents page and a HEAD per
document), each at the default rate limit and with it lifted (the client's own cost).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SCRUTINY_HOME", tempfile.mkdtemp(prefix="scrutiny-bench-home-"))

from flows.settings import configure_environment  # noqa: E402

configure_environment()

from flows.config import RunConfig, SiteOptions  # noqa: E402
from tests.fake_moderngov import FakeDocument, FakeMeeting, FakeServer, FakeSite  # noqa: E402

PDF = ROOT.parent / "shared/corpus/uk_council/kent_cc/cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"


def build_site(packs: int, today: dt.date) -> FakeSite:
    data = PDF.read_bytes()
    meetings = [
        # Bytes after %%EOF are ignored by PDF readers: each pack is the same agenda with a distinct hash.
        FakeMeeting(10000 + i, 1, today - dt.timedelta(days=i), [FakeDocument("Agenda frontsheet", f"documents/g{10000 + i}/Agenda frontsheet.pdf", data + f"\n% copy {i}\n".encode())])
        for i in range(packs)
    ]
    return FakeSite(committees={1: "Scrutiny Committee", 2: "Planning Committee"}, meetings=meetings, title="Browse meetings - Kent County Council")


def timed_run(config: RunConfig, site: FakeSite) -> dict:
    from flows.scheduled import scheduled_run

    site.requests.clear()
    started = time.perf_counter()
    result = scheduled_run(config=config)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "requests": len(site.requests),
        "pdf_downloads": len(site.fetched("GET")),
        "head_requests": len(site.fetched("HEAD")),
        "packs_extracted": len(result.outcomes),
        "documents_unchanged": sum(r.count("unchanged") for r in result.reports),
        "ok": result.ok,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "noop.json")
    parser.add_argument("--packs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    today = dt.date.today()
    site = build_site(args.packs, today)
    server = FakeServer(site).start()
    work = Path(tempfile.mkdtemp(prefix="scrutiny-bench-noop-"))
    weeks_back = args.packs // 7 + 2
    base = SiteOptions(server.url, committee="Scrutiny", weeks_back=weeks_back)
    config = RunConfig((base,), work / "store", work / "outputs", args.workers)
    results: dict[str, object] = {}
    try:
        from flows.scheduled import scheduled_run

        started = time.perf_counter()
        scheduled_run(config=dataclasses.replace(config, sites=(dataclasses.replace(base, committee="(?!)"),)))
        results["prefect_first_flow_seconds"] = round(time.perf_counter() - started, 2)
        first = timed_run(config, site)
        results["first_run"] = first
        for settle in (28, 365):
            for label, rate in (("default_rate", base.requests_per_second), ("unlimited_rate", 10_000.0)):
                options = dataclasses.replace(base, settle_days=settle, requests_per_second=rate)
                results[f"noop_settle_{settle}d_{label}"] = timed_run(dataclasses.replace(config, sites=(options,)), site)
    finally:
        server.stop()
    figures = {
        "what": f"a scheduled run over {args.packs} unchanged, published packs on a fake ModernGov site on 127.0.0.1",
        "default_requests_per_second": base.requests_per_second,
        "workers": args.workers,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
