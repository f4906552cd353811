"""A fake ModernGov site on 127.0.0.1, answering like real installs do.

The XML follows the real `mgWebService.asmx` answers (GetCommittees: committees/committee with
committeeid and committeetitle; GetMeetings: getmeetings/committee/committeemeetings/meeting with
meetingid and meetingdate as dd/mm/yyyy; GetMeeting: meeting with agendapublished, minutepublished
and agendaitems/agendaitem with agendaitemtitle, isrestricted and linkeddocuments/linkeddoc holding
attachmentid, title, url and isrestricted), including real quirks: GetMeetings ignores the dates
asked for and returns the whole history, titles are HTML-encoded twice, and document URLs are
absolute. Documents are served from `documents/...` paths with the PDFs' bytes given by the test.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeDocument:
    title: str  # as the documents page and GetMeeting name it ("Agenda frontsheet")
    path: str  # "documents/g9001/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
    data: bytes
    restricted: bool = False


@dataclass
class FakeMeeting:
    id: int
    committee_id: int
    date: dt.date
    documents: list[FakeDocument] = field(default_factory=list)
    # Links GetMeeting lists that point somewhere else (another host): never to be followed.
    foreign_links: list[str] = field(default_factory=list)
    agenda_published: bool = True


@dataclass
class FakeSite:
    """The site's content and behaviour; `requests` logs every (method, path) it was asked for."""

    committees: dict[int, str] = field(default_factory=dict)
    meetings: list[FakeMeeting] = field(default_factory=list)
    title: str = "Browse meetings - Example Borough Council"
    fail_first: int = 0  # answer 500 to this many requests first
    hang_seconds: float = 0.0  # sleep before answering (a hanging server)
    blocked: bool = False  # answer 403 to everything, like a web application firewall
    pages_blocked: bool = False  # answer 403 to the .aspx pages only (the web service stays open)
    broken_meetings: set[int] = field(default_factory=set)  # GetMeeting answers 500 for these, always
    requests: list[tuple[str, str]] = field(default_factory=list)
    base_url: str = ""

    def documents(self) -> dict[str, bytes]:
        return {"/" + d.path: d.data for m in self.meetings for d in m.documents}

    def fetched(self, method: str = "GET", suffix: str = ".pdf") -> list[str]:
        return [urllib.parse.unquote(p.split("?")[0]) for m, p in self.requests if m == method and p.split("?")[0].endswith(suffix)]


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _twice(text: str) -> str:
    """HTML-encode text twice, as some installs do ("&amp;amp;")."""
    return _e(_e(text))


def committees_xml(site: FakeSite) -> str:
    items = "".join(
        f"<committee><committeeid>{cid}</committeeid><committeetitle>{_twice(title)}</committeetitle>"
        f"<committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>"
        for cid, title in site.committees.items()
    )
    return f'<?xml version="1.0" encoding="utf-8"?><committees>{items}</committees>'


def meetings_xml(site: FakeSite, committee_id: int) -> str:
    # Like many real installs, the dates asked for are ignored: the committee's whole history comes back.
    items = "".join(
        f"<meeting><meetingid>{m.id}</meetingid><meetingdate>{m.date:%d/%m/%Y}</meetingdate>"
        f"<meetingtime>10:00</meetingtime><meetingstatus>Agenda published</meetingstatus></meeting>"
        for m in site.meetings
        if m.committee_id == committee_id
    )
    title = _twice(site.committees.get(committee_id, ""))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><getmeetings><committee><committeeid>{committee_id}</committeeid>'
        f"<committeetitle>{title}</committeetitle><committeemeetings>{items}</committeemeetings></committee></getmeetings>"
    )


