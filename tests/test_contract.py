"""The contract in code matches the published contract document, and the data dictionary is current."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from schemas.contract import DATASETS
from schemas.dictionary import render_dictionary
from schemas.frames import make_frame, to_arrow
from tests.conftest import ROOT, SHARED

CONTRACT_MD = SHARED / "spec" / "DATA_CONTRACT.md"


def documented_columns() -> dict[str, list[str]]:
    """Column names per dataset, read from the tables of DATA_CONTRACT.md."""
    sections = re.split(r"^## ", CONTRACT_MD.read_text(), flags=re.M)[1:]
    found: dict[str, list[str]] = {}
    for section in sections:
        name = section.split("\n", 1)[0].strip()
        if name in ("Layout", "manifest.json"):
            continue
        columns: list[str] = []
        for line in section.splitlines():
            if line.startswith("| ") and not line.startswith("| column") and not line.startswith("|---"):
                for cell in line.split("|")[1].split(","):
                    columns.append(cell.strip())
        found[name] = columns
    return found


def test_every_documented_dataset_is_in_the_contract():
    assert set(documented_columns()) == set(DATASETS)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_columns_match_the_document(name):
    documented = documented_columns()[name]
    ours = DATASETS[name].column_names
    assert ours[:2] == ["pack_id", "page"]
    assert sorted(set(ours) - {"pack_id", "page"}) == sorted(set(documented) - {"pack_id", "page"})


def test_types_follow_the_document():
    assert DATASETS["packs"].column("meeting_date").arrow_type == pa.date32()
    assert DATASETS["attendance"].column("is_chair").arrow_type == pa.bool_()
    assert DATASETS["scorecard_values"].column("value").arrow_type == pa.float64()
    assert DATASETS["documents"].column("printed_page_from").arrow_type == pa.int32()
    assert DATASETS["revisions"].column("detected_at").arrow_type == pa.timestamp("us", tz="UTC")


def test_data_dictionary_is_current():
    assert (ROOT / "docs" / "datasets.md").read_text() == render_dictionary(), "run `scrutiny docs`"


def test_unknown_column_raises():
    with pytest.raises(KeyError, match="not in the contract"):
        make_frame("packs", [{"pack_id": "0" * 16, "colour": "red"}])


def test_arrow_conversion_enforces_types():
    frame = make_frame("documents", [{"pack_id": "a" * 16, "page": 3, "doc_index": 0, "kind": "minutes", "page_from": 3, "page_to": 6}])
    table = to_arrow("documents", frame)
    assert table.schema == DATASETS["documents"].arrow_schema
    assert table.column("printed_page_from").to_pylist() == [None]
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        to_arrow("documents", frame.assign(page=["three"]))
