"""Every word list the readers share, as data: months, header synonyms, RAG and trend words,
benchmark names, missing-value tokens.

Extending the tool to a new council's wording should mean adding words here, not code. This
module imports nothing of ours so every reader (and the text helpers) can use it.
"""

from __future__ import annotations

# -- dates -------------------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# Longest first, so a regex alternation tries "september" before "sep".
MONTH_ALTERNATION = "|".join(sorted(MONTHS, key=len, reverse=True))


def full_year(text: str | int) -> int:
    """A printed year as four digits: "23" -> 2023, "2023" -> 2023."""
    year = int(str(text).lstrip("'"))
    return year + 2000 if year < 100 else year


# -- values ------------------------------------------------------------------------------------

# What a cell prints when it has no value (compared lower-case, "%" stripped).
MISSING_VALUES: frozenset[str] = frozenset(
    {"", "-", "–", "—", "n/a", "na", "n.a.", "n/k", "nil", "*", "..", "tbc", "tbd", "tba", "no data", "not available", "nd", "x"}
)

# -- RAG ratings -------------------------------------------------------------------------------

# Words councils print in status cells, mapped to the contract's ratings (compared lower-case,
# punctuation as spaces).
RAG_WORDS: dict[str, str] = {
    "b": "BLUE",
    "blue": "BLUE",
    "complete": "BLUE",
    "completed": "BLUE",
    "done": "BLUE",
    "achieved": "BLUE",
    "closed": "BLUE",
    "exceeded": "BLUE",
    "exceeding": "BLUE",
    "exceeding target": "BLUE",
    "exceeded target": "BLUE",
    "g": "GREEN",
    "green": "GREEN",
    "on track": "GREEN",
    "on target": "GREEN",
    "in progress": "GREEN",
    "good": "GREEN",
    "met": "GREEN",
    "target met": "GREEN",
    "on schedule": "GREEN",
    "a": "AMBER",
    "amber": "AMBER",
    "delayed": "AMBER",
    "at risk": "AMBER",
    "some delay": "AMBER",
    "minor delay": "AMBER",
    "partially achieved": "AMBER",
    "near target": "AMBER",
    "close to target": "AMBER",
    "slightly off target": "AMBER",
    "within tolerance": "AMBER",
    "r": "RED",
    "red": "RED",
    "not started": "RED",
    "off track": "RED",
    "off target": "RED",
    "overdue": "RED",
    "significant delay": "RED",
    "not achieved": "RED",
    "not met": "RED",
    "target not met": "RED",
    "below target": "RED",
}

# -- direction of travel -----------------------------------------------------------------------

# Glyphs and the private-use code points Wingdings and Symbol fonts map their arrows to.
ARROW_GLYPHS: dict[str, str] = {
    "↑": "up", "⇧": "up", "⬆": "up", "▲": "up", "⇑": "up", "↗": "up", "△": "up", "⏶": "up", "🡅": "up", "⯅": "up",
    "↓": "down", "⇩": "down", "⬇": "down", "▼": "down", "⇓": "down", "↘": "down", "▽": "down", "⏷": "down", "🡇": "down", "⯆": "down",
    "↔": "flat", "→": "flat", "←": "flat", "⇔": "flat", "➔": "flat", "►": "flat", "◄": "flat", "⬌": "flat", "▶": "flat", "◀": "flat",
    "\uf0e9": "up", "\uf0ea": "down", "\uf0e8": "flat", "\uf0e7": "flat", "\uf0f3": "flat",  # Wingdings
    "\uf0ad": "up", "\uf0af": "down", "\uf0ae": "flat", "\uf0ac": "flat", "\uf0ab": "flat",  # Symbol
    "\uf0f1": "up", "\uf0f2": "down", "\uf0f0": "flat",  # Wingdings 3 hollow arrows
}
DIRECTION_WORDS: dict[str, str] = {
    "up": "up", "increase": "up", "increasing": "up", "increased": "up", "higher": "up", "rising": "up",
    "improving": "up", "improved": "up", "improvement": "up", "better": "up",
    "down": "down", "decrease": "down", "decreasing": "down", "decreased": "down", "lower": "down", "falling": "down",
    "declining": "down", "declined": "down", "deteriorating": "down", "deteriorated": "down", "worse": "down", "worsening": "down",
    "same": "flat", "no change": "flat", "unchanged": "flat", "stable": "flat", "level": "flat", "flat": "flat",
    "static": "flat", "maintained": "flat", "similar": "flat",
}

# -- table headers -----------------------------------------------------------------------------

