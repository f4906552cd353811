"""Tables as plain records: each cell's text, grid position and spans, bbox, fill (RGB and the nearest
RAG) and weight; and the grid of texts (each cell written once, at its top-left position)."""

from __future__ import annotations

from extractors.colour import rag_from_rgb
from extractors.table_grid import compact_cells, grid_texts
from extractors.table_reader import Table


def _round(values: tuple[float, ...]) -> list[float]:
    return [round(float(v), 2) for v in values]


def table_record(table: Table, file_name: str, number: int) -> dict:
    """One table as a JSON-ready dict.

    Cells without text are left out. `cells` is the grid of texts and `spans` the blocks of spanning cells ([r0, c0, r1, c1], 0-based,
    inclusive), as the ICDAR 2013 scoring format reads them; `cell_details` has every cell's facts.
    """
    placed = compact_cells(table)
    return {
        "file": file_name,
        "page": table.page,
        "table": number,
        "method": table.method,
        "bbox": _round(table.bbox),
        "cells": grid_texts(table),
        "spans": [list(p.span) for p in placed if p.last_row > p.row or p.last_col > p.col],
        "cell_details": [
            {
                "row": p.row,
                "col": p.col,
                "row_span": p.last_row - p.row + 1,
                "col_span": p.last_col - p.col + 1,
                "text": p.cell.text,
                "bbox": _round(p.cell.bbox),
                "fill": _round(p.cell.fill) if p.cell.fill else None,
                "rag": rag_from_rgb(p.cell.fill),
                "bold": p.cell.bold,
            }
            for p in placed
        ],
    }
