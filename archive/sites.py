"""Site configuration: `sites.toml`, one `[[site]]` table per site.

```toml
[[site]]
name = "harbor"
url = "https://harbor.example/"
sitemaps = ["https://harbor.example/sitemap.xml"]   # optional; robots.txt Sitemap lines too
feeds = ["https://harbor.example/feed.xml"]         # optional; <link rel=alternate> too
sections = ["https://harbor.example/section/politics/"]
allow = ['^https://harbor\\.example/']               # regexes a followed URL must match
deny = ['/tag/', '/search']                          # regexes that exclude a URL
article_pattern = '/\\d{4}/\\d{2}/\\d{2}/'           # URLs that are articles
revisit = ["1h", "24h", "7d"]                        # re-fetch ages after publication
delay = 1.0                                          # seconds between requests; unset: polite
concurrency = 2                                      # requests in flight; unset: the default
allow_private = false                                # may fetch loopback/private addresses
max_pages = 0                                        # stop after this many pages (0: no cap)
follow_article_links = false                         # also follow links found in articles
[site.overrides]                                     # CSS selectors for the extractor
authors = ".byline a"
```
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.discovery.urls import canonical_url, host_of
from archive.errors import SiteConfigError

DEFAULT_REVISIT = ("1h", "24h", "7d")  # most edits land in an article's first day
DEFAULT_DELAY = 1.0
DEFAULT_CONCURRENCY = 2
# A site's name ends up in file names (locks), systemd unit names, cron lines and logs: nothing
# there may be a newline, a space, a `%` or a slash.
NAME_RULE = r"^[A-Za-z0-9_.-]{1,64}$"
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: str) -> float:
    """Seconds in a duration like '90s', '15m', '1h', '7d'."""
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"Bad duration {value!r}: use a number and one of s, m, h, d, w")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass
class Site:
    name: str
    url: str
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    article_pattern: str = ""
    revisit: list[str] = field(default_factory=lambda: list(DEFAULT_REVISIT))
    delay: float | None = None  # None: DEFAULT_DELAY or robots.txt Crawl-delay, larger
    concurrency: int | None = None  # None: CONCURRENT_REQUESTS_PER_DOMAIN (default 2)
    allow_private: bool = False
    max_pages: int = 0
    follow_article_links: bool = False
    every: str = ""
    overrides: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return host_of(self.url)

    @property
    def revisit_seconds(self) -> list[float]:
        return sorted(parse_duration(v) for v in self.revisit)

    def hosts(self) -> set[str]:
        """Every host this site's own pages live on."""
        return {host_of(u) for u in [self.url, *self.sections, *self.feeds, *self.sitemaps]}

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_KNOWN = {f.name for f in fields(Site)}


_LISTS = ("sitemaps", "feeds", "sections", "allow", "deny", "revisit")
_TYPES: dict[str, tuple[str, Any]] = {
    **dict.fromkeys(_LISTS, ("a list of strings", list)),
    **dict.fromkeys(("name", "url", "article_pattern", "every"), ("a string", str)),
    **dict.fromkeys(("allow_private", "follow_article_links"), ("true or false", bool)),
    **dict.fromkeys(("concurrency", "max_pages"), ("a whole number", int)),
    "delay": ("a number of seconds", (int, float)),
    "overrides": ("a table of CSS selectors", dict),
}


def _check_types(raw: dict[str, Any], where: str) -> None:
    for key, value in raw.items():
        what, kind = _TYPES[key]
        ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        if key in ("allow", "deny") and isinstance(value, str):
            ok = True  # one pattern
        elif ok and isinstance(value, list):
            ok = all(isinstance(v, str) for v in value)
        elif ok and isinstance(value, dict):
            ok = all(isinstance(v, str) for v in value.values())
        elif ok and key == "delay":
            ok = math.isfinite(value)
        if not ok:
            raise SiteConfigError(f"{where}: {key!r} must be {what}, not {value!r:.60}")


MAX_CONCURRENCY = 64  # requests in flight to one site: more is not polite crawling


