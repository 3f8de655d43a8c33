"""The worker-side step shared by the crawl, `reextract` and `rebuild`: raw bytes in, `Article`
out. It runs in worker processes, so it takes and returns only picklable values.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from charset_normalizer import from_bytes

from archive.db.dedupe import Signature
from archive.discovery.tags import iter_tags
from archive.errors import ExtractTimeout
from archive.extract import extract, is_article
from archive.model import Article, Capture, TextKeys, content_hash

log = logging.getLogger(__name__)

MAX_EXTRACT_BYTES = 8 * 2**20  # beyond this a page is a transcript dump or a trap; cut it
# read inside each <meta> tag found by a linear scan (`<meta[^>]+charset…` was quadratic)
_META_CHARSET = re.compile(rb"""charset\s*=\s*(?:["']\s*)?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # WHATWG: labels for Latin-1 and ASCII mean windows-1252 in browsers
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode an HTML body to text; (text, encoding used).

    Order: byte-order mark; valid UTF-8 (wrongly declared single-byte charsets are common, and
    non-ASCII bytes that are valid UTF-8 almost never are anything else); the declared charset
    (header, then meta) if the bytes decode with it; then statistical detection.
    """
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(name, "replace").lstrip("\ufeff"), name
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    header = _HEADER_CHARSET.search(content_type or "")
    meta = next(filter(None, map(_META_CHARSET.search, iter_tags(body[:4096], b"meta"))), None)
    for declared in (header.group(1) if header else None, meta.group(1).decode() if meta else None):
        codec = _codec(declared)
        if codec and codec != "utf-8":
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    best = from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, "replace"), best.encoding
    return body.decode("cp1252", "replace"), "cp1252"


@dataclass
class Extracted:
    article: Article | None
    is_article: bool
    error: str = ""
    encoding: str = ""
    text_keys: TextKeys | None = None  # of an article, computed here rather than in the writer

    def apply(self, capture: Capture) -> None:
        """Hand the result to the capture on its way to `Archive.ingest`."""
        capture.article, capture.extract_error = self.article, self.error
        capture.text_keys = self.text_keys


def text_keys(article: Article) -> TextKeys:
    return TextKeys(content_hash(article), Signature.of_text(article.title, article.body))


def overrides_hash(overrides: dict[str, str] | None) -> str:
    """A short hash of a site's override selectors ('' for none)."""
    if not overrides:
        return ""
    canonical = json.dumps(sorted(overrides.items()), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def effective_version(version: str, overrides: dict[str, str] | None) -> str:
    """The version an extraction is recorded under: the extractor's, plus (as a local version
    label) the hash of the site overrides in force, so that changing a site's overrides
    makes its pages due for re-extraction: '0.9.3', or '0.9.3+site.1a2b3c4d5e6f'."""
    digest = overrides_hash(overrides)
    return f"{version}+site.{digest}" if digest else version


def worker_ready() -> bool:
    """Nothing: submitted once per worker when a pool starts, so that each process is spawned
    and has imported the extraction stack before the first page arrives."""
    return True


@contextmanager
def time_limit(seconds: float, url: str) -> Iterator[None]:
    """Raise ExtractTimeout in this thread after `seconds` (0: no limit). Works in a worker
    process's main thread (SIGALRM); code that holds the GIL in C for longer is stopped by the
    caller instead (the crawl replaces a worker that does not answer)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise ExtractTimeout(
            f"extracting {url[:200]} took longer than {seconds:g} s "
            "(NEWSARCHIVE_EXTRACT_TIMEOUT); the raw capture is kept for `newsarchive reextract`"
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_capture(
    body: bytes,
    url: str,
    content_type: str = "",
    overrides: dict[str, str] | None = None,
    timeout: float = 0.0,
) -> Extracted:
    """Decode and extract one captured page, in at most `timeout` seconds (0: no limit);
    never raises (errors, a timeout too, come back in `error`)."""
    try:
        if len(body) > MAX_EXTRACT_BYTES:
            body = body[:MAX_EXTRACT_BYTES]
        with time_limit(timeout, url):
            text, encoding = decode_html(body, content_type)
            article = extract(text, url, overrides=overrides)
            article.extractor_version = effective_version(article.extractor_version, overrides)
            found = is_article(article)
            keys = text_keys(article) if found else None
        return Extracted(article, found, "", encoding, keys)
    except Exception as exc:  # noqa: BLE001 - one bad page must never stop a crawl
        log.warning("Extraction failed for %s: %r", url, exc)
        return Extracted(None, False, f"{type(exc).__name__}: {exc}")
