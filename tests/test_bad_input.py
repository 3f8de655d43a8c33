"""Bad input during a crawl: counted, logged, never stored as articles, never a crash."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.fixtures import run_cli

pytestmark = [pytest.mark.crawl]

ARTICLE = """<!doctype html><html lang="en"><head><title>Pier reopens | Test Gazette</title>
<meta property="og:type" content="article"><link rel="canonical" href="{base}news/2024/05/01/pier-reopens-after-repairs.html">
</head><body><article><h1>Pier reopens after two years of repairs</h1>
<p class="byline">By Nora Quill</p><time datetime="2024-05-01T09:00:00Z">May 1, 2024</time>
{paras}</article></body></html>"""
PARAS = "".join(
    f"<p>{text}</p>"
    for text in (
        "The town pier reopened on Wednesday after a two-year rebuild that replaced every pile.",
        "Most of the deck boards are new, and the harbormaster said boats can tie up again.",
        "The work cost 4.1 million dollars, a third of it paid by a state coastal grant.",
        "Anglers lined the rail by seven in the morning, some with thermoses and folding chairs.",
        "A bait shop at the foot of the pier will reopen next month under a new owner.",
        "The council plans a ribbon cutting in June, once the railings have been painted.",
    )
)
LISTING = (
    "<html><body><h1>Latest</h1>"
    + "".join(f'<div class="card"><a href="/x{i}">Story {i}</a></div>' for i in range(5))
    + "</body></html>"
)


def test_bad_responses_are_counted_not_archived(httpserver: HTTPServer, tmp_path: Path) -> None:
    base = httpserver.url_for("/")
    links = [
        "/news/2024/05/01/pier-reopens-after-repairs.html",  # the one real article
        "/news/2024/05/02/story-that-went-missing.html",  # 404
        "/news/2024/05/03/story-served-as-pdf-file.html",  # non-HTML body
        "/news/2024/05/04/story-with-an-empty-page.html",  # empty 200
        "/news/2024/05/05/story-that-is-a-listing.html",  # HTML, not an article
        "/news/2024/05/06/story-with-broken-markup.html",  # truncated binary-ish junk
    ]
    home = "<html><body>" + "".join(f'<a href="{u}">{u}</a>' for u in links) + "</body></html>"
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/").respond_with_data(home, content_type="text/html")
    httpserver.expect_request(links[0]).respond_with_data(
        ARTICLE.format(base=base, paras=PARAS), content_type="text/html; charset=utf-8"
    )
    for missing in (links[1], "/sitemap.xml"):
        httpserver.expect_request(missing).respond_with_data("Not found", status=404)
    httpserver.expect_request(links[2]).respond_with_data(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40, content_type="application/pdf"
    )
    httpserver.expect_request(links[3]).respond_with_data("", content_type="text/html")
    httpserver.expect_request(links[4]).respond_with_data(LISTING, content_type="text/html")
    httpserver.expect_request(links[5]).respond_with_data(
        b"<html><body><h1>Bro\xff\xfe" + bytes(range(256)) * 20, content_type="text/html"
    )
    data = tmp_path / "data"
    run_cli("crawl", base, "--allow-private", "--data", str(data), "-s", "DOWNLOAD_DELAY=0")
    db = sqlite3.connect(data / "news.db")
    titles = [t for (t,) in db.execute("SELECT title FROM articles")]
    assert titles == ["Pier reopens after two years of repairs"]
    (stats_json,) = db.execute("SELECT stats FROM crawls").fetchone()
    stats = json.loads(stats_json)
    assert stats.get("newsarchive/dropped/status_404") == 1
    assert stats.get("newsarchive/skipped/non_html") == 1
    not_articles = stats.get("newsarchive/articles/not_article", 0)
    not_articles += stats.get("newsarchive/skipped/not_article_url", 0)
    assert not_articles >= 2, stats
    outcomes = dict(db.execute("SELECT outcome, count(*) FROM captures GROUP BY outcome"))
    assert outcomes.get("new") == 1
    log = (data / "logs" / "crawl.log").read_text()
    assert "Traceback" not in log, "no stack traces in a crawl with bad pages"


def test_a_copy_naming_its_canonical_does_not_replace_the_page(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A copy whose rel=canonical names the article (a print or trap copy) may be fetched
    first; the article's own page is still captured from its URL, in this crawl or the next."""
    base = httpserver.url_for("/")
    story = "/news/2024/05/01/pier-reopens-after-repairs.html"
    copy = "/print/2024/05/01/pier-reopens-after-repairs-print.html"
    page = ARTICLE.format(base=base, paras=PARAS)
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/sitemap.xml").respond_with_data("Not found", status=404)
    httpserver.expect_request("/").respond_with_data(
        f'<html><body><a href="{copy}">Print</a></body></html>', content_type="text/html"
    )
    httpserver.expect_request(copy).respond_with_data(page, content_type="text/html")
    httpserver.expect_request(story).respond_with_data(page, content_type="text/html")
    data = tmp_path / "data"
    crawl = ("crawl", base, "--allow-private", "--data", str(data), "-s", "DOWNLOAD_DELAY=0")
    run_cli(*crawl)  # the home page links only the copy: the story is known by its canonical
    db = sqlite3.connect(data / "news.db")
    urls = {u.replace(base, "/") for (u,) in db.execute("SELECT url FROM captures")}
    assert copy in urls
    assert story not in urls
    assert [u for (u,) in db.execute("SELECT url FROM articles")] == [base + story.lstrip("/")]
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/sitemap.xml").respond_with_data("Not found", status=404)
    httpserver.expect_request("/").respond_with_data(
        f'<html><body><a href="{story}">Story</a><a href="{copy}">Print</a></body></html>',
        content_type="text/html",
    )
    httpserver.expect_request(copy).respond_with_data(page, content_type="text/html")
    httpserver.expect_request(story).respond_with_data(page, content_type="text/html")
    run_cli(*crawl)  # now the page itself is linked: captured from its own URL
    urls = {u.replace(base, "/") for (u,) in db.execute("SELECT url FROM captures")}
    assert story in urls
    assert db.execute("SELECT count(*) FROM articles").fetchone() == (1,)
