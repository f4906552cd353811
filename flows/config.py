"""Which ModernGov sites to pull, and how: from command-line options or a strictly checked YAML file.

    sites:
      - url: https://democracy.example.gov.uk
        committee: "Scrutiny"     # regex on the committee title
        weeks_back: 8
    store: raw_pdfs/store
    output: outputs

An unknown key anywhere is an error that names it: a misspelt option must not be silently ignored
on a schedule that nobody watches.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

DEFAULT_STORE = Path("raw_pdfs/store")
DEFAULT_OUTPUT = Path("outputs")


class ConfigError(ValueError):
    """A configuration that cannot be used, with the key or value at fault named."""


@dataclass(frozen=True)
class SiteOptions:
    """How one ModernGov site is read: which committees, which meetings, and how politely."""

    url: str
    council: str | None = None  # the council's name when its pages do not print it
    committee: str | None = None  # regex matched (case-insensitive) against committee titles
    weeks_back: int = 8
    weeks_forward: int = 4
    settle_days: int = 28  # meetings older than this with documents already stored are not re-checked
    requests_per_second: float = 4.0
    concurrency: int = 2
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubles each time

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"url: {self.url!r} is not an http(s) address of a ModernGov site")
        if self.committee is not None:
            try:
                re.compile(self.committee)
            except re.error as exc:
                raise ConfigError(f"committee: {self.committee!r} is not a valid regular expression ({exc})") from None
        for name in ("weeks_back", "weeks_forward", "settle_days", "retries"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name}: must not be negative")
        for name in ("requests_per_second", "timeout"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name}: must be greater than 0")
        if self.concurrency < 1:
            raise ConfigError("concurrency: must be at least 1")

    @property
    def base_url(self) -> str:
        """The site's root, without a trailing slash or the web service's own path."""
        url = self.url.rstrip("/")
        for suffix in ("/mgWebService.asmx",):
            if url.lower().endswith(suffix.lower()):
                url = url[: -len(suffix)]
        return url

    @property
    def host(self) -> str:
        return (urllib.parse.urlsplit(self.url).hostname or "").lower()

    @property
    def name(self) -> str:
        """The site as source ids and reports name it: host, and port when not the default."""
        parts = urllib.parse.urlsplit(self.base_url)
        return (parts.netloc + parts.path).lower()


@dataclass(frozen=True)
class RunConfig:
    """A scheduled run: the sites to pull, where the PDFs are stored and where datasets are published."""

    sites: tuple[SiteOptions, ...]
    store: Path = DEFAULT_STORE
    output: Path = DEFAULT_OUTPUT
    workers: int = 1


SITE_KEYS = {f.name: f.type for f in fields(SiteOptions)}
TOP_KEYS = ("sites", "store", "output", "workers", "defaults")
_TYPES = {"str": str, "str | None": str, "int": int, "float": (int, float)}


def _site(raw: object, where: str, defaults: dict) -> SiteOptions:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with at least `url`, got {type(raw).__name__}")
    values = {**defaults, **raw}
    for key, value in values.items():
        if key not in SITE_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}; allowed keys: {', '.join(SITE_KEYS)}")
        expected = _TYPES[str(SITE_KEYS[key])]
        if value is not None and (not isinstance(value, expected) or isinstance(value, bool)):
            raise ConfigError(f"{where}.{key}: expected {SITE_KEYS[key]}, got {value!r}")
    if "url" not in values:
        raise ConfigError(f"{where}: `url` is required")
    try:
        return SiteOptions(**values)
    except ConfigError as exc:
        raise ConfigError(f"{where}.{exc}") from None


def parse_config(data: object, base: Path = Path(".")) -> RunConfig:
    """Check a loaded YAML document strictly and turn it into a RunConfig; paths are relative to `base`."""
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping with a `sites` list")
    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(f"unknown key {key!r}; allowed keys: {', '.join(TOP_KEYS)}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError("defaults: expected a mapping of site options")
    for key in defaults:
        if key not in SITE_KEYS or key == "url":
            raise ConfigError(f"defaults: unknown key {key!r}; allowed keys: {', '.join(k for k in SITE_KEYS if k != 'url')}")
    sites = data.get("sites")
    if not isinstance(sites, list) or not sites:
        raise ConfigError("sites: expected a non-empty list of sites")
    workers = data.get("workers", 1)
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ConfigError(f"workers: expected a whole number of at least 1, got {workers!r}")
    paths = {}
    for key, default in (("store", DEFAULT_STORE), ("output", DEFAULT_OUTPUT)):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{key}: expected a folder path, got {value!r}")
        paths[key] = base / value if value else default
    parsed = tuple(_site(raw, f"sites[{i}]", defaults) for i, raw in enumerate(sites))
    return RunConfig(parsed, paths["store"], paths["output"], workers)


def load_config(path: Path) -> RunConfig:
    """Read and check a councils YAML file (see the module docstring for its shape)."""
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    try:
        return parse_config(data, path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
