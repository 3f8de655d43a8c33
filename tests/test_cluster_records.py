"""Issue 19: every capture reaches the indexer (a record per fetch in the store), `rebuild`
restores every capture row, and fresh nodes skip what the archive already holds (the snapshot
`ingest` publishes). Real redis-server, real SeaweedFS, the logged sites of tests/support/cluster_web.py.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.model import Capture
from archive.storage import LocalBlobStore
from tests.fixtures import run_cli
from tests.support.cluster_web import ClusterWeb, SiteSpec
from tests.support.s3server import Bucket
from tests.test_cluster_politeness import finish, node

CAPTURE_ROWS = """SELECT c.url, c.final_url, c.site, c.fetched_at, c.status, c.content_type,
    c.headers, c.hints, c.sha256, c.size, c.blob_key, c.canonical_url, a.first_seen, a.last_seen
    FROM captures c LEFT JOIN articles a ON a.id = c.article_id"""


def capture_rows(db: Path) -> Counter[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return Counter(tuple(row) for row in conn.execute(CAPTURE_ROWS))


def captured_urls(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter(url for (url,) in conn.execute("SELECT url FROM captures"))


def ingest(bucket: Bucket, data: Path) -> dict[str, object]:
    out = run_cli("ingest", "--from", bucket.uri, "--data", str(data), "--workers", "1", "--json")
    return dict(json.loads(out.stdout))


@pytest.fixture
def web() -> Iterator[ClusterWeb]:
    web = ClusterWeb([SiteSpec("twins", "127.0.0.41", articles=40, same=True)])
    web.start()
    try:
        yield web
    finally:
        web.stop()


def crawl_with_nodes(web: ClusterWeb, bucket: Bucket, redis_url: str, work: Path) -> None:
    work.mkdir(parents=True)
    sites = web.sites_toml(work / "sites.toml", delays={"twins": 0.0}, concurrency={"twins": 4})
    finish_all = [node(sites, work / f"n{i}", bucket, redis_url, f"n{i}") for i in range(2)]
    for proc in finish_all:
        finish(proc)


def test_identical_bodies_are_two_captures_and_fresh_nodes_skip_the_archive(
    web: ClusterWeb, s3_bucket: Bucket, redis_url: str, tmp_path: Path
) -> None:
    first = time.time()
    crawl_with_nodes(web, s3_bucket, redis_url, tmp_path / "first")
    report = ingest(s3_bucket, tmp_path / "indexer")
    urls = captured_urls(tmp_path / "indexer" / "news.db")
    base = web.sites["twins"].url
    for name in ("same-a", "same-b"):
        assert urls[f"{base}news/{name}.html"] == 1, (
            f"{name}: two URLs serving one body must be two captures after ingest: {urls}"
        )
    assert int(str(report["published"])) >= 40, f"the snapshot of known URLs: {report}"
    first_articles = len(web.article_hits(first))
    assert first_articles >= 42

    second = time.time()  # a scheduled crawl later, on fresh nodes (empty data folders)
    crawl_with_nodes(web, s3_bucket, redis_url, tmp_path / "second")
    again = len(web.article_hits(second))
    print(f"article requests: first crawl {first_articles}, second on fresh nodes {again}")
    assert again < 0.05 * first_articles, (
        f"fresh nodes fetched {again} article pages again ({first_articles} the first time): "
        "they did not use the archive's snapshot of known URLs"
    )


def test_rebuild_restores_every_capture_row_with_last_seen(
    s3_bucket: Bucket, tmp_path: Path
) -> None:
    # the sitemap says every article changed: the second crawl fetches them again, identical
    web = ClusterWeb([SiteSpec("again", "127.0.0.42", articles=8, same=True, lastmod_now=True)])
    web.start()
    try:
        sites = web.sites_toml(tmp_path / "sites.toml", delays={"again": 0.0}, concurrency={})
        data = tmp_path / "crawl"
        args = ["crawl", "--sites", str(sites), "--data", str(data), "--blobs", s3_bucket.uri]
        run_cli(*args)
        time.sleep(1.1)  # fetch times have whole seconds
        run_cli(*args)
    finally:
        web.stop()
    reference = capture_rows(data / "news.db")
    urls = captured_urls(data / "news.db")
    refetched = [u for u, n in urls.items() if n == 2 and "/news/" in u]
    assert len(refetched) >= 10, f"the second crawl should fetch the articles again: {urls}"
    run_cli("rebuild", "--from", s3_bucket.uri, "--data", str(tmp_path / "rebuilt"))
    rebuilt = capture_rows(tmp_path / "rebuilt" / "news.db")
    assert sum(rebuilt.values()) == sum(reference.values()), (
        f"rebuild restored {sum(rebuilt.values())} capture rows of {sum(reference.values())}"
    )
    assert rebuilt == reference, (
        f"rows differ after rebuild: missing {list((reference - rebuilt).items())[:2]}, "
        f"extra {list((rebuilt - reference).items())[:2]}"
    )


def test_an_archive_without_records_still_rebuilds(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "raw")
    body = b"<html><body><p>old capture</p></body></html>"
    for url in ("http://old.example/a", "http://old.example/b"):
        capture = Capture(url=url, final_url=url, status=200, body=body + url.encode())
        capture.site, capture.content_type = "old", "text/html"
        store.put(capture.sha256, capture.body, capture.meta())
    assert not list(store.docs("records")), "an archive from before records"
    run_cli("rebuild", "--from", str(tmp_path / "raw"), "--data", str(tmp_path / "new"))
    assert sorted(captured_urls(tmp_path / "new" / "news.db")) == [
        "http://old.example/a",
        "http://old.example/b",
    ]
