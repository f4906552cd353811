"""Front sheets and minutes in the layout families councils use, from generated PDFs with exact values."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.pack import extract_pack
from extractors.text import parse_time
from tests import meeting_papers


def _frames(path):
    return {name: frame.to_dict("records") for name, frame in extract_pack(path, path.name).frames.items()}


def _items(frames):
    return [(i["item_number"], i["title"], i["description"], i["pages_from"], i["pages_to"]) for i in frames["agenda_items"]]


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layouts")
    builders = {
        "table": meeting_papers.table_agenda,
        "boxed": meeting_papers.boxed_agenda,
        "subject": meeting_papers.subject_agenda,
        "summons": meeting_papers.summons_agenda,
        "held": meeting_papers.held_sentence_minutes,
        "block": meeting_papers.block_minutes,
        "coded": meeting_papers.coded_minutes,
        "plain": meeting_papers.plain_number_minutes,
    }
    return {key: _frames(build(folder / f"{key}.pdf")) for key, build in builders.items()}


def _pack(frames):
    (pack,) = frames["packs"]
    return (pack["council"], pack["committee"], pack["meeting_date"], pack["meeting_time"], pack["venue"])


def test_no_item_pages_table_with_to_follow_and_part_2(papers):
    frames = papers["table"]
    assert _pack(frames) == ("Exampleton", "Audit Committee", dt.date(2023, 11, 14), "18:30", "Council Chamber, Civic Centre, Exampleton")
    assert _items(frames) == [
        ("1", "Apologies for Absence", "", None, None),
        ("2", "Declarations of Interest", "To receive any declarations of interest in items on this agenda.", None, None),
        ("3", "Minutes of the Previous Meeting", "To approve the minutes of the meeting held on 12 September 2023.", 1, 6),
        ("4", "Internal Audit Progress Report", "", 7, 24),
        ("5", "Treasury Management Mid-Year Review", "", None, None),
        ("6", "Contract Award for Leisure Services", "Exempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.", 25, 30),
    ]
    assert [d["kind"] for d in frames["documents"]] == ["agenda"]


def test_item_no_agenda_page_no_table_with_sub_items_and_boxed_details(papers):
    frames = papers["boxed"]
    assert _pack(frames)[1:] == ("Overview and Scrutiny Panel", dt.date(2023, 12, 6), "10:30", "Committee Room 2, Town Hall, Exampleton")
    assert _items(frames) == [
        ("1", "Apologies", "", None, None),
        ("2", "Minutes", "", 1, 4),
        ("3", "Budget Monitoring", "", 5, 12),
        ("3a", "Capital Programme Update", "", 13, 18),
        ("4", "Performance Reports", "", None, None),
        ("4.1", "Quarter 2 Performance Scorecard", "", 19, 30),
        ("4.2", "Complaints Annual Report", "", 31, 40),
        ("5", "Risk Register", "", None, None),
        ("5(a)", "Strategic Risks", "", 41, 44),
        ("5(b)", "Operational Risks", "", 45, 48),
        ("6", "Any Other Business", "", None, None),
    ]


def test_item_subject_page_table_with_descriptions_and_meeting_sentence(papers):
    frames = papers["subject"]
    assert _pack(frames)[1:] == ("Licensing Committee", dt.date(2023, 12, 4), "10:30", "Guildhall, Exampleton")
    assert _items(frames) == [
        ("6", "Minutes of the last meeting", "To confirm the minutes of the meeting held on 6 November 2023.", 1, 5),
        ("7", "Licensing Act 2003 Applications", "", None, None),
        ("7(a)", "The Red Lion, High Street", "Application for a new premises licence.", 6, 20),
        ("7(b)", "Riverside Stores, Mill Lane", "Application to vary a premises licence.", 21, 34),
        ("8", "Urgent Business", "", None, None),
    ]


def test_summons_with_items_on_a_later_page(papers):
    frames = papers["summons"]
    assert _pack(frames) == (
        "Exampleton", "Exampleton City Council", dt.date(2023, 12, 7), "19:00", "Council Chamber, Guildhall, Exampleton"
    )
    assert _items(frames) == [
        ("1", "Apologies for Absence", "", None, None),
        ("2", "Declarations of Interest", "", None, None),
        ("3", "Appointment of Monitoring Officer", "To consider the report of the Chief Executive.", 3, 8),
        ("4", "Notice of Motion - Cost of Living", "", None, None),
    ]
    assert {i["page"] for i in frames["agenda_items"]} == {2}, "the summons page and its date hold no items"


def test_minutes_opening_sentence_lists_actions_and_closing_times(papers):
    frames = papers["held"]
    (minutes,) = frames["minutes"]
    assert (minutes["committee"], minutes["meeting_date"], minutes["commenced"], minutes["terminated"], minutes["chair"]) == (
        "Audit and Governance Committee", dt.date(2023, 11, 14), "10:00", "11:42", "A Patel"
    )
    assert _pack(frames) == (
        "Exampleton", "Audit and Governance Committee", dt.date(2023, 11, 14), "10:00", "Civic Centre, High Street, Exampleton"
    )
    assert [(a["name"], a["role"], a["is_chair"]) for a in frames["attendance"]] == [
        ("A Patel", "present", True),
        ("B Jones", "present", False),
        ("C O'Neill", "present", False),
        ("D Wright", "present", False),
        ("E Green", "in_attendance", False),
        ("F Brown", "in_attendance", False),
        ("G Smith", "in_attendance", False),
        ("H White", "in_attendance", False),
        ("J Black", "apologies", False),
    ]
    items = {m["minute_number"]: m for m in frames["minute_items"]}
    assert list(items) == ["23", "24", "25", "26"]
    assert items["24"]["resolution"] == "that the minutes of the meeting held on 12 September 2023 be approved."
    assert items["26"]["text"] == "The next meeting will be held on 16 January 2024.", "the closing line is not minute text"
    (action,) = frames["minute_actions"]
    assert (action["minute_number"], action["action"], action["owner"], action["due"]) == (
        "25", "Circulate the revised audit plan to all members", "Head of Audit", "15 December 2023"
    )


def test_minutes_commenced_terminated_block_and_action_table(papers):
    frames = papers["block"]
    (minutes,) = frames["minutes"]
    assert (minutes["committee"], minutes["meeting_date"], minutes["commenced"], minutes["terminated"], minutes["chair"]) == (
        "Licensing Panel", dt.date(2023, 12, 6), "10:30", "12:15", "K Ahmed"
    )
    assert [(a["name"], a["role"], a["is_chair"]) for a in frames["attendance"]] == [
        ("K Ahmed", "present", True),
        ("L Brown", "present", False),
        ("M Davies", "present", False),
        ("N Evans", "in_attendance", False),
        ("P Quinn", "apologies", False),
        ("R Shah", "apologies", False),
    ]
    items = frames["minute_items"]
    assert [(m["minute_number"], m["title"]) for m in items] == [
        ("1", "APOLOGIES FOR ABSENCE"),
        ("2", "DECLARATIONS OF INTEREST"),
        ("3", "REVIEW OF PREMISES LICENCE - THE RED LION"),
    ]
    assert items[2]["resolution"] == "That the premises licence be suspended for four weeks."
    assert "Action Log" not in items[2]["text"], "the action table is not part of the last minute"
    assert [(a["minute_number"], a["action"], a["owner"], a["due"]) for a in frames["minute_actions"]] == [
        ("3", "Write to the licence holder", "Licensing Manager", "13 December 2023"),
        ("3", "Update the public register of premises licences", "Licensing Team", "20 December 2023"),
    ]


def test_minutes_coded_numbers_one_name_a_line_and_meeting_closed(papers):
    frames = papers["coded"]
    (minutes,) = frames["minutes"]
    assert (minutes["committee"], minutes["meeting_date"], minutes["commenced"], minutes["terminated"], minutes["chair"]) == (
        "Community Safety Partnership", dt.date(2023, 10, 12), "18:00", "20:15", "S Taylor"
    )
    assert _pack(frames)[4] == "Room 4, Town Hall, Exampleton"
    assert [(a["name"], a["role"], a["is_chair"]) for a in frames["attendance"]] == [
        ("S Taylor", "present", True),
        ("T Moore", "present", False),
        ("V King", "present", False),
    ]
    items = frames["minute_items"]
    assert [(m["minute_number"], m["title"]) for m in items] == [
        ("CSP/23/24", "Terms of Reference"),
        ("CSP/24/24", "Anti-social Behaviour Update"),
    ]
    assert items[0]["resolution"] == "That the terms of reference be adopted."
    (action,) = frames["minute_actions"]
    assert (action["minute_number"], action["action"], action["owner"], action["due"]) == (
        "CSP/24/24", "Police Inspector to report hot spots", "Mrs V King", "January 2024"
    )


def test_minutes_bare_numbers_and_held_on_at_at(papers):
    frames = papers["plain"]
    (minutes,) = frames["minutes"]
    assert (minutes["committee"], minutes["meeting_date"], minutes["commenced"], minutes["terminated"], minutes["chair"]) == (
        "Planning Committee", dt.date(2023, 11, 20), "10:30", "12:05", "A Khan"
    )
    assert _pack(frames)[4] == "Council Offices, Exampleton"
    assert [(a["name"], a["role"]) for a in frames["attendance"]] == [
        ("A Khan", "present"), ("B Lee", "present"), ("C Moss", "present"), ("D Nash", "apologies")
    ]
    items = frames["minute_items"]
    assert [(m["minute_number"], m["title"]) for m in items] == [
        ("41", "APOLOGIES"),
        ("42", "PLANNING APPLICATION 23/0456/FUL - LAND AT MILL LANE"),
    ]
    assert items[1]["text"] == (
        "The Committee considered the report of the Head of Planning. "
        "RESOLVED – That planning permission be granted subject to the conditions in the report."
    ), "the bracketed closing line is not minute text"
    assert items[1]["resolution"] == "That planning permission be granted subject to the conditions in the report."


@pytest.mark.parametrize(
    ("printed", "expected"),
    [("10.30 am", "10:30"), ("10.30am", "10:30"), ("10:30", "10:30"), ("1030 hrs", "10:30"), ("8.15 pm", "20:15"), ("20.10", "20:10"), ("noon", "12:00")],
)
def test_time_forms(printed, expected):
    assert parse_time(printed) == expected
