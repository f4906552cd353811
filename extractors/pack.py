"""The pack-level dispatcher: one PDF in, every contract dataset out as DataFrames plus a quality report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pdfplumber

from extractors.documents import Part, split_parts
from extractors.errors import PackError
from extractors.action_plan import extract_action_plans
from extractors.agenda import parse_agenda
from extractors.frontsheet import MeetingDetails, find_council, read_meeting_details
from extractors.measures import extract_measures
from extractors.minutes import MinutesDoc, parse_minutes
from extractors.scorecard import extract_scorecards
from extractors.pdf_pages import PageText, as_pack_error, open_pdf, read_page, upright_page
from extractors.stamps import read_stamps
from extractors.table_reader import read_tables
from schemas.contract import DATASETS
from schemas.frames import make_frame


# Parts whose tables are read (agendas, minutes and letters carry none we publish).
TABLE_KINDS = ("action_plan", "report", "appendix", "other")


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


def pack_id_of(data: bytes) -> tuple[str, str]:
    """Return (pack_id, sha256) of the PDF bytes."""
    digest = hashlib.sha256(data).hexdigest()
    return digest[:16], digest


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


def _upright_pages(pdf: pdfplumber.PDF) -> list[pdfplumber.page.Page]:
    turned = []
    for page in pdf.pages:
        try:
            turned.append(upright_page(page))
        except (Exception, RecursionError) as exc:  # a broken content stream
            raise as_pack_error(exc, f"reading page {page.page_number}") from exc
    return turned


def _read_pages(plumber_pages: list[pdfplumber.page.Page]) -> list[PageText]:
    pages: list[PageText] = []
    for page in plumber_pages:
        try:
            pages.append(read_page(page))
        except (Exception, RecursionError) as exc:  # a broken content stream
            raise as_pack_error(exc, f"reading page {page.page_number}") from exc
    if not pages:
        raise PackError("malformed", "the PDF has no pages")
    if not any(page.lines or page.margin_text for page in pages):
        raise PackError("no_text", f"none of the {len(pages)} pages has a text layer (a scan without OCR?)")
    return pages


def extract_pack(path: Path, source: str) -> PackExtraction:
    """Extract every dataset from the PDF at `path`; raise PackError when it cannot be read at all."""
    data = Path(path).read_bytes()
    pack_id, sha256 = pack_id_of(data)
    with open_pdf(data) as pdf:
        plumber_pages = _upright_pages(pdf)
        pages = _read_pages(plumber_pages)
        author = (pdf.metadata or {}).get("Author")
        stamps = [read_stamps(page) for page in pages]
        parts = split_parts(pages, stamps)
        rows: dict[str, list[dict]] = {name: [] for name in DATASETS}
        rejected: dict[str, list[tuple[dict, str]]] = {name: [] for name in DATASETS}
        quality: dict[str, object] = {"tables": []}

        def part_pages(part: Part) -> list[PageText]:
            return [p for p in pages[part.page_from - 1 : part.page_to] if not stamps[p.number - 1].blank]

        minutes_docs: dict[int, MinutesDoc] = {}
        for index, part in enumerate(parts):
            if part.kind == "agenda":
                rows["agenda_items"] += [{"pack_id": pack_id, **item} for item in parse_agenda(part_pages(part))]
            elif part.kind == "minutes":
                doc = parse_minutes(part_pages(part))
                if doc is None:
                    quality.setdefault("unread_parts", []).append({"part": part.doc_index, "reason": "no minute headings found"})
                    continue
                minutes_docs[part.doc_index] = doc
                parts[index] = replace(part, title=doc.heading or part.title)
                _add_minutes_rows(rows, pack_id, part, doc)
            elif part.kind == "scorecard":
                texts = part_pages(part)
                card = extract_scorecards([plumber_pages[t.number - 1] for t in texts], texts)
                rows["scorecard_indicators"] += [{"pack_id": pack_id, **row} for row in card.indicators]
                rows["scorecard_values"] += [{"pack_id": pack_id, **row} for row in card.values]
                rows["scorecard_benchmarks"] += [{"pack_id": pack_id, **row} for row in card.benchmarks]
                quality["tables"] += [{"part": part.doc_index, "kind": "scorecard", **t} for t in card.tables]
            elif part.kind in TABLE_KINDS:
                texts = part_pages(part)
                tables = [table for t in texts for table in read_tables(plumber_pages[t.number - 1])]
                rows["performance_measures"] += [{"pack_id": pack_id, **row} for row in extract_measures(tables)]
                plan = extract_action_plans(tables, texts, part.title)
                rows["action_plan"] += [{"pack_id": pack_id, **row} for row in plan.rows]
                rejected["action_plan"] += [({"pack_id": pack_id, **row}, reason) for row, reason in plan.rejected]
                quality["tables"] += [{"part": part.doc_index, "kind": "action_plan", **t} for t in plan.tables]
                if plan.rows and part.kind in ("report", "appendix", "other"):
                    parts[index] = replace(part, kind="action_plan")

    pack_text = "\n".join(page.text for page in pages)
    author_text = author if isinstance(author, str) else None
    if parts[0].kind == "agenda":
        details = read_meeting_details(part_pages(parts[0]), pack_text, author_text)
    elif parts[0].doc_index in minutes_docs:
        doc = minutes_docs[parts[0].doc_index]
        council = find_council([pages[0].text], author_text)
        details = MeetingDetails(council, doc.committee, doc.meeting_date, doc.commenced, doc.venue)
    else:
        details = read_meeting_details(pages[:1], pack_text, author_text, guess=False)

    rows["packs"].append(
        {
            "pack_id": pack_id,
            "page": 1,
            "sha256": sha256,
            "source": source,
            "file_name": Path(path).name,
            "page_count": len(pages),
            "council": details.council,
            "committee": details.committee,
            "meeting_date": details.meeting_date,
            "meeting_time": details.meeting_time,
            "venue": details.venue,
        }
    )
    rows["documents"] = _documents_rows(pack_id, parts)
    frames = {name: make_frame(name, dataset_rows) for name, dataset_rows in rows.items()}
    quality |= {
        "pages": len(pages),
        "pages_without_text": sum(1 for p in pages if not p.lines),
        "blank_pages": sum(1 for s in stamps if s.blank),
        "parts": len(parts),
        "part_kinds": [part.kind for part in parts],
    }
    rejected_frames = {
        name: make_frame(name, [row for row, _ in found]).assign(reasons=pd.Series([r for _, r in found], dtype=object))
        for name, found in rejected.items()
        if found
    }
    return PackExtraction(pack_id, sha256, len(pages), frames, quality, rejected_frames)
