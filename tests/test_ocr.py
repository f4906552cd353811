"""Packs without a text layer: OCR'd through ocrmypdf when it is installed, and said so; never skipped silently."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from extractors.errors import PackError
from flows.isolation import Limits, extract_bounded
from flows.outcomes import read_notes
from flows.writers import sha256_file
from tests.conftest import run_cli
from tests.meeting_papers import table_agenda
from tests.pdf_builder import PageSpec, write_pdf

FAKE_VERSION = "16.10.4"

# Stands in for ocrmypdf: answers --version, and "OCRs" its input by writing a text PDF that
# tests/meeting_papers.py generated (the agenda a scan of it would read as). It records its
# arguments so the test can check how it was called.
FAKE_OCRMYPDF = """#!{python}
import shutil, sys
args = sys.argv[1:]
if args == ["--version"]:
    print("{version}")
    sys.exit(0)
with open({calls!r}, "a") as log:
    log.write(" ".join(args) + "\\n")
shutil.copyfile({text_pdf!r}, args[-1])
"""


def scanned_pack(path: Path) -> Path:
    """A page that is only an image: no text layer at all."""
    page = PageSpec(595.0, 842.0)
    page.image(60, 60, 535, 400, [[(x * 7 + y * 3) % 256 for x in range(40)] for y in range(30)])
    return write_pdf(path, [page])


def _ocrmypdf_on_path(tmp_path, monkeypatch, source: str, path: str | None = None) -> None:
    """Write `source` as an executable `ocrmypdf` in a folder put first on PATH (`path`: the rest)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "ocrmypdf"
    script.write_text(source)
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{path}" if path else str(bin_dir))


@pytest.fixture
def fake_ocrmypdf(tmp_path, monkeypatch) -> Path:
    """Put a fake `ocrmypdf` first on PATH; return the file its calls are logged to."""
    calls = tmp_path / "ocr-calls.txt"
    text_pdf = table_agenda(tmp_path / "ocr-result.pdf")
    source = FAKE_OCRMYPDF.format(python=sys.executable, version=FAKE_VERSION, calls=str(calls), text_pdf=str(text_pdf))
    _ocrmypdf_on_path(tmp_path, monkeypatch, source, os.environ.get("PATH", ""))
    return calls


def test_a_scan_is_read_from_an_ocr_copy_and_says_so(tmp_path, fake_ocrmypdf):
    scan = scanned_pack(tmp_path / "scan.pdf")
    original = scan.read_bytes()
    result = extract_bounded(scan, "scan.pdf", Limits(timeout_s=120))
    assert result.quality["ocr"] == {"engine": "ocrmypdf", "version": FAKE_VERSION, "options": "--skip-text"}
    # The OCR'd text is read (the agenda's items) but the pack is still named by the scan's bytes.
    assert result.frames["agenda_items"]["title"].tolist()[:2] == ["Apologies for Absence", "Declarations of Interest"]
    assert result.sha256 == sha256_file(scan)
    assert result.frames["packs"]["file_name"].tolist() == ["scan.pdf"]
    # ocrmypdf ran on a temporary copy, with --skip-text, writing elsewhere; the input is untouched.
    (call,) = fake_ocrmypdf.read_text().splitlines()
    args = call.split()
    assert "--skip-text" in args and str(scan) not in args and args[-1] != args[-2]
    assert scan.read_bytes() == original


def test_the_manifest_and_run_record_say_ocr_was_used(tmp_path, fake_ocrmypdf):
    scan = scanned_pack(tmp_path / "scan.pdf")
    out = tmp_path / "outputs"
    result = run_cli("run", str(scan), "--output", str(out))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    (pack,) = manifest["packs"]
    assert pack["ocr"]["version"] == FAKE_VERSION and pack["status"] == "ok"
    record = json.loads((out / manifest["last_run"]).read_text())
    assert record["inputs"][0]["ocr"]["engine"] == "ocrmypdf"
    assert read_notes(record["inputs"][0]) == f"text from OCR (ocrmypdf {FAKE_VERSION})"


def test_without_ocrmypdf_the_reason_says_it_is_not_installed(tmp_path, monkeypatch):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    scan = scanned_pack(tmp_path / "scan.pdf")
    with pytest.raises(PackError) as caught:
        extract_bounded(scan, "scan.pdf", Limits(timeout_s=120))
    assert caught.value.code == "no_text"
    assert "needs OCR" in caught.value.message and "ocrmypdf with tesseract) is installed" in caught.value.message
    assert "no OCR engine" in caught.value.message


def test_an_ocr_that_fails_is_reported_not_skipped(tmp_path, monkeypatch):
    _ocrmypdf_on_path(tmp_path, monkeypatch, f"#!{sys.executable}\nimport sys\nsys.stderr.write('tesseract: [/b] not found\\n')\nsys.exit(3)\n")
    with pytest.raises(PackError) as caught:
        extract_bounded(scanned_pack(tmp_path / "scan.pdf"), "scan.pdf", Limits(timeout_s=120))
    assert caught.value.code == "no_text"
    assert "ocrmypdf failed (exit 3): tesseract: [/b] not found" in caught.value.message


def test_an_ocr_that_finds_no_text_says_so(tmp_path, monkeypatch):
    # "Recognises" nothing: writes its input back unchanged.
    _ocrmypdf_on_path(tmp_path, monkeypatch, f"#!{sys.executable}\nimport shutil, sys\nshutil.copyfile(sys.argv[-2], sys.argv[-1])\n")
    with pytest.raises(PackError) as caught:
        extract_bounded(scanned_pack(tmp_path / "scan.pdf"), "scan.pdf", Limits(timeout_s=120))
    assert caught.value.code == "no_text"
    assert caught.value.message.endswith("the copy OCR'd by ocrmypdf has no text either")
