"""Keep each extracted pack's bytes under its SHA-256 (`.scrutiny/packs/`), so a publication can be re-extracted later."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from flows.settings import state_dir
from flows.writers import sha256_file


def store_dir() -> Path:
    return state_dir() / "packs"


def store_pack(path: Path, sha256: str) -> Path:
    """Keep `path`'s bytes as `<store>/<sha256>.pdf` (a hard link when possible); return the stored path."""
    target = store_dir() / f"{sha256}.pdf"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    os.unlink(tmp)
    try:
        os.link(path, tmp)
    except OSError:
        shutil.copyfile(path, tmp)
    os.replace(tmp, target)
    return target


def find_pack(sha256: str, sources: list[str]) -> Path | None:
    """The stored bytes of a pack, or a recorded local source whose bytes still have that hash."""
    candidates = [store_dir() / f"{sha256}.pdf", state_dir() / "downloads" / f"{sha256}.pdf"]
    candidates += [Path(s) for s in sources if "://" not in s]
    for path in candidates:
        if path.is_file() and sha256_file(path) == sha256:
            return path
    return None
