"""A committee's packs at successive meetings, generated: the published rows, and the PDFs themselves.

Four meetings of one panel see the same scorecard with a new month each time and the same
improvement plan. Along the way a figure is restated, a ref is reprinted without its space, an
indicator without a ref is renamed slightly, an action goes AMBER -> RED -> RED -> GREEN, another
is RED for three meetings running, one runs past its end date, one is completed late. A second
council's pack uses the same refs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from schemas.contract import DATASETS
from schemas.frames import make_frame
from tests.pdf_builder import PageSpec, write_pdf

MONTHS = ["2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]
MONTH_HEADERS = ["Oct-23", "Nov-23", "Dec-23", "Jan-24", "Feb-24", "Mar-24"]


@dataclass(frozen=True)
class Indicator:
    refs: tuple[str | None, ...]  # as printed at each meeting
    names: tuple[str, ...]  # as printed at each meeting
    values: tuple[tuple[str, ...], ...]  # per meeting: the printed value of each month shown
    target: str
    unit: str


@dataclass(frozen=True)
class Action:
    ref: str
    text: str
    rags: tuple[str, ...]  # per meeting
    end: dt.date


@dataclass(frozen=True)
class Meeting:
    date: dt.date
    months: int  # how many months the scorecard shows (from Oct-23)


MEETINGS = [
    Meeting(dt.date(2024, 1, 10), 3),
    Meeting(dt.date(2024, 2, 14), 4),
    Meeting(dt.date(2024, 3, 13), 5),
    Meeting(dt.date(2024, 4, 10), 6),
]
COUNCIL = "Testshire"
COMMITTEE = "Children's Services Scrutiny Panel"
PLAN = "Improvement Plan"

INDICATORS = [
    # The ref reprinted without its space at the third meeting, in capitals at the fourth.
    Indicator(
        ("CIN 16a", "CIN 16a", "CIN16a", "CIN16A"),
        ("Re-referrals within 12 months",) * 4,
        (("21.0%", "22.5%", "23.0%"), ("21.0%", "22.5%", "23.0%", "24.0%"), ("21.0%", "22.5%", "23.0%", "24.0%", "22.0%"), ("21.0%", "22.5%", "23.0%", "24.0%", "22.0%", "20.5%")),
        "20-24%",
        "percent",
    ),
    # November restated from 40.0% to 42.5% at the third meeting.
    Indicator(
        ("FD2",) * 4,
        ("Contacts progressing to referral",) * 4,
        (("38.0%", "40.0%", "41.0%"), ("38.0%", "40.0%", "41.0%", "39.5%"), ("38.0%", "42.5%", "41.0%", "39.5%", "44.0%"), ("38.0%", "42.5%", "41.0%", "39.5%", "44.0%", "45.0%")),
        "40%",
        "percent",
    ),
    # No ref; renamed slightly ("caseload" -> "caseloads") at the third meeting.
    Indicator(
        (None,) * 4,
        ("Average caseload per social worker", "Average caseload per social worker", "Average caseloads per social worker", "Average caseloads per social worker"),
        (("19", "20", "21"), ("19", "20", "21", "22"), ("19", "20", "21", "22", "20"), ("19", "20", "21", "22", "20", "18")),
        "18",
        "average",
    ),
]

ACTIONS = [
    Action("1.1", "Review the front door threshold with partners", ("AMBER", "RED", "RED", "GREEN"), dt.date(2024, 6, 30)),
    Action("1.2", "Audit fifty case files each quarter", ("GREEN", "GREEN", "GREEN", "GREEN"), dt.date(2024, 3, 1)),
    Action("2.1", "Recruit two senior social workers", ("AMBER", "RED", "RED", "RED"), dt.date(2024, 9, 30)),
    Action("2.2", "Publish the practice standards", ("AMBER", "AMBER", "BLUE", "BLUE"), dt.date(2024, 2, 1)),
]


def pack_id_for(council: str, meeting: int) -> str:
    return hashlib.sha256(f"{council}/{meeting}".encode()).hexdigest()[:16]


def _value(raw: str) -> float:
    return float(raw.rstrip("%"))


def published_rows(council: str = COUNCIL, meetings: range | None = None) -> dict[str, pd.DataFrame]:
    """The rows the pipeline publishes for the generated packs (every dataset; unused ones empty)."""
    rows: dict[str, list[dict]] = {name: [] for name in DATASETS}
    for n in meetings if meetings is not None else range(len(MEETINGS)):
        meeting, pack_id = MEETINGS[n], pack_id_for(council, n)
        rows["packs"].append(
            {
                "pack_id": pack_id,
                "page": 1,
                "sha256": hashlib.sha256(pack_id.encode()).hexdigest(),
                "source": f"{council}-{n}.pdf",
                "file_name": f"{council}-{n}.pdf",
                "page_count": 3,
                "council": council,
                "committee": COMMITTEE,
                "meeting_date": meeting.date,
            }
        )
        for a in ACTIONS:
            rows["action_plan"].append(
                {"pack_id": pack_id, "page": 2, "plan_title": PLAN, "ref": a.ref, "action": a.text, "end_date": a.end, "action_rag": a.rags[n], "extra": "{}"}
            )
        for ind in INDICATORS:
            ref = ind.refs[n].replace(" ", "") if ind.refs[n] else None
            name = ind.names[n]
            rows["scorecard_indicators"].append(
                {"pack_id": pack_id, "page": 3, "ref": ref, "indicator": name, "target": ind.target, "unit": ind.unit}
            )
            for month, raw in zip(MONTHS, ind.values[n]):
                rows["scorecard_values"].append(
                    {"pack_id": pack_id, "page": 3, "ref": ref, "indicator": name, "period": month, "value": _value(raw), "value_raw": raw}
                )
    return {name: make_frame(name, found) for name, found in rows.items()}


def combined(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in DATASETS}


# -- the same packs as PDFs --------------------------------------------------------------------

PLAN_COLUMNS = [40, 80, 420, 520, 600, 680]
PLAN_HEADERS = ["Ref", "Action", "Lead", "End Date", "RAG"]
CARD_COLUMNS = [30, 80, 300]


def pack_pdf(folder: Path, n: int, council: str = COUNCIL) -> Path:
    """Meeting `n`'s pack: a front sheet, the improvement plan and the scorecard."""
    meeting = MEETINGS[n]
    front = PageSpec(595.0, 842.0)
    front.text(40, 40, "Public Document Pack", 12, bold=True)
    front.text(40, 70, f"{council} County Council", 14, bold=True)
    front.text(40, 110, f"Meeting: {COMMITTEE}", 11)
    front.text(40, 128, f"Date: {meeting.date.strftime('%A, %d %B %Y').replace(' 0', ' ')}", 11)
    front.text(40, 146, "Time: 6.00 pm", 11)
    front.text(40, 164, "Venue: Committee Room 1", 11)

    plan = PageSpec()
    plan.text(740, 8, "Agenda Item 5", 9)
    plan.text(40, 20, PLAN, 14, bold=True)
    top = 50
    for x, text in zip(PLAN_COLUMNS, PLAN_HEADERS):
        plan.text(x + 3, top + 4, text, 9, bold=True)
    ys = [top, top + 20]
    for a in ACTIONS:
        y = ys[-1]
        for x, text in zip(PLAN_COLUMNS, (a.ref, a.text, "Head of Service", a.end.strftime("%d/%m/%Y"), a.rags[n].title())):
            plan.text(x + 3, y + 5, text, 9)
        ys.append(y + 24)
    plan.grid(PLAN_COLUMNS, ys)

    card = PageSpec()
    card.text(740, 8, "Agenda Item 6", 9)
    card.text(30, 20, "FRONT DOOR - Head of Service - A Person", 11, bold=True)
    columns = CARD_COLUMNS + [300 + 60 * (i + 1) for i in range(meeting.months + 1)]
    headers = ["Ref", "Indicator", *MONTH_HEADERS[: meeting.months], "Target"]
    top = 50
    for x, text in zip(columns, headers):
        card.text(x + 2, top + 4, text, 8, bold=True)
    ys = [top, top + 20]
    for ind in INDICATORS:
        y = ys[-1]
        for x, text in zip(columns, (ind.refs[n] or "", ind.names[n], *ind.values[n], ind.target)):
            card.text(x + 2, y + 5, text, 8)
        ys.append(y + 20)
    card.grid(columns, ys)
    return write_pdf(folder / f"{council.lower()}-{meeting.date.isoformat()}.pdf", [front, plan, card])
