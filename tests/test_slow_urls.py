"""Slow URLs never hold a crawl open (issue 21), against a small site served from this module.

The site: robots.txt with a Sitemap line, a sitemap and a home page listing the articles, two
pages that hang until the test lets them answer, and one article that answers 503 with a
Retry-After longer than the rest of the crawl. Every request is logged with its arrival time.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import sqlite3
import statistics
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archive.sites import Site
from crawler.config import slot_settings
from crawler.slots import SiteDownloader
from tests.fixtures import run_cli

WORDS = [
    "harbor",
    "council",
    "budget",
    "quay",
    "dredging",
    "vote",
    "ferry",
    "tide",
    "pier",
    "market",
    "school",
    "weather",
    "river",
    "bridge",
    "mayor",
    "station",
    "library",
    "garden",
    "museum",
    "festival",
    "railway",
    "tunnel",
    "canal",
    "lighthouse",
]
HANGING = ("/slow/hang-1", "/slow/hang-2")
BUSY = "/news/2026/01/09/busy-story.html"


def slow_path(i: int) -> str:
    """Pages that answer after Web.slow_answer seconds (Web.slow_pages of them)."""
    return f"/slow/late-story-{i}.html"


def story_path(i: int) -> str:
    return f"/news/2026/01/{1 + i % 28:02d}/story-{i}.html"


def story(title: str, seed: int) -> bytes:
    rng = random.Random(seed)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".</p>"
        for _ in range(6)
    )
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f'<p class="byline">By Ada Quay</p>{paragraphs}</article></body></html>'
    ).encode()


@dataclass
class Web:
    """The site's state and its access log: (seconds since start, path, status)."""

    articles: int
    retry_after: int
    started: float = field(default_factory=time.monotonic)
    log: list[tuple[float, str, int]] = field(default_factory=list)
    answer_hangs: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    busy_answered: bool = False
    base: str = ""
    answer_after: float = 0.0  # seconds every article takes to answer
    slow_answer: float = 0.0  # seconds each slow page takes to answer
    slow_pages: int = 0  # how many slow pages the home page lists
    in_flight: int = 0  # requests being answered now
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [story_path(i) for i in range(self.articles)]

    def hits(self, path: str, since: float = 0.0) -> list[float]:
        return [t for t, p, _ in self.log if p == path and t >= since]


def handler_for(web: Web) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def send(self, status: int, body: bytes, ctype: str = "text/html", **headers: str) -> None:
            web.log.append((time.monotonic() - web.started, self.path, status))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            with web.lock:
                web.in_flight += 1
                web.most_in_flight = max(web.most_in_flight, web.in_flight)
            try:
                self.answer()
            finally:
                with web.lock:
                    web.in_flight -= 1

        def answer(self) -> None:
            path, articles = self.path, web.paths()
            if path == "/robots.txt":
                body = f"User-agent: *\nDisallow: /private/\nSitemap: {web.base}sitemap.xml\n"
                self.send(200, body.encode(), "text/plain")
            elif path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{web.base}{p[1:]}</loc></url>" for p in articles)
                xmlns = "http://www.sitemaps.org/schemas/sitemap/0.9"
                body = f'<?xml version="1.0"?><urlset xmlns="{xmlns}">{urls}</urlset>'
                self.send(200, body.encode(), "application/xml")
            elif path == "/":
                # the hanging pages first: they are asked for before any article
                slow = [slow_path(i) for i in range(web.slow_pages)]
                links = [*HANGING, *slow, "/private/drafts.html", BUSY, *articles]
                body = "".join(f'<a href="{p}">{p}</a> ' for p in links)
                self.send(200, f"<html><body>{body}</body></html>".encode())
            elif path in HANGING:
                web.log.append((time.monotonic() - web.started, path, 0))
                # bounded: the test sets answer_hangs or stop long before this
                if web.answer_hangs.wait(120) and not web.stop.is_set():
                    self.send(200, b"<html><body><a href='/'>home</a></body></html>")
            elif path in map(slow_path, range(web.slow_pages)):
                web.log.append((time.monotonic() - web.started, path, 0))
                if not web.stop.wait(web.slow_answer):
                    self.send(
                        200,
                        story(f"A story that takes its time: {path}", zlib.crc32(path.encode())),
                    )
            elif path == BUSY and not web.busy_answered:
                web.busy_answered = True
                self.send(503, b"busy", Retry_After=str(web.retry_after))
            elif path == BUSY or path in articles:
                time.sleep(web.answer_after)
                self.send(200, story(f"Story at {path}", zlib.crc32(path.encode())))
            else:
                self.send(404, b"not here")

    return Handler


