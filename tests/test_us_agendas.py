"""US agendas (other layouts): no crash and nothing invented; unreadable files get an error code."""

from __future__ import annotations

import pytest

from extractors.errors import PackError
from extractors.pack import extract_pack
from tests.conftest import CORPUS

US_PDFS = sorted((CORPUS / "us_council").rglob("*.pdf"))


def test_the_corpus_is_there():
    assert len(US_PDFS) == 37


@pytest.mark.parametrize("path", US_PDFS, ids=lambda p: p.name)
def test_no_crash_and_nothing_invented(path):
    try:
        result = extract_pack(path, path.name)
    except PackError as exc:
        assert exc.code == "no_text"
        return
    kinds = result.quality["part_kinds"]
    documents = result.frames["documents"]
    assert len(documents) == len(kinds) >= 1
    if "agenda" not in kinds and "minutes" not in kinds:
        # Not recognised as a meeting paper: reported as a part, with no meeting details guessed.
        (pack,) = result.frames["packs"].to_dict("records")
        assert pack["committee"] is None and pack["meeting_date"] is None and pack["meeting_time"] is None
        assert all(len(result.frames[n]) == 0 for n in ("agenda_items", "minutes", "attendance", "minute_items"))
