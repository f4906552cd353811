"""Bad input gets a specific error code (real malformed and hostile PDFs from the corpus)."""

from __future__ import annotations

import pytest

from extractors.errors import PackError
from extractors.pack import extract_pack
from flows.isolation import Limits, extract_bounded
from tests.conftest import CORPUS

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
        ("malformed/qpdf/bad2.pdf", "malformed"),
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
