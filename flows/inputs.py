"""Turn the command line's INPUTs (PDF files, folders, http(s) URLs) into packs to extract."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import PackError

MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
# A folder holding this file is a pull store (raw_pdfs/store/): its PDFs are every version of every
# pulled document, published through `--moderngov`/`--config` runs, not loose inputs.
STORE_CATALOG = "catalog.sqlite"
DOWNLOAD_TIMEOUT_S = 120


@dataclass(frozen=True)
class PackInput:
    """One pack to process: where its bytes are on disk, and where it came from."""

    path: Path
    source: str
    file_name: str


class InputError(ValueError):
    """An INPUT that names nothing usable (a usage error, not a pack failure)."""


def is_url(text: str) -> bool:
    return urllib.parse.urlsplit(text).scheme in ("http", "https")


def _display(path: Path) -> str:
    """A stable, portable spelling of a local source: relative to the working directory when under it."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.absolute().as_posix()


def resolve_inputs(items: list[str]) -> tuple[list[PackInput], list[str]]:
    """Expand files and folders (recursively, *.pdf, pull stores skipped) into PackInputs; URLs are returned for fetching."""
    packs: list[PackInput] = []
    urls: list[str] = []
    for item in items:
        if is_url(item):
            urls.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            stores = {c.parent for c in path.rglob(STORE_CATALOG)}
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() == ".pdf" and not stores.intersection(p.parents)
            )
            packs += [PackInput(p, _display(p), p.name) for p in found]
        elif path.is_file():
            packs.append(PackInput(path, _display(path), path.name))
        else:
            raise InputError(f"{item}: no such file, folder or http(s) URL")
    seen: set[str] = set()
    unique = []
    for pack in packs:
        key = str(pack.path.resolve())
        if key not in seen:
            seen.add(key)
            unique.append(pack)
    return unique, urls


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to the host the URL named; a pack is never fetched from elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 (urllib hook)
        if urllib.parse.urlsplit(newurl).hostname != urllib.parse.urlsplit(req.full_url).hostname:
            raise PackError("fetch_failed", f"refused a redirect from {req.full_url} to another host: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url: str, cache_dir: Path) -> PackInput:
    """Download a URL into the cache, stored under the SHA-256 of its bytes (never a server-given name)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    opener = urllib.request.build_opener(_SameHostRedirects)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, opener.open(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
            size = 0
            while chunk := response.read(1 << 20):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise PackError("too_large", f"{url} is larger than {MAX_DOWNLOAD_BYTES} bytes")
                digest.update(chunk)
                out.write(chunk)
        target = cache_dir / f"{digest.hexdigest()}.pdf"
        os.replace(tmp_name, target)
    except PackError:
        raise
    except Exception as exc:
        raise PackError("fetch_failed", f"{url} could not be downloaded: {exc}") from exc
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    name = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name or target.name
    return PackInput(target, url, name)
