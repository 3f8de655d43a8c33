"""What the crawl reads from and writes to the index besides captures: the articles it already
knows (to skip or revisit), HTTP validators of sitemaps and feeds, and late discovery hints."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from archive.discovery.urls import safe_canonical_url
from archive.model import utc_now


def known_articles(db: Database, sites: list[str]) -> dict[str, tuple[str, str, str]]:
    """Every URL an archived article of these sites was captured under, with the article's
    (published, last_seen, sitemap lastmod when last fetched) — what a crawl needs to decide
    whether to fetch it again. An article's own URL counts only once it was captured from it:
    a copy naming it as canonical does not stand in for the page itself."""
    marks = ",".join("?" * len(sites))
    rows = db.execute(
        f"""SELECT c.url, c.final_url, a.url, COALESCE(NULLIF(a.published, ''), a.first_seen),
                   a.last_seen, json_extract(last.hints, '$.lastmod')
            FROM captures c JOIN articles a ON a.id = c.article_id
            JOIN captures last
              ON last.id = (SELECT max(id) FROM captures WHERE article_id = a.id)
            WHERE a.site IN ({marks})""",  # noqa: S608 - placeholders only
        sites,
    ).fetchall()
    known: dict[str, tuple[str, str, str]] = {}
    for url, final_url, _article_url, published, last_seen, lastmod in rows:
        for u in (url, final_url):
            known[safe_canonical_url(u)] = (published or "", last_seen or "", lastmod or "")
    return known


def load_validators(db: Database) -> dict[str, tuple[str, str]]:
    """url -> (etag, last_modified) of discovery documents seen by finished crawls."""
    rows = db.execute("SELECT url, etag, last_modified FROM validators").fetchall()
    return {url: (etag or "", modified or "") for url, etag, modified in rows}


def sitemap_sources(db: Database, sites: list[str]) -> dict[str, list[str]]:
    """For each discovery document, the canonical URLs of archived, not-gone articles it listed
    when they were last captured — to notice articles that vanish from their sitemap."""
    marks = ",".join("?" * len(sites))
    rows = db.execute(
        f"""SELECT json_extract(c.hints, '$.source'), a.url
            FROM articles a
            JOIN captures c ON c.id = (SELECT max(id) FROM captures WHERE article_id = a.id)
            WHERE a.site IN ({marks}) AND a.gone_at IS NULL
              AND json_extract(c.hints, '$.source') IS NOT NULL
              AND COALESCE(json_extract(c.hints, '$.absence_check'), 0) = 0""",  # noqa: S608
        sites,
    ).fetchall()
    out: dict[str, list[str]] = {}
    for source, url in rows:
        out.setdefault(source, []).append(url)
    return out


def save_validators(db: Database, validators: dict[str, tuple[str, str]]) -> None:
    """Remember ETag/Last-Modified of discovery documents (after a crawl that finished)."""
    with db.atomic():
        for url, (etag, modified) in validators.items():
            db.execute(
                "INSERT INTO validators (url, etag, last_modified, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, saved_at = excluded.saved_at",
                [url, etag, modified, utc_now()],
            )


def merge_hints(db: Database, crawl_id: int, hints: dict[str, dict[str, Any]]) -> None:
    """Add discovery facts that arrived after a page was fetched to its captures of a crawl
    (a news sitemap read after a feed led to the article first)."""
    with db.atomic():
        for url, extra in hints.items():
            rows = db.execute(
                "SELECT id, hints FROM captures WHERE crawl_id = ? AND url = ?", [crawl_id, url]
            ).fetchall()
            for capture_id, old in rows:
                merged = {**extra, **json.loads(old or "{}")}  # what came first wins
                db.execute(
                    "UPDATE captures SET hints = ? WHERE id = ?",
                    [_canonical_json(merged), capture_id],
                )


def _canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def register_sites(db: Database, sites: Iterable[dict[str, Any]]) -> None:
    with db.atomic():
        for site in sites:
            db.execute(
                "INSERT INTO sites (name, url, config) VALUES (?, ?, ?) ON CONFLICT(name) "
                "DO UPDATE SET url = excluded.url, config = excluded.config",
                [site["name"], site["url"], _canonical_json(site)],
            )


def start_crawl(db: Database, sites: Iterable[str]) -> int:
    cur = db.execute(
        "INSERT INTO crawls (sites, started_at) VALUES (?, ?)",
        [",".join(sites), utc_now()],
    )
    db.conn.commit()
    assert cur.lastrowid is not None
    return cur.lastrowid


def finish_crawl(db: Database, crawl_id: int, reason: str, stats: dict[str, Any]) -> None:
    db.execute(
        "UPDATE crawls SET finished_at = ?, finish_reason = ?, stats = ? WHERE id = ?",
        [utc_now(), reason, _canonical_json(stats), crawl_id],
    )
    db.conn.commit()
