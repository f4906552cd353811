"""The pack-level dispatcher: one PDF in, every contract dataset out as DataFrames plus a quality report."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pdfplumber

from extractors import action_plan, measures, scorecard
from extractors.documents import Part, item_parts
from extractors.errors import PackError
from extractors.extraction import PackExtraction, Progress, pack_id_of
from extractors.action_plan import extract_action_plans
from extractors.agenda import parse_agenda
from extractors.claims import Claim, best_claim
from extractors.frontsheet import MeetingDetails, council_from_email, find_council, read_meeting_details
from extractors.kpi_cards import extract_cards, is_card_figures
from extractors.measures import extract_measures
from extractors.minutes import MinutesDoc, parse_minutes
from extractors.scorecard import extract_scorecards
from extractors.pdf_pages import PageKeeper, PageText, as_pack_error, fewer_collections, open_pdf, parser_repairs, read_page, repair_note, upright_page
from extractors.rag import Legend, legend_of_page
from extractors.stamps import PageStamps, read_stamps
from extractors.table_reader import BOXES, Table, read_tables
from extractors.table_search import ClaimOf, add_unruled_tables
from schemas.contract import DATASETS
from schemas.frames import make_frame


# Agendas and minutes are read by their text (their tables are not datasets of their own); every
# other part has every table on every page offered to the table readers.
# The table readers, each claiming tables by their content.
CLAIMERS = (scorecard.claim, action_plan.claim, measures.claim)
# Kinds a part may take from the tables it holds (a letter stays a letter).
RELABEL_KINDS = ("report", "appendix", "other", "scorecard", "action_plan")
SCORECARD_DATASETS = ("scorecard_indicators", "scorecard_values", "scorecard_benchmarks")
KIND_DATASETS = {"scorecard": ("scorecard_indicators",), "action_plan": ("action_plan",)}
KIND_PAGE_SHARE = 0.3

def _no_progress(stage: str, page: int, pages: int) -> None:
    pass


def split_provenance(name: str, rows: list[dict]) -> list[dict]:
    """Take the cell boxes readers attached to rows (under BOXES) off them, keyed like the dataset.

    Datasets without a key name the row by pack, page and its place among the pack's rows.
    """
    key = DATASETS[name].key
    found = []
    for index, row in enumerate(rows):
        ident = {c: row.get(c) for c in key} if key else {"pack_id": row.get("pack_id"), "row_page": row.get("page"), "row_index": index}
        found += [{**ident, **box} for box in row.pop(BOXES, None) or []]
    return found


def _documents_rows(pack_id: str, parts: list[Part]) -> list[dict]:
    return [
        {
            "pack_id": pack_id,
            "page": part.page_from,
            "doc_index": part.doc_index,
            "kind": part.kind,
            "agenda_item": part.agenda_item,
            "title": part.title,
            "page_from": part.page_from,
            "page_to": part.page_to,
            "printed_page_from": part.printed_page_from,
            "printed_page_to": part.printed_page_to,
        }
        for part in parts
    ]


def _add_minutes_rows(rows: dict[str, list[dict]], pack_id: str, part: Part, doc: MinutesDoc) -> None:
    if doc.meeting_date is None:
        return  # no date to key the rows on; reported through the part's quality entry
    common = {"pack_id": pack_id, "meeting_date": doc.meeting_date}
    rows["minutes"].append(
        {
            **common,
            "page": part.page_from,
            "committee": doc.committee,
            "commenced": doc.commenced,
            "terminated": doc.terminated,
            "chair": doc.chair,
        }
    )
    for person in doc.attendance:
        rows["attendance"].append({**common, "page": person.pop("page", part.page_from), **person})
    for minute in doc.minutes:
        rows["minute_items"].append({**common, **minute})
    for action in doc.actions:
        rows["minute_actions"].append({**common, **action})


def _read_pages(pdf: pdfplumber.PDF, keeper: PageKeeper, progress: Progress = _no_progress) -> Iterator[tuple[pdfplumber.page.Page, PageText]]:
    """Every page turned upright and read into lines, one page at a time: each page is parsed once
    and kept by `keeper` for the table readers, which read it before its item's last page is far
    behind. Yields each upright pdfplumber page with its lines."""
    for page in pdf.pages:
        progress("parsing", page.page_number, len(pdf.pages))
        try:
            turned = upright_page(page)
            if turned is not page:
                keeper.forget(page)  # read again in its turned coordinates
            progress("reading text", page.page_number, len(pdf.pages))
            text = read_page(keeper.hold(turned))
            keeper.done(turned)  # past the budget, release the page read last: the first ones are read again first
        except (Exception, RecursionError) as exc:  # a broken content stream
            raise as_pack_error(exc, f"reading page {page.page_number}") from exc
        yield turned, text


# Rows of an unclaimed table below which a claimable table is looked for (a chart drawn on top).
RECUT_ROWS = 10
MIN_RECUT_ROWS = 4


def _recut(page: pdfplumber.page.Page, table: Table, claim_of: ClaimOf) -> list[Table]:
    """Tables found by reading an unclaimed table's area again from each of its first row edges
    down: a chart's gridlines and bars drawn on top of a table join it into one grid whose columns
    are the chart's, and no reader recognises it. Cut below the chart, the table's own header
    shows. Returns the claimable tables of the first cut that has one, else nothing."""
    if len(table.rows) < MIN_RECUT_ROWS or any(re.search(r"[A-Za-z]{2}", text) for text in table.rows[0].texts()):
        return []  # a first row with words is a header or a body row, not a chart's grid
    edges = sorted({round(c.bbox[1], 1) for row in table.rows for c in row.cells if c is not None})
    x0, top, x1, bottom = table.bbox
    for edge in edges[1:RECUT_ROWS]:
        try:
            area = page.within_bbox((x0 - 1, edge - 0.5, x1 + 1, bottom + 1))
            found = read_tables(area)
        except ValueError:
            continue
        claims = [claim_of(t) for t in found]
        starts = [t.bbox[1] for t, c in zip(found, claims) if c is not None and c.header_start == 0]
        if starts:
            # Cut again right at the header, so labels of the chart's axis above it stay out.
            area = page.within_bbox((x0 - 1, min(starts) - 0.5, x1 + 1, bottom + 1))
            found = read_tables(area)
            return [t for t in found if claim_of(t) is not None]
    return []


def _has_card(table: Table) -> bool:
    """A KPI card's box (a row of "Latest: ... Target: ..." figures), not a scorecard's rows."""
    return any(is_card_figures([c.text for c in row.cells if c is not None]) for row in table.rows)


def _claims_of(tables: list[Table], claim_of: ClaimOf) -> dict[int, Claim]:
    claims: dict[int, Claim] = {}
    for table in tables:
        if (found := claim_of(table)) is not None:
            claims[id(table)] = found
    return claims


def _memoised_claims() -> ClaimOf:
    """The best claim on a table, worked out once per table (tables are kept alive with their claim)."""
    memo: dict[int, tuple[Table, Claim | None]] = {}

    def claim_of(table: Table) -> Claim | None:
        if id(table) not in memo:
            memo[id(table)] = (table, best_claim(table, CLAIMERS))
        return memo[id(table)][1]

    return claim_of


def _read_part_tables(
    data: bytes,
    pack_id: str,
    part: Part,
    texts: list[PageText],
    plumber_pages: list[pdfplumber.page.Page],
    rows: dict[str, list[dict]],
    rejected: dict[str, list[tuple[dict, str]]],
    quality: dict[str, object],
    keeper: PageKeeper,
    pack_pages: int,
    progress: Progress = _no_progress,
) -> str | None:
    """Offer every table of a part to the readers, read each with the reader that claims it best,
    and return the kind the part's content shows (None: no dataset rows)."""
    pages = [plumber_pages[t.number - 1] for t in texts]
    by_page: dict[int, list[Table]] = {}
    legend = Legend()
    claim_of = _memoised_claims()
    # What needs a page's characters is read one page at a time, each page held meanwhile.
    for page, text in zip(pages, texts):
        progress("reading tables", page.page_number, pack_pages)
        keeper.hold(page)
        found = by_page[page.page_number] = read_tables(page)
        unclaimed = [t for t in found if claim_of(t) is None]
        for table in unclaimed:
            if recut := _recut(page, table, claim_of):
                index = next(i for i, t in enumerate(found) if t is table)
                found[index : index + 1] = recut
        legend.merge(legend_of_page(page, [line.text for line in text.lines]))
        keeper.done(page)
    searched = add_unruled_tables(data, pages, texts, by_page, claim_of, keeper)
    if any(searched.values()):
        quality.setdefault("table_search", []).append({"part": part.doc_index, **searched})
    tables = [table for found in by_page.values() for table in found]
    claims = _claims_of(tables, claim_of)
    counts = {"scorecard": 0, "action_plan": 0}
    tag = {"part": part.doc_index}

    def kind_of(table: Table) -> str | None:
        found = claims.get(id(table))
        return found.kind if found else None

    def confident(table: Table) -> bool:
        found = claims.get(id(table))
        return found is not None and found.published

    # Scorecards: confident claims publish; doubtful ones are read and quarantined with the reason.
    for sure in (True, False):
        chosen = [t for t in tables if kind_of(t) == "scorecard" and confident(t) == sure]
        if not chosen:
            continue
        card = extract_scorecards(
            pages,
            texts,
            by_page,
            accept=lambda t, chosen=chosen: any(t is c for c in chosen),
            legend=legend,
            continuation=lambda t: kind_of(t) is None and not _has_card(t),
        )
        found = {"scorecard_indicators": card.indicators, "scorecard_values": card.values, "scorecard_benchmarks": card.benchmarks}
        for entry in card.tables:
            entry.setdefault("status", "published" if sure else "quarantined: low-confidence scorecard claim")
        for name, found_rows in card.rejected.items():
            rejected[name] += [({"pack_id": pack_id, **row}, reason) for row, reason in found_rows]
        quality["tables"] += [{**tag, "kind": "scorecard", **t} for t in card.tables]
        for name in SCORECARD_DATASETS:
            if sure:
                rows[name] += [{"pack_id": pack_id, **row} for row in found[name]]
            else:
                reason = "scorecard table claimed with low confidence (too few of its columns placed)"
                rejected[name] += [({"pack_id": pack_id, **row}, reason) for row in found[name]]
        if sure:
            counts["scorecard"] += len(card.indicators)

    cards = extract_cards(pages, texts, [t for t in tables if kind_of(t) is None], legend)
    if cards.indicators:
        rows["scorecard_indicators"] += [{"pack_id": pack_id, **row} for row in cards.indicators]
        rows["scorecard_values"] += [{"pack_id": pack_id, **row} for row in cards.values]
        quality["tables"] += [{**tag, "kind": "kpi_cards", **t} for t in cards.tables]
        counts["scorecard"] += len(cards.indicators)

    for table in (t for t in tables if kind_of(t) == "performance_measures"):
        unplaced = measures.unplaced_columns(table)
        found_rows = [{"pack_id": pack_id, **row} for row in extract_measures([table])]
        if unplaced:
            reason = f"measures table on page {table.page}: column(s) {', '.join(map(repr, unplaced))} could not be placed"
        else:
            reason = None if confident(table) else "measures table claimed with low confidence"
        if reason:
            rejected["performance_measures"] += [(row, reason) for row in found_rows]
            quality["tables"].append({**tag, "kind": "performance_measures", "page": table.page, "status": f"quarantined: {reason}"})
        else:
            rows["performance_measures"] += found_rows

    # Action plans: claimed tables, and unclaimed ones that may continue a plan over a page break.
    plan_tables = [t for t in tables if kind_of(t) in ("action_plan", None)]
    if any(kind_of(t) == "action_plan" for t in plan_tables):
        plan = extract_action_plans(plan_tables, texts, part.title, legend)
        rows["action_plan"] += [{"pack_id": pack_id, **row} for row in plan.rows]
        rejected["action_plan"] += [({"pack_id": pack_id, **row}, reason) for row, reason in plan.rejected]
        quality["tables"] += [{**tag, "kind": "action_plan", **t} for t in plan.tables]
        counts["action_plan"] += len(plan.rows)

    if not any(counts.values()):
        return None
    kind = max(counts, key=lambda k: counts[k])
    # A long report with one small table of figures stays a report: the tables must fill a fair
    # share of the part's pages for the part to take their kind.
    held = {row["page"] for name in KIND_DATASETS[kind] for row in rows[name] if row["pack_id"] == pack_id and row["page"] in part.pages()}
    return kind if len(held) >= KIND_PAGE_SHARE * len(texts) else None


