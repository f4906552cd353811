"""The published data contract, declared once.

Every dataset, column, Arrow type, nullability, allowed value and format lives here. The writer,
the validator and the generated data dictionary (`docs/datasets.md`) all read these definitions;
nothing else in the project lists columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa

CONTRACT_VERSION = "2.0.0"

ArrowKind = Literal["string", "int32", "float64", "bool", "date", "timestamp"]

# A blocking failure moves the row to quarantine; a warning publishes it, counted and shown.
Severity = Literal["blocking", "warning"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}

RAG_VALUES = ("BLUE", "RED", "AMBER", "GREEN")
DOCUMENT_KINDS = ("agenda", "minutes", "action_plan", "scorecard", "letter", "report", "appendix", "other")
ATTENDANCE_ROLES = ("present", "apologies", "in_attendance")
UNITS = ("percent", "count", "rate", "average", "other")
DIRECTIONS = ("up", "down", "flat")

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
HEX16_PATTERN = r"^[0-9a-f]{16}$"
HEX64_PATTERN = r"^[0-9a-f]{64}$"
# A month ("2023-08"), a quarter ("2023-Q1", "2024/25-Q3") or a year ("2023", "2023/24"); otherwise a
# label as printed, trimmed, which must not be a month or quarter left unnormalised ("Aug-23", "Q1 24").
_MONTH_WORD = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\.?"
PERIOD_PATTERN = (
    r"^(\d{4}-(0[1-9]|1[0-2])|\d{4}(/\d{2})?-Q[1-4]|\d{4}(/\d{2})?"
    rf"|(?!\d{{4}}[-/])(?!(?i:.*\b{_MONTH_WORD}(\b|\d)))(?!(?i:.*\bq[1-4]\b))\S(.*\S)?)$"
)
# The forms a period normally takes once normalised: a month, a quarter or a financial year.
USUAL_PERIOD_PATTERN = r"^(\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4]|\d{4}/\d{2})$"
# Scorecard refs have their inner spaces removed ("CIN 16a" -> "CIN16a").
REF_PATTERN = r"^\S+$"
# Agenda item, minute and action numbers as councils print them: "4", "4a", "12.3".
USUAL_NUMBER_PATTERN = r"^\d+(\.\d+)*[a-z]?$"


@dataclass(frozen=True)
class Column:
    """One published column: its name, Arrow type and the rules a value must meet."""

    name: str
    kind: ArrowKind
    description: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    # The form values normally take; a value that does not match is published with a warning.
    usual_pattern: str | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.kind]


@dataclass(frozen=True)
class Lookup:
    """A column of another dataset, read from its first row with the same values in `on`.

    Used only to check a row in context (a page against its pack's page count); never published.
    """

    dataset: str
    column: str
    on: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.dataset}.{self.column}"


@dataclass(frozen=True)
class NotAbove:
    """`column` <= `limit` on every row where both are present; `limit` is a column or a Lookup."""

    column: str
    limit: str | Lookup
    severity: Severity = "blocking"

    def __str__(self) -> str:
        limit = self.limit.name if isinstance(self.limit, Lookup) else self.limit
        return f"{self.column} <= {limit}"


@dataclass(frozen=True)
class RangeWhen:
    """`column` lies in [min_value, max_value] on rows where `when` (a column or a Lookup) equals `equals`."""

    column: str
    min_value: float
    max_value: float
    when: str | Lookup
    equals: str
    severity: Severity = "blocking"

    def __str__(self) -> str:
        when = self.when.name if isinstance(self.when, Lookup) else self.when
        return f"{self.column} in {self.min_value:g}-{self.max_value:g} when {when} is {self.equals}"


@dataclass(frozen=True)
class HasRows:
    """Row-count sanity: each row has at least one row in `dataset` with the same values in `on`."""

    dataset: str
    on: tuple[str, ...]
    severity: Severity = "warning"

    def __str__(self) -> str:
        return f"has {self.dataset} rows (same {', '.join(self.on)})"


Rule = NotAbove | RangeWhen | HasRows


@dataclass(frozen=True)
class Dataset:
    """One published dataset: its columns in order, its key and its sort order."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sort_by: tuple[str, ...]
    page_meaningful: bool = True
    # Recomputed from the published rows of every pack on each run, never extracted.
    derived: bool = False
    # In-row order checks, each named "<low>_le_<high>": low <= high where both are present.
    checks: tuple[str, ...] = field(default_factory=tuple)
    # Rules beyond one column or one row (context from other datasets, row counts).
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        """`checks` as NotAbove rules (blocking), then `rules`."""
        ordered = []
        for check in self.checks:
            low, sep, high = check.partition("_le_")
            if not sep or low not in self.column_names or high not in self.column_names:
                raise ValueError(f"{self.name}: check {check!r} is not <low>_le_<high> over two of its columns")
            ordered.append(NotAbove(low, high))
        return (*ordered, *self.rules)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in self.columns])


