"""The bundled demo site (archive.demo): served over real loopback HTTP and fetched with urllib."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import Request, urlopen

import pytest

from archive.demo import DEMO_ARTICLES, SECTIONS, build_site, demo_manifest, serve_demo

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DC = "{http://purl.org/dc/elements/1.1/}"


class Fetched:
    def __init__(self, status: int, headers: Message, body: bytes, url: str) -> None:
        self.status, self.headers, self.body, self.url = status, headers, body, url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Fetched:
    """GET `url`; HTTP errors (404, 304) come back as a Fetched, with the response closed."""
    request = Request(url, headers=headers or {}, method=method)
    try:
        with urlopen(request, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read(), response.url)
    except HTTPError as err:
        with err:
            return Fetched(err.code, err.headers, err.read(), url)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_demo() as url:
        yield url


@pytest.fixture(scope="module")
def manifest(base_url: str) -> list[dict[str, Any]]:
    return demo_manifest(base_url)


def links(html: str, rel: str) -> list[str]:
    return re.findall(rf'<link rel="{rel}" href="([^"]+)"', html)


def article_hrefs(html: str, base_url: str) -> set[str]:
    hrefs = re.findall(r'href="(/[a-z]+/\d{4}/\d\d/\d\d/[^"?]+\.html)"', html)
    return {urljoin(base_url, h) for h in hrefs}


def test_base_url_is_loopback(base_url: str) -> None:
    parts = urlsplit(base_url)
    assert parts.hostname == "127.0.0.1"
    assert parts.port
    assert parts.path == "/"


def test_manifest_describes_a_realistic_site(manifest: list[dict[str, Any]]) -> None:
    assert len(manifest) == len(DEMO_ARTICLES) >= 32
    assert len({m["section"] for m in manifest}) == len(SECTIONS) >= 3
    author_counts = [len(m["authors"]) for m in manifest]
    assert max(author_counts) <= 3
    assert author_counts.count(1) < len(manifest)
    assert ["Coastal Press Service"] in [m["authors"] for m in manifest], "one wire story"
    assert {m["template"] for m in manifest} == {"standard", "feature", "legacy"}
    assert sum(bool(m["has_jsonld"]) for m in manifest) > len(manifest) / 2
    phrases = [str(m["phrase"]) for m in manifest]
    assert len(set(phrases)) == len(phrases)
    assert all(int(str(m["word_count"])) >= 250 for m in manifest)
    published = [datetime.fromisoformat(m["published"]) for m in manifest]
    assert published == sorted(published, reverse=True), "manifest is newest first"


def test_robots_txt(base_url: str) -> None:
    got = fetch(base_url + "robots.txt")
    assert got.status == 200
    assert got.headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /private/" in got.text.splitlines()
    assert f"Sitemap: {base_url}sitemap.xml" in got.text.splitlines()


def test_sitemap_index_points_to_news_and_article_sitemaps(base_url: str) -> None:
    got = fetch(base_url + "sitemap.xml")
    assert got.status == 200
    assert got.headers["Content-Type"] == "application/xml"
    root = ET.fromstring(got.body)
    assert root.tag == SM + "sitemapindex"
    locs = [el.text for el in root.iter(SM + "loc")]
    assert locs == [base_url + "sitemaps/news.xml", base_url + "sitemaps/articles.xml"]


def test_news_sitemap_lists_every_article(base_url: str, manifest: list[dict[str, Any]]) -> None:
    got = fetch(base_url + "sitemaps/news.xml")
    assert got.status == 200
    root = ET.fromstring(got.body)
    entries = {}
    for url in root.iter(SM + "url"):
        news = url.find(NEWS + "news")
        assert news is not None
        entries[url.findtext(SM + "loc")] = (
            news.findtext(NEWS + "publication_date"),
            news.findtext(NEWS + "title"),
        )
    assert entries == {m["url"]: (m["published"], m["title"]) for m in manifest}


def test_articles_sitemap_has_lastmod(base_url: str, manifest: list[dict[str, Any]]) -> None:
    root = ET.fromstring(fetch(base_url + "sitemaps/articles.xml").body)
    lastmods = {u.findtext(SM + "loc"): u.findtext(SM + "lastmod") for u in root.iter(SM + "url")}
    assert lastmods == {m["url"]: m["modified"] for m in manifest}


def test_rss_feed_has_latest_twenty(base_url: str, manifest: list[dict[str, Any]]) -> None:
    got = fetch(base_url + "feed.xml")
    assert got.status == 200
    assert got.headers["Content-Type"] == "application/rss+xml"
    root = ET.fromstring(got.body)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert [i.findtext("link") for i in items] == [m["url"] for m in manifest[:20]]
    assert items[0].findtext(DC + "creator")
    assert items[0].findtext("pubDate")


def test_section_pages_paginate(base_url: str, manifest: list[dict[str, Any]]) -> None:
    first = fetch(base_url + "section/politics/")
    assert first.status == 200
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert links(first.text, "next") == [base_url + "section/politics/page/2/"]
    assert 'rel="next" href="/section/politics/page/2/"' in first.text
    second = fetch(base_url + "section/politics/page/2/")
    assert second.status == 200
    assert links(second.text, "prev") == [base_url + "section/politics/"]
    assert links(second.text, "next") == []
    found = article_hrefs(first.text, base_url) | article_hrefs(second.text, base_url)
    expected = {m["url"] for m in manifest if m["section_slug"] == "politics"}
    assert expected <= found, "section pages must reach every article in the section"


def test_every_article_page(base_url: str, manifest: list[dict[str, Any]]) -> None:
    for m in manifest:
        got = fetch(str(m["url"]))
        assert got.status == 200, m["url"]
        html = got.text
        assert links(html, "canonical") == [m["url"]]
        assert str(m["phrase"]) in html
        assert "Related stories" in html
        assert "The Morning Ledger" in html
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
        assert bool(blocks) == m["has_jsonld"], m["url"]
        for block in blocks:
            data = json.loads(block)
            text = json.dumps(data)
            assert str(m["title"]) in text
            assert str(m["published"]) in text
            assert str(m["photo_credit"]) in text
        if not blocks:
            assert f'<meta property="article:published_time" content="{m["published"]}">' in html
        credit = re.escape(str(m["photo_credit"]))
        assert re.search(rf"(Photo: |Photograph: ){credit}", html), m["url"]


def test_article_images_are_pngs(base_url: str, manifest: list[dict[str, Any]]) -> None:
    got = fetch(str(manifest[0]["image_url"]))
    assert got.status == 200
    assert got.headers["Content-Type"] == "image/png"
    assert got.body.startswith(b"\x89PNG\r\n\x1a\n")
    assert 100 < len(got.body) < 2000


def test_non_article_pages(base_url: str) -> None:
    for path in ("", "about/", "author/maren-holt/", "private/"):
        got = fetch(base_url + path)
        assert got.status == 200, path
        assert "NewsArticle" not in got.text
    redirected = fetch(base_url + "about")
    assert redirected.status == 200
    assert redirected.url == base_url + "about/"


def test_missing_page_is_404(base_url: str) -> None:
    for path in ("no/such/page.html", "politics/2024/01/01/nothing.html", "../etc/passwd"):
        assert fetch(base_url + path).status == 404


def test_conditional_requests(base_url: str, manifest: list[dict[str, Any]]) -> None:
    url = str(manifest[0]["url"])
    first = fetch(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag
    assert last_modified
    again = fetch(url, {"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert fetch(url, {"If-Modified-Since": last_modified}).status == 304
    assert fetch(url, {"If-None-Match": '"stale"'}).status == 200
    tracked = fetch(url + "?utm_source=related")
    assert tracked.status == 200
    assert tracked.headers["ETag"] == etag


def test_head_request(base_url: str) -> None:
    got = fetch(base_url + "feed.xml", method="HEAD")
    assert got.status == 200
    assert got.body == b""
    assert int(got.headers["Content-Length"]) > 0


def test_server_prints_nothing(base_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    fetch(base_url)
    fetch(base_url + "missing.html")
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_build_is_fast_and_deterministic(tmp_path: Path) -> None:
    started = time.perf_counter()
    build_site(tmp_path / "a", "http://127.0.0.1:9/")
    assert time.perf_counter() - started < 1.0
    build_site(tmp_path / "b", "http://127.0.0.1:9/")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    assert files_a == files_b
    for rel in files_a:
        if (tmp_path / "a" / rel).is_file():
            assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
