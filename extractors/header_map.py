"""Map printed column headers to contract fields: synonyms as data, case and punctuation ignored."""

from __future__ import annotations

from extractors.table_reader import header_key

# Contract field -> header texts that mean it (DATA_CONTRACT.md's synonyms, plus ones seen in papers).
ACTION_PLAN_HEADERS: dict[str, tuple[str, ...]] = {
    "ref": ("Ref", "Ref.", "No", "No.", "Action No", "Action Ref", "#", "Reference", "Action Number", "Number"),
    "action": ("Actions", "Action", "What we will do", "Action required", "What we have committed to", "Actions required"),
    "success_measures": ("How will we know?", "Success measures", "Measure of success", "Outcome measures", "Measure", "Measures", "Success criteria"),
    "lead": ("Lead", "Owner", "Lead officer", "Responsible officer", "Responsible", "Led by", "Action owner"),
    "start_date": ("Start Date", "Start"),
    "end_date": ("End Date", "Due date", "Due", "Deadline", "Target date", "Completion date", "Timescale", "Timescales", "By when"),
    "expected_outcome": ("What our children will say", "Expected outcome", "What difference will it make", "Outcome", "Shared Outcome", "Impact"),
    "action_rag": ("Action RAG", "RAG", "Status", "Progress RAG", "RAG status", "BRAG"),
    "impact_rag": ("Impact RAG",),
    "commentary": ("Commentary", "Progress update", "Update", "Comments", "Progress", "Comment"),
}
# When a header repeats, the later column takes this partner field ("Start Date" twice: start, end).
PARTNERS = {"start_date": "end_date"}


def build_index(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Header key -> field; a header listed under two fields is a mistake in the data and raises."""
    index: dict[str, str] = {}
    for name, headers in synonyms.items():
        for header in headers:
            key = header_key(header)
            if index.get(key, name) != name:
                raise ValueError(f"header {header!r} is listed for both {index[key]} and {name}")
            index[key] = name
    return index


ACTION_PLAN_INDEX = build_index(ACTION_PLAN_HEADERS)


def map_headers(headers: list[str], index: dict[str, str], reference: list[str | None] | None = None) -> list[str | None]:
    """Field per column (None: not a contract field, kept in `extra`).

    A repeated header is resolved by position: the field a reference layout (the same plan's
    other pages) has in that column, else the header's partner field.
    """
    fields: list[str | None] = []
    for position, header in enumerate(headers):
        key = header_key(header)
        name = index.get(key) if key else None
        if name is not None and name in fields:
            if reference is not None and position < len(reference) and reference[position] not in fields:
                name = reference[position]
            else:
                name = PARTNERS.get(name) if PARTNERS.get(name) not in fields else None
        fields.append(name)
    return fields