def meeting_xml(site: FakeSite, meeting: FakeMeeting) -> str:
    docs = "".join(
        f"<linkeddoc><attachmentid>{7000 + i}</attachmentid><title>{_twice(d.title)}</title>"
        f"<url>{_e(site.base_url + '/' + urllib.parse.quote(d.path))}</url>"
        f"<isrestricted>{d.restricted}</isrestricted></linkeddoc>"
        for i, d in enumerate(meeting.documents)
    )
    foreign = "".join(
        f"<linkeddoc><attachmentid>{8000 + i}</attachmentid><title>Public reports pack</title><url>{_e(url)}</url>"
        f"<isrestricted>False</isrestricted></linkeddoc>"
        for i, url in enumerate(meeting.foreign_links)
    )
    item = (
        "<agendaitem><agendaitemid>1</agendaitemid><agendaitemtitle>Minutes of the previous meeting</agendaitemtitle>"
        "<isrestricted>False</isrestricted><isdisplayallowed>True</isdisplayallowed>"
        f"<fulldisplaynumberformat>1.</fulldisplaynumberformat><linkeddocuments>{docs}{foreign}</linkeddocuments></agendaitem>"
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><getmeeting><meeting><meetingid>{meeting.id}</meetingid>'
        f"<committeeid>{meeting.committee_id}</committeeid><meetingdate>{meeting.date:%d/%m/%Y}</meetingdate>"
        f"<meetingtime>10:00</meetingtime><agendapublished>{meeting.agenda_published}</agendapublished><decisionpublished>False</decisionpublished>"
        f"<minutepublished>False</minutepublished><agendaitems>{item}</agendaitems></meeting></getmeeting>"
    )


def documents_page(site: FakeSite, meeting: FakeMeeting) -> str:
    links = "".join(
        f'<li><a href="{_e(urllib.parse.quote(d.path))}?T=10" title="Link to document \'{_e(d.title)}\'">{_e(d.title)} PDF {len(d.data) // 1024} KB</a></li>'
        for d in meeting.documents
        if not d.restricted
    )
    return f"<html><head><title>Agenda - {_e(site.title)}</title></head><body><ul>{links}</ul></body></html>"


class _Handler(BaseHTTPRequestHandler):
    site: FakeSite  # set on a subclass per server

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_HEAD(self) -> None:  # noqa: N802 (http.server hook)
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802 (http.server hook)
        self._answer(head=False)

    def _send(self, status: int, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _answer(self, head: bool) -> None:
        site = self.site
        site.requests.append(("HEAD" if head else "GET", self.path))
        if site.hang_seconds:
            time.sleep(site.hang_seconds)
        if site.blocked or (site.pages_blocked and ".aspx" in self.path):
            return self._send(403, b"<html>Request blocked</html>", "text/html", head)
        if site.fail_first > 0:
            site.fail_first -= 1
            return self._send(500, b"Server Error", "text/html", head)
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        path = urllib.parse.unquote(parts.path)
        meetings = {m.id: m for m in site.meetings}
        if path == "/mgWebService.asmx/GetCommittees":
            return self._send(200, committees_xml(site).encode(), "text/xml", head)
        if path == "/mgWebService.asmx/GetMeetings":
            return self._send(200, meetings_xml(site, int(query["lCommitteeId"])).encode(), "text/xml", head)
        if path == "/mgWebService.asmx/GetMeeting" and int(query.get("lMeetingId", 0)) in site.broken_meetings:
            return self._send(500, b"Server Error", "text/html", head)
        if path == "/mgWebService.asmx/GetMeeting" and int(query.get("lMeetingId", 0)) in meetings:
            return self._send(200, meeting_xml(site, meetings[int(query["lMeetingId"])]).encode(), "text/xml", head)
        if path == "/ieListDocuments.aspx" and int(query.get("MId", 0)) in meetings:
            return self._send(200, documents_page(site, meetings[int(query["MId"])]).encode(), "text/html", head)
        if path == "/mgListCommittees.aspx":
            return self._send(200, f"<html><head><title>{_e(site.title)}</title></head></html>".encode(), "text/html", head)
        if path in site.documents():
            return self._send(200, site.documents()[path], "application/pdf", head)
        return self._send(404, b"Not found", "text/html", head)


class FakeServer:
    """Serve a FakeSite on 127.0.0.1 (an ephemeral port) in a thread; stop() shuts it down."""

    def __init__(self, site: FakeSite) -> None:
        handler = type("Handler", (_Handler,), {"site": site})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.site = site
        site.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return self.site.base_url

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
