"""Unit tests: URL canonicalization, discovery parsing, classification, charsets, revisits."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from archive.discovery import classify
from archive.discovery.documents import (
    maybe_gunzip,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from archive.discovery.revisit import due_for_revisit
from archive.discovery.urls import canonical_url
from archive.errors import DocumentTooLarge
from archive.jobs.worker import decode_html


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM:80/a/b.html#comments", "http://example.com/a/b.html"),
        ("https://example.com:443/x?utm_source=tw&id=3&fbclid=abc", "https://example.com/x?id=3"),
        ("https://example.com/x?b=2&a=1&ref=home", "https://example.com/x?a=1&b=2"),
        ("https://example.com:8443//a//b", "https://example.com:8443/a/b"),
        ("https://example.com/caf%C3%A9 story", "https://example.com/caf%C3%A9%20story"),
        ("https://example.com/members/?sessionid=81&page=2", "https://example.com/members/?page=2"),
        ("https://example.com/a;jsessionid=0AB12?id=4", "https://example.com/a?id=4"),
        ("https://example.com/x?PHPSESSID=f00&q=1", "https://example.com/x?q=1"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize("bad", ["ftp://x/y", "/relative", "mailto:a@b", "http://"])
def test_canonical_url_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="Not an absolute"):
        canonical_url(bad)


NEWS_SITEMAP = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://n.example/a.html</loc><lastmod>2024-05-02</lastmod>
  <news:news><news:publication><news:name>N</news:name><news:language>en</news:language>
  </news:publication><news:publication_date>2024-05-01T10:00:00Z</news:publication_date>
  <news:title>A title</news:title><news:keywords>x, y</news:keywords></news:news></url>
</urlset>"""


def test_news_sitemap_keeps_news_fields() -> None:
    kind, entries = parse_sitemap(NEWS_SITEMAP, "https://n.example/sitemap.xml")
    assert kind == "urlset"
    assert entries[0].url == "https://n.example/a.html"
    assert entries[0].hints == {
        "lastmod": "2024-05-02",
        "news_publication": "N",
        "news_language": "en",
        "news_publication_date": "2024-05-01T10:00:00Z",
        "news_title": "A title",
        "news_keywords": ["x", "y"],
    }


def test_gzipped_sitemap_index() -> None:
    body = gzip.compress(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/s1.xml.gz</loc></sitemap></sitemapindex>"
    )
    kind, entries = parse_sitemap(body, "https://n.example/sitemap.xml")
    assert (kind, [e.url for e in entries]) == ("index", ["https://n.example/s1.xml.gz"])


def test_gzip_bomb_refused() -> None:
    bomb = gzip.compress(b"\0" * (5 * 2**20))
    with pytest.raises(DocumentTooLarge):
        maybe_gunzip(bomb, max_size=2**20)


def test_entities_not_expanded() -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://n.example/&b;</loc></url></urlset>"
    )
    _, entries = parse_sitemap(evil, "https://n.example/")
    assert all("aaaaaaaaaa" not in e.url for e in entries)


def test_rss_and_atom() -> None:
    rss = (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>'
        b"<title>T</title><link>https://n.example/a?utm_source=rss</link>"
        b"<pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate><dc:creator>Ann Lee</dc:creator>"
        b"</item></channel></rss>"
    )
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>U</title>'
        b'<link rel="alternate" href="https://n.example/b"/><updated>2024-05-01</updated>'
        b"<author><name>Bo Kim</name></author></entry></feed>"
    )
    (r,) = parse_feed(rss, "https://n.example/feed")
    (a,) = parse_feed(atom, "https://n.example/atom")
    assert r.url == "https://n.example/a?utm_source=rss"
    assert r.hints["feed_authors"] == ["Ann Lee"]
    assert a.url == "https://n.example/b"
    assert a.hints["feed_authors"] == ["Bo Kim"]


def test_robots_sitemaps() -> None:
    robots = b"User-agent: *\nDisallow: /x\nSitemap: /sm.xml\nsitemap: https://n.example/n.xml\n"
    assert sitemaps_from_robots(robots, "https://n.example/robots.txt") == [
        "https://n.example/sm.xml",
        "https://n.example/n.xml",
    ]


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://n.example/news/2024/05/01/council-votes.html", True),
        ("https://n.example/story/123456/slug", True),
        ("https://n.example/politics/mayor-wins-a-second-term-in-landslide/", True),
        ("https://n.example/tag/politics/", False),
        ("https://n.example/author/ann-lee/", False),
        ("https://n.example/section/world/page/2/", False),
        ("https://n.example/", False),
        ("https://n.example/files/report-2024-final-version.pdf", False),
    ],
)
def test_url_looks_like_article(url: str, article: bool) -> None:
    assert classify.url_looks_like_article(url) is article


def test_trap_urls() -> None:
    assert classify.is_trap_url("https://n.example/catalog/more/more/more/")
    assert not classify.is_trap_url("https://n.example/news/more/story")
    assert classify.is_trap_url("https://n.example/catalog/more/more/")
    assert not classify.is_trap_url("https://n.example/culture/2024/05/05/poet.html")


def test_page_signals() -> None:
    assert classify.page_looks_like_article(b'<meta property="og:type" content="article">')
    assert classify.page_looks_like_article(b'<script>{"@type": "NewsArticle"}</script>')
    lone = b"<article><h1>T</h1><p>a</p><p>b</p><p>c</p></article>"
    assert classify.page_looks_like_article(lone)
    assert not classify.page_looks_like_article(lone * 3), "a listing of cards is no article"


def test_decode_wrong_declared_charsets() -> None:
    text = "Новости: парламент и погода"
    cp1251 = f"<html><head><meta charset='utf-8'></head><body>{text}</body></html>"
    decoded, _ = decode_html(cp1251.encode("cp1251"), "text/html; charset=utf-8")
    assert text in decoded
    utf8_as_latin1 = f"<html><body>{text} — café</body></html>".encode()
    decoded, enc = decode_html(utf8_as_latin1, "text/html; charset=iso-8859-1")
    assert "café" in decoded
    assert enc == "utf-8"


def test_revisit_policy() -> None:
    now = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
    revisit = [3600, 86400, 7 * 86400]
    published = "2024-05-01T10:00:00Z"
    # fetched 10 minutes after publication: the +1 h and +24 h points have passed since
    assert due_for_revisit(published, "2024-05-01T10:10:00Z", revisit, now=now)
    # fetched after +24 h: nothing due until +7 d
    assert not due_for_revisit(published, "2024-05-02T11:00:00Z", revisit, now=now)
    # a sitemap lastmod newer than our fetch is always due
    assert due_for_revisit(
        published, "2024-05-02T11:00:00Z", revisit, lastmod="2024-05-02T11:30:00Z", now=now
    )


@pytest.mark.parametrize(
    ("html", "href"),
    [
        (
            b'<head><link rel="canonical" href="https://n.example/a?x=1&amp;y=2"></head>',
            "https://n.example/a?x=1&y=2",
        ),
        (b"<link href='/b' rel='canonical' />", "/b"),
        (b"<LINK REL=canonical HREF=/c>", "/c"),
        (b'<link rel="alternate" href="/feed"><link rel="amphtml" href="/amp">', ""),
        (b'<link rel="canonical alternate" href="/d">', "/d"),
    ],
)
def test_canonical_href(html: bytes, href: str) -> None:
    assert classify.canonical_href(html) == href
