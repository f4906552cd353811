"""Re-extract published packs and compare with what was published, file hashes included.

An auditor's check that the publication is what the pinned extractor reads from the stored PDFs:
rows added, removed or changed per dataset (and quarantine), files edited after publication, and
packs whose source PDF can no longer be found.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extractors.errors import PackError
from extractors.extraction import PackExtraction
from extractors.version import EXTRACTOR_VERSION
from flows.history import DERIVED, add_history
from flows.isolation import Limits, extract_bounded
from flows.publish import MANIFEST, QUARANTINE, in_contract_order, load_manifest, quarantine_table
from flows.pack_copies import find_pack
from flows.validate import add_rejected, gate
from flows.writers import csv_bytes, sha256_file
from schemas.contract import CONTRACT_VERSION, DATASETS
from schemas.frames import make_frame, to_arrow

SHOWN = 5


class VerifyUsageError(ValueError):
    """The folder has no manifest, or a PACK_ID it does not hold was asked for."""


@dataclass
class TableDiff:
    """Differences between the published rows of one file and the re-extracted ones."""

    file: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class VerifyReport:
    """Everything `scrutiny verify` found."""

    packs: list[str]
    file_problems: list[str] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    diffs: list[TableDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.missing_sources:
            return 2
        return 1 if self.file_problems or self.failed or any(not d.identical for d in self.diffs) else 0


def check_file_hashes(output_dir: Path, manifest: dict) -> list[str]:
    """Published files missing, or whose bytes differ from the SHA-256 the manifest recorded."""
    problems = []
    for info in [*manifest.get("datasets", {}).values(), *manifest.get("provenance", {}).values()]:
        for rel, expected in sorted(info.get("sha256", {}).items()):
            path = output_dir / rel
            if not path.is_file():
                problems.append(f"{rel}: missing")
            elif sha256_file(path) != expected:
                problems.append(f"{rel}: changed after publication (SHA-256 differs from the manifest)")
    return problems


def _rows(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (first line number, cells) of every record of a CSV."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = next(reader, [])
    rows, line = [], reader.line_num
    for cells in reader:
        rows.append((line + 1, cells))
        line = reader.line_num
    return header, rows


def _label(header: list[str], cells: list[str], columns: list[str]) -> str:
    return ", ".join(f"{c}={cells[header.index(c)]!r}" for c in columns if c in header and header.index(c) < len(cells))


def compare_rows(file: str, header: list[str], published: list[tuple[int, list[str]]], extracted: list[list[str]], key: list[str]) -> TableDiff:
    """Pair rows on the dataset's key (whole rows when it has none or keys repeat) and list the differences."""
    diff = TableDiff(file)
    index = [header.index(c) for c in key if c in header]
    old_keys = [tuple(r[i] for i in index) for _, r in published]
    new_keys = [tuple(r[i] for i in index) for r in extracted]
    if index and len(set(old_keys)) == len(old_keys) and len(set(new_keys)) == len(new_keys):
        old = dict(zip(old_keys, published))
        new = dict(zip(new_keys, extracted))
        for k in new.keys() - old.keys():
            diff.added.append(_label(header, new[k], key))
        for k in old.keys() - new.keys():
            line, cells = old[k]
            diff.removed.append(f"line {line} ({_label(header, cells, key)})")
        for k in sorted(old.keys() & new.keys(), key=lambda k: old[k][0]):
            line, cells = old[k]
            if cells != new[k]:
                changes = [
                    f"{c}: {a!r} published, {b!r} extracted"
                    for c, a, b in zip(header, cells + [""] * (len(header) - len(cells)), new[k])
                    if a != b
                ]
                diff.changed.append(f"line {line} ({_label(header, cells, key)}): " + "; ".join(changes))
        diff.added.sort()
        diff.removed.sort(key=lambda text: int(text.split()[1]))
        return diff
    label_columns = key or ["pack_id", "page"]
    old_count = Counter(tuple(c) for _, c in published)
    new_count = Counter(tuple(c) for c in extracted)
    lines = {tuple(c): line for line, c in published}
    for cells in sorted((old_count - new_count).elements(), key=lambda c: lines[c]):
        diff.removed.append(f"line {lines[cells]} ({_label(header, list(cells), label_columns)})")
    for cells in (new_count - old_count).elements():
        diff.added.append(_label(header, list(cells), label_columns))
    return diff


