"""Check a run's publication: this run's rows with those kept from earlier runs, then the history.

Plain functions over frames (no Prefect), so that they can run in the validation process
(`flows.validation_process`), where Great Expectations is already imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flows.history import DERIVED, add_history
from flows.publish import in_contract_order, load_published, scratch_dir
from flows.validate import SUMMARY, GateResult, add_rejected, gate, validation_summary
from schemas.contract import DATASETS
from schemas.frames import make_frame


@dataclass
class CheckedPublication:
    """What the gate decided for every row the publication will hold, ready to publish."""

    checked: GateResult
    # Rows published and quarantined per dataset for the packs extracted in this run.
    this_run: dict
    # Every dataset, derived ones included, in the contract's column order.
    published: dict[str, pd.DataFrame]
    quarantined: dict[str, pd.DataFrame]
    # How the derived history datasets matched rows across packs (for the manifest).
    history: dict


def check_publication(
    fresh: list[tuple[str, dict[str, pd.DataFrame], dict[str, pd.DataFrame]]], output_dir: Path, superseded: set[str]
) -> CheckedPublication:
    """Gate this run's rows and those kept from `output_dir`, then derive and gate the history datasets.

    `fresh` holds (pack_id, frames, rejected rows) per pack extracted in this run. Rows of packs
    superseded by a newer version are not kept: the datasets hold the latest version of each
    source document, the revisions history keeps every one. GX results and Data Docs go beside
    the output, to be swapped in with it.
    """
    previous, previous_quarantine = load_published(output_dir)
    replaced = {pack_id for pack_id, _, _ in fresh}
    _drop_superseded(previous, previous_quarantine, superseded)
    kept = {name: f[~f["pack_id"].isin(replaced)] if len(f) else f for name, f in previous.items() if name not in DERIVED}
    frames = {}
    for name in DATASETS:
        if name in DERIVED:  # recomputed from the published rows by add_history
            frames[name] = make_frame(name)
            continue
        parts = [f for f in (kept[name], *(pack_frames[name] for _, pack_frames, _ in fresh)) if len(f)]
        frames[name] = pd.concat([p.astype(object) for p in parts], ignore_index=True) if parts else make_frame(name)
    report_dir = scratch_dir(output_dir, "validation")
    checked = gate(frames, report_dir=report_dir)
    add_rejected(checked, [rejected for _, _, rejected in fresh])
    this_run = _this_run_summary(checked, replaced)
    # Rows quarantined in earlier runs stay quarantined with their reasons, and are counted.
    for name, old in previous_quarantine.items():
        if name in DERIVED:
            continue
        carried = old[~old["pack_id"].isin(replaced)] if len(old) else old
        if len(carried):
            checked.quarantined[name] = pd.concat([checked.quarantined[name].astype(object), carried.astype(object)], ignore_index=True)
            summary = checked.summary.setdefault(name, {})
            summary["rows_quarantined_earlier"] = len(carried)
            summary["rows_quarantined"] = int(summary.get("rows_quarantined", 0)) + len(carried)
    (report_dir / SUMMARY).write_text(json.dumps(validation_summary(checked.summary), indent=2) + "\n")
    published = in_contract_order(checked.published)
    quarantined = in_contract_order(checked.quarantined)
    history = add_history(published, quarantined, checked)
    return CheckedPublication(checked, this_run, published, quarantined, history)


def _this_run_summary(checked: GateResult, packs: set[str]) -> dict:
    """Rows published and quarantined per dataset for the packs extracted in this run."""
    datasets = {}
    for name in DATASETS:
        published = int(checked.published[name]["pack_id"].isin(packs).sum()) if len(checked.published[name]) else 0
        quarantined = int(checked.quarantined[name]["pack_id"].isin(packs).sum()) if len(checked.quarantined[name]) else 0
        datasets[name] = {"rows_published": published, "rows_quarantined": quarantined}
    return {"packs_extracted": sorted(packs), "datasets": datasets}


def _drop_superseded(published: dict[str, pd.DataFrame], quarantined: dict[str, pd.DataFrame], superseded: set[str]) -> None:
    """The datasets hold the latest version of each source document; the revisions history keeps every one."""
    for frames in (published, quarantined):
        for name, frame in frames.items():
            if name != "revisions" and len(frame):
                frames[name] = frame[~frame["pack_id"].isin(superseded)].reset_index(drop=True)
