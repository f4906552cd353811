"""Minutes from real papers: meeting, attendance, minute items, resolutions and actions."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.pack import extract_pack
from tests.conftest import KENT, TAMESIDE_PDF

PAPERS = {
    "tameside": TAMESIDE_PDF,
    "cabinet": KENT / "cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
    "council": KENT / "full_council/2025-03-13/originals/Printed minutes 13th-Mar-2025 10.00 County Council.pdf",
    "cpp": KENT / "full_council/2025-03-13/originals/CPP Minutes 10.12.24.pdf",
}


@pytest.fixture(scope="module")
def frames():
    return {key: {n: f.to_dict("records") for n, f in extract_pack(p, p.name).frames.items()} for key, p in PAPERS.items()}


def test_tameside_meeting(frames):
    (minutes,) = frames["tameside"]["minutes"]
    assert minutes["committee"] == "Children's Services Scrutiny Panel"
    assert minutes["meeting_date"] == dt.date(2024, 1, 10)
    assert (minutes["commenced"], minutes["terminated"]) == ("18:00", "19:40")
    assert minutes["chair"] == "Roderick"
    assert minutes["page"] == 3


def test_tameside_attendance(frames):
    people = {(a["name"], a["role"], a["is_chair"]) for a in frames["tameside"]["attendance"]}
    assert ("Roderick", "present", True) in people
    assert ("T Smith", "present", False) in people
    assert ("Tilbrook", "apologies", False) in people
    assert len(people) == 10


def test_tameside_minutes_resolutions_and_actions(frames):
    items = {m["minute_number"]: m for m in frames["tameside"]["minute_items"]}
    assert list(items) == [str(n) for n in range(34, 43)]
    assert items["36"]["title"] == "SEND IMPROVEMENT"
    assert "following areas: Context of the Local Area Partnership; Recent changes" in items["36"]["text"]
    assert items["36"]["resolution"].startswith("That SEND improvement remains")
    assert items["40"]["page"] == 5 and items["40"]["resolution"] is None
    actions = frames["tameside"]["minute_actions"]
    assert [(a["minute_number"], a["page"]) for a in actions] == [("36", 4), ("38", 4)]
    assert actions[1]["action"].endswith("against specific performance indicators.")
    assert actions[1]["due"] is None, "'at the next meeting' is not a due date"


def test_kent_cabinet_attendance_titles_and_post_nominals(frames):
    people = {(a["name"], a["role"]) for a in frames["cabinet"]["attendance"]}
    assert ("R W Gough", "present") in people
    assert ("R C Love", "present") in people, "OBE is dropped"
    assert ("McKay", "in_attendance") in people
    assert ("L Gannon", "in_attendance") in people, "IN ATTENDANCE VIRTUALLY counts as in attendance"
    assert ("C Bell", "apologies") in people, "apologies read from the Apologies minute"
    assert frames["cabinet"]["minutes"][0]["chair"] == "R W Gough"


def test_kent_cabinet_resolution(frames):
    items = {m["minute_number"]: m for m in frames["cabinet"]["minute_items"]}
    assert list(items) == [str(n) for n in range(84, 93)]
    assert items["86"]["resolution"].startswith("that the minutes of the meeting on 9 January 2025 were a correct record")
    assert items["84"]["text"] == "Apologies were received from Mrs C Bell."


def test_kent_council_minutes(frames):
    items = {m["minute_number"]: m for m in frames["council"]["minute_items"]}
    assert list(items) == [str(n) for n in range(292, 309)]
    assert items["293"]["title"].endswith("Other Significant Interests in items on the agenda")
    assert items["298"]["resolution"] == "that the Leader’s report be noted."
    meades = [a for a in frames["council"]["attendance"] if a["name"] == "J Meade"]
    assert len(meades) == 2, "Ms J Meade and Mr J Meade are two members"
    assert frames["council"]["minutes"][0]["committee"] == "County Council"


def test_unnumbered_minutes_take_the_item_number(frames):
    items = frames["cpp"]["minute_items"]
    assert [m["minute_number"] for m in items] == [str(n) for n in range(1, 11)]
    assert items[0]["title"] == "Apologies and Substitutes"
    (minutes,) = frames["cpp"]["minutes"]
    assert minutes["committee"] == "Corporate Parenting Panel"
    assert minutes["meeting_date"] == dt.date(2024, 12, 10)
    assert minutes["chair"] == "Shellina Prendergast"