@contextmanager
def serve(web: Web) -> Iterator[Web]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(web))
    server.daemon_threads = True
    web.base = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        web.stop.set()
        web.answer_hangs.set()
        server.shutdown()
        server.server_close()


def now(web: Web) -> float:
    return time.monotonic() - web.started


def sites_toml(path: Path, web: Web) -> Path:
    # delay 0, concurrency unset: the default 2, which two hanging pages could fill
    path.write_text(
        f'[[site]]\nname = "slow"\nurl = "{web.base}"\ndelay = 0\nallow_private = true\n'
    )
    return path


def archived_paths(db_path: Path) -> set[str]:
    db = sqlite3.connect(db_path)
    try:
        return {urlsplit(u).path for (u,) in db.execute("SELECT url FROM articles")}
    finally:
        db.close()


# timeouts far beyond the bound below: only slot sharing and deferral can meet it
LONG_TIMEOUTS = ("-s", "DOWNLOAD_TIMEOUT=90", "-s", "NEWSARCHIVE_PAGE_TIMEOUT=90")


def test_hanging_pages_and_a_long_retry_after_hold_neither_articles_nor_the_crawl(
    tmp_path: Path,
) -> None:
    with serve(Web(articles=24, retry_after=30)) as web:
        data, sites = tmp_path / "data", sites_toml(tmp_path / "sites.toml", web)
        start = now(web)
        first = run_cli(
            "crawl", "--sites", str(sites), "--data", str(data), "--json", *LONG_TIMEOUTS
        )
        end = now(web)

        assert set(web.paths()) <= archived_paths(data / "news.db"), first.stderr[-2000:]
        requests = [t for t, _, _ in web.log if t >= start]
        last_article = max(t for t, p, _ in web.log if p in web.paths())
        bound = 5.0 + 0.3 * web.articles  # 12 s for 24 articles, on a loaded machine
        assert last_article - min(requests) <= bound, (
            f"the last article came {last_article - min(requests):.1f}s into the crawl "
            f"(bound {bound:.0f}s): slow pages still hold the slots articles need"
        )
        assert end - start < web.retry_after, (
            f"the crawl took {end - start:.0f}s: it waited out a Retry-After of "
            f"{web.retry_after}s or the hanging pages instead of deferring them"
        )
        assert len(web.hits(BUSY)) == 1, "asked again before its Retry-After"
        assert not web.hits("/private/drafts.html"), "robots.txt disallows /private/"
        deferred = [web.base + p[1:] for p in (*HANGING, BUSY)]
        for url in deferred:
            assert url in first.stderr, f"{url} missing from the crawl summary"
        db = sqlite3.connect(data / "news.db")
        rows = {u: (r, d) for u, r, d in db.execute("SELECT url, reason, due_at FROM deferred")}
        stats = json.loads(db.execute("SELECT stats FROM crawls").fetchone()[0])
        db.close()
        assert set(rows) == set(deferred), rows
        assert "Retry-After 30s" in rows[web.base + BUSY[1:]][0]
        assert stats["newsarchive/deferred"] == 3
        assert {d["url"] for d in stats["newsarchive/deferred_urls"]} == set(deferred)
        assert {d["url"] for d in json.loads(first.stdout)["deferred"]} == set(deferred)

        # the next run, once the busy story is due, picks up every deferred URL
        web.answer_hangs.set()
        busy_at = web.hits(BUSY)[0]
        time.sleep(max(0.0, busy_at + web.retry_after + 1.5 - now(web)))
        again = now(web)
        run_cli("crawl", "--sites", str(sites), "--data", str(data), *LONG_TIMEOUTS)
        for path in (*HANGING, BUSY):
            assert web.hits(path, again), f"{path} not asked for by the next run"
        assert min(web.hits(BUSY, again)) >= busy_at + web.retry_after, "asked again too soon"
        assert BUSY in archived_paths(data / "news.db")
        db = sqlite3.connect(data / "news.db")
        left = db.execute("SELECT url FROM deferred").fetchall()
        db.close()
        assert not left, f"still deferred after the next run: {left}"


