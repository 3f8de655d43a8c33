"""End to end: `newsarchive crawl` of the three sites of the test web (archive/demo/web)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archive.discovery.urls import canonical_url
from tests.fixtures import CRAWL_SETTINGS, TestWeb, run_cli

pytestmark = [pytest.mark.crawl]


@pytest.fixture(scope="module")
def crawled(testweb: TestWeb, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("crawl")
    sites = testweb.sites_toml(work / "sites.toml")
    data = work / "data"
    proc = run_cli("crawl", "--sites", str(sites), "--data", str(data), *CRAWL_SETTINGS)
    db = sqlite3.connect(data / "news.db")
    return {"data": data, "db": db, "proc": proc, "manifest": testweb.manifest}


def _archived_urls(db: sqlite3.Connection) -> set[str]:
    urls: set[str] = set()
    for row in db.execute(
        "SELECT c.url, c.final_url, a.url FROM captures c JOIN articles a ON a.id = c.article_id"
    ):
        urls.update(canonical_url(u) for u in row)
    return urls


def test_recall_of_manifest_articles(crawled: dict[str, Any]) -> None:
    expected = [
        a
        for a in crawled["manifest"]["articles"]
        if a["kind"] in ("article", "syndicated_copy") and a["status"] == 200
    ]
    archived = _archived_urls(crawled["db"])
    missing = [a["url"] for a in expected if canonical_url(a["url"]) not in archived]
    recall = 1 - len(missing) / len(expected)
    assert recall >= 0.95, f"recall {recall:.3f}; first missing: {missing[:5]}"


def test_articles_have_core_fields(crawled: dict[str, Any]) -> None:
    db = crawled["db"]
    total, titled, bodied = db.execute(
        "SELECT count(*), sum(title != ''), sum(length(body) > 200) FROM articles"
    ).fetchone()
    assert total > 0
    assert titled == total, "every archived article needs a title"
    assert bodied == total, "every archived article needs a body"


def test_not_articles_never_stored_as_articles(crawled: dict[str, Any]) -> None:
    man = crawled["manifest"]
    hubs = {
        canonical_url(u)
        for u, info in man["urls"].items()
        if info["type"] in ("home", "section", "tag", "author", "page", "rss", "atom", "sitemap")
    }
    stored = {canonical_url(u) for (u,) in crawled["db"].execute("SELECT url FROM articles")}
    assert not (hubs & stored), f"hub pages stored as articles: {sorted(hubs & stored)[:5]}"


def test_charset_traps_decoded(crawled: dict[str, Any]) -> None:
    db = crawled["db"]
    traps = [t for t in crawled["manifest"]["traps"] if t.get("expected_title")]
    assert traps, "the manifest lists charset traps"
    for trap in traps:
        row = db.execute(
            "SELECT a.title FROM articles a JOIN captures c ON c.article_id = a.id "
            "WHERE c.url = ? OR c.final_url = ?",
            [canonical_url(trap["url"]), trap["url"]],
        ).fetchone()
        assert row is not None, f"charset trap {trap['url']} not archived"
        assert row[0] == trap["expected_title"], f"{trap['name']}: got {row[0]!r}"


def test_blobs_match_captures(crawled: dict[str, Any]) -> None:
    db, raw = crawled["db"], Path(crawled["data"]) / "raw"
    shas = {sha for (sha,) in db.execute("SELECT sha256 FROM captures")}
    files = {p.name.removesuffix(".zst") for p in raw.glob("*/*/*.zst")}
    assert shas == files, "one blob per distinct raw body, and nothing else"


def test_crawl_recorded(crawled: dict[str, Any]) -> None:
    row = crawled["db"].execute("SELECT finished_at, finish_reason, stats FROM crawls").fetchone()
    assert row[0]
    assert row[1] == "finished"
    assert '"newsarchive/articles/new"' in row[2]
