"""Readers claim tables by their content: one `Claim` per reader that recognises a table, and the
rule that picks the winner.

Each dataset reader (scorecard, action plan, measures) exposes `claim(table) -> Claim | None`,
judging the header (and a few body rows) whatever part of the pack the table sits in. The
dispatcher (`extractors.pack`) gives each table to the most confident claim at or above
`CLAIM_THRESHOLD`; a claim below it is reported and its rows quarantined, never published.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractors.table_reader import Table

# A claim at or above this confidence is published; below it (but claimed) the rows are quarantined.
CLAIM_THRESHOLD = 0.5


@dataclass(frozen=True)
class Claim:
    """A reader's answer for one table: the dataset kind, how sure it is (0-1), the column map it
    would use (a field or role per column, None where a column cannot be placed) and how many rows
    the header takes, starting at row `header_start` (rows above it are not the table's: a chart's
    grid read together with the table under it)."""

    kind: str
    confidence: float
    columns: tuple[str | None, ...]
    header_rows: int = 1
    headers: tuple[str, ...] = field(default=())
    header_start: int = 0

    @property
    def published(self) -> bool:
        return self.confidence >= CLAIM_THRESHOLD

    @property
    def unplaced(self) -> list[str]:
        """Headers of the columns the reader could not place."""
        return [h for h, c in zip(self.headers, self.columns) if c is None and h]


Claimer = Callable[[Table], "Claim | None"]


def best_claim(table: Table, claimers: Sequence[Claimer]) -> Claim | None:
    """The most confident claim any reader makes on `table` (ties go to the earlier reader)."""
    best: Claim | None = None
    for claimer in claimers:
        found = claimer(table)
        if found is not None and (best is None or found.confidence > best.confidence):
            best = found
    return best


def share_placed(columns: Sequence[str | None], headers: Sequence[str]) -> float:
    """Confidence from a header: the share of printed header cells placed in a field."""
    printed = sum(1 for h in headers if h.strip())
    return round(sum(1 for c, h in zip(columns, headers) if c and h.strip()) / max(1, printed), 3)
