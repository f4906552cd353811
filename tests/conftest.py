"""Shared fixtures: paths to the shared corpus and one pipeline run on the embedded sample."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Run state (Prefect's database) goes to a throwaway folder, set before `flows` is imported.
os.environ.setdefault("SCRUTINY_HOME", tempfile.mkdtemp(prefix="scrutiny-test-home-"))
# Runs share Prefect's API server as in use; it outlives the session only briefly (and see below).
os.environ.setdefault("SCRUTINY_API_IDLE_S", "20")

import pytest  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PACKS = SHARED / "packs"
CORPUS = SHARED / "corpus"
KENT = CORPUS / "uk_council" / "kent_cc"
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "raw_pdfs"
TAMESIDE_PDF = PACKS / "tameside-childrens-scrutiny-2024-03-06.pdf"
TAMESIDE_TRUTH = PACKS / "tameside-childrens-scrutiny-2024-03-06.truth"


def truth_frames() -> dict:
    """Every dataset of the reviewed Tameside truth as frames of contract columns.

    The truth predates contract v2: a column added since (`scorecard_indicators.floor`) is null,
    and a dataset it has no file for is empty.
    """
    import csv

    from flows.validate import read_csv_frame
    from schemas.contract import DATASETS
    from schemas.frames import make_frame

    frames = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, ds in DATASETS.items():
            path = TAMESIDE_TRUTH / f"{name}.csv"
            if not path.exists():
                frames[name] = make_frame(name)
                continue
            with path.open(newline="", encoding="utf-8") as handle:
                header, *rows = list(csv.reader(handle))
            added = [c for c in ds.column_names if c not in header]
            assert all(ds.column(c).nullable for c in added), (name, added)
            copy = Path(scratch) / path.name
            with copy.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(ds.column_names)
                writer.writerows([dict(zip(header, row)).get(c, "") for c in ds.column_names] for row in rows)
            frames[name], problems = read_csv_frame(name, copy)
            assert problems == [], problems
    return frames


def run_cli(*args: str):
    """Invoke the `scrutiny` CLI in-process and return the click Result."""
    from flows.cli import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="session", autouse=True)
def _stop_the_shared_api_server():
    """The session's shared API server stops with the session, not after its idle time."""
    yield
    from flows.api_server import stop_shared_server
    from flows.settings import configure_environment

    configure_environment()
    stop_shared_server()


@pytest.fixture(scope="session")
def not_a_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad") / "minutes.pdf"
    path.write_text("This is a plain text file that claims to be a PDF.\n")
    return path


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, not_a_pdf):
    """The pipeline on the embedded sample plus one file that is not a PDF."""
    out = tmp_path_factory.mktemp("run1") / "outputs"
    result = run_cli("run", str(SAMPLE), str(not_a_pdf), "--output", str(out))
    return result, out


@pytest.fixture()
def sample_copy(tmp_path) -> Path:
    """A private copy of the embedded sample folder."""
    target = tmp_path / "raw_pdfs"
    shutil.copytree(SAMPLE, target)
    return target
