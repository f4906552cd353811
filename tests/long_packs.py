"""Generated long packs: as many pages as asked, each a heading, paragraphs and a ruled action-plan
table of ten rows with RAG fills (for memory and speed checks on packs of any length)."""

from __future__ import annotations

from pathlib import Path

from tests.pdf_builder import PageSpec, write_pdf

ROWS_PER_PAGE = 10
GREEN, AMBER = (0.0, 0.69, 0.31), (1.0, 0.75, 0.0)


def long_pack(pages: int, path: Path, item_pages: int | None = None) -> Path:
    """Write a pack of `pages` pages to `path`; each page's plan has ROWS_PER_PAGE actions.

    With `item_pages`, every run of that many pages is an agenda item of its own, its first page
    stamped "Agenda Item N" at the top as ModernGov does; without, the pack is one document."""
    specs = []
    for n in range(1, pages + 1):
        page = PageSpec()
        if item_pages and (n - 1) % item_pages == 0:
            page.text(700, 8, f"Agenda Item {(n - 1) // item_pages + 1}", 12, bold=True)
        page.text(40, 30, f"Improvement Plan - section {n}", 14, bold=True)
        for i in range(6):
            page.text(40, 60 + 14 * i, f"Paragraph line {i} of page {n}: progress against the plan is reported below.", 9)
        xs, ys = [40, 80, 360, 480, 560, 640], [160 + 24 * r for r in range(ROWS_PER_PAGE + 2)]
        for x, title in zip(xs, ["Ref", "Action", "Lead", "End Date", "RAG"]):
            page.text(x + 3, ys[0] + 6, title, 9, bold=True)
        for r in range(1, ROWS_PER_PAGE + 1):
            top = ys[r] + 6
            page.text(xs[0] + 3, top, f"{n}.{r}", 9)
            page.text(xs[1] + 3, top, f"Deliver action {r} of section {n}", 9)
            page.text(xs[2] + 3, top, "Head of Service", 9)
            page.text(xs[3] + 3, top, "March 2025", 9)
            page.fill_rect(xs[4] + 1, ys[r] + 1, xs[5] - 1, ys[r + 1] - 1, GREEN if r % 2 else AMBER)
        page.grid(xs, ys)
        specs.append(page)
    return write_pdf(path, specs)
