"""What one pack's extraction hands back, importable without the PDF libraries.

A run's coordinating process receives these from extraction workers; keeping them apart from
`extractors.pack` means it never loads pdfplumber, pdfminer or camelot itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Told (stage, page number, page count) as each page is started, so a caller that stops a slow
# extraction can say where it was.
Progress = Callable[[str, int, int], None]


def pack_id_of(data: bytes) -> tuple[str, str]:
    """Return (pack_id, sha256) of the PDF bytes."""
    digest = hashlib.sha256(data).hexdigest()
    return digest[:16], digest


@dataclass
class PackExtraction:
    """Everything extracted from one pack."""

    pack_id: str
    sha256: str
    page_count: int
    frames: dict[str, pd.DataFrame]
    quality: dict[str, object] = field(default_factory=dict)
    # Rows the extractor read but does not vouch for (e.g. from a low-confidence table), with a
    # `reasons` column: they go to quarantine, never to the published datasets.
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Per dataset, the boxes of the table cells rows were read from, keyed like the dataset.
    provenance: dict[str, list[dict]] = field(default_factory=dict)
