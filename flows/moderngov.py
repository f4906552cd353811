"""A client for ModernGov sites: the `mgWebService.asmx` web service and a meeting's documents page.

The web service answers GetCommittees, GetMeetings (lCommitteeId, sFromDate/sToDate as dd/mm/yyyy)
and GetMeeting (lMeetingId) with plain XML. Real installs differ from the book, and the client
copes: many return a committee's whole history whatever the dates asked (meetings are filtered on
`meetingdate` here), document URLs come back as http:// on https sites, text can be HTML-encoded
twice, and sites behind a web application firewall answer 403 to scripts (the site is reported
blocked rather than retried). XML is parsed with defusedxml; links are followed only on the
configured host; requests are rate-limited per site, bounded in time and retried with backoff on
5xx answers and dropped connections.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree as SafeET

from flows.config import SiteOptions

USER_AGENT = "scrutiny/0.1 (council committee papers to open data; ModernGov client)"
MAX_XML_BYTES = 32 * 1024 * 1024
MAX_PDF_BYTES = 512 * 1024 * 1024
RETRY_STATUSES = {500, 502, 503, 504}
MAX_REDIRECTS = 5
# Meeting-level documents worth pulling, by the title the site gives them. Data, not code: extend freely.
PACK_TITLES = re.compile(
    r"^(public reports? pack|reports pack|agenda (front ?sheet|pack)|printed minutes|minutes|"
    r"supplement(ary)?\b.*|public (agenda )?supplement.*|decisions?)\b",
    re.IGNORECASE,
)
# "Public reports pack PDF 2 MB": the size ModernGov appends to a link's text.
SIZE_SUFFIX = re.compile(r"\s*\bPDF\b\s*[\d.,]+\s*[KMG]?B\s*$", re.IGNORECASE)


class SiteError(Exception):
    """The site could not be read (a timeout, a refused connection, an answer that is not the service's)."""


class SiteUnreachable(SiteError):
    """The site did not answer in time or dropped the connection, after every retry: it is down for now."""


class SiteBlocked(SiteError):
    """The site refuses scripts (usually a web application firewall answering 403)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"blocked: {url} answered HTTP {status} (a firewall refusing scripts?)")
        self.status = status


@dataclass(frozen=True)
class Committee:
    id: str
    title: str


@dataclass(frozen=True)
class Meeting:
    id: str
    committee_id: str
    date: dt.date | None
    agenda_published: bool = True
    minutes_published: bool = True


@dataclass(frozen=True)
class Link:
    """A document link found for a meeting: its title and absolute URL on the site."""

    title: str
    url: str


def clean_text(text: str | None) -> str:
    """Decode HTML entities until the text stops changing (some sites encode twice) and tidy spaces."""
    value = text or ""
    for _ in range(3):
        decoded = html.unescape(value)
        if decoded == value:
            break
        value = decoded
    return " ".join(value.split())


def parse_uk_date(text: str | None) -> dt.date | None:
    """A ModernGov date ("30/01/2025", sometimes with a time after it) as a date; None when absent or odd."""
    m = re.match(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})", text or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def uk_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _flag(element: Element, name: str, default: bool) -> bool:
    value = (element.findtext(name) or "").strip().lower()
    return default if not value else value in ("true", "1", "yes")


def parse_xml(data: bytes) -> Element:
    try:
        return SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises its own errors for entity bombs and external entities
        raise SiteError(f"the web service answered something that is not XML it can read ({type(exc).__name__})") from None


def parse_committees(root: Element) -> list[Committee]:
    found = []
    for c in root.iter("committee"):
        cid = (c.findtext("committeeid") or "").strip()
        if cid:
            found.append(Committee(cid, clean_text(c.findtext("committeetitle"))))
    return found


def parse_meetings(root: Element, committee_id: str) -> list[Meeting]:
    """Meetings of a GetMeetings answer, under `<committeemeetings>` or anywhere in the document."""
    found = []
    for m in root.iter("meeting"):
        mid = (m.findtext("meetingid") or "").strip()
        if mid:
            found.append(
                Meeting(mid, committee_id, parse_uk_date(m.findtext("meetingdate")),
                        _flag(m, "agendapublished", True), _flag(m, "minutepublished", True))
            )
    return found


def parse_meeting_documents(root: Element) -> list[Link]:
    """Linked documents of a GetMeeting answer that are meeting-level packs and not restricted."""
    links = []
    for doc in root.iter("linkeddoc"):
        if _flag(doc, "isrestricted", False):
            continue
        title = clean_text(doc.findtext("title"))
        url = clean_text(doc.findtext("url"))
        if title and url and PACK_TITLES.match(title):
            links.append(Link(title, url))
    return links


class _Anchors(HTMLParser):
    """Every <a href> of a page with its text (or title attribute when it has no text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._title = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            values = dict(attrs)
            self._href, self._title, self._text = values.get("href"), values.get("title") or "", []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, " ".join("".join(self._text).split()) or self._title))
            self._href = None


