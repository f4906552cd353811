"""`scrutiny run` on ModernGov sites: pull, extract and publish what is new; record re-published packs."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import pytest

from tests.conftest import KENT, run_cli
from tests.fake_moderngov import FakeDocument, FakeMeeting, FakeServer, FakeSite
from tests.test_moderngov import CABINET_AGENDA, COUNCIL_AGENDA

TODAY = dt.date.today()
PACK_13_MAR = KENT / "cabinet/2025-03-13/public_packs/Public reports pack 13th-Mar-2025 15.00 Cabinet.pdf"


def _pack_id(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _rows(path) -> list[dict]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Three scheduled runs against a fake site (and one that hangs): first, again unchanged, after a re-publish."""
    tmp = tmp_path_factory.mktemp("moderngov")
    site = FakeSite(
        committees={1: "Children & Young People Scrutiny Committee", 2: "Planning Committee"},
        meetings=[
            FakeMeeting(9001, 1, TODAY - dt.timedelta(days=7), [FakeDocument("Agenda frontsheet", "documents/g9001/Agenda frontsheet.pdf", CABINET_AGENDA.read_bytes())]),
            FakeMeeting(9003, 1, TODAY + dt.timedelta(days=7), [FakeDocument("Public reports pack", "documents/g9003/Public reports pack.pdf", PACK_13_MAR.read_bytes())]),
            FakeMeeting(9101, 2, TODAY - dt.timedelta(days=3), [FakeDocument("Public reports pack", "documents/g9101/Planning pack.pdf", COUNCIL_AGENDA.read_bytes())]),
        ],
        title="Browse meetings - Kent County Council",
    )
    good, hanging = FakeServer(site).start(), FakeServer(FakeSite(committees={1: "Scrutiny"}, hang_seconds=3.0)).start()
    store, out = tmp / "store", tmp / "outputs"
    config = tmp / "councils.yaml"
    config.write_text(
        f"store: {store}\noutput: {out}\n"
        "defaults:\n  requests_per_second: 100\n  backoff: 0.01\n"
        f"sites:\n  - url: {good.url}\n    committee: Scrutiny\n    council: Kent County Council\n"
        f"  - url: {hanging.url}\n    timeout: 0.3\n    retries: 1\n"
    )
    try:
        first = run_cli("run", "--config", str(config))
        after_first = json.loads((out / "manifest.json").read_text())
        packs_first = _rows(out / "packs.csv")
        site.requests.clear()
        second = run_cli("run", "--config", str(config))
        second_requests = list(site.requests)
        after_second = json.loads((out / "manifest.json").read_text())
        site.meetings[0].documents[0].data = COUNCIL_AGENDA.read_bytes()
        third = run_cli("run", "--moderngov", good.url, "--committee", "Scrutiny", "--store", str(store), "--output", str(out))
    finally:
        good.stop()
        hanging.stop()
    return {
        "site": site, "url": good.url, "store": store, "out": out, "first": first, "second": second, "third": third,
        "after_first": after_first, "packs_first": packs_first, "after_second": after_second, "second_requests": second_requests,
    }


def test_first_run_publishes_the_matching_committees_packs_only(scenario):
    packs = scenario["packs_first"]
    assert sorted(p["pack_id"] for p in packs) == sorted([_pack_id(CABINET_AGENDA), _pack_id(PACK_13_MAR)])
    assert all(p["source"].startswith(scenario["url"] + "/documents/g900") for p in packs)
    assert "Planning pack.pdf" not in " ".join(scenario["site"].fetched())
    first_run = json.loads((scenario["out"] / scenario["after_first"]["last_run"]).read_text())
    assert first_run["packs_ok"] == 2
    agenda = next(p for p in packs if p["pack_id"] == _pack_id(CABINET_AGENDA))
    assert (agenda["council"], agenda["committee"], agenda["meeting_date"]) == ("Kent", "Cabinet", "2025-01-30")


def test_a_hanging_site_is_reported_and_the_run_fails_while_the_other_site_publishes(scenario):
    assert scenario["first"].exit_code == 1
    assert "timed out after 0.3 s" in scenario["first"].output


def test_second_run_fetches_and_extracts_nothing(scenario):
    assert "nothing new" in scenario["second"].output
    assert not [p for m, p in scenario["second_requests"] if m == "GET" and ".pdf" in p]
    assert scenario["after_second"] == scenario["after_first"], "nothing was published again"


def test_a_republished_pack_replaces_the_old_version_and_gets_a_revision_row(scenario):
    out, old, new = scenario["out"], _pack_id(CABINET_AGENDA), _pack_id(COUNCIL_AGENDA)
    assert scenario["third"].exit_code == 0, scenario["third"].output
    (revision,) = _rows(out / "revisions.csv")
    site_name = scenario["url"].split("://", 1)[1]
    assert revision["source_id"] == f"{site_name}/meeting/9001/agenda-frontsheet"
    assert (revision["pack_id"], revision["previous_pack_id"]) == (new, old)
    assert {"packs", "documents", "agenda_items"} <= set(revision["changed_datasets"].split("; "))
    assert revision["detected_at"].endswith("Z") and revision["page"] == ""

    packs = {p["pack_id"]: p for p in _rows(out / "packs.csv")}
    assert set(packs) == {new, _pack_id(PACK_13_MAR)}, "the datasets hold the latest version only"
    assert not [r for r in _rows(out / "agenda_items.csv") if r["pack_id"] == old]
    # The County Council front sheet names its council only in its logo: the site's name fills it.
    assert (packs[new]["council"], packs[new]["committee"]) == ("Kent", "County Council")

    manifest = json.loads((out / "manifest.json").read_text())
    (entry,) = manifest["revisions"]
    assert entry["rows"]["packs"] == {"added": 0, "removed": 0, "changed": 1}
    assert entry["rows"]["agenda_items"]["added"] + entry["rows"]["agenda_items"]["changed"] > 0
    assert next(p for p in manifest["packs"] if p["pack_id"] == old)["superseded_by"] == new
    assert (scenario["store"] / f"{hashlib.sha256(CABINET_AGENDA.read_bytes()).hexdigest()}.pdf").exists()


def test_config_with_an_unknown_key_is_an_error_naming_it(tmp_path):
    config = tmp_path / "councils.yaml"
    config.write_text("sites:\n  - url: https://democracy.example.gov.uk\n    weeks_bak: 4\n")
    result = run_cli("run", "--config", str(config))
    assert result.exit_code == 2
    assert "weeks_bak" in result.output