def test_a_short_retry_after_is_asked_again_when_due_not_behind_the_queue(
    tmp_path: Path,
) -> None:
    """A 503 with a Retry-After of 1 s in the middle of a crawl: the URL is asked again once
    the second has passed, ahead of the articles queued meanwhile, so the crawl does not end
    waiting for it."""
    with serve(Web(articles=60, retry_after=1, answer_after=0.1)) as web:
        web.answer_hangs.set()
        data, sites = tmp_path / "data", sites_toml(tmp_path / "sites.toml", web)
        run_cli("crawl", "--sites", str(sites), "--data", str(data))
        assert {BUSY, *web.paths()} <= archived_paths(data / "news.db")
    busy, retried = web.hits(BUSY)
    articles = [t for t, p, _ in web.log if p in web.paths()]
    assert sum(t > busy + 2 for t in articles) >= 10, "the 503 came too late to tell"
    assert retried >= busy + web.retry_after, "asked again before its Retry-After"
    assert retried <= busy + web.retry_after + 1.0, (
        f"asked again {retried - busy:.1f}s after a Retry-After of {web.retry_after}s: it "
        "waited behind the requests queued meanwhile"
    )
    assert sum(t > retried for t in articles) >= 5, "asked again only at the end of the crawl"


def test_pages_slow_in_one_crawl_are_waited_for_in_the_next_within_its_budget(
    tmp_path: Path,
) -> None:
    """Three pages that answer after 6 s, longer than a page is waited for once nothing else
    is left (NEWSARCHIVE_STRAGGLER_AFTER, 3 s): the first crawl defers them. The next asks for
    as many as the site's concurrency (2) once its own work is done, together, and waits up to
    their timeout, so they are captured; the third would start after the budget for them
    (3 s here) and is left to the crawl after."""
    with serve(Web(articles=6, retry_after=1, slow_answer=6.0, slow_pages=3)) as web:
        web.answer_hangs.set()
        data, sites = tmp_path / "data", sites_toml(tmp_path / "sites.toml", web)
        slow = {slow_path(i) for i in range(web.slow_pages)}

        def crawl(*extra: str) -> tuple[list[float], list[float], set[str]]:
            """(arrival times of the slow pages, of the others, slow pages archived so far)"""
            start = now(web)
            budget = ("-s", "NEWSARCHIVE_SLOW_BEFORE_BUDGET=3", *extra)
            run_cli("crawl", "--sites", str(sites), "--data", str(data), *budget)
            log = [(t, p, status) for t, p, status in web.log if t >= start]
            asked = [t for t, p, status in log if p in slow and not status]
            return asked, [t for t, p, _ in log if p not in slow], slow & archived_paths(db)

        def deferred() -> list[tuple[str, int]]:
            conn = sqlite3.connect(db)
            try:
                return conn.execute("SELECT url, attempts FROM deferred").fetchall()
            finally:
                conn.close()

        db = data / "news.db"
        crawl()
        first = deferred()
        assert {u for u, _ in first} == {web.base + p[1:] for p in slow}, first

        asked, others, captured = crawl("-s", "NEWSARCHIVE_REPORT_AFTER=1.5")
        assert len(asked) == 2, f"the next crawl asked for {len(asked)} slow pages, not 2"
        # while it waits for them, the crawl says so, naming them and how long they have taken
        waits = [
            line
            for line in (data / "logs" / "crawl.log").read_text().splitlines()
            if "The end of the crawl waits for" in line
        ]
        assert waits, "the crawl never said what its end waited for"
        assert any(re.search(r"/slow/late-story-\d\.html \(\d+s[,)]", line) for line in waits), (
            waits
        )
        assert max(asked) - min(asked) < 1.0, f"not asked together: {asked}"
        assert min(asked) >= max(others) - 0.5, "asked before the rest of the crawl was done"
        assert len(captured) == 2, f"captured {sorted(captured)}"
        left = deferred()
        assert len(left) == 1, f"left: {left}"
        assert left[0] in first, f"{left[0]} was not left as it was: {first}"

        asked, _, captured = crawl()
        assert len(asked) == 1, asked
        assert captured == slow
        assert not deferred()