def parse_documents_page(page: str) -> list[Link]:
    """PDF links of an ieListDocuments.aspx page whose titles name a pack, minutes or a supplement."""
    parser = _Anchors()
    parser.feed(page)
    links = []
    for href, text in parser.anchors:
        path = urllib.parse.urlsplit(html.unescape(href)).path
        title = SIZE_SUFFIX.sub("", clean_text(text))
        if path.lower().endswith(".pdf") and PACK_TITLES.match(title):
            links.append(Link(title, html.unescape(href)))
    return links


class RateLimit:
    """At most `per_second` request starts per second for one site, shared by its threads."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


class ModernGovClient:
    """One site's web service and pages, fetched politely and only from the configured host."""

    def __init__(self, site: SiteOptions, transport: httpx.BaseTransport | None = None) -> None:
        self.site = site
        self.base = site.base_url
        self._scheme = urllib.parse.urlsplit(self.base).scheme
        self._netloc = urllib.parse.urlsplit(self.base).netloc.lower()
        self._limit = RateLimit(site.requests_per_second)
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(site.timeout),
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ModernGovClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- addresses -------------------------------------------------------------------------------

    def resolve(self, href: str) -> str | None:
        """An absolute URL for a link, on the configured host only (http upgraded to the site's https); else None."""
        url = urllib.parse.urljoin(self.base + "/", href.strip())
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != self.site.host:
            return None
        if _port(parts) != _port(urllib.parse.urlsplit(self.base)) and parts.scheme == self._scheme:
            return None
        # Sites on https often still print http:// links to themselves; ask over https.
        return urllib.parse.urlunsplit((self._scheme, self._netloc, parts.path, parts.query, ""))

    def service_url(self, operation: str, **params: str) -> str:
        return f"{self.base}/mgWebService.asmx/{operation}?{urllib.parse.urlencode(params)}"

    # --- requests --------------------------------------------------------------------------------

    def _request(self, method: str, url: str, read_limit: int | None = None) -> tuple[httpx.Response, bytes | None]:
        """One request with retries; redirects are followed only on the site's host.

        With `read_limit` the body is read here (no further than the limit), so a connection
        dropped mid-answer is retried like one dropped before it; without, the caller streams it.
        """
        attempt, redirects = 0, 0
        while True:
            self._limit.wait()
            unreachable = True
            try:
                response = self._http.send(self._http.build_request(method, url), stream=True)
            except httpx.TimeoutException:
                problem = f"timed out after {self.site.timeout:g} s"
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                problem = f"connection failed ({exc})"
            else:
                if response.is_redirect:
                    response.close()
                    target = self.resolve(response.headers.get("location", ""))
                    if target is None:
                        raise SiteError(f"refused a redirect from {url} to another host: {response.headers.get('location')}")
                    redirects += 1
                    if redirects > MAX_REDIRECTS:
                        raise SiteError(f"more than {MAX_REDIRECTS} redirects from {url}")
                    url = target
                    continue
                if response.status_code in (401, 403):
                    response.close()
                    raise SiteBlocked(url, response.status_code)
                if response.status_code in RETRY_STATUSES:
                    response.close()
                    problem, unreachable = f"HTTP {response.status_code}", False
                elif read_limit is None:
                    return response, None
                else:
                    try:
                        return response, _read_capped(response, read_limit, url)
                    except httpx.TimeoutException:
                        problem = f"timed out after {self.site.timeout:g} s"
                    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                        problem = f"connection dropped mid-answer ({exc})"
                    finally:
                        response.close()
            if attempt >= self.site.retries:
                raise (SiteUnreachable if unreachable else SiteError)(f"{problem} ({attempt + 1} attempts): {url}")
            time.sleep(self.site.backoff * 2**attempt)
            attempt += 1

    def _get_bytes(self, url: str, limit: int = MAX_XML_BYTES) -> bytes:
        """A whole answer, read no further than `limit` bytes."""
        response, body = self._request("GET", url, read_limit=limit)
        if response.status_code != 200:
            raise SiteError(f"HTTP {response.status_code}: {url}")
        return body or b""

    def _service(self, operation: str, **params: str) -> Element:
        return parse_xml(self._get_bytes(self.service_url(operation, **params)))

    # --- the web service -------------------------------------------------------------------------

    def committees(self) -> list[Committee]:
        return parse_committees(self._service("GetCommittees"))

    def meetings(self, committee_id: str, start: dt.date, end: dt.date) -> list[Meeting]:
        """The committee's meetings from `start` to `end`, whatever range the site actually answers with."""
        root = self._service("GetMeetings", lCommitteeId=committee_id, sFromDate=uk_date(start), sToDate=uk_date(end))
        return [m for m in parse_meetings(root, committee_id) if m.date is not None and start <= m.date <= end]

    def meeting_detail(self, meeting: Meeting) -> tuple[Meeting, list[Link]]:
        """GetMeeting: the meeting with its own publication flags, and its linked pack documents."""
        root = self._service("GetMeeting", lMeetingId=meeting.id)
        found = next(iter(parse_meetings(root, meeting.committee_id)), None)
        flags = meeting if found is None else found
        return replace(meeting, agenda_published=flags.agenda_published, minutes_published=flags.minutes_published), parse_meeting_documents(root)

    def documents_page_links(self, committee_id: str, meeting_id: str) -> list[Link]:
        url = f"{self.base}/ieListDocuments.aspx?CId={committee_id}&MId={meeting_id}"
        return parse_documents_page(self._get_bytes(url).decode("utf-8", errors="replace"))

    def council_name(self) -> str | None:
        """The council's name as its site titles itself ("... - Kent County Council"); None when unclear."""
        try:
            page = self._get_bytes(f"{self.base}/mgListCommittees.aspx").decode("utf-8", errors="replace")
        except SiteError:  # blocked or missing: the name is a nicety, not worth failing the site for
            return None
        m = re.search(r"<title>(.*?)</title>", page, re.IGNORECASE | re.DOTALL)
        if not m:
            return None
        title = clean_text(m.group(1))
        parts = re.split(r"\s+[-|–]\s+", title)
        return parts[-1] if len(parts) > 1 and "council" in parts[-1].lower() else None

    # --- documents -------------------------------------------------------------------------------

    def content_length(self, url: str) -> int | None:
        """The size the site reports for a document (HEAD), or None when it does not say."""
        response, _ = self._request("HEAD", url, read_limit=1 << 16)
        if response.status_code != 200:
            return None
        value = response.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    def download(self, url: str) -> Iterator[bytes]:
        """Stream a document's bytes; raises SiteError when the site does not serve it."""
        response, _ = self._request("GET", url)
        try:
            if response.status_code != 200:
                raise SiteError(f"HTTP {response.status_code}: {url}")
            yield from response.iter_bytes(1 << 20)
        except httpx.HTTPError as exc:  # the connection dropped or stalled mid-answer
            raise SiteError(f"reading {url} failed: {type(exc).__name__}: {exc}") from None
        finally:
            response.close()


def _read_capped(response: httpx.Response, limit: int, url: str) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes(1 << 16):
        size += len(chunk)
        if size > limit:
            raise SiteError(f"answer larger than {limit} bytes: {url}")
        chunks.append(chunk)
    return b"".join(chunks)


def _port(parts: urllib.parse.SplitResult) -> int | None:
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