# Action plans: contract field -> header texts that mean it (DATA_CONTRACT.md's synonyms, plus
# ones seen in papers). Case and punctuation are ignored when matching.
ACTION_PLAN_HEADERS: dict[str, tuple[str, ...]] = {
    "ref": ("Ref", "Ref.", "No", "No.", "Action No", "Action Ref", "#", "Reference", "Action Number", "Number", "Action Ref No", "Item", "Item No", "ID", "Action ID"),
    "action": ("Actions", "Action", "What we will do", "Action required", "What we have committed to", "Actions required", "Action description", "Agreed action", "Recommendation", "Task", "Key actions"),
    "success_measures": ("How will we know?", "Success measures", "Measure of success", "Outcome measures", "Measure", "Measures", "Success criteria", "Measures of success", "Milestones"),
    "lead": ("Lead", "Owner", "Lead officer", "Responsible officer", "Responsible", "Led by", "Action owner", "Who", "Lead Officer(s)", "Responsibility", "Officer"),
    "start_date": ("Start Date", "Start"),
    "end_date": ("End Date", "Due date", "Due", "Deadline", "Target date", "Completion date", "Timescale", "Timescales", "By when", "Date due", "Target completion date", "When"),
    "expected_outcome": ("What our children will say", "Expected outcome", "What difference will it make", "Outcome", "Shared Outcome", "Impact", "Expected outcomes", "Intended outcome"),
    "action_rag": ("Action RAG", "RAG", "Status", "Progress RAG", "RAG status", "BRAG", "RAG rating", "Current status", "Progress status", "BRAG status"),
    "impact_rag": ("Impact RAG",),
    "commentary": ("Commentary", "Progress update", "Update", "Comments", "Progress", "Comment", "Progress to date", "Latest update", "Notes", "Progress commentary", "Update on progress"),
}

# Measure-to-data-source tables.
MEASURE_HEADERS: dict[str, tuple[str, ...]] = {
    "focus_area": ("Focus Area", "Focus Areas", "Area of Focus", "Priority Area"),
    "action_refs": ("Action Ref", "Action Ref.", "Action Refs", "Action References", "Actions"),
    "measure": ("Measure", "Measures", "Performance Measure", "Indicator"),
    "data_source": ("Data Source", "Source", "Data Sources", "Source of Data"),
}

# Scorecards: header keys (lower case, punctuation as spaces) per column role.
SCORECARD_REF_HEADERS = frozenset({"ref", "ref no", "reference", "kpi ref", "code", "no", "pi ref", "indicator ref", "kpi no", "pi", "pi no", "id", "kpi code", "measure ref", "number"})
SCORECARD_INDICATOR_HEADERS = frozenset(
    {
        "indicator", "indicators", "measure", "measures", "kpi", "kpis", "performance indicator", "description", "metric",
        "indicator name", "kpi description", "measure description", "performance measure", "indicator description", "key performance indicator",
        "pi description", "title",
    }
)
SCORECARD_RAG_HEADERS = frozenset(
    {"performance", "rag", "rag rating", "status", "rag status", "performance rag", "rating", "rag rating latest", "latest rag", "latest", "current rag", "rag current", "performance status", "brag"}
)
# Regexes over header keys.
SCORECARD_DIRECTION_PATTERN = r"\bdirection\b|\bdot\b|\btrend\b|\btravel\b"
SCORECARD_PREVIOUS_PATTERN = r"^previous\s+year|^last\s+year|^prior\s+year|\boutturn\b|^previous$"
SCORECARD_TARGET_PATTERN = r"^target|^annual target|^tolerance"
SCORECARD_SPARKLINE_PATTERN = r"^last \d+ months?$|^trend chart$|^chart$"
# Columns a scorecard reader recognises but the contract has no field for (the previous period's
# rating, commentary, polarity, the officer responsible, the data's source or frequency): known, so
# not "unplaced", and left out of the rows.
SCORECARD_NOT_PUBLISHED_PATTERN = (
    r"^(rag|rating|status)\b.*\b(previous|last|prior)\b|^(previous|last|prior)\b.*\b(rag|rating|status)$|"
    r"^comments?$|^commentary$|^narrative$|^notes?$|^explanation|^polarity$|^good performance|is good$|is better$|"
    r"^lead\b|^owner$|^responsible|^portfolio|^(data )?source$|^frequency$|^reporting frequency$|^definition$"
)
# Benchmark column names (regex over the header key).
BENCHMARK_PATTERN = (
    r"average|\bavg\b|england|national|statistical neighbour|\bsn\b|regional|north west|comparator|benchmark|median|quartile|"
    r"cipfa|nearest neighbour|\bunitary\b|\bshire\b|\bcounty\b|\bcore cities\b|\bwales\b|\bscotland\b"
)
# Card lines ("Latest: 97% | Target: 97%, Floor: 90% | Previous: 97% (Green)"): label -> field.
CARD_LABELS: dict[str, str] = {
    "latest": "latest",
    "current": "latest",
    "actual": "latest",
    "target": "target",
    "floor": "floor",
    "minimum": "floor",
    "previous": "previous",
    "last": "previous",
}
# Headings over KPI cards that name a kind of figure, not the service the cards belong to.
CARD_GENERIC_HEADING_PATTERN = (
    r"^(key )?performance indicators?$|^(key )?performance measures?$|^activity (indicators?|measures?)$|^kpis?( summary)?$|"
    r"^appendix\b|^annex\b|^contents$|^summary$|^performance (report|summary|overview)$"
)
