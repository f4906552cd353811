"""pdfplumber's ruled-table finder (`Page.find_tables` with the "lines" strategies), step for step
but on plain tuples, with sorted look-ups where pdfplumber compares every pair.

pdfplumber builds a dict per edge (copying every attribute of the rectangle it came from) and
copies it again at each snap and join; it tests every vertical edge against every horizontal one,
and every intersection against every later one. Here an edge is a 6-tuple, the edge pairs tested
are only those a sorted list says can meet, and each point looks only at the points on its own
row and column. Every comparison and every sum is pdfplumber's own, in the same order, so the
cells are the same floats (tests compare them with pdfplumber's on real PDFs). Settings other than
the "lines" strategies without explicit lines go to pdfplumber's own finder.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from functools import cached_property
from itertools import groupby
from operator import itemgetter

import pdfplumber
from pdfplumber.table import Table, TableSettings
from pdfplumber.utils.clustering import make_cluster_dict

# An edge: (x0, x1, top, bottom, width, height); its orientation is the list it is in.
Edge = tuple
X0, X1, TOP, BOTTOM, WIDTH, HEIGHT = range(6)
# Candidates of an intersection are looked up with this much slack beyond the tolerance, and then
# tested with pdfplumber's own comparison: the slack only has to exceed float rounding.
SLACK = 1.0


class RuledTable(Table):
    """pdfplumber's `Table`, with `bbox` and `rows` worked out once rather than on every use."""

    @cached_property
    def bbox(self):  # type: ignore[override]
        return Table.bbox.fget(self)

    @cached_property
    def rows(self):  # type: ignore[override]
        return Table.rows.fget(self)


def find_ruled_tables(page: pdfplumber.page.Page, settings: dict | TableSettings | None = None) -> list[Table]:
    """What `page.find_tables(settings)` returns: the same tables in the same order, with the same cells."""
    tset = TableSettings.resolve(settings)
    if not _supported(tset):
        return page.find_tables(tset)
    v_edges, h_edges = _page_edges(page, tset.edge_min_length_prefilter)
    if not v_edges or not h_edges:
        return []  # no edge of one direction: no intersection, so no cell
    if tset.snap_x_tolerance > 0 or tset.snap_y_tolerance > 0:
        v_edges = _snap(v_edges, X0, tset.snap_x_tolerance)
        h_edges = _snap(h_edges, TOP, tset.snap_y_tolerance)
    h_edges = _join(h_edges, TOP, X0, X1, tset.join_x_tolerance)
    v_edges = _join(v_edges, X0, TOP, BOTTOM, tset.join_y_tolerance)
    min_length = tset.edge_min_length
    h_edges = [e for e in h_edges if e[WIDTH] >= min_length]
    v_edges = [e for e in v_edges if e[HEIGHT] >= min_length]
    if not v_edges or not h_edges:
        return []
    if not all(math.isfinite(v) for e in h_edges for v in e[:4]) or not all(math.isfinite(v) for e in v_edges for v in e[:4]):
        return page.find_tables(tset)  # sorted look-ups need ordered numbers
    points = _intersections(v_edges, h_edges, tset.intersection_x_tolerance, tset.intersection_y_tolerance)
    cells = _cells(points)
    return [RuledTable(page, group) for group in _tables(cells)]


def _supported(tset: TableSettings) -> bool:
    return tset.vertical_strategy == "lines" and tset.horizontal_strategy == "lines" and not tset.explicit_vertical_lines and not tset.explicit_horizontal_lines


def _page_edges(page: pdfplumber.page.Page, min_length: float) -> tuple[list[Edge], list[Edge]]:
    """`page.edges` (lines, then rectangles' four sides, then curves' segments) filtered as
    `utils.filter_edges(edges, orientation, min_length=...)` does, vertical and horizontal."""
    v: list[Edge] = []
    h: list[Edge] = []
    for line in page.lines:
        edge = (line["x0"], line["x1"], line["top"], line["bottom"], line["width"], line["height"])
        if line["top"] == line["bottom"]:
            if edge[WIDTH] >= min_length:
                h.append(edge)
        elif edge[HEIGHT] >= min_length:
            v.append(edge)  # pdfplumber calls every line that is not flat vertical, slanted ones too
    for rect in page.rects:
        x0, x1, top, bottom, width, height = rect["x0"], rect["x1"], rect["top"], rect["bottom"], rect["width"], rect["height"]
        if width >= min_length:
            # The bottom side keeps the rectangle's "bottom" and gets top + height as its top.
            h.append((x0, x1, top, top, width, 0))
            h.append((x0, x1, top + height, bottom, width, 0))
        if height >= min_length:
            v.append((x0, x0, top, bottom, 0, height))
            v.append((x1, x1, top, bottom, 0, height))
    for curve in page.curves:
        pts = curve["pts"]
        for p0, p1 in zip(pts, pts[1:]):
            edge = (min(p0[0], p1[0]), max(p0[0], p1[0]), min(p0[1], p1[1]), max(p0[1], p1[1]), abs(p0[0] - p1[0]), abs(p0[1] - p1[1]))
            if p0[0] == p1[0]:
                if edge[HEIGHT] >= min_length:
                    v.append(edge)
            elif p0[1] == p1[1] and edge[WIDTH] >= min_length:
                h.append(edge)
    # pdfplumber lists all lines' edges, then all rectangles', then all curves'; the loops above
    # keep that order within each direction, which is all later steps depend on.
    return v, h


