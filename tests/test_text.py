"""Text normalisation, dates and times as councils print them."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.text import join_entries, normalise, parse_date, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 March 2024", dt.date(2024, 3, 6)),
        ("Wednesday 6 March 2024", dt.date(2024, 3, 6)),
        ("Thursday, 30th January, 2025, at 10.00 am", dt.date(2025, 1, 30)),
        ("held on 10 January 2024.", dt.date(2024, 1, 10)),
        ("31/03/2024", dt.date(2024, 3, 31)),
        ("1st Sept 2023", dt.date(2023, 9, 1)),
        ("no date here", None),
        ("31 February 2024", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6.00 pm", "18:00"),
        ("6.00pm", "18:00"),
        ("7.40pm", "19:40"),
        ("10.00 am", "10:00"),
        ("12.30 pm", "12:30"),
        ("12.15 am", "00:15"),
        ("14:30", "14:30"),
        ("noon", "12:00"),
        ("Page 5", None),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def test_normalise_collapses_space_and_repairs_hyphenation():
    assert normalise("  multi-\n  agency working ") == "multi-agency working"
    assert normalise("UK-\nFrance") == "UK-France"
    assert normalise("language- a trauma") == "language- a trauma", "a hyphen inside a line is as printed"
    assert normalise("2024/25 - 2025/26") == "2024/25 - 2025/26"


def test_join_entries_uses_semicolons_for_bullets_only():
    lines = ["Members received a presentation on:", "• Context of the", "Local Area Partnership", "\uf0b7 Plans"]
    assert join_entries(lines) == "Members received a presentation on:; Context of the Local Area Partnership; Plans"
    assert join_entries(["wrapped line", "continues here"]) == "wrapped line continues here"
