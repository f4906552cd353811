"""Tell what kind of document a part of a pack is, from its words (rules are data, first match wins)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class KindRule:
    """A kind and the patterns that mark it; `needs` of the patterns must match the part's opening text."""

    kind: str
    patterns: tuple[str, ...]
    needs: int
    within: int = 400  # how many opening lines are searched


KIND_RULES: tuple[KindRule, ...] = (
    KindRule(
        "minutes",
        (
            r"^\s*Commenced:",
            r"^\s*Terminated:",
            r"^\s*(?:Committee )?(?:Members )?Present:",
            r"^\s*Apologies",
            r"\bMINUTES of (a|the) meeting\b",
            r"^\s*PRESENT:",
            r"^\s*Decision Recording Form\b|^\s*Decisions? (?:determined|taken|made) at\b",
        ),
        2,
    ),
    KindRule(
        "agenda",
        (r"^\s*AGENDA\s*$", r"\bItem No\.?\b.*\bPage No\b|^\s*(?:Item|No\.?)(?: No\.?)?\s+(?:Item|Subject|Agenda|Title|Business)\s+Pages?\b", r"\(Pages? \d+", r"^\s*\d+\.?\s+Apologies\b", r"^\s*\d+\.?\s+Declarations? of Interests?\b"),
        2,
    ),
    KindRule(
        "scorecard",
        (
            r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2}\b.*\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2}\b",
            r"\bIndicator\b",
            r"\bDirection of\b|\bTravel\b|\bRAG\b",
            r"\bTarget\b",
        ),
        3,
    ),
    KindRule("action_plan", (r"\bImprovement Plan\b|\bAction Plan\b|\bAction Log\b", r"\bRef\.?\b.*\bActions?\b", r"\bRAG\b", r"\bLead\b"), 3),
    KindRule("letter", (r"^\s*Dear\b", r"^\s*Yours (sincerely|faithfully)\b"), 2),
    # An appendix is named by its own heading, not by a report that mentions one.
    KindRule("appendix", (r"^\s*(Appendix|Annexe?)\s+[A-Z0-9]+\b",), 1, within=3),
)

OPENING_LINES = 400


def classify(lines: list[str]) -> str:
    """Return the kind of a part from its lines of text (report when nothing more specific fits)."""
    opening = lines[:OPENING_LINES]
    for rule in KIND_RULES:
        hits = sum(1 for p in rule.patterns if any(re.search(p, line, re.IGNORECASE) for line in opening[: rule.within]))
        if hits >= rule.needs:
            return rule.kind
    return "report"
