"""Tables without ruling lines: columns and rows from text alignment (camelot's "network" parser).

camelot builds a network of text lines aligned on their left edges, right edges or centres, grows
the table area from the best-connected lines and cuts columns at the gaps; it returns one grid
per table. Here each grid becomes a `Table` in pdfplumber's top-left coordinates.
"""

from __future__ import annotations

import logging
import warnings

import camelot

from extractors.table_reader import Cell, Row, Table

logging.getLogger("camelot").setLevel(logging.ERROR)
LOG = logging.getLogger(__name__)


def _page_list(pages: list[int]) -> str:
    return ",".join(str(p) for p in pages)


def read_unruled(data: bytes, pages: list[int], heights: dict[int, float]) -> dict[int, list[Table]]:
    """Every table camelot's network parser finds on `pages` of the PDF, by page number.

    `heights` gives each page's height, to turn camelot's bottom-up coordinates into top-down ones.
    """
    if not pages:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no tables found on page N" is not an error here
        try:
            found = camelot.read_pdf(data, pages=_page_list(pages), flavor="network", suppress_stdout=True)
        except Exception as exc:  # noqa: BLE001 - a PDF camelot cannot read still has its ruled tables
            LOG.warning("text-aligned tables not read on pages %s: %s: %s", _page_list(pages), type(exc).__name__, exc)
            return {}
    by_page: dict[int, list[Table]] = {}
    for grid in found:
        page = int(grid.page)
        height = heights.get(page)
        if height is None:
            continue
        rows = []
        for r, cells in enumerate(grid.cells):
            row_cells: list[Cell | None] = []
            for c, cell in enumerate(cells):
                text = str(grid.df.iat[r, c]).strip()
                row_cells.append(Cell(text, (cell.x1, height - cell.y2, cell.x2, height - cell.y1), None))
            rows.append(Row(row_cells, page))
        x0, y0, x1, y1 = grid._bbox
        columns = [round(left, 1) for left, _ in grid.cols] + [round(grid.cols[-1][1], 1)]
        by_page.setdefault(page, []).append(Table(page, (x0, height - y1, x1, height - y0), columns, rows, "unruled"))
    return by_page