class _ItemReader:
    """Reads a pack's agenda items one at a time, as each is complete, into the pack's rows,
    rejected rows, quality entries and parts; once an item is read its pages are let go, since no
    reader comes back to an item, so a pack's memory does not grow with its number of items."""

    def __init__(self, data: bytes, pack_id: str, pack_pages: int, progress: Progress) -> None:
        self.data, self.pack_id, self.pack_pages, self.progress = data, pack_id, pack_pages, progress
        self.keeper = PageKeeper()
        # Every page read so far, upright, by page number - 1 (the table readers index it).
        self.plumber_pages: list[pdfplumber.page.Page] = []
        self.rows: dict[str, list[dict]] = {name: [] for name in DATASETS}
        self.rejected: dict[str, list[tuple[dict, str]]] = {name: [] for name in DATASETS}
        self.quality: dict[str, object] = {"tables": []}
        self.parts: list[Part] = []
        self.minutes_docs: dict[int, MinutesDoc] = {}
        # The pack's first part's pages (without blank ones), for the pack's details.
        self.front: list[PageText] = []

    def read_item(self, pages: list[PageText], stamps: list[PageStamps], item: str | None) -> None:
        """Read the parts of one agenda item from its pages (in order) and their stamps."""
        for part in item_parts(pages, stamps, item, len(self.parts)):
            texts = [p for p, stamp in zip(pages, stamps) if part.page_from <= p.number <= part.page_to and not stamp.blank]
            part = self._read_part(part, texts)
            if not self.parts:
                self.front = texts
            self.parts.append(part)
        for page in self.plumber_pages[pages[0].number - 1 : pages[-1].number]:
            self.keeper.forget(page)

    def _read_part(self, part: Part, texts: list[PageText]) -> Part:
        """Read one part by its kind; returns the part, retitled or relabelled by what it holds."""
        rows, pack_id = self.rows, self.pack_id
        if part.kind == "agenda":
            rows["agenda_items"] += [{"pack_id": pack_id, **row} for row in parse_agenda(texts)]
        elif part.kind == "minutes":
            doc = parse_minutes(texts)
            if doc is None:
                self.quality.setdefault("unread_parts", []).append({"part": part.doc_index, "reason": "no minute headings found"})
                return part
            self.minutes_docs[part.doc_index] = doc
            _add_minutes_rows(rows, pack_id, part, doc)
            return replace(part, title=doc.heading or part.title)
        else:
            held = _read_part_tables(
                self.data, pack_id, part, texts, self.plumber_pages, rows, self.rejected, self.quality, self.keeper, self.pack_pages, self.progress
            )
            if held and part.kind in RELABEL_KINDS and held != part.kind:
                return replace(part, kind=held)
        return part