def _s(name: str, description: str, nullable: bool = True, **rules) -> Column:
    return Column(name, "string", description, nullable, **rules)


def _i(name: str, description: str, nullable: bool = True, **rules) -> Column:
    return Column(name, "int32", description, nullable, **rules)


def _f(name: str, description: str, nullable: bool = True, **rules) -> Column:
    return Column(name, "float64", description, nullable, **rules)


def _d(name: str, description: str, nullable: bool = True) -> Column:
    return Column(name, "date", description, nullable)


PACK_ID = _s("pack_id", "First 16 hex characters of the SHA-256 of the source PDF bytes.", False, pattern=HEX16_PATTERN)
PAGE = _i("page", "1-based physical page of the PDF where the row's content starts.", False, min_value=1)
PAGE_NULLABLE = _i("page", "Not meaningful for this dataset; always null.", True, min_value=1)
PACK_PAGES = Lookup("packs", "page_count", ("pack_id",))
INDICATOR_UNIT = Lookup("scorecard_indicators", "unit", ("pack_id", "ref", "indicator"))


def _dataset(name: str, description: str, columns: list[Column], key: list[str], order: list[str], derived: bool = False, **kw) -> Dataset:
    """A dataset with `pack_id` and `page` first; sorted by pack then `order`, or by `order` alone when `derived`."""
    meaningful = kw.get("page_meaningful", True)
    cols = (PACK_ID, PAGE if meaningful else PAGE_NULLABLE, *columns)
    # Every traceable row points at a page that exists in its pack.
    rules = (NotAbove("page", PACK_PAGES),) if meaningful else ()
    kw["rules"] = (*rules, *kw.get("rules", ()))
    # A derived dataset spans packs, so it reads in its own order (an indicator's periods together).
    sort_by = tuple(order) if derived else ("pack_id", *order)
    return Dataset(name, description, cols, tuple(key), sort_by, derived=derived, **kw)


