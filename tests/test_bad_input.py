"""Bad input gets a specific error code (real malformed and hostile PDFs from the corpus)."""

from __future__ import annotations

import pytest

import json
import re

from extractors.errors import PackError
from extractors.pack import extract_pack
from flows.isolation import Limits, extract_bounded
from tests.conftest import CORPUS, run_cli
from tests.pdf_builder import PageSpec, write_pdf

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


def long_ruled_pack(path, pages: int):
    """A pack of `pages` pages, each a ruled 20 x 5 table of text."""
    specs = []
    xs, ys = [40, 200, 360, 520, 680, 800], [60 + 20 * i for i in range(21)]
    for n in range(pages):
        page = PageSpec()
        page.grid(xs, ys)
        for i in range(20):
            for j in range(5):
                page.text(xs[j] + 3, ys[i] + 4, f"Cell {n} {i} {j}")
        specs.append(page)
    return write_pdf(path, specs)


def test_a_pack_stopped_at_its_time_limit_says_which_page_it_was_on(tmp_path):
    # Far more pages than can be read in the limit on any machine (some 350 are parsed in it here).
    pack = long_ruled_pack(tmp_path / "long.pdf", 1000)
    with pytest.raises(PackError) as caught:
        extract_bounded(pack, "long.pdf", Limits(timeout_s=5))
    assert caught.value.code == "timeout"
    found = re.fullmatch(r"timed out (parsing|reading text|reading tables) on page (\d+) of 1000 after 5 s; the pack's time limit stopped it", caught.value.message)
    assert found, caught.value.message
    assert 1 <= int(found.group(2)) <= 1000


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


XREF_REBUILT = "the cross-reference table is missing or broken; the objects were found by scanning the whole file"
# The files of the hostile corpus that are read, but only after the parser repaired them, and how.
REPAIRED = {
    "pdfminer/issue-1113-evil-xobjects.pdf": (XREF_REBUILT, "a content stream draws itself; the repeat was skipped"),
    "pdfminer/zen_of_python_corrupted.pdf": ("a compressed stream is corrupt; only the data before the damage was read",),
    "pypdf/issue-297.pdf": (XREF_REBUILT,),
    "qpdf/bad-xref.pdf": (XREF_REBUILT,),
    "qpdf/global_damaged.pdf": (XREF_REBUILT,),
    "qpdf/issue-106.pdf": (XREF_REBUILT,),
    "qpdf/xref-errors.pdf": (XREF_REBUILT,),
}


def test_a_file_read_after_a_repair_is_flagged_and_a_sound_one_is_not():
    rebuilt = extract_pack(MALFORMED / "qpdf/bad-xref.pdf", "bad-xref.pdf")
    assert rebuilt.quality["repaired"] == XREF_REBUILT
    assert rebuilt.page_count == 1
    corrupt = extract_pack(MALFORMED / "pdfminer/zen_of_python_corrupted.pdf", "zen.pdf")
    assert corrupt.quality["repaired"] == REPAIRED["pdfminer/zen_of_python_corrupted.pdf"][0]
    sound = extract_pack(CORPUS / "uk_council/kent_cc/cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf", "agenda")
    assert "repaired" not in sound.quality


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
    # Files read only after a repair say so, in the run record and in the manifest.
    repaired = {e["sources"][0].rsplit("malformed/", 1)[-1]: e["repaired"] for e in record["inputs"] if e.get("repaired")}
    assert set(repaired) == set(REPAIRED)
    for name, says in REPAIRED.items():
        assert all(reason in repaired[name] for reason in says), (name, repaired[name])
    assert {p["file_name"] for p in manifest["packs"] if p.get("repaired")} == {n.rsplit("/", 1)[-1] for n in REPAIRED}
    assert {p["status"] for p in manifest["packs"]} == {"ok"}