def _snap(edges: list[Edge], at: int, tolerance: float) -> list[Edge]:
    """`utils.snap_objects`: edges whose positions chain within `tolerance` move to their mean,
    each by `mean - position` (as pdfplumber's `move_object` adds it to both ends)."""
    if not edges:
        return []
    key = itemgetter(at)
    clusters = make_cluster_dict(map(key, edges), tolerance)
    tagged = sorted(((e, clusters.get(e[at])) for e in edges), key=itemgetter(1))
    out: list[Edge] = []
    for _, group in groupby(tagged, key=itemgetter(1)):
        members = [e for e, _ in group]
        mean = sum(map(key, members)) / len(members)
        for e in members:
            shift = mean - e[at]
            if at == X0:
                out.append((e[X0] + shift, e[X1] + shift, e[TOP], e[BOTTOM], e[WIDTH], e[HEIGHT]))
            else:
                out.append((e[X0], e[X1], e[TOP] + shift, e[BOTTOM] + shift, e[WIDTH], e[HEIGHT]))
    return out


def _join(edges: list[Edge], at: int, lo: int, hi: int, tolerance: float) -> list[Edge]:
    """`merge_edges`' grouping and `join_edge_group`: edges on one line (equal `at`) that overlap
    or nearly meet become one, stretched as `utils.resize_object` stretches it."""
    horizontal = lo == X0
    out: list[Edge] = []
    for _, group in groupby(sorted(edges, key=itemgetter(at)), key=itemgetter(at)):
        ordered = sorted(group, key=itemgetter(lo))
        last = ordered[0]
        for e in ordered[1:]:
            if e[lo] <= last[hi] + tolerance:
                if e[hi] > last[hi]:
                    if horizontal:
                        last = (last[X0], e[X1], last[TOP], last[BOTTOM], e[X1] - last[X0], last[HEIGHT])
                    else:
                        last = (last[X0], last[X1], last[TOP], e[BOTTOM], last[WIDTH], last[HEIGHT] + (e[BOTTOM] - last[BOTTOM]))
            else:
                out.append(last)
                last = e
        out.append(last)
    return out


def _intersections(v_edges: list[Edge], h_edges: list[Edge], x_tol: float, y_tol: float) -> dict[tuple, tuple[set, set]]:
    """`edges_to_intersections`: each point where a vertical and a horizontal edge meet within the
    tolerances, with the boxes of the edges through it. Pairs are visited in pdfplumber's order, so
    a point's key is the same tuple pdfplumber keeps."""
    h_sorted = sorted(h_edges, key=itemgetter(TOP, X0))
    tops = [h[TOP] for h in h_sorted]
    h_boxes = [(h[X0], h[TOP], h[X1], h[BOTTOM]) for h in h_sorted]
    points: dict[tuple, tuple[set, set]] = {}
    for v in sorted(v_edges, key=itemgetter(X0, TOP)):
        v_x0, v_top, v_bottom = v[X0], v[TOP], v[BOTTOM]
        v_box = (v_x0, v_top, v[X1], v_bottom)
        start = bisect_left(tops, v_top - y_tol - SLACK)
        end = bisect_right(tops, v_bottom + y_tol + SLACK)
        for i in range(start, end):
            h = h_sorted[i]
            h_top = h[TOP]
            if v_top <= h_top + y_tol and v_bottom >= h_top - y_tol and v_x0 >= h[X0] - x_tol and v_x0 <= h[X1] + x_tol:
                vertex = (v_x0, h_top)
                found = points.get(vertex)
                if found is None:
                    found = points[vertex] = (set(), set())
                found[0].add(v_box)
                found[1].add(h_boxes[i])
    return points


def _cells(points: dict[tuple, tuple[set, set]]) -> list[tuple]:
    """`intersections_to_cells`: from each point (in sorted order), the first cell whose four
    corners are points joined by common edges, trying points below, then points to the right."""
    ordered = sorted(points)
    column_of: dict = {}
    row_of: dict = {}
    for pt in ordered:
        column_of.setdefault(pt[0], []).append(pt)
        row_of.setdefault(pt[1], []).append(pt)
    place_in_column: dict = {}
    place_in_row: dict = {}
    for members in column_of.values():
        for n, pt in enumerate(members):
            place_in_column[pt] = n
    for members in row_of.values():
        for n, pt in enumerate(members):
            place_in_row[pt] = n
    cells = []
    for pt in ordered:
        verticals, horizontals = points[pt]
        column = column_of[pt[0]]
        row = row_of[pt[1]]
        right = [r for r in row[place_in_row[pt] + 1 :] if not horizontals.isdisjoint(points[r][1])]
        if not right:
            continue
        cell = None
        for below in column[place_in_column[pt] + 1 :]:
            if verticals.isdisjoint(points[below][0]):
                continue
            below_h = points[below][1]
            for r in right:
                corner = points.get((r[0], below[1]))
                if corner is not None and not corner[0].isdisjoint(points[r][0]) and not corner[1].isdisjoint(below_h):
                    cell = (pt[0], pt[1], r[0], below[1])
                    break
            if cell is not None:
                break
        if cell is not None:
            cells.append(cell)
    return cells


def _tables(cells: list[tuple]) -> list[list[tuple]]:
    """`cells_to_tables`: cells grouped by shared corners, in pdfplumber's passes and order (each
    pass reads the cells left in order and takes those touching the group so far)."""
    remaining = list(cells)
    tables = []
    while remaining:
        corners: set = set()
        group: list[tuple] = []
        while True:
            added = False
            left = []
            for cell in remaining:
                x0, top, x1, bottom = cell
                cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
                if not group or not corners.isdisjoint(cell_corners):
                    corners.update(cell_corners)
                    group.append(cell)
                    added = True
                else:
                    left.append(cell)
            remaining = left
            if not added or not remaining:
                break
        tables.append(group)
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]

