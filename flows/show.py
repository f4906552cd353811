"""Draw what was read from one page: every table, row and cell box of the provenance files, labelled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flows.publish import BOX_COLUMNS, load_manifest, load_provenance
from flows.pack_copies import find_pack
from schemas.contract import DATASETS

SCALE = 2.0  # pixels per PDF point
# One outline colour per dataset, in contract order (RGB).
PALETTE = [(214, 39, 40), (31, 119, 180), (44, 160, 44), (148, 103, 189), (255, 127, 14), (23, 190, 207), (227, 119, 194), (140, 86, 75)]


class ShowError(ValueError):
    """The pack, its source PDF or the page cannot be found."""


@dataclass
class Drawn:
    """What `render_page` drew."""

    path: Path
    rows: dict[str, int]
    cells: int


def _row_label(name: str, row: pd.Series) -> str:
    ds = DATASETS[name]
    columns = [c for c in ds.key if c != "pack_id"] or ["row_index"]
    return f"{name} " + ", ".join(f"{c}={row[c]}" for c in columns if not pd.isna(row[c]))  # a null key part says nothing


def _label(draw, at: tuple[float, float], text: str, colour: tuple[int, int, int], font) -> None:
    """Text on a white ground, so a label stays readable over the page."""
    box = draw.textbbox(at, text, font=font)
    draw.rectangle((box[0] - 2, box[1] - 1, box[2] + 2, box[3] + 1), fill=(255, 255, 255))
    draw.text(at, text, fill=colour, font=font)


def page_boxes(output_dir: Path, pack_id: str, page: int) -> dict[str, pd.DataFrame]:
    """Per dataset, the provenance boxes drawn on `page` of the pack."""
    found = {}
    for name, frame in load_provenance(output_dir).items():
        here = frame[(frame["pack_id"] == pack_id) & (frame["page"] == page)]
        if len(here):
            found[name] = here
    return found


def render_page(output_dir: Path, pack_id: str, page: int, out: Path) -> Drawn:
    """Render `page` of the published pack with its tables, rows and cells outlined and labelled, as PNG."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw, ImageFont

    manifest = load_manifest(output_dir)
    if manifest is None:
        raise ShowError(f"{output_dir} has no manifest.json: not a folder `scrutiny run` published into")
    entry = next((p for p in manifest.get("packs", []) if p["pack_id"] == pack_id), None)
    if entry is None:
        raise ShowError(f"pack {pack_id} is not in {output_dir}'s manifest")
    source = find_pack(entry["sha256"], entry.get("sources") or [entry.get("source", "")])
    if source is None:
        raise ShowError(f"the PDF of pack {pack_id} (SHA-256 {entry['sha256']}) is neither stored nor at its recorded source")
    pdf = pdfium.PdfDocument(str(source))
    try:
        if not 1 <= page <= len(pdf):
            raise ShowError(f"pack {pack_id} has pages 1-{len(pdf)}, not {page}")
        image = pdf[page - 1].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        pdf.close()
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    boxes = page_boxes(output_dir, pack_id, page)
    rows: dict[str, int] = {}
    cells = 0
    for name, frame in boxes.items():
        colour = PALETTE[list(DATASETS).index(name) % len(PALETTE)]
        scaled = frame.assign(**{c: frame[c] * SCALE for c in ("x0", "top", "x1", "bottom")})
        # The table: everything read from this page for the dataset.
        draw.rectangle((scaled["x0"].min() - 4, scaled["top"].min() - 4, scaled["x1"].max() + 4, scaled["bottom"].max() + 4), outline=colour, width=4)
        _label(draw, (scaled["x0"].min(), max(0, scaled["top"].min() - 16)), name, colour, font)
        ident = [c for c in frame.columns if c not in BOX_COLUMNS]
        for _, row in scaled.groupby(ident, dropna=False, sort=False):
            draw.rectangle((row["x0"].min(), row["top"].min(), row["x1"].max(), row["bottom"].max()), outline=colour, width=2)
            _label(draw, (row["x0"].min() + 3, row["top"].min() + 2), _row_label(name, row.iloc[0]), colour, font)
            rows[name] = rows.get(name, 0) + 1
        for box in scaled.itertuples():
            draw.rectangle((box.x0 + 2, box.top + 2, box.x1 - 2, box.bottom - 2), outline=colour, width=1)
            cells += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="PNG")
    return Drawn(out, rows, cells)
