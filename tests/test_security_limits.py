"""Attacks on the crawler's resources, in real crawls of servers on 127.0.0.1 (issue 16):

- a 200,000-entry gzipped sitemap, an endless chain of sitemap indexes, and an index of 1,000
  sitemaps: entries per file, index depth, documents per site and queued requests are capped,
  each cap logged and counted;
- pages that make extraction slow (interruptibly, and stuck with signals blocked): each is
  recorded as an extraction error after NEWSARCHIVE_EXTRACT_TIMEOUT, the stuck worker is
  replaced, the crawl goes on.

Counts go to test-artifacts/faults.md.
"""

from __future__ import annotations

import gzip
import re
import resource
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.report import record
from tests.support.securityjail import Server, crawl, jail_env, stats_of, story

pytestmark = [pytest.mark.crawl, pytest.mark.slow]
DAY = "/news/2024/05/01/"
FLOOD = 200_000
SETTINGS = ("--workers", "1", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=4")


def urlset(urls: Iterator[str]) -> bytes:
    head = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return (head + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>").encode()


def index(*urls: str) -> bytes:
    head = '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    locs = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return (head + locs + "</sitemapindex>").encode()


@pytest.fixture
def web() -> Iterator[Server]:
    server = Server()
    yield server
    server.close()


def test_sitemap_floods_are_capped(web: Server, tmp_path: Path) -> None:
    """Three sites (three names for 127.0.0.1 in the jail's DNS), each with one attack, so that
    every cap is reached whatever order the crawl takes."""
    started = time.monotonic()
    port = web.port
    # relative locs: each resolves against its own site's sitemap URL
    flood = gzip.compress(urlset(f"{DAY}flood-{i}-story.html" for i in range(FLOOD)))
    web.pages["/flood.xml.gz"] = (200, "application/x-gzip", flood)
    web.pages["/many.xml"] = (
        200,
        "application/xml",
        index(*(f"/small-{i}.xml" for i in range(1000))),
    )

    def other(path: str) -> tuple[int, str, bytes]:
        if chain := re.fullmatch(r"/chain-(\d+)\.xml", path):
            return 200, "application/xml", index(f"/chain-{int(chain[1]) + 1}.xml")
        if small := re.fullmatch(r"/small-(\d+)\.xml", path):
            return 200, "application/xml", urlset(iter([f"{DAY}small-{small[1]}-story.html"]))
        return 404, "text/plain", b"gone"

    web.fallback = other
    sitemaps = {"flood": "/flood.xml.gz", "chain": "/chain-0.xml", "many": "/many.xml"}
    sites = tmp_path / "sites.toml"
    sites.write_text(
        "".join(
            f'[[site]]\nname = "{name}"\nurl = "http://{name}.test:{port}/"\ndelay = 0\n'
            f'concurrency = 8\nallow_private = true\nsitemaps = ["http://{name}.test:{port}{path}"]\n\n'
            for name, path in sitemaps.items()
        )
    )
    caps = (
        "-s",
        "DOWNLOAD_TIMEOUT=30",  # reading the flood holds the reactor a few seconds
        "-s",
        "NEWSARCHIVE_MAX_QUEUED_PER_SITE=300",
        "-s",
        "NEWSARCHIVE_MAX_DISCOVERY_DOCS=40",
    )
    env = jail_env(tmp_path / "jail", {f"{name}.test": ["127.0.0.1"] for name in sitemaps})
    data = tmp_path / "data"
    finished = crawl(
        env,
        "--sites",
        str(sites),
        "--data",
        str(data),
        *SETTINGS,
        *caps,
        timeout=150,
        must_end=False,
    )
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    hits = web.hits
    articles = [p for h, p in hits if h.startswith("flood.") and p.startswith(DAY)]
    documents = [p for h, p in hits if h.startswith("many.") and p.endswith(".xml")]
    deepest = max(
        (int(m[1]) for _, p in hits if (m := re.fullmatch(r"/chain-(\d+)\.xml", p))), default=0
    )
    stats = stats_of(data)
    log = (data / "logs" / "crawl.log").read_text(errors="replace")
    record(
        "hostile",
        f"sitemap floods: {FLOOD:,} entries gzipped ({len(flood) // 1024} KiB), an endless "
        "index chain, an index of 1,000 sitemaps",
        injected=FLOOD + 1000,
        survived=FLOOD + 1000 - len(articles),
        started=started,
        note=f"{len(articles)} article requests, {len(documents)} sitemaps of the index fetched, "
        f"index depth {deepest}, crawl {seconds:.0f} s, peak RSS {peak_mib:.0f} MiB",
    )
    assert finished is not None, f"the crawl did not end in 150 s ({len(articles)} requests)"
    assert len(articles) < 2_000, f"{len(articles)} article requests from the flood"
    assert len(documents) <= 40, f"{len(documents)} sitemaps fetched for one site"
    assert deepest <= 4, f"index chain followed to depth {deepest}"
    for cap in ("sitemap_entries", "sitemap_depth", "discovery_docs", "queued"):
        assert stats.get(f"newsarchive/capped/{cap}", 0) >= 1, f"cap {cap} not counted"
    assert stats["newsarchive/discovered/sitemap_urlset"] <= 50_000 + 1000
    assert log.count("(limit 50000)") == 1, "the entries cap is logged once"
    assert log.count("(limit 300)") == 1, "the queue cap is logged once"
    assert peak_mib < 1024, f"peak RSS {peak_mib:.0f} MiB"


SLOW = """
import os, signal, time
if os.environ.get("NEWSARCHIVE_TEST_SLOW_EXTRACT"):
    import archive.jobs.worker as _worker
    _real = _worker.extract
    def _extract(html, url, **kwargs):
        text = html if isinstance(html, str) else html.decode("utf-8", "replace")
        if "SLOW-EXTRACT-MARKER" in text:
            time.sleep(600)
        if "STUCK-EXTRACT-MARKER" in text:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(600)
        return _real(html, url, **kwargs)
    _worker.extract = _extract
"""


def test_slow_and_stuck_extraction_is_cut_off(web: Server, tmp_path: Path) -> None:
    started = time.monotonic()
    base = f"http://127.0.0.1:{web.port}"
    names = ["slow-page-story-one", "stuck-page-story-two", "normal-page-story-three"]
    markers = ["<!-- SLOW-EXTRACT-MARKER -->", "<!-- STUCK-EXTRACT-MARKER -->", ""]
    links = "".join(f'<a href="{DAY}{n}.html">{n}</a>' for n in names)
    web.pages["/"] = (200, "text/html", f"<html><body>{links}</body></html>".encode())
    for name, marker in zip(names, markers, strict=True):
        web.pages[f"{DAY}{name}.html"] = (
            200,
            "text/html",
            story(name.replace("-", " "), extra_head=marker),
        )
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "slow"\nurl = "{base}/"\ndelay = 0\nallow_private = true\n')
    env = jail_env(tmp_path / "jail", extra=SLOW)
    env["NEWSARCHIVE_TEST_SLOW_EXTRACT"] = "1"
    data = tmp_path / "data"
    crawl(
        env,
        "--sites",
        str(sites),
        "--data",
        str(data),
        *SETTINGS,
        "-s",
        "NEWSARCHIVE_EXTRACT_TIMEOUT=2",
        timeout=180,
    )
    seconds = time.monotonic() - started
    stats = stats_of(data)
    db = sqlite3.connect(data / "news.db")
    errors = dict(
        db.execute(
            "SELECT c.url, e.error FROM extractions e JOIN captures c ON c.id = e.capture_id "
            "WHERE e.error != ''"
        ).fetchall()
    )
    titles = [t for (t,) in db.execute("SELECT title FROM articles")]
    db.close()
    record(
        "hostile",
        "pages whose extraction hangs (sleeping; stuck with SIGALRM blocked)",
        injected=2,
        survived=sum("ExtractTimeout" in e for e in errors.values()),
        started=started,
        note=f"crawl {seconds:.0f} s, workers replaced "
        f"{stats.get('newsarchive/extract_workers_replaced', 0)}",
    )
    assert titles == ["normal page story three"], f"the normal page is archived: {titles}"
    assert len(errors) == 2, f"two extraction errors recorded: {errors}"
    assert all("ExtractTimeout" in e for e in errors.values()), errors
    assert stats.get("newsarchive/extract_timeouts") == 2, stats
    assert stats.get("newsarchive/extract_workers_replaced") == 1, stats
    assert seconds < 120, f"the crawl took {seconds:.0f} s"
