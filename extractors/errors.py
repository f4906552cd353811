"""Errors that end the extraction of one pack, each with a stable code for the run's results."""

from __future__ import annotations


class PackError(Exception):
    """A pack that cannot be read; `code` says why in one word, the message in a sentence."""

    codes = (
        "not_pdf",
        "empty",
        "encrypted",
        "truncated",
        "broken_xref",
        "cyclic_pages",
        "malformed",
        "no_text",
        "timeout",
        "too_large",
        "fetch_failed",
    )

    def __init__(self, code: str, message: str) -> None:
        if code not in self.codes:
            raise ValueError(f"unknown pack error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):
        return (PackError, (self.code, self.message))

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
