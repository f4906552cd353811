"""Pull what is new or changed from ModernGov sites into the store, never the same bytes twice.

For each committee whose title matches, the meetings in the rolling window are listed; a meeting
older than the settle period whose documents are already stored is left alone. Each other
meeting's pack, minutes and supplements are found (GetMeeting's linked documents and the meeting's
documents page); a stored document is re-checked with HEAD and fetched again only when its size
changed, since ModernGov sends neither ETag nor Last-Modified.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from extractors.frontsheet import find_council
from flows.config import SiteOptions
from flows.moderngov import MAX_PDF_BYTES, Committee, Link, Meeting, ModernGovClient, SiteBlocked, SiteError, SiteUnreachable
from flows.store import SourceDocument, Store, utc_now

STATUSES = ("new", "changed", "unchanged", "failed")


@dataclass(frozen=True)
class PulledDocument:
    """One document of a pull: where it came from, its current bytes and what happened to it."""

    source: SourceDocument
    status: str  # new, changed, unchanged or failed
    sha256: str | None = None
    previous_sha256: str | None = None
    error: str | None = None


@dataclass
class SiteReport:
    """What a pull did on one site; `error` set when the site could not be read (blocked, timed out...)."""

    site: str
    documents: list[PulledDocument] = field(default_factory=list)
    error: str | None = None
    blocked_status: int | None = None
    notes: list[str] = field(default_factory=list)
    # Meetings that could not be read (an error answer after retries); the site's other meetings carry on.
    meeting_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.meeting_errors and not any(d.status == "failed" for d in self.documents)

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def window(site: SiteOptions, today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(weeks=site.weeks_back), today + dt.timedelta(weeks=site.weeks_forward)


class SitePuller:
    """Pulls one site's documents into the store (used once per site per run)."""

    def __init__(self, site: SiteOptions, store: Store, client: ModernGovClient, today: dt.date) -> None:
        self.site, self.store, self.client, self.today = site, store, client, today
        self.report = SiteReport(site.name)
        self.council: str | None = None

    def run(self) -> SiteReport:
        try:
            committees = self._committees()
            meetings = self._meetings(committees)
            self.council = self._council()
            titles = {c.id: c.title for c in committees}
            with ThreadPoolExecutor(self.site.concurrency) as pool:
                for pulled in pool.map(lambda m: self._meeting(m, titles[m.committee_id]), meetings):
                    self.report.documents += pulled
        except SiteBlocked as exc:
            self.report.error, self.report.blocked_status = str(exc), exc.status
        except SiteError as exc:
            self.report.error = str(exc)
        return self.report

    def _committees(self) -> list[Committee]:
        pattern = re.compile(self.site.committee, re.IGNORECASE) if self.site.committee else None
        return [c for c in self.client.committees() if pattern is None or pattern.search(c.title)]

    def _meetings(self, committees: list[Committee]) -> list[Meeting]:
        start, end = window(self.site, self.today)
        settled_before = self.today - dt.timedelta(days=self.site.settle_days)
        stored = self.store.meetings_with_documents(self.site.name)
        found = []
        for committee in committees:
            for meeting in self.client.meetings(committee.id, start, end):
                if meeting.id in stored and meeting.date is not None and meeting.date < settled_before:
                    continue  # settled: its documents are stored and are not expected to change
                found.append(meeting)
        return found

    def _council(self) -> str | None:
        name = self.site.council or self.client.council_name()
        # The contract names a council by its place ("Kent"), as the packs' own front sheets do.
        return (find_council([name], None) or name) if name else None

    def _links(self, meeting: Meeting) -> list[Link]:
        meeting, links = self.client.meeting_detail(meeting)
        # A meeting with neither agenda nor minutes published has nothing on its documents page yet.
        if meeting.agenda_published or meeting.minutes_published:
            try:
                links += self.client.documents_page_links(meeting.committee_id, meeting.id)
            except SiteError as exc:
                # Some sites let scripts use the web service but not the pages (403), or have no such
                # page: the service's own links still count.
                self.report.notes.append(f"documents page of meeting {meeting.id}: {exc}")
        unique: dict[str, Link] = {}
        for link in links:
            url = self.client.resolve(link.url)
            if url is None:
                self.report.notes.append(f"meeting {meeting.id}: not following a link to another host: {link.url}")
                continue
            # The service and the page may name one file with different query strings ("?T=10").
            unique.setdefault(urllib.parse.urlsplit(url).path, Link(link.title, url))
        return list(unique.values())

    def _meeting(self, meeting: Meeting, committee_title: str) -> list[PulledDocument]:
        try:
            links = self._links(meeting)
        except (SiteBlocked, SiteUnreachable):
            raise  # the whole site is refusing or down: stop rather than wait on every meeting
        except SiteError as exc:
            self.report.meeting_errors.append(f"meeting {meeting.id}: {exc}")
            return []
        pulled = []
        seen_slugs: dict[str, int] = {}
        for link in links:
            name = slug(link.title)
            seen_slugs[name] = seen_slugs.get(name, 0) + 1
            if seen_slugs[name] > 1:
                name = f"{name}-{seen_slugs[name]}"
            source = SourceDocument(
                source_id=f"{self.site.name}/meeting/{meeting.id}/{name}",
                site=self.site.name,
                council=self.council,
                committee_id=meeting.committee_id,
                committee=committee_title,
                meeting_id=meeting.id,
                meeting_date=meeting.date,
                title=link.title,
                url=link.url,
            )
            pulled.append(self._document(source))
        return pulled

    def _document(self, source: SourceDocument) -> PulledDocument:
        seen = utc_now()
        entry = self.store.entry(source.source_id)
        try:
            if entry is not None and self.store.path_of(entry.sha256).exists():
                length = self.client.content_length(source.url)
                if length is not None and length == entry.content_length:
                    self.store.touch(source.source_id, seen)
                    return PulledDocument(source, "unchanged", entry.sha256)
            sha, size = self.store.put_stream(self.client.download(source.url), MAX_PDF_BYTES)
        except SiteBlocked:
            raise
        except (SiteError, ValueError, httpx.HTTPError) as exc:
            return PulledDocument(source, "failed", entry.sha256 if entry else None, error=str(exc))
        previous = self.store.record(source, sha, size, seen)
        if entry is None:
            return PulledDocument(source, "new", sha)
        if previous is None:
            return PulledDocument(source, "unchanged", sha)
        return PulledDocument(source, "changed", sha, previous)


def pull_site(site: SiteOptions, store: Store, today: dt.date | None = None, transport: httpx.BaseTransport | None = None) -> SiteReport:
    """Pull one site into the store; a site that cannot be read is reported, never raised."""
    with ModernGovClient(site, transport) as client:
        return SitePuller(site, store, client, today or dt.date.today()).run()


def pull_sites(sites: list[SiteOptions], store: Store, today: dt.date | None = None) -> list[SiteReport]:
    """Pull several sites at once (one thread each), so a slow site does not hold the others up."""
    with ThreadPoolExecutor(max(1, len(sites))) as pool:
        return list(pool.map(lambda s: pull_site(s, store, today), sites))


def document_name(url: str) -> str:
    """A display name for a pulled document: the last part of its URL's path."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path).rsplit("/", 1)[-1] or url