RAG = dict(allowed=RAG_VALUES)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        _dataset(
            "packs",
            "One row per source PDF.",
            [
                _s("sha256", "SHA-256 of the source PDF bytes.", False, pattern=HEX64_PATTERN),
                _s("source", "URL or path the PDF was pulled from.", False),
                _s("file_name", "File name of the source PDF.", False),
                _i("page_count", "Number of pages in the PDF.", False, min_value=1),
                _s("council", "The council, when the pack names it (e.g. \"Tameside\")."),
                _s("committee", "The committee the pack is for."),
                _d("meeting_date", "The meeting the pack is for."),
                _s("meeting_time", "Meeting start, \"HH:MM\" 24h.", pattern=TIME_PATTERN),
                _s("venue", "Where the meeting is held."),
            ],
            key=["pack_id"],
            order=[],
        ),
        _dataset(
            "documents",
            "The pack split into its parts, in page order.",
            [
                _i("doc_index", "0-based order of the part in the pack.", False, min_value=0),
                _s("kind", "What the part is.", False, allowed=DOCUMENT_KINDS),
                _s("agenda_item", "The agenda item number the part belongs to (\"3\", \"4a\").", usual_pattern=USUAL_NUMBER_PATTERN),
                _s("title", "The part's title."),
                _i("page_from", "First physical page of the part.", False, min_value=1),
                _i("page_to", "Last physical page of the part (inclusive).", False, min_value=1),
                _i("printed_page_from", "The pack's own \"Page N\" stamp on the first page."),
                _i("printed_page_to", "The pack's own \"Page N\" stamp on the last page."),
            ],
            key=["pack_id", "doc_index"],
            order=["doc_index"],
            checks=("page_from_le_page_to",),
            rules=(NotAbove("page_to", PACK_PAGES),),
        ),
        _dataset(
            "agenda_items",
            "One row per item of the meeting's agenda.",
            [
                _s("item_number", "Item number as printed (\"1\", \"4\", \"4a\").", False, usual_pattern=USUAL_NUMBER_PATTERN),
                _s("title", "Item title as printed (case kept).", False),
                _s("description", "Text under the title; null when the agenda prints none."),
                _i("pages_from", "First pack page of the item's papers (\"Page No\" column).", min_value=1),
                _i("pages_to", "Last pack page of the item's papers.", min_value=1),
            ],
            key=["pack_id", "item_number"],
            order=["page"],
            checks=("pages_from_le_pages_to",),
        ),
        _dataset(
            "minutes",
            "One row per minuted meeting found in the pack (usually the previous meeting).",
            [
                _s("committee", "Committee whose meeting the minutes record."),
                _d("meeting_date", "The meeting the minutes record.", False),
                _s("commenced", "Start time, \"HH:MM\" 24h.", pattern=TIME_PATTERN),
                _s("terminated", "End time, \"HH:MM\" 24h.", pattern=TIME_PATTERN),
                _s("chair", "The chair's name, as in attendance."),
            ],
            key=["pack_id", "meeting_date", "committee"],
            order=["page"],
            rules=(HasRows("attendance", ("pack_id", "meeting_date")),),
        ),
        _dataset(
            "attendance",
            "Who attended a minuted meeting, sent apologies or was in attendance.",
            [
                _d("meeting_date", "Joins to minutes.", False),
                _s("name", "Name as printed, without titles, post-nominals or a bracketed role.", False),
                _s("role", "present, apologies or in_attendance.", False, allowed=ATTENDANCE_ROLES),
                Column("is_chair", "bool", "True for the meeting's chair.", False),
            ],
            key=[],  # two members can print the same initials and surname ("Ms J Meade", "Mr J Meade")
            order=["page"],
        ),
        _dataset(
            "minute_items",
            "One row per numbered minute.",
            [
                _d("meeting_date", "The meeting the minute belongs to.", False),
                _s("minute_number", "As printed (\"34\", \"12.3\").", False, usual_pattern=USUAL_NUMBER_PATTERN),
                _s("title", "The minute's heading.", False),
                _s("text", "The whole minute body.", False),
                _s("resolution", "Text of RESOLVED/AGREED/Actions blocks, if any."),
            ],
            key=["pack_id", "meeting_date", "minute_number"],
            order=["page"],
        ),
        _dataset(
            "minute_actions",
            "One row per action point recorded in a minute.",
            [
                _d("meeting_date", "The meeting the minute belongs to.", False),
                _s("minute_number", "The minute recording the action.", False, usual_pattern=USUAL_NUMBER_PATTERN),
                _s("action", "The action as written.", False),
                _s("owner", "Who owns it, when the minute names one."),
                _s("due", "When it is due, as printed."),
            ],
            key=[],
            order=["page"],
        ),
        _dataset(
            "action_plan",
            "One row per action of an improvement or action plan table.",
            [
                _s("plan_title", "The document's title, e.g. \"Improvement Plan\"."),
                _s("priority", "The priority heading over the table."),
                _s("priority_lead", "The \"Lead: ...\" line under the priority heading."),
                _s("theme", "A sub-heading row spanning the table."),
                _s("ref", "The action's reference.", False, usual_pattern=USUAL_NUMBER_PATTERN),
                _s("action", "What will be done.", False),
                _s("success_measures", "How success will be known."),
                _s("lead", "Who leads the action."),
                _d("start_date", "Start (a month means its first day)."),
                _d("end_date", "End or due date (a month means its first day)."),
                _s("expected_outcome", "What difference it will make."),
                _s("action_rag", "Progress rating.", **RAG),
                _s("impact_rag", "Impact rating.", **RAG),
                _s("commentary", "Progress commentary."),
                _s("extra", "JSON object of any other columns; \"{}\" if none.", False),
            ],
            key=["pack_id", "plan_title", "ref"],
            order=["page"],
            checks=("start_date_le_end_date",),
        ),
        _dataset(
            "scorecard_indicators",
            "One row per indicator row of a performance scorecard.",
            [
                _s("service_area", "The section banner above the table."),
                _s("ref", "Indicator reference with inner spaces removed (\"CIN16a\").", pattern=REF_PATTERN),
                _s("indicator", "The indicator's name.", False),
                _s("previous_year", "Previous year's value, as printed."),
                _s("target", "Target as printed (\"85%\", \"20-24%\")."),
                _f("target_low", "Lower bound of the parsed target."),
                _f("target_high", "Upper bound of the parsed target."),
                _f("floor", "The threshold below which the rating turns red, where printed (\"Floor: 90%\" -> 90.0)."),
                _s("unit", "percent, count, rate, average or other.", False, allowed=UNITS),
                _s("performance_rag", "Performance rating.", **RAG),
                _s("direction", "Direction of travel: up, down or flat.", allowed=DIRECTIONS),
            ],
            key=["pack_id", "service_area", "ref", "indicator"],
            order=["page"],
            checks=("target_low_le_target_high",),
            rules=(
                RangeWhen("target_low", 0, 100, "unit", "percent"),
                RangeWhen("target_high", 0, 100, "unit", "percent"),
                HasRows("scorecard_values", ("pack_id",)),
            ),
        ),
        _dataset(
            "scorecard_values",
            "Tidy scorecard values: one row per indicator per period column with a value.",
            [
                _s("ref", "Indicator reference.", pattern=REF_PATTERN),
                _s("indicator", "The indicator's name.", False),
                _s(
                    "period",
                    "\"2023-08\" for a month, \"2023-Q1\" for a quarter, as printed otherwise.",
                    False,
                    pattern=PERIOD_PATTERN,
                    usual_pattern=USUAL_PERIOD_PATTERN,
                ),
                _f("value", "Parsed value; null for \"n/a\", \"-\" or \"\"."),
                _s("value_raw", "The value as printed.", False),
            ],
            key=["pack_id", "ref", "indicator", "period"],
            order=["page"],
            rules=(RangeWhen("value", 0, 100, INDICATOR_UNIT, "percent"),),
        ),
        _dataset(
            "scorecard_benchmarks",
            "Benchmark values (regional, national, statistical neighbour) per indicator.",
            [
                _s("ref", "Indicator reference.", pattern=REF_PATTERN),
                _s("indicator", "The indicator's name.", False),
                _s("benchmark", "Column header without the year (\"England Average\").", False),
                _s("benchmark_period", "The period in brackets (\"2022/23\")."),
                _f("value", "Parsed value."),
                _s("value_raw", "The value as printed.", False),
            ],
            key=["pack_id", "ref", "indicator", "benchmark"],
            order=["page"],
            rules=(RangeWhen("value", 0, 100, INDICATOR_UNIT, "percent"),),
        ),
        _dataset(
            "performance_measures",
            "Measure-to-data-source tables (e.g. \"Appendix B: Performance Measures\").",
            [
                _s("focus_area_code", "\"FA1\"."),
                _s("focus_area", "The focus area's name."),
                _s("action_refs", "\"; \"-joined action refs.", False),
                _s("measure", "The measure.", False),
                _s("data_source", "Where the data comes from, as printed."),
                _s("scorecard_refs", "\"; \"-joined scorecard refs named in data_source, ranges expanded; null when it names none."),
            ],
            key=[],
            order=["page"],
        ),
        _dataset(
            "indicator_history",
            "Each indicator's values per period across every published pack of a council, as most recently published.",
            [
                _s(
                    "indicator_key",
                    "Stable id within a council: \"tameside/CIN16A\" (council, ref without spaces, upper case), or the council and the folded name when there is no ref.",
                    False,
                ),
                _s("council", "The council of the packs."),
                _s("ref", "The indicator's ref in the latest pack that printed it.", pattern=REF_PATTERN),
                _s("indicator", "The indicator's name in the latest pack that printed it.", False),
                _s("unit", "percent, count, rate, average or other, as in the latest pack.", False, allowed=UNITS),
                _s("period", "As in scorecard_values.", False, pattern=PERIOD_PATTERN, usual_pattern=USUAL_PERIOD_PATTERN),
                _f("value", "From the latest pack that printed this period."),
                _s("value_raw", "As printed in that pack.", False),
                _i("packs_seen", "How many packs printed this indicator and period.", False, min_value=1),
                _s("first_pack_id", "The first pack (by meeting date) that printed this period.", False, pattern=HEX16_PATTERN),
                _s("latest_pack_id", "The latest pack that printed this period (= pack_id).", False, pattern=HEX16_PATTERN),
                _d("first_meeting_date", "Meeting date of the first pack."),
                _d("latest_meeting_date", "Meeting date of the latest pack."),
                Column("restated", "bool", "True when the packs disagree on this period's value (after parsing).", False),
                _f("previous_value", "When restated: the value printed before the latest one."),
            ],
            key=["indicator_key", "period"],
            order=["indicator_key", "period"],
            derived=True,
            checks=("first_meeting_date_le_latest_meeting_date",),
            rules=(
                RangeWhen("value", 0, 100, "unit", "percent"),
                RangeWhen("previous_value", 0, 100, "unit", "percent"),
            ),
        ),
        _dataset(
            "action_history",
            "One row per action per pack that reports it, so a RAG can be followed meeting by meeting.",
            [
                _s(
                    "action_key",
                    "Stable id within a council: \"tameside/improvement plan/1.1\" (council, folded plan title, ref), or the folded action text when there is no ref.",
                    False,
                ),
                _s("council", "The council of the packs."),
                _s("ref", "The action's ref in this pack."),
                _s("action", "The action as in this pack.", False),
                _d("meeting_date", "The reporting pack's meeting date."),
                _s("action_rag", "Progress rating, as in action_plan.", **RAG),
                _s("impact_rag", "Impact rating, as in action_plan.", **RAG),
                _d("end_date", "End or due date, as in action_plan."),
                Column("rag_changed", "bool", "True when action_rag differs from the previous pack that reported this action.", False),
                _s("previous_action_rag", "action_rag in the previous pack that reported this action.", **RAG),
                _i("meetings_red", "Consecutive reporting packs up to this one with action_rag RED.", False, min_value=0),
                Column("overdue", "bool", "end_date before meeting_date and action_rag not BLUE.", False),
            ],
            key=["action_key", "pack_id"],
            order=["action_key", "meeting_date", "pack_id"],
            derived=True,
        ),
        _dataset(
            "revisions",
            "One row per new version of a source document after the first.",
            [
                _s("source_id", "Stable id of the document at its source.", False),
                _s("previous_pack_id", "The version it replaces.", False, pattern=HEX16_PATTERN),
                Column("detected_at", "timestamp", "When the change was first seen (UTC).", False),
                _s("changed_datasets", "\"; \"-joined names of datasets whose rows differ.", False),
            ],
            key=["pack_id"],
            order=["source_id", "detected_at"],
            page_meaningful=False,
        ),
    ]
}


def _referenced_columns(ds: Dataset, rule: Rule) -> list[tuple[str, str]]:
    """(dataset, column) pairs a rule reads."""
    if isinstance(rule, HasRows):
        return [(ds.name, c) for c in rule.on] + [(rule.dataset, c) for c in rule.on]
    found = [(ds.name, rule.column)]
    for side in (rule.limit,) if isinstance(rule, NotAbove) else (rule.when,):
        if isinstance(side, Lookup):
            found += [(side.dataset, side.column)] + [(n, c) for c in side.on for n in (ds.name, side.dataset)]
        else:
            found.append((ds.name, side))
    return found


def _check_rules() -> None:
    """Fail at import when a rule names a dataset or column the contract does not have."""
    for ds in DATASETS.values():
        for rule in ds.all_rules:
            for name, column in _referenced_columns(ds, rule):
                if name not in DATASETS or column not in DATASETS[name].column_names:
                    raise ValueError(f"{ds.name}: rule {rule} names {name}.{column}, which the contract does not have")


_check_rules()


def dataset(name: str) -> Dataset:
    """Return the contract of one dataset, raising KeyError for an unknown name."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; the contract has {sorted(DATASETS)}") from None