def _published_rows(path: Path, packs: set[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    header, rows = _rows(path.read_bytes()) if path.is_file() else ([], [])
    at = header.index("pack_id") if "pack_id" in header else None
    return header, [(line, cells) for line, cells in rows if at is not None and at < len(cells) and cells[at] in packs]


def _extracted_rows(data: bytes) -> list[list[str]]:
    return [cells for _, cells in _rows(data)[1]]


def _published_file_name(output_dir: Path, pack_id: str) -> str | None:
    header, rows = _published_rows(output_dir / "packs.csv", {pack_id})
    if not rows or "file_name" not in header:
        return None
    return rows[0][1][header.index("file_name")]


def _extract_as_published(path: Path, entry: dict, file_name: str | None, limits: Limits) -> PackExtraction:
    """Extract the stored bytes as the pack was first extracted: same source, same file name.

    The name is only ever used as one plain entry in a private folder (never a path from the data).
    """
    if not file_name or file_name != Path(file_name).name or file_name in (".", "..") or file_name == path.name:
        return extract_bounded(path, entry["source"], limits)
    with tempfile.TemporaryDirectory(prefix="scrutiny-verify-") as folder:
        named = Path(folder) / file_name
        named.symlink_to(path.absolute())
        return extract_bounded(named, entry["source"], limits)


def verify(output_dir: Path, pack_ids: list[str] | None = None, limits: Limits | None = None) -> VerifyReport:
    """Re-extract the named packs (default: every pack in the manifest) and compare with the publication."""
    manifest = load_manifest(output_dir)
    if manifest is None:
        raise VerifyUsageError(f"{output_dir / MANIFEST} does not exist: not a folder `scrutiny run` published into")
    entries = {p["pack_id"]: p for p in manifest.get("packs", [])}
    unknown = [p for p in pack_ids or [] if p not in entries]
    if unknown:
        raise VerifyUsageError(f"not in the manifest: {', '.join(unknown)}")
    # A version superseded by a newer one is kept in the revisions history, not in the datasets.
    current = {p for p, e in entries.items() if not e.get("superseded_by")}
    superseded = [p for p in pack_ids or [] if p not in current]
    if superseded:
        raise VerifyUsageError(f"superseded by a newer version, so not in the datasets: {', '.join(superseded)}")
    wanted = list(pack_ids or sorted(current))
    report = VerifyReport(wanted, file_problems=check_file_hashes(output_dir, manifest))
    if (manifest.get("extractor_version"), manifest.get("contract_version")) != (EXTRACTOR_VERSION, CONTRACT_VERSION):
        report.notes.append(
            f"published with extractor {manifest.get('extractor_version')} and contract {manifest.get('contract_version')}; "
            f"this is extractor {EXTRACTOR_VERSION} and contract {CONTRACT_VERSION}: differences may come from the versions"
        )
    extracted = []
    for pack_id in wanted:
        entry = entries[pack_id]
        path = find_pack(entry["sha256"], entry.get("sources") or [entry.get("source", "")])
        if path is None:
            report.missing_sources.append(f"{pack_id}: no stored copy or source with SHA-256 {entry['sha256']} ({entry.get('source')})")
            continue
        try:
            extracted.append(_extract_as_published(path, entry, _published_file_name(output_dir, pack_id), limits or Limits()))
        except PackError as exc:
            report.failed.append(f"{pack_id}: {exc}")
    if not extracted:
        return report
    packs = {e.pack_id for e in extracted}
    frames = {n: pd.concat([e.frames[n] for e in extracted], ignore_index=True) if extracted else make_frame(n) for n in DATASETS}
    checked = gate(frames)
    add_rejected(checked, [e.rejected for e in extracted])
    published = in_contract_order(checked.published)
    quarantined = in_contract_order(checked.quarantined)
    # Derived datasets span every pack: they can be re-derived only from all of them.
    whole = packs == current and not report.failed
    if whole:
        add_history(published, quarantined, checked)
    else:
        report.notes.append(f"derived datasets ({', '.join(DERIVED)}) are compared only when every pack is verified")
    for name, ds in DATASETS.items():
        if name in DERIVED and not whole:
            continue
        header, old = _published_rows(output_dir / f"{name}.csv", packs)
        new = _extracted_rows(csv_bytes(to_arrow(name, published[name])))
        report.diffs.append(compare_rows(f"{name}.csv", header or ds.column_names, old, new, list(ds.key)))
        qtable, reasons = quarantine_table(name, quarantined[name])
        qheader, qold = _published_rows(output_dir / QUARANTINE / f"{name}.csv", packs)
        qnew = _extracted_rows(csv_bytes(qtable, {"reasons": reasons}))
        report.diffs.append(compare_rows(f"{QUARANTINE}/{name}.csv", qheader or [*ds.column_names, "reasons"], qold, qnew, []))
    return report