def extract_pack(path: Path, source: str, progress: Progress = _no_progress, named_by: Path | None = None) -> PackExtraction:
    """Extract every dataset from the PDF at `path`; raise PackError when it cannot be read at all.

    `named_by` is the file the pack is named after (its sha256 and file name) when `path` is a copy
    made from it, such as an OCR'd one. `progress` is told each page as it is started.
    """
    with fewer_collections():
        return _extract_pack(path, source, progress, named_by)


def _extract_pack(path: Path, source: str, progress: Progress, named_by: Path | None) -> PackExtraction:
    data = Path(path).read_bytes()
    pack_id, sha256 = pack_id_of(Path(named_by).read_bytes() if named_by else data)
    with parser_repairs() as repairs, open_pdf(data) as pdf:
        structure = repair_note(pdf, data)
        if not pdf.pages:
            raise PackError("malformed", "the PDF has no pages")
        reader = _ItemReader(data, pack_id, len(pdf.pages), progress)
        # The pack's details are read from its front part and the whole pack's text: what is kept
        # of each page once its item is read.
        page_texts: list[str] = []
        first_page: PageText | None = None
        without_text = blank = 0
        has_text = False
        # The item being read: its pages, their stamps and its number (None for the front item).
        item_pages: list[PageText] = []
        item_stamps: list[PageStamps] = []
        agenda_item: str | None = None
        for turned, text in _read_pages(pdf, reader.keeper, progress):
            stamp = read_stamps(text)
            if stamp.agenda_item is not None:
                if item_pages:
                    reader.read_item(item_pages, item_stamps, agenda_item)
                item_pages, item_stamps, agenda_item = [], [], stamp.agenda_item
            first_page = first_page or text
            reader.plumber_pages.append(turned)
            item_pages.append(text)
            item_stamps.append(stamp)
            page_texts.append(text.text)
            without_text += not text.lines
            blank += stamp.blank
            if text.lines or text.margin_text:
                has_text = True
        if not has_text:
            raise PackError("no_text", f"none of the {len(page_texts)} pages has a text layer (a scan without OCR?)")
        reader.read_item(item_pages, item_stamps, agenda_item)
        assert first_page is not None  # the PDF has pages
        author = (pdf.metadata or {}).get("Author")
    rows, rejected, quality, parts = reader.rows, reader.rejected, reader.quality, reader.parts

    pack_text = "\n".join(page_texts)
    author_text = author if isinstance(author, str) else None
    if parts[0].kind == "agenda":
        details = read_meeting_details(reader.front, pack_text, author_text)
    elif parts[0].doc_index in reader.minutes_docs:
        doc = reader.minutes_docs[parts[0].doc_index]
        council = find_council([page_texts[0]], author_text) or council_from_email([pack_text])
        details = MeetingDetails(council, doc.committee, doc.meeting_date, doc.commenced, doc.venue)
    else:
        details = read_meeting_details([first_page], pack_text, author_text, guess=False)

    rows["packs"].append(
        {
            "pack_id": pack_id,
            "page": 1,
            "sha256": sha256,
            "source": source,
            "file_name": Path(named_by or path).name,
            "page_count": len(page_texts),
            "council": details.council,
            "committee": details.committee,
            "meeting_date": details.meeting_date,
            "meeting_time": details.meeting_time,
            "venue": details.venue,
        }
    )
    rows["documents"] = _documents_rows(pack_id, parts)
    provenance = {name: split_provenance(name, dataset_rows + [row for row, _ in rejected[name]]) for name, dataset_rows in rows.items()}
    frames = {name: make_frame(name, dataset_rows) for name, dataset_rows in rows.items()}
    quality |= {
        "pages": len(page_texts),
        "pages_without_text": without_text,
        "blank_pages": blank,
        "parts": len(parts),
        "part_kinds": [part.kind for part in parts],
    }
    if repaired := [note for note in (structure, *repairs) if note]:
        quality["repaired"] = "; ".join(repaired)
    rejected_frames = {
        name: make_frame(name, [row for row, _ in found]).assign(reasons=pd.Series([r for _, r in found], dtype=object))
        for name, found in rejected.items()
        if found
    }
    provenance = {name: found for name, found in provenance.items() if found}
    return PackExtraction(pack_id, sha256, len(page_texts), frames, quality, rejected_frames, provenance)
