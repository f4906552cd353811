"""Bad input gets a specific error code (real malformed and hostile PDFs from the corpus)."""

from __future__ import annotations

import pytest

import json

from extractors.errors import PackError
from extractors.pack import extract_pack
from flows.isolation import Limits, extract_bounded
from tests.conftest import CORPUS, run_cli

MALFORMED = CORPUS / "malformed"


@pytest.mark.parametrize(
    ("relative", "code"),
    [
        ("malformed/pdfplumber/empty.pdf", "empty"),
        ("malformed/qpdf/bad1.pdf", "not_pdf"),
        ("malformed/pdfplumber/issue-948.zip", "not_pdf"),
        ("malformed/pdfminer/aes-256.pdf", "encrypted"),
        ("malformed/pdfplumber/password-example.pdf", "encrypted"),
        ("malformed/qpdf/issue-120.pdf", "malformed"),
        ("malformed/qpdf/broken-lzw.pdf", "malformed"),
        ("malformed/qpdf/bad2.pdf", "broken_xref"),
        ("malformed/qpdf/pages-loop.pdf", "cyclic_pages"),
        ("us_council/city-scrapers-ca/duarte_agenda_1.pdf", "no_text"),
    ],
)
def test_specific_error_codes(relative, code):
    with pytest.raises(PackError) as caught:
        extract_pack(CORPUS / relative, relative)
    assert caught.value.code == code
    assert caught.value.message


def test_truncated_pdf(tmp_path):
    data = (CORPUS / "uk_council/kent_cc/cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(PackError) as caught:
        extract_pack(cut, "cut.pdf")
    assert caught.value.code == "truncated"


def test_error_crosses_the_process_boundary():
    with pytest.raises(PackError) as caught:
        extract_bounded(MALFORMED / "pdfminer/aes-256.pdf", "aes", Limits(timeout_s=120))
    assert caught.value.code == "encrypted"


def test_time_limit_stops_the_child():
    with pytest.raises(PackError) as caught:
        extract_bounded(CORPUS / "uk_council/kent_cc/cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf", "qpr", Limits(timeout_s=0.5))
    assert caught.value.code == "timeout"


def test_a_pack_over_a_limit_does_not_take_the_worker_pool_down():
    from flows.isolation import pool_for

    agenda = CORPUS / "uk_council/kent_cc/cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
    qpr = CORPUS / "uk_council/kent_cc/cabinet/2025-03-04/originals/QPR Q3 Cabinet appendix 1.pdf"
    limits = Limits(timeout_s=120, memory_mb=4096)
    first = extract_bounded(agenda, "agenda", limits)
    worker = pool_for(limits)._idle[-1].process.pid
    # The same worker serves the next pack: no interpreter start-up per pack.
    assert extract_bounded(agenda, "agenda", limits).frames["agenda_items"].equals(first.frames["agenda_items"])
    assert pool_for(limits)._idle[-1].process.pid == worker
    with pytest.raises(PackError) as caught:
        extract_bounded(qpr, "qpr", Limits(timeout_s=0.5, memory_mb=4096))
    assert caught.value.code == "timeout"
    with pytest.raises(PackError) as caught:
        extract_bounded(agenda, "agenda", Limits(timeout_s=120, memory_mb=250))
    assert caught.value.code == "too_large"
    again = extract_bounded(agenda, "agenda", limits)
    assert again.page_count == 2 and len(again.frames["agenda_items"]) == 9


# Every file of the hostile corpus and what a run says about it ("ok": read, perhaps after repair).
MALFORMED_REASONS = {
    "pdfminer/aes-256.pdf": "encrypted",
    "pdfminer/issue-1062-filters.pdf": "ok",
    "pdfminer/issue-1113-evil-xobjects.pdf": "ok",
    "pdfminer/issue-886-xref-stream-widths.pdf": "ok",
    "pdfminer/zen_of_python_corrupted.pdf": "ok",
    "pdfplumber/empty.pdf": "empty",
    "pdfplumber/issue-297-example.pdf": "malformed",
    "pdfplumber/issue-948.zip": "not_pdf",
    "pdfplumber/malformed-from-issue-932.pdf": "ok",
    "pdfplumber/password-example.pdf": "encrypted",
    "pypdf/crazyones-encrypted-256.pdf": "encrypted",
    "pypdf/encrypted_doc_no_id.pdf": "no_text",
    "pypdf/issue-297.pdf": "ok",
    "pypdf/outlines-with-invalid-destinations.pdf": "ok",
    "pypdf/r6-user-password.pdf": "ok",  # the user password is empty: it opens
    "qpdf/bad-token-startxref.pdf": "ok",
    "qpdf/bad-xref.pdf": "ok",  # rebuilt from its objects
    "qpdf/bad1.pdf": "not_pdf",
    "qpdf/bad2.pdf": "broken_xref",
    "qpdf/broken-lzw.pdf": "malformed",
    "qpdf/damaged-inline-image.pdf": "no_text",
    "qpdf/fuzz-16214.pdf": "not_pdf",
    "qpdf/global_damaged.pdf": "ok",
    "qpdf/issue-100.pdf": "broken_xref",
    "qpdf/issue-101.pdf": "broken_xref",
    "qpdf/issue-106.pdf": "ok",
    "qpdf/issue-117.pdf": "no_text",
    "qpdf/issue-119.pdf": "malformed",
    "qpdf/issue-120.pdf": "malformed",
    "qpdf/issue-143.pdf": "not_pdf",
    "qpdf/issue-147.pdf": "not_pdf",
    "qpdf/issue-148.pdf": "not_pdf",
    "qpdf/issue-149.pdf": "malformed",
    "qpdf/issue-150.pdf": "not_pdf",
    "qpdf/issue-99.pdf": "broken_xref",
    "qpdf/pages-loop.pdf": "cyclic_pages",
    "qpdf/xref-errors.pdf": "ok",
}


def test_the_whole_hostile_corpus_runs_and_each_file_gets_its_reason(tmp_path):
    files = sorted(p for p in MALFORMED.rglob("*") if p.is_file() and p.suffix != ".out")
    assert {p.relative_to(MALFORMED).as_posix() for p in files} == set(MALFORMED_REASONS)
    # A name full of markup: names and messages are printed as text, never interpreted.
    evil = tmp_path / "[bold]e[red] {0} %s.pdf"
    evil.write_bytes(b"[/b'\x92'] not a PDF")
    out = tmp_path / "outputs"
    result = run_cli("run", str(MALFORMED), str(MALFORMED / "pdfplumber/issue-948.zip"), str(evil), "--output", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    # The summary table may fold the name at its spaces, never inside the markup-like parts.
    assert "[bold]e[red]" in result.output and "{0}" in result.output and "%s.pdf" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    record = json.loads((out / manifest["last_run"]).read_text())
    got = {}
    for entry in record["inputs"]:
        code = entry["error"]["code"] if entry["status"] == "error" else "ok"
        for source in entry["sources"]:
            got[source.rsplit("malformed/", 1)[-1] if "malformed/" in source else source.rsplit("/", 1)[-1]] = code
            if code != "ok":
                assert entry["error"]["message"], source
    assert got.pop(evil.name) == "not_pdf"
    assert got == MALFORMED_REASONS
    assert {p["status"] for p in manifest["packs"]} == {"ok"}
