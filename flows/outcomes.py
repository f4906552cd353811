"""What happened to each pack in a run: its rows, or the error that stopped it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class PackOutcome:
    """One pack's result: frames when extracted, an error code and message when not."""

    source: str
    file_name: str
    pack_id: str | None
    sha256: str | None
    page_count: int | None = None
    frames: dict[str, pd.DataFrame] | None = None
    quality: dict[str, object] = field(default_factory=dict)
    error_code: str | None = None
    error: str | None = None
    seconds: float = 0.0
    quarantined_rows: int = 0
    # Already published from the same bytes by the same extractor and contract: not extracted again.
    unchanged: bool = False
    # Rows the extractor read but did not vouch for, with a `reasons` column: straight to quarantine.
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Every path or URL these same bytes were given as in this run (the first is `source`).
    sources: list[str] = field(default_factory=list)
    # Per dataset, the boxes of the table cells its rows were read from (see extractors.pack).
    provenance: dict[str, list[dict]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sources:
            self.sources = [self.source]

    @property
    def ok(self) -> bool:
        return self.error_code is None


def read_notes(quality: dict[str, object]) -> str:
    """How a pack was read when it was not plainly: from an OCR'd copy, or after a repair."""
    notes = []
    ocr = quality.get("ocr")
    if isinstance(ocr, dict):
        notes.append(f"text from OCR ({ocr.get('engine')} {ocr.get('version')})")
    if quality.get("repaired"):
        notes.append(f"repaired: {quality['repaired']}")
    return "; ".join(notes)
