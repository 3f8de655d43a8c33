"""Scoring a crawl against the manifest of the web it crawled and the server's access log.

Used by the end-to-end tests (the test web, archive/demo/web) and by `bench/crawl_newsweb.py`
(full-size figures); both webs write the same manifest and log shapes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.discovery.urls import canonical_url

LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3})')
ROBOTS_DISALLOWED = ("/private/", "/search", "/calendar/", "/members/")


def read_access_log(path: Path, start: int = 0) -> tuple[list[tuple[str, int]], int]:
    """(path, status) of every request logged after byte offset `start`, and the new offset."""
    if not path.exists():
        return [], start
    data = path.read_bytes()
    hits = []
    for line in data[start:].decode("utf-8", "replace").splitlines():
        match = LOG_LINE.search(line)
        if match:
            hits.append((match["path"], int(match["status"])))
    return hits, len(data)


def expected_articles(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a
        for a in manifest["articles"]
        if a["kind"] in ("article", "syndicated_copy") and a["status"] == 200
    ]


def article_paths(manifest: dict[str, Any]) -> set[str]:
    return {urlsplit(a["url"]).path for a in manifest["articles"]}


def archived_urls(db: sqlite3.Connection) -> set[str]:
    urls: set[str] = set()
    rows = db.execute(
        "SELECT c.url, c.final_url, a.url FROM captures c JOIN articles a ON a.id = c.article_id"
    )
    for row in rows:
        urls.update(canonical_url(u) for u in row)
    return urls


def news_sitemap_urls(site_urls: dict[str, str]) -> set[str]:
    """Canonical article URLs listed in each site's Google News sitemap."""
    from urllib.request import urlopen

    from archive.discovery.documents import parse_sitemap

    urls: set[str] = set()
    for base in site_urls.values():
        url = base.rstrip("/") + "/sitemaps/news.xml"
        with urlopen(url, timeout=10) as resp:
            _, entries = parse_sitemap(resp.read(), url)
        urls.update(canonical_url(e.url) for e in entries)
    return urls


def score_crawl(
    db_path: Path,
    manifest: dict[str, Any],
    hits: list[tuple[str, int]],
    news_urls: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    """Recall, politeness and waste figures of one crawl."""
    db = sqlite3.connect(db_path)
    try:
        expected = expected_articles(manifest)
        archived = archived_urls(db)
        missing = [a["url"] for a in expected if canonical_url(a["url"]) not in archived]
        news_dates = {
            canonical_url(u): json.loads(h or "{}").get("news_publication_date")
            for u, h in db.execute("SELECT url, hints FROM captures")
        }
    finally:
        db.close()
    finite = {urlsplit(u).path for u in manifest["urls"]}
    art_paths = article_paths(manifest)
    paths = [p.split("?")[0] for p, _ in hits]
    per_article = Counter(p for p in paths if p in art_paths)
    outside = [p for p in paths if p not in finite]
    disallowed = [p for p in paths if p.startswith(ROBOTS_DISALLOWED)]
    return {
        "expected": len(expected),
        "recall": 1 - len(missing) / max(len(expected), 1),
        "missing": missing[:10],
        "requests": len(hits),
        "article_requests": sum(per_article.values()),
        "articles_fetched_twice": sorted(p for p, n in per_article.items() if n > 1)[:10],
        "outside": len(outside),
        "outside_share": len(outside) / max(len(hits), 1),
        "outside_examples": Counter(outside).most_common(8),
        "robots_disallowed_fetched": disallowed[:10],
        "news_sitemap_articles": len(news_urls),
        "news_dates_missing": sorted(u for u in news_urls if not news_dates.get(u))[:10],
    }
