"""The README's worked questions run, in DuckDB SQL and in pandas, and agree, on generated packs."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest

from flows.database import build_database, connect
from flows.history import derive
from flows.publish import write_tree
from schemas.contract import DATASETS
from schemas.frames import make_frame
from tests.conftest import ROOT
from tests.history_packs import published_rows

PLAN = "testshire/improvement plan/"
EXPECTED_KEYS = [
    ["testshire/average caseload per social worker", "testshire/CIN16A", "testshire/FD2"],
    ["testshire/FD2"],
    [PLAN + "1.2", PLAN + "2.1"],
]


def questions() -> list[tuple[str, str, str]]:
    """(question, SQL, Python) for each numbered question of the README's "Analysing the data"."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Analysing the data", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"^\d+\. (.+?)\n\n```sql\n(.+?)```\n\n```python\n(.+?)```", section, re.M | re.S)
    return found


def plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("analysis")
    rows = published_rows()
    frames = {**rows, **derive(rows)[0]}
    write_tree(root / "outputs", frames, {name: make_frame(name).assign(reasons=[]) for name in DATASETS})
    build_database(root / "outputs")
    return root


def test_the_readme_has_three_worked_questions():
    assert len(questions()) == 3


@pytest.mark.parametrize("number", range(3))
def test_each_question_gives_the_same_answer_in_sql_and_pandas(outputs, monkeypatch, number):
    _, sql, python = questions()[number]
    with connect(outputs / "outputs") as con:
        from_sql = [tuple(plain(v) for v in row) for row in con.execute(sql).fetchall()]
    monkeypatch.chdir(outputs)
    scope: dict[str, object] = {}
    exec(compile(python, f"README question {number + 1}", "exec"), scope)
    answer = scope["answer"]
    from_pandas = [tuple(plain(v) for v in row) for row in answer.itertuples(index=False)]
    assert from_sql == from_pandas
    assert [row[0] for row in from_sql] == EXPECTED_KEYS[number]
    assert all(not isinstance(v, dt.datetime) for row in from_sql for v in row)