def _check_every(value: str, where: str) -> None:
    """A site's `every`: a duration ("15m", "1h") or a five-field cron expression."""
    if len(value.split()) == 5:
        from croniter import croniter

        if croniter.is_valid(value):
            return
        raise SiteConfigError(f"{where}: 'every' {value!r} is not a valid cron expression")
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise SiteConfigError(
            f'{where}: \'every\' {value!r} is neither a duration ("15m", "1h", "1d") nor '
            'a five-field cron expression ("30 2 * * 1-5")'
        ) from None
    if seconds <= 0:
        raise SiteConfigError(f"{where}: 'every' must be longer than 0")


def _check_site(raw: dict[str, Any], where: str) -> Site:
    if not isinstance(raw, dict):
        raise SiteConfigError(f"{where}: not a table; write each site as a [[site]] table")
    unknown = sorted(set(raw) - _KNOWN)
    if unknown:
        raise SiteConfigError(
            f"{where}: unknown key {unknown[0]!r}. Known keys: {', '.join(sorted(_KNOWN))}"
        )
    _check_types(raw, where)
    for key in ("name", "url"):
        if not raw.get(key):
            raise SiteConfigError(f"{where}: missing required key {key!r}")
    check_name(raw["name"], where)
    try:
        canonical_url(str(raw["url"]))
    except ValueError as exc:
        raise SiteConfigError(f"{where}: 'url' {exc}") from None
    for key in ("allow", "deny", "article_pattern"):
        patterns = raw.get(key, [])
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SiteConfigError(f"{where}: bad regex in {key!r}: {exc}") from None
    for value in raw.get("revisit", []):
        try:
            parse_duration(value)
        except ValueError as exc:
            raise SiteConfigError(f"{where}: 'revisit' {exc}") from None
    if float(raw.get("delay") or 0) < 0:
        raise SiteConfigError(f"{where}: 'delay' must be >= 0")
    if "concurrency" in raw and not 1 <= raw["concurrency"] <= MAX_CONCURRENCY:
        raise SiteConfigError(
            f"{where}: 'concurrency' must be between 1 and {MAX_CONCURRENCY} requests in "
            f"flight, not {raw['concurrency']}"
        )
    if raw.get("every"):
        _check_every(str(raw["every"]), where)
    try:
        return Site(**raw)
    except TypeError as exc:
        raise SiteConfigError(f"{where}: {exc}") from None


def check_name(name: str, where: str = "site") -> str:
    """The name, if it is safe in file names, unit names and cron lines; else SiteConfigError."""
    if not _NAME.fullmatch(name) or name in (".", ".."):
        raise SiteConfigError(
            f"{where}: site name {name[:80]!r} breaks the rule {NAME_RULE} (letters, digits, "
            "'_', '.', '-', at most 64, not '.' or '..'); rename the site"
        )
    return name


def load_sites(path: str | Path) -> list[Site]:
    """Read and validate a sites.toml. Raises SiteConfigError naming the file and the key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteConfigError(f"{path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SiteConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"site"})
    if unknown:
        raise SiteConfigError(f"{path}: unknown top-level key {unknown[0]!r}; use [[site]] tables")
    raw_sites = data.get("site", [])
    if not isinstance(raw_sites, list) or not raw_sites:
        raise SiteConfigError(f"{path}: no [[site]] tables")
    sites = [_check_site(raw, f"{path} site #{i + 1}") for i, raw in enumerate(raw_sites)]
    names = [s.name.lower() for s in sites]  # harbor and Harbor: one lock on some file systems
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SiteConfigError(
            f"{path}: site name {dupes[0]!r} used twice (names differing only in case count "
            "as one); rename one of them"
        )
    return sites


def site_for_url(url: str, **options: Any) -> Site:
    """A site derived from a bare home-page URL (`newsarchive crawl URL`)."""
    home = canonical_url(url)
    parts = urlsplit(home)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", parts.netloc)[:64]
    return Site(name=check_name(name, url), url=home, **options)
