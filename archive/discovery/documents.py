"""Parsing what sites publish to be found: robots.txt sitemap lines, sitemaps, news sitemaps,
RSS and Atom feeds. Pure functions over bytes; XML entities are never expanded.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from archive.errors import DocumentTooLarge

MAX_SITEMAP_BYTES = 50 * 2**20  # the sitemaps.org limit for one uncompressed file
MAX_SITEMAP_ENTRIES = 50_000  # the sitemaps.org limit of URLs in one sitemap file


def _parser() -> etree.XMLParser:
    # no entity expansion, no network, no DTD: a sitemap or feed cannot blow up or phone out
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def maybe_gunzip(body: bytes, *, max_size: int = MAX_SITEMAP_BYTES) -> bytes:
    """The body, gunzipped if it is gzip data; refuses to inflate past `max_size`."""
    if body[:2] != b"\x1f\x8b":
        return body
    out = io.BytesIO()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    view = memoryview(body)
    for start in range(0, len(view), 65536):
        out.write(inflater.decompress(view[start : start + 65536], max_size + 1 - out.tell()))
        if out.tell() > max_size:
            raise DocumentTooLarge(f"gzip data inflates past {max_size} bytes")
    return out.getvalue()


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()


def _text(el: Any) -> str:
    return (el.text or "").strip() if el is not None else ""


@dataclass
class Entry:
    """A URL found by discovery, with what the source said about it."""

    url: str
    hints: dict[str, Any] = field(default_factory=dict)


def _join(base_url: str, link: str) -> str:
    """The absolute URL of a link, or '' if it cannot be one (`http://[` raises in urljoin)."""
    try:
        return urljoin(base_url, link)
    except ValueError:
        return ""


def sitemaps_from_robots(robots: bytes, base_url: str) -> list[str]:
    urls = []
    for raw in robots.splitlines():
        line = raw.strip()
        if line[:8].lower() == b"sitemap:":
            value = line[8:].strip().decode("utf-8", "replace")
            if value and (url := _join(base_url, value)):
                urls.append(url)
    return urls


def _root(body: bytes) -> Any:
    try:
        return etree.fromstring(maybe_gunzip(body), parser=_parser())
    except (etree.XMLSyntaxError, ValueError, gzip.BadGzipFile, zlib.error):
        return None


def parse_sitemap(
    body: bytes, base_url: str, *, max_entries: int = MAX_SITEMAP_ENTRIES
) -> tuple[str, list[Entry]]:
    """('index', sitemap URLs) or ('urlset', page URLs with lastmod and news: fields).

    Read as a stream: each entry is dropped from the tree once read, and reading stops after
    `max_entries` (callers can tell by the count), so a huge sitemap costs neither the memory
    of its whole tree nor the time of its tail. Returns ('', []) for anything that is not a
    sitemap.
    """
    try:
        data = maybe_gunzip(body)
    except (ValueError, gzip.BadGzipFile, zlib.error):
        return "", []
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    kind, depth, entries = "", 0, []
    try:
        for event, node in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    kind = _local(node.tag)
                    if kind not in ("sitemapindex", "urlset"):
                        return "", []
                continue
            depth -= 1
            if depth != 1:
                continue
            if _local(node.tag) in ("sitemap", "url") and (entry := _entry(node, base_url)):
                entries.append(entry)
            node.clear()
            parent = node.getparent()
            while parent is not None and len(parent) and parent[0] is not node:
                del parent[0]  # finished entries: keep the tree small
            if len(entries) >= max_entries:
                break
    except etree.XMLSyntaxError:
        pass  # what was read before the error stands
    if not kind:
        return "", []
    return ("index" if kind == "sitemapindex" else "urlset"), entries


def _entry(node: Any, base_url: str) -> Entry | None:
    hints: dict[str, Any] = {}
    loc = ""
    for child in node:
        name = _local(child.tag)
        if name == "loc":
            loc = _text(child)
        elif name == "lastmod":
            hints["lastmod"] = _text(child)
        elif name == "news":
            hints.update(_news_fields(child))
    if loc and (url := _join(base_url, loc)):
        return Entry(url, hints)
    return None


def _news_fields(news: Any) -> dict[str, Any]:
    """The Google News sitemap fields (publication date, title, keywords, language)."""
    out: dict[str, Any] = {}
    for child in news.iter():
        name = _local(child.tag)
        if name == "publication_date":
            out["news_publication_date"] = _text(child)
        elif name == "title":
            out["news_title"] = _text(child)
        elif name == "keywords":
            out["news_keywords"] = [k.strip() for k in _text(child).split(",") if k.strip()]
        elif name == "language":
            out["news_language"] = _text(child)
        elif name == "name":
            out["news_publication"] = _text(child)
    return out


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """Items of an RSS 2.0, RSS 1.0 or Atom feed: link, title, date, authors."""
    root = _root(body)
    if root is None:
        return []
    entries = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        link = ""
        hints: dict[str, Any] = {}
        authors: list[str] = []
        for child in item:
            cname = _local(child.tag)
            if cname == "link":
                href = child.get("href")
                rel = child.get("rel", "alternate")
                if href and rel == "alternate":
                    link = link or href
                elif not href and _text(child):
                    link = link or _text(child)
            elif cname == "guid" and not link and child.get("isPermaLink", "true") == "true":
                guid = _text(child)
                if guid.startswith("http"):
                    link = guid
            elif cname == "title":
                hints["feed_title"] = _text(child)
            elif cname in ("pubdate", "published", "updated", "date") and _text(child):
                hints.setdefault("feed_published", _text(child))
            elif cname in ("creator", "author"):
                name_el = next((c for c in child if _local(c.tag) == "name"), None)
                value = _text(name_el) if name_el is not None else _text(child)
                if value:
                    authors.append(value)
        if authors:
            hints["feed_authors"] = authors
        if link and (url := _join(base_url, link)):
            entries.append(Entry(url, hints))
    return entries


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def looks_like_sitemap(body: bytes) -> bool:
    if body[:2] == b"\x1f\x8b":
        return True
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head
