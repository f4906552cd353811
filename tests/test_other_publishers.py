"""Front sheets, minutes and decision records of publishers other than Tameside and Kent (real papers)."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.pack import extract_pack
from tests.conftest import SHARED

TINTERN = SHARED / "corpus/uk_council/tintern_cc"
BRISTOL = SHARED / "corpus/uk_council/bristol_cc"
PAPERS = {
    "agenda": TINTERN / "agenda_20180521.pdf",
    "minutes_2018": TINTERN / "minutes_20180430.pdf",
    "minutes_2019": TINTERN / "minutes_20190819.pdf",
    "decisions": BRISTOL / "src-bcc-0023_src-bcc-0023-decision-notice-transport-and-connectivity-policy-committee-23-october-2025.pdf",
}


@pytest.fixture(scope="module")
def frames():
    return {key: {n: f.to_dict("records") for n, f in extract_pack(p, p.name).frames.items()} for key, p in PAPERS.items()}


def test_parish_agenda_summons_sentence_and_four_digit_items(frames):
    (pack,) = frames["agenda"]["packs"]
    assert (pack["council"], pack["committee"], pack["meeting_date"], pack["meeting_time"], pack["venue"]) == (
        "Tintern", "Tintern Community Council", dt.date(2018, 5, 21), "19:00", None
    )
    items = {i["item_number"]: i for i in frames["agenda"]["agenda_items"]}
    assert list(items) == [str(n) for n in range(2485, 2503)]
    assert (items["2491"]["title"], items["2491"]["description"][:44]) == ("Accounts for payment", "Merlin Waste Clerk’s Salary & Expenses Came ")
    assert (items["2495"]["title"], items["2495"]["description"]) == ("Reports from Sub-Committees", "Finance")
    assert items["2502"]["description"] == "", "the clerk's centred signature is not item text"


def test_parish_minutes_inline_headings_and_closing_time(frames):
    (minutes,) = frames["minutes_2018"]["minutes"]
    assert (minutes["committee"], minutes["meeting_date"], minutes["commenced"], minutes["terminated"], minutes["chair"]) == (
        "Tintern Community Council", dt.date(2018, 4, 30), "19:00", "20:45", "Shewell"
    )
    (pack,) = frames["minutes_2018"]["packs"]
    assert pack["venue"] == "Tintern Village Hall"
    people = [(a["name"], a["role"], a["is_chair"]) for a in frames["minutes_2018"]["attendance"]]
    assert people[0] == ("Shewell", "present", True)
    assert ("Webb", "present", False) in people, "County Cllr is a title"
    assert ("Bob Dagger", "in_attendance", False) in people, "Members of the Public – Mr Bob Dagger"
    assert ("Pocock", "apologies", False) in people, "a bare name list in the Apologies minute"
    assert not any(name == "Clerk" or "Clerk" in name for name, _, _ in people)
    items = {m["minute_number"]: m for m in frames["minutes_2018"]["minute_items"]}
    assert list(items) == [str(n) for n in range(2465, 2485)]
    assert (items["2466"]["title"], items["2466"]["text"]) == (
        "Public Forum", "Mr Bob Dagger from TUCC present to listen to comments about the recent A466 road closure."
    )
    assert items["2484"]["text"] == "AGM 21st May at 6.30pm.", "the closing line and signature are not minute text"


def test_parish_minutes_year_at_a_line_start_is_not_a_minute(frames):
    items = {m["minute_number"]: m for m in frames["minutes_2019"]["minute_items"]}
    assert list(items) == [str(n) for n in range(2747, 2762)]
    assert "stage of works until 2021. TCC reiterated" in items["2755"]["text"]
    assert "with him - The Cot width restriction" in items["2760"]["text"], "a dash opening a wrapped line is not a bullet"
    (minutes,) = frames["minutes_2019"]["minutes"]
    assert minutes["terminated"] == "20:10"
    apologies = [a["name"] for a in frames["minutes_2019"]["attendance"] if a["role"] == "apologies"]
    assert apologies == ["Ashman", "Webb"]


def test_decision_record_as_minutes(frames):
    decisions = frames["decisions"]
    (pack,) = decisions["packs"]
    assert (pack["council"], pack["committee"], pack["meeting_date"]) == (
        "Bristol", "Transport & Connectivity Policy Committee", dt.date(2025, 10, 23)
    )
    assert [d["kind"] for d in decisions["documents"]] == ["minutes"]
    names = [(a["name"], a["role"]) for a in decisions["attendance"]]
    assert len(names) == 10 and names[5] == ("Emma Edwards", "present") and names[-1] == ("Graham Morris", "apologies")
    items = decisions["minute_items"]
    assert [m["minute_number"] for m in items] == [str(n) for n in range(7, 17)]
    assert items[-1]["title"] == "Urgent Item - Petition Debate : Halt the East Bristol Liveable Neighbourhood"
    assert items[6]["resolution"] == "That the Committee for Transport and Connectivity noted the update report."
    assert not any("policycommittees@bristol.gov.uk" in m["text"] for m in items), "the running header is not decision text"
