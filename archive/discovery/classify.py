"""Which URLs and pages are articles, and which URLs are not worth following.

Pure functions, so the crawler and tests share them without Scrapy.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from urllib.parse import urlsplit

from archive.discovery.tags import first_tag, iter_tags, parse_attrs

# Hubs and listings: followed for links, never archived as articles.
HUB_PATH = re.compile(
    r"/(?:tag|tags|topic|topics|author|authors|category|categories|section|sections|search|"
    r"page|archive|archives|calendar|feed|rss|about|contact|privacy|terms|login|subscribe|"
    r"newsletter|video|videos|gallery|galleries|live|profile|people)(?:/|$)",
    re.IGNORECASE,
)
DATE_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/")
ID_SEGMENT = re.compile(r"(?:^|[-_/])\d{5,}(?:[-_./]|$)")
SKIP_EXTENSIONS = frozenset(
    [
        ".pdf",
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".svg",
        ".ico",
        ".bmp",
        ".tif",
        ".tiff",
        ".mp3",
        ".mp4",
        ".m4a",
        ".mov",
        ".avi",
        ".webm",
        ".ogg",
        ".wav",
        ".zip",
        ".gz",
        ".tgz",
        ".rar",
        ".7z",
        ".exe",
        ".dmg",
        ".apk",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".css",
        ".js",
        ".json",
        ".woff",
        ".woff2",
        ".ttf",
        ".eot",
        ".csv",
        ".ics",
    ]
)
MAX_URL_CHARS = 4096  # Scrapy drops requests past URLLENGTH_LIMIT (2083) anyway
MAX_SEGMENT_REPEATS = 2  # /catalog/more/more/more/... is a relative-link trap
# Every pattern applied to page bytes is linear: a literal start, then no two adjacent
# repeats that can match the same bytes (`\s*\[?\s*` could, and was quadratic on a run of
# spaces). Tags are read with archive.discovery.tags, never with `<meta[^>]+…` (quadratic on
# `<meta` repeated without `>`). tests/test_security_regex.py times them all on crafted input.
ARTICLE_TYPES = re.compile(
    rb'"@type"\s*:\s*(?:\[\s*)?"(?:News|Report|Analysis|Opinion|Review|Background|Blog|'
    rb'Satirical|Scholarly|Tech)?(?:Article|Posting)"',
    re.IGNORECASE,
)
AMP_ATTRS = (b"amp", b"\xe2\x9a\xa1")
PUBLISHED_NAMES = (b"article:published_time", b"datepublished")


def skip_by_extension(url: str) -> bool:
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return dot > path.rfind("/") and path[dot:] in SKIP_EXTENSIONS


def is_trap_url(url: str) -> bool:
    """URL shapes of infinite spaces: a path segment repeated over and over (or a URL longer
    than any page's: MAX_URL_CHARS)."""
    if len(url) > MAX_URL_CHARS:
        return True
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if any(a == b and not a.isdigit() for a, b in itertools.pairwise(segments)):
        return True  # more/more: a relative link resolved against itself (not /2024/05/05/)
    return any(n > MAX_SEGMENT_REPEATS for n in Counter(segments).values())


def url_looks_like_article(url: str, pattern: str = "") -> bool:
    """Whether a URL is probably an article, by the site's pattern or by its shape."""
    if len(url) > MAX_URL_CHARS:
        return False
    if pattern:
        return re.search(pattern, url) is not None
    parts = urlsplit(url)
    path = parts.path
    if path in ("", "/") or HUB_PATH.search(path) or skip_by_extension(url):
        return False
    if DATE_PATH.search(path) or ID_SEGMENT.search(path.rstrip("/")):
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.s?html?$", "", last)
    return last.count("-") >= 3 or (last.count("-") >= 2 and len(last) > 20)


ARTICLE_TAG = re.compile(rb"<article[\s>]", re.IGNORECASE)
H1_TAG = re.compile(rb"<h1[\s>]", re.IGNORECASE)
P_TAG = re.compile(rb"<p[\s>]", re.IGNORECASE)


def _meta_signals(head: bytes) -> bool:
    """A meta tag saying og:type=article, or naming a published time."""
    for tag in iter_tags(head, b"meta"):
        low = tag.lower()
        if any(name in low for name in PUBLISHED_NAMES):
            return True
        if b"og:type" in low:
            attrs = parse_attrs(tag)
            kind = (attrs.get(b"property") or attrs.get(b"name") or b"").lower()
            if kind == b"og:type" and attrs.get(b"content", b"").lower() == b"article":
                return True
    return False


def page_looks_like_article(body: bytes) -> bool:
    """Page-level signals: og:type=article, a JSON-LD *Article type, a published-time meta,
    or one lone <article> element holding an <h1> and paragraphs (listings hold many)."""
    head = body[:400_000]
    if _meta_signals(head) or ARTICLE_TYPES.search(head):
        return True
    articles = ARTICLE_TAG.findall(head)
    if len(articles) != 1:
        return False
    start = ARTICLE_TAG.search(head)
    assert start is not None
    inner = head[start.start() :]
    return bool(H1_TAG.search(inner)) and len(P_TAG.findall(inner)) >= 3


def is_amp_page(url: str, body: bytes) -> bool:
    path = urlsplit(url).path
    return "/amp/" in path or path.endswith(("/amp", ".amp", ".amp.html")) or _amp_html(body[:2000])


def _amp_html(head: bytes) -> bool:
    attrs = first_tag(head, b"html")
    return attrs is not None and any(name in attrs for name in AMP_ATTRS)


HEAD_BYTES = 300_000


def canonical_href(body: bytes) -> str:
    """The href of the page's <link rel=canonical>, read by a linear tag scan over the head —
    building the whole DOM of every article just for this one tag cost the crawl ~12% of its
    CPU."""
    for tag in iter_tags(body[:HEAD_BYTES], b"link"):
        if b"canonical" not in tag.lower():
            continue
        attrs = parse_attrs(tag)
        if b"canonical" in attrs.get(b"rel", b"").lower().split() and b"href" in attrs:
            return html.unescape(attrs[b"href"].decode("utf-8", "replace")).strip()
    return ""


def choose_identity(fetched: str, canonical: str) -> str:
    """The URL an article page is filed under, both arguments canonicalized.

    Its rel=canonical when that is on the same host (tracking variants, AMP copies and
    redirects collapse into one article) — unless the page looks like an article and the
    canonical does not (a template pointing every page at the home page or a hub): then the
    fetched URL. A canonical on another host (syndication) never replaces the fetched URL.
    """
    if not canonical or canonical == fetched:
        return fetched
    if urlsplit(canonical).hostname != urlsplit(fetched).hostname:
        return fetched
    if url_looks_like_article(fetched) and not url_looks_like_article(canonical):
        return fetched
    return canonical
