"""Pulling from a ModernGov site: the web service's real shape and quirks, politeness and failure handling."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from flows.config import ConfigError, SiteOptions, parse_config
from flows.moderngov import ModernGovClient, clean_text, parse_documents_page, parse_uk_date
from flows.pull import pull_site, pull_sites
from flows.store import Store
from tests.conftest import KENT
from tests.fake_moderngov import FakeDocument, FakeMeeting, FakeServer, FakeSite

TODAY = dt.date.today()
CABINET_AGENDA = KENT / "cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
COUNCIL_AGENDA = KENT / "full_council/2025-03-13/originals/Agenda frontsheet 13th-Mar-2025 10.00 County Council.pdf"
FAST = dict(timeout=2.0, retries=3, backoff=0.01, requests_per_second=200.0)


def kent_site() -> FakeSite:
    """A scrutiny committee with one meeting in the window and one long ago, and a planning committee."""
    agenda = FakeDocument("Agenda frontsheet", "documents/g9001/Agenda frontsheet 9001.pdf", CABINET_AGENDA.read_bytes())
    secret = FakeDocument("Printed minutes", "documents/g9001/Exempt minutes.pdf", b"%PDF-1.4 exempt", restricted=True)
    old = FakeDocument("Agenda frontsheet", "documents/g9002/Agenda frontsheet 9002.pdf", COUNCIL_AGENDA.read_bytes())
    planning = FakeDocument("Public reports pack", "documents/g9101/Public reports pack 9101.pdf", COUNCIL_AGENDA.read_bytes())
    return FakeSite(
        committees={1: "Children & Young People Scrutiny Committee", 2: "Planning Committee"},
        meetings=[
            FakeMeeting(9001, 1, TODAY - dt.timedelta(days=7), [agenda, secret]),
            FakeMeeting(9002, 1, TODAY - dt.timedelta(days=400), [old]),
            FakeMeeting(9101, 2, TODAY - dt.timedelta(days=7), [planning]),
        ],
        title="Browse meetings - Kent County Council",
    )


@pytest.fixture()
def server():
    started = []

    def start(site: FakeSite) -> FakeServer:
        started.append(FakeServer(site).start())
        return started[-1]

    yield start
    for s in started:
        s.stop()


def test_first_pull_takes_matching_committees_in_the_window_only(server, tmp_path):
    fake = server(kent_site())
    fake.site.meetings[0].foreign_links = [f"http://localhost:{fake.url.rsplit(':', 1)[1]}/documents/elsewhere/pack.pdf"]
    site = SiteOptions(fake.url, committee="scrutiny", **FAST)
    with Store(tmp_path / "store") as store:
        report = pull_site(site, store)
        entries = store.entries()
    assert report.ok, report.error
    assert [d.status for d in report.documents] == ["new"]
    assert fake.site.fetched() == ["/documents/g9001/Agenda frontsheet 9001.pdf"], "only the scrutiny meeting in the window"
    (entry,) = entries
    assert entry.source.source_id == f"{site.name}/meeting/9001/agenda-frontsheet"
    assert entry.source.committee == "Children & Young People Scrutiny Committee", "decoded twice"
    assert entry.source.council == "Kent"
    assert entry.source.meeting_date == TODAY - dt.timedelta(days=7)
    assert (tmp_path / "store" / f"{entry.sha256}.pdf").read_bytes() == CABINET_AGENDA.read_bytes()
    assert any("another host" in note and "elsewhere/pack.pdf" in note for note in report.notes)
    assert not any("elsewhere" in path for _, path in fake.site.requests)
    asked = [p for m, p in fake.site.requests if "GetMeetings" in p]
    assert any("sFromDate=" + (TODAY - dt.timedelta(weeks=8)).strftime("%d%%2F%m%%2F%Y") in p for p in asked)


def test_second_pull_rechecks_with_head_and_fetches_nothing(server, tmp_path):
    fake = server(kent_site())
    site = SiteOptions(fake.url, committee="Scrutiny", **FAST)
    with Store(tmp_path / "store") as store:
        pull_site(site, store)
        fake.site.requests.clear()
        again = pull_site(site, store)
        (entry,) = store.entries()
    assert [d.status for d in again.documents] == ["unchanged"]
    assert fake.site.fetched("GET") == []
    assert fake.site.fetched("HEAD") == ["/documents/g9001/Agenda frontsheet 9001.pdf"]
    assert entry.first_seen <= entry.last_seen


def test_a_republished_document_is_fetched_again_and_keeps_both_versions(server, tmp_path):
    fake = server(kent_site())
    site = SiteOptions(fake.url, committee="Scrutiny", **FAST)
    with Store(tmp_path / "store") as store:
        first = pull_site(site, store).documents[0]
        fake.site.meetings[0].documents[0].data = COUNCIL_AGENDA.read_bytes()
        second = pull_site(site, store).documents[0]
        versions = store.versions(first.source.source_id)
    assert second.status == "changed" and second.previous_sha256 == first.sha256
    assert [v.sha256 for v in versions] == [first.sha256, second.sha256]
    assert (tmp_path / "store" / f"{first.sha256}.pdf").exists(), "the previous version stays in the store"


def test_settled_meetings_are_not_rechecked(server, tmp_path):
    fake = server(kent_site())
    site = SiteOptions(fake.url, committee="Scrutiny", settle_days=3, **FAST)
    with Store(tmp_path / "store") as store:
        pull_site(site, store)
        fake.site.requests.clear()
        report = pull_site(site, store)
    assert report.documents == []
    assert not any("GetMeeting?" in p or p.endswith(".pdf") for _, p in fake.site.requests)


def test_500_twice_then_200_is_retried(server, tmp_path):
    fake = server(kent_site())
    fake.site.fail_first = 2
    with Store(tmp_path / "store") as store:
        report = pull_site(SiteOptions(fake.url, committee="Scrutiny", **FAST), store)
    assert report.ok, report.error
    assert [p for _, p in fake.site.requests[:3]] == ["/mgWebService.asmx/GetCommittees?"] * 3
    assert [d.status for d in report.documents] == ["new"]


def test_a_hanging_site_times_out_and_is_reported_while_the_others_complete(server, tmp_path):
    good = server(kent_site())
    hanging = server(FakeSite(committees={1: "Scrutiny"}, hang_seconds=3.0))
    sites = [SiteOptions(hanging.url, timeout=0.3, retries=1, backoff=0.01), SiteOptions(good.url, committee="Scrutiny", **FAST)]
    with Store(tmp_path / "store") as store:
        slow, ok = pull_sites(sites, store)
    assert "timed out after 0.3 s (2 attempts)" in slow.error
    assert not slow.ok
    assert ok.ok and [d.status for d in ok.documents] == ["new"]


def test_a_site_behind_a_firewall_is_reported_blocked_without_retrying(server, tmp_path):
    fake = server(FakeSite(committees={1: "Scrutiny"}, blocked=True))
    with Store(tmp_path / "store") as store:
        report = pull_site(SiteOptions(fake.url, **FAST), store)
    assert report.blocked_status == 403
    assert "blocked" in report.error and "HTTP 403" in report.error
    assert len(fake.site.requests) == 1


def test_links_stay_on_the_configured_host_and_http_becomes_https():
    client = ModernGovClient(SiteOptions("https://democracy.example.gov.uk/"))
    assert client.resolve("http://democracy.example.gov.uk/documents/g1/Pack.pdf?T=10") == (
        "https://democracy.example.gov.uk/documents/g1/Pack.pdf?T=10"
    )
    assert client.resolve("documents/g1/Pack.pdf") == "https://democracy.example.gov.uk/documents/g1/Pack.pdf"
    assert client.resolve("https://evil.example.com/documents/g1/Pack.pdf") is None
    assert client.resolve("https://democracy.example.gov.uk:8443/x.pdf") is None
    assert client.resolve("javascript:alert(1)") is None
    client.close()


def test_text_encoded_twice_and_uk_dates():
    assert clean_text("Children &amp;amp; Young People") == "Children & Young People"
    assert parse_uk_date("05/03/2025") == dt.date(2025, 3, 5)
    assert parse_uk_date("31/02/2025") is None


def test_documents_page_links_are_the_packs_minutes_and_supplements():
    page = (
        '<a href="documents/g9/Public reports pack.pdf?T=10">Public reports pack PDF 2 MB</a>'
        '<a href="documents/g9/Printed minutes.pdf?T=1">Printed minutes PDF 300 KB</a>'
        '<a href="documents/b9/Supplementary agenda 1.pdf?T=9">Supplementary agenda 1 PDF 90 KB</a>'
        '<a href="documents/s5/Report.pdf">Budget monitoring report PDF 1 MB</a>'
        '<a href="mgIssueHistoryHome.aspx?IId=1">Public reports pack</a>'
    )
    assert [link.title for link in parse_documents_page(page)] == ["Public reports pack", "Printed minutes", "Supplementary agenda 1"]


def test_an_xml_bomb_is_refused(server, tmp_path):
    from flows.moderngov import SiteError, parse_xml

    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><committees>&b;</committees>'
    with pytest.raises(SiteError):
        parse_xml(bomb)


def test_config_is_checked_strictly():
    good = parse_config({"sites": [{"url": "https://democracy.example.gov.uk", "committee": "Scrutiny", "weeks_back": 4}]})
    assert good.sites[0].weeks_back == 4
    with pytest.raises(ConfigError, match=r"sites\[0\]: unknown key 'comittee'"):
        parse_config({"sites": [{"url": "https://democracy.example.gov.uk", "comittee": "Scrutiny"}]})
    with pytest.raises(ConfigError, match="unknown key 'site'"):
        parse_config({"site": []})
    with pytest.raises(ConfigError, match=r"sites\[0\].weeks_back: expected int"):
        parse_config({"sites": [{"url": "https://democracy.example.gov.uk", "weeks_back": "four"}]})
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        parse_config({"sites": [{"url": "https://democracy.example.gov.uk", "committee": "("}]})


def test_serve_deploys_the_scheduled_flow_with_the_config_and_cron(tmp_path, monkeypatch):
    from flows import scheduled
    from tests.conftest import run_cli

    calls = []
    monkeypatch.setattr(scheduled.scheduled_run, "serve", lambda **kw: calls.append(kw), raising=False)
    config = tmp_path / "councils.yaml"
    config.write_text("sites:\n  - url: https://democracy.example.gov.uk\n    committee: Scrutiny\n")
    result = run_cli("serve", "--config", str(config), "--cron", "0 6 * * 1-5")
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["cron"] == "0 6 * * 1-5" and call["name"] == "scrutiny-councils"
    assert call["parameters"] == {"config_path": str(config.absolute())}

    config.write_text("sites:\n  - url: https://democracy.example.gov.uk\n    cron: daily\n")
    refused = run_cli("serve", "--config", str(config))
    assert refused.exit_code == 2 and "'cron'" in refused.output


def test_a_folder_input_skips_the_pull_store_inside_it(tmp_path):
    from flows.inputs import resolve_inputs

    (tmp_path / "pack.pdf").write_bytes(CABINET_AGENDA.read_bytes())
    with Store(tmp_path / "store") as store:
        store.put_stream([COUNCIL_AGENDA.read_bytes()], 10**8)
    packs, _ = resolve_inputs([str(tmp_path)])
    assert [p.file_name for p in packs] == ["pack.pdf"]


def test_redirects_are_followed_on_the_site_only():
    import httpx

    from flows.moderngov import SiteError

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old.pdf":
            return httpx.Response(302, headers={"location": "/documents/new.pdf"})
        if request.url.path == "/away.pdf":
            return httpx.Response(302, headers={"location": "https://elsewhere.example.com/pack.pdf"})
        return httpx.Response(200, content=b"%PDF-1.4 moved")

    with ModernGovClient(SiteOptions("https://democracy.example.gov.uk", **FAST), httpx.MockTransport(answer)) as client:
        assert b"".join(client.download("https://democracy.example.gov.uk/old.pdf")) == b"%PDF-1.4 moved"
        with pytest.raises(SiteError, match="refused a redirect .* to another host"):
            b"".join(client.download("https://democracy.example.gov.uk/away.pdf"))


def test_the_documents_page_of_a_meeting_with_nothing_published_is_not_asked_for(server, tmp_path):
    fake = server(kent_site())
    fake.site.meetings[0].agenda_published = False
    with Store(tmp_path / "store") as store:
        report = pull_site(SiteOptions(fake.url, committee="Scrutiny", **FAST), store)
    assert not any(p.startswith("/ieListDocuments.aspx") for _, p in fake.site.requests)
    # GetMeeting's own linked documents are still taken.
    assert [d.status for d in report.documents] == ["new"]


def test_pages_refused_to_scripts_leave_the_web_service_links(server, tmp_path):
    fake = server(kent_site())
    fake.site.pages_blocked = True
    with Store(tmp_path / "store") as store:
        report = pull_site(SiteOptions(fake.url, committee="Scrutiny", **FAST), store)
        (entry,) = store.entries()
    assert report.ok and [d.status for d in report.documents] == ["new"]
    assert any("documents page of meeting 9001" in note and "HTTP 403" in note for note in report.notes)
    assert entry.source.council is None, "the site's title page was refused too, and no council was configured"


def test_a_redirect_loop_is_refused_and_a_connection_dropped_mid_answer_retried():
    import httpx

    from flows.moderngov import SiteError

    drops = {"left": 1}

    class Dropping(httpx.SyncByteStream):
        def __iter__(self):
            yield b"<committees><committee><committeeid>1</committeeid>"
            if drops["left"]:
                drops["left"] -= 1
                raise httpx.ReadError("connection reset by peer")
            yield b"<committeetitle>Scrutiny</committeetitle></committee></committees>"

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/loop":
            return httpx.Response(302, headers={"location": "/loop"})
        return httpx.Response(200, stream=Dropping())

    with ModernGovClient(SiteOptions("https://democracy.example.gov.uk", **FAST), httpx.MockTransport(answer)) as client:
        with pytest.raises(SiteError, match="more than 5 redirects"):
            b"".join(client.download("https://democracy.example.gov.uk/loop"))
        assert [c.title for c in client.committees()] == ["Scrutiny"], "a reset mid-answer is retried"
        drops["left"] = 10
        with pytest.raises(SiteError, match=r"connection dropped mid-answer \(connection reset by peer\) \(4 attempts\)"):
            client.committees()


def test_a_meeting_the_site_cannot_answer_for_is_reported_and_the_others_are_pulled(server, tmp_path):
    site = kent_site()
    extra = FakeDocument("Public reports pack", "documents/g9004/Public reports pack.pdf", COUNCIL_AGENDA.read_bytes())
    site.meetings.append(FakeMeeting(9004, 1, TODAY - dt.timedelta(days=2), [extra]))
    site.broken_meetings = {9001}
    fake = server(site)
    with Store(tmp_path / "store") as store:
        report = pull_site(SiteOptions(fake.url, committee="Scrutiny", **FAST), store)
    assert not report.ok and report.error is None
    assert report.meeting_errors == [f"meeting 9001: HTTP 500 (4 attempts): {fake.url}/mgWebService.asmx/GetMeeting?lMeetingId=9001"]
    assert [d.source.meeting_id for d in report.documents] == ["9004"]


def test_a_new_store_opened_by_several_pulls_at_once_opens_for_all(tmp_path):
    """Parallel site pulls create the catalog together; none may fail with 'database is locked'."""
    errors: list[Exception] = []
    for round_ in range(40):
        root = tmp_path / f"store{round_}"
        barrier = threading.Barrier(6)

        def open_store() -> None:
            barrier.wait()
            try:
                with Store(root) as store:
                    store.entries("any")
            except Exception as error:  # noqa: BLE001 - the test collects every failure
                errors.append(error)

        threads = [threading.Thread(target=open_store) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