def spacing(web: Web, since: float) -> float:
    """Median time between requests to the site (robots.txt goes through its own slot)."""
    times = sorted(t for t, p, s in web.log if t >= since and p != "/robots.txt" and s)
    return statistics.median(b - a for a, b in itertools.pairwise(times))


def test_download_delay_setting_reaches_a_site_without_its_own_delay(tmp_path: Path) -> None:
    """With AutoThrottle off, a site's slot delay is DOWNLOAD_DELAY itself. (With it on,
    DOWNLOAD_DELAY is the floor AutoThrottle works above, as in Scrapy.)"""
    with serve(Web(articles=6, retry_after=1)) as web:
        web.answer_hangs.set()
        off = ("-s", "AUTOTHROTTLE_ENABLED=false")
        start = now(web)
        run_cli("crawl", web.base, "--allow-private", "--data", str(tmp_path / "a"), *off)
        polite = spacing(web, start)
        start = now(web)
        fast_run = ("--data", str(tmp_path / "b"), *off, "-s", "DOWNLOAD_DELAY=0")
        run_cli("crawl", web.base, "--allow-private", *fast_run)
        fast = spacing(web, start)
    assert polite >= 0.4, f"default DOWNLOAD_DELAY of 1s: requests {polite:.2f}s apart"
    assert fast < 0.2, f"-s DOWNLOAD_DELAY=0 left requests {fast:.2f}s apart: not applied"


def test_a_site_without_a_delay_gets_no_more_requests_at_once_than_its_concurrency(
    tmp_path: Path,
) -> None:
    """With no delay, Scrapy 2.19 under the asyncio reactor started a slot's whole queue at
    once (its requests count as transferring only once their task first runs): 16 requests
    at a time to a site set to 2. `SiteDownloader._start` counts them when started."""
    with serve(Web(articles=30, retry_after=1, answer_after=0.05)) as web:
        web.answer_hangs.set()
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "two"\nurl = "{web.base}"\ndelay = 0\nconcurrency = 2\n'
            "allow_private = true\n"
        )
        run_cli("crawl", "--sites", str(sites), "--data", str(tmp_path / "data"))
        assert set(web.paths()) <= archived_paths(tmp_path / "data" / "news.db")
    assert web.most_in_flight <= 2, f"{web.most_in_flight} requests at once to a site set to 2"
    assert web.most_in_flight == 2, "the site's two slots were never used together"


def test_slot_settings_follow_scrapy_settings_for_sites_without_their_own() -> None:
    settings = Settings()
    for name, value in {
        "DOWNLOAD_DELAY": "0.25",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "5",
        "AUTOTHROTTLE_ENABLED": "true",
        "AUTOTHROTTLE_START_DELAY": "3",
    }.items():
        settings.set(name, value, priority="cmdline")
    sites = [
        Site("plain", "http://a.test/"),
        Site("own", "http://b.test/", delay=2.0, concurrency=1),
    ]
    slot_settings(settings, sites)
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots["site:plain"] == {"concurrency": 5, "delay": 3.0, "throttle": True}
    assert slots["site:own"] == {"concurrency": 1, "delay": 2.0, "throttle": False}
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.25  # the throttle's floor for "plain"
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", "0", priority="cmdline")
    with pytest.raises(ValueError, match="CONCURRENT_REQUESTS_PER_DOMAIN"):
        slot_settings(settings, sites)


def test_a_slot_keeps_one_transfer_for_articles() -> None:
    downloader = SiteDownloader(get_crawler(settings_dict={"TELNETCONSOLE_ENABLED": False}))
    slot = Slot(concurrency=3, delay=0, jitter=0)
    hubs = [Request(f"http://a.test/hub-{i}") for i in range(3)]
    article = Request("http://a.test/2026/01/01/story.html", meta={"article": True})
    slot.transferring.update(hubs[:2])  # two of three transfers hang on pages
    for request in (hubs[2], article):
        slot.queue.append((request, None))  # type: ignore[arg-type]
    assert downloader._next(slot) == (article, None), "the article goes before the waiting page"
    assert downloader._next(slot) is None, "a third page would leave articles no transfer"
    slot.transferring.discard(hubs[0])
    assert downloader._next(slot) == (hubs[2], None)
