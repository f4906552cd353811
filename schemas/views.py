"""The analyst views of `scrutiny.duckdb`, declared once: name, meaning, columns and SQL.

`flows.database` creates them (after one view per dataset, named like the dataset) and the data
dictionary documents them from here. They read only the dataset views, so they follow the
contract's names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    """One analyst view: what it answers, its columns in order (name, meaning) and its query."""

    name: str
    description: str
    columns: tuple[tuple[str, str], ...]
    sql: str

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]


# Months first, then quarters, then any other period ("2023/24"): the latest month is the latest
# figure even when a scorecard also prints a year's outturn, which sorts after it as text.
_PERIOD_FORM = (
    "CASE WHEN regexp_full_match({p}, '\\d{{4}}-(0[1-9]|1[0-2])') THEN 0 "
    "WHEN regexp_full_match({p}, '\\d{{4}}-Q[1-4]') THEN 1 ELSE 2 END"
)

# Each action's reports, latest first (a pack without a meeting date counts as oldest, as in the history).
_REPORTS = """
        WITH reports AS (
            SELECT *, row_number() OVER (
                PARTITION BY action_key ORDER BY meeting_date DESC NULLS LAST, pack_id DESC
            ) AS report_rank
            FROM action_history
        )"""

VIEWS: tuple[View, ...] = (
    View(
        "latest_scorecard",
        "Each indicator's latest period with its value, target, RAG and direction, and the change since the "
        "previous meeting: against the newest period that an earlier meeting had already published.",
        (
            ("indicator_key", "As in indicator_history."),
            ("council", "The council."),
            ("ref", "The indicator's ref in the latest pack."),
            ("indicator", "The indicator's name in the latest pack."),
            ("unit", "percent, count, rate, average or other."),
            ("period", "The latest period published."),
            ("value", "Its value, as most recently published."),
            ("value_raw", "As printed."),
            ("previous_period", "The newest period published at an earlier meeting than `period` first was."),
            ("previous_value", "Its value, as most recently published."),
            ("change", "value - previous_value."),
            ("target", "Target as printed in the latest pack."),
            ("target_low", "Parsed target, lower bound."),
            ("target_high", "Parsed target, upper bound."),
            ("floor", "Floor, where printed."),
            ("performance_rag", "Performance rating in the latest pack."),
            ("direction", "Direction of travel in the latest pack."),
            ("meeting_date", "Meeting date of the latest pack that printed `period`."),
            ("pack_id", "That pack."),
            ("page", "The page of the value in that pack."),
        ),
        """
        WITH ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY indicator_key ORDER BY {PERIOD_FORM}, period DESC
            ) AS period_rank
            FROM indicator_history
        ),
        latest AS (SELECT * FROM ranked WHERE period_rank = 1),
        earlier AS (
            SELECT l.indicator_key, h.period, h.value,
                   row_number() OVER (PARTITION BY l.indicator_key ORDER BY {H_PERIOD_FORM}, h.period DESC) AS period_rank
            FROM latest AS l
            JOIN indicator_history AS h
              ON h.indicator_key = l.indicator_key AND h.first_meeting_date < l.first_meeting_date
        ),
        indicators AS (
            SELECT DISTINCT ON (pack_id, ref, indicator) *
            FROM scorecard_indicators
            ORDER BY pack_id, ref, indicator, page
        )
        SELECT l.indicator_key, l.council, l.ref, l.indicator, l.unit, l.period, l.value, l.value_raw,
               e.period AS previous_period, e.value AS previous_value, l.value - e.value AS change,
               i.target, i.target_low, i.target_high, i.floor, i.performance_rag, i.direction,
               l.latest_meeting_date AS meeting_date, l.latest_pack_id AS pack_id, l.page
        FROM latest AS l
        LEFT JOIN earlier AS e ON e.indicator_key = l.indicator_key AND e.period_rank = 1
        LEFT JOIN indicators AS i
          ON i.pack_id = l.latest_pack_id AND i.indicator = l.indicator AND i.ref IS NOT DISTINCT FROM l.ref
        ORDER BY l.indicator_key
        """.replace("{PERIOD_FORM}", _PERIOD_FORM.format(p="period")).replace("{H_PERIOD_FORM}", _PERIOD_FORM.format(p="h.period")),
    ),
    View(
        "restated_values",
        "Figures a later pack printed differently for the same indicator and period.",
        (
            ("indicator_key", "As in indicator_history."),
            ("council", "The council."),
            ("ref", "The indicator's ref in the latest pack."),
            ("indicator", "The indicator's name in the latest pack."),
            ("unit", "percent, count, rate, average or other."),
            ("period", "The restated period."),
            ("previous_value", "The value printed before the latest one."),
            ("value", "The value as most recently published."),
            ("change", "value - previous_value."),
            ("value_raw", "As most recently printed."),
            ("packs_seen", "How many packs printed this period."),
            ("first_meeting_date", "The first meeting that printed it."),
            ("latest_meeting_date", "The latest meeting that printed it."),
            ("first_pack_id", "The first pack that printed it."),
            ("latest_pack_id", "The latest pack that printed it."),
        ),
        """
        SELECT indicator_key, council, ref, indicator, unit, period, previous_value, value,
               value - previous_value AS change, value_raw, packs_seen, first_meeting_date,
               latest_meeting_date, first_pack_id, latest_pack_id
        FROM indicator_history
        WHERE restated
        ORDER BY indicator_key, period
        """,
    ),
    View(
        "actions_red_for_3_meetings",
        "Actions whose latest report is RED for the third (or later) meeting running.",
        (
            ("action_key", "As in action_history."),
            ("council", "The council."),
            ("ref", "The action's ref in its latest report."),
            ("action", "The action in its latest report."),
            ("meetings_red", "Consecutive meetings RED up to the latest report."),
            ("meeting_date", "The meeting of the latest report."),
            ("end_date", "End or due date in the latest report."),
            ("impact_rag", "Impact rating in the latest report."),
            ("pack_id", "The pack of the latest report."),
            ("page", "Its page."),
        ),
        _REPORTS
        + """
        SELECT action_key, council, ref, action, meetings_red, meeting_date, end_date, impact_rag, pack_id, page
        FROM reports
        WHERE report_rank = 1 AND meetings_red >= 3
        ORDER BY action_key
        """,
    ),
    View(
        "overdue_actions",
        "Actions whose latest report is past its end date and not complete (BLUE).",
        (
            ("action_key", "As in action_history."),
            ("council", "The council."),
            ("ref", "The action's ref in its latest report."),
            ("action", "The action in its latest report."),
            ("action_rag", "Progress rating in the latest report."),
            ("end_date", "End or due date."),
            ("meeting_date", "The meeting of the latest report."),
            ("days_overdue", "Days from end_date to meeting_date."),
            ("pack_id", "The pack of the latest report."),
            ("page", "Its page."),
        ),
        _REPORTS
        + """
        SELECT action_key, council, ref, action, action_rag, end_date, meeting_date,
               date_diff('day', end_date, meeting_date) AS days_overdue, pack_id, page
        FROM reports
        WHERE report_rank = 1 AND overdue
        ORDER BY action_key
        """,
    ),
)
