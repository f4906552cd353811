"""A content-addressed store of pulled PDFs (`<sha256>.pdf`) with a SQLite catalog of where each came from.

The catalog keeps, per source document (site, committee, meeting, document URL), when it was first
and last seen, its size as last served, and every version's SHA-256 in the order they appeared.
Old versions stay in the store, so any published version can be extracted again.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flows.inputs import STORE_CATALOG as CATALOG


SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    council TEXT,
    committee_id TEXT NOT NULL,
    committee TEXT,
    meeting_id TEXT NOT NULL,
    meeting_date TEXT,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    content_length INTEGER,
    sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL REFERENCES documents(source_id),
    sha256 TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (source_id, sha256)
);
CREATE INDEX IF NOT EXISTS documents_meeting ON documents(site, meeting_id);
"""


@dataclass(frozen=True)
class SourceDocument:
    """A document as its site describes it."""

    source_id: str
    site: str
    council: str | None
    committee_id: str
    committee: str | None
    meeting_id: str
    meeting_date: dt.date | None
    title: str
    url: str


@dataclass(frozen=True)
class CatalogEntry:
    """A catalogued document: its source, its current version and its size when last fetched."""

    source: SourceDocument
    sha256: str
    content_length: int | None
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class Version:
    source_id: str
    sha256: str
    first_seen: str


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_OPENING = threading.Lock()


def _open_catalog(path: Path) -> sqlite3.Connection:
    """Connect to the catalog, creating it in WAL mode; safe when several threads or processes open it at once."""
    # Switching to WAL takes an exclusive lock that SQLite refuses at once (no busy wait) when another
    # connection is creating the schema, so first opens are serialised across threads and processes.
    with _OPENING, open(path.with_name(path.name + ".lock"), "a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        return db


class Store:
    """PDFs named by their SHA-256 under `root`, and the catalog beside them. Safe to share between threads."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = _open_catalog(self.root / CATALOG)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def path_of(self, sha256: str) -> Path:
        return self.root / f"{sha256}.pdf"

    def put_stream(self, chunks: Iterable[bytes], max_bytes: int) -> tuple[str, int]:
        """Write the bytes to a temporary file in the store, then rename it to its hash; return (sha256, size)."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise ValueError(f"larger than {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
            sha = digest.hexdigest()
            os.replace(tmp, self.path_of(sha))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return sha, size

    def entry(self, source_id: str) -> CatalogEntry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM documents WHERE source_id = ?", (source_id,)).fetchone()
            names = [d[0] for d in self._db.execute("SELECT * FROM documents LIMIT 0").description]
        return _entry(dict(zip(names, row))) if row else None

    def entries(self, site: str | None = None) -> list[CatalogEntry]:
        """Every catalogued document (of one site), in source id order."""
        query, args = "SELECT * FROM documents", ()
        if site is not None:
            query, args = query + " WHERE site = ?", (site,)
        with self._lock:
            cursor = self._db.execute(query + " ORDER BY source_id", args)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        return [_entry(dict(zip(names, r))) for r in rows]

    def meetings_with_documents(self, site: str) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT meeting_id FROM documents WHERE site = ?", (site,)).fetchall()
        return {r[0] for r in rows}

    def versions(self, source_id: str) -> list[Version]:
        """Every version of a document, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source_id, sha256, first_seen FROM versions WHERE source_id = ? ORDER BY seq", (source_id,)
            ).fetchall()
        return [Version(*r) for r in rows]

    def record(self, doc: SourceDocument, sha256: str, content_length: int | None, seen: str) -> str | None:
        """Catalog a fetched version; return the previous current version's sha256 when it changed, else None."""
        meeting_date = doc.meeting_date.isoformat() if doc.meeting_date else None
        with self._lock, _transaction(self._db):
            row = self._db.execute("SELECT sha256 FROM documents WHERE source_id = ?", (doc.source_id,)).fetchone()
            previous = row[0] if row else None
            if row is None:
                self._db.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.source_id, doc.site, doc.council, doc.committee_id, doc.committee, doc.meeting_id,
                     meeting_date, doc.title, doc.url, seen, seen, content_length, sha256),
                )
            else:
                self._db.execute(
                    "UPDATE documents SET council=?, committee=?, meeting_date=?, title=?, url=?, last_seen=?,"
                    " content_length=?, sha256=? WHERE source_id=?",
                    (doc.council, doc.committee, meeting_date, doc.title, doc.url, seen, content_length, sha256, doc.source_id),
                )
            self._db.execute(
                "INSERT OR IGNORE INTO versions (source_id, sha256, first_seen) VALUES (?,?,?)", (doc.source_id, sha256, seen)
            )
        return previous if previous is not None and previous != sha256 else None

    def touch(self, source_id: str, seen: str) -> None:
        """Note that a document was seen unchanged."""
        with self._lock:
            self._db.execute("UPDATE documents SET last_seen = ? WHERE source_id = ?", (seen, source_id))


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _entry(row: dict) -> CatalogEntry:
    date = dt.date.fromisoformat(row["meeting_date"]) if row["meeting_date"] else None
    source = SourceDocument(
        row["source_id"], row["site"], row["council"], row["committee_id"], row["committee"],
        row["meeting_id"], date, row["title"], row["url"],
    )
    return CatalogEntry(source, row["sha256"], row["content_length"], row["first_seen"], row["last_seen"])

