"""Agenda items from real front sheets: the Tameside table layout and Kent's numbered paragraphs."""

from __future__ import annotations

import pytest

from extractors.pack import extract_pack
from tests.conftest import KENT, TAMESIDE_PDF

CABINET_AGENDA = KENT / "cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
COUNCIL_AGENDA = KENT / "full_council/2025-03-13/originals/Agenda frontsheet 13th-Mar-2025 10.00 County Council.pdf"


@pytest.fixture(scope="module")
def items():
    def by_number(path):
        frame = extract_pack(path, path.name).frames["agenda_items"]
        return {row["item_number"]: row for row in frame.to_dict("records")}

    return {"tameside": by_number(TAMESIDE_PDF), "cabinet": by_number(CABINET_AGENDA), "council": by_number(COUNCIL_AGENDA)}


def test_tameside_page_no_column_and_descriptions(items):
    tameside = items["tameside"]
    assert list(tameside) == [str(n) for n in range(1, 11)]
    assert tameside["4"]["title"] == "OFSTED INSPECTION OF CHILDREN'S SERVICES"
    assert (tameside["4"]["pages_from"], tameside["4"]["pages_to"]) == (5, 40)
    assert tameside["1"]["pages_from"] is None and tameside["1"]["description"] == ""
    # The description runs on to page 2, past the repeated table header and the page footer.
    assert tameside["9"]["description"].endswith("for the 2023/24 municipal year.")
    assert tameside["10"]["page"] == 2


def test_kent_wrapped_titles_and_page_ranges(items):
    cabinet = items["cabinet"]
    assert cabinet["6"]["title"] == (
        "Draft Revenue Budget 2025-26, MTFP 2025-28, Draft Capital Programme 2025-35 and Treasury Management Strategy"
    )
    assert (cabinet["6"]["pages_from"], cabinet["6"]["pages_to"]) == (85, 276)
    # "(Pages" ends one line and "461 - 610)" starts the next.
    assert (cabinet["9"]["pages_from"], cabinet["9"]["pages_to"]) == (461, 610)
    assert cabinet["9"]["description"] == "", "the EXEMPT ITEMS note and the signature are not item text"


def test_kent_continuation_versus_description(items):
    council = items["council"]
    assert council["4"]["title"].endswith("December 2024 Minutes for noting")
    assert council["8"]["description"] == "See supplement pack published alongside the main agenda"
    assert council["13"]["title"] == "Joint Health Overview & Scrutiny Committee - Terms of Reference update"
    assert council["17"]["title"] == "Motion for Time Limited Debate"
    assert council["12"]["page"] == 4
