"""Extract stage: `archive.jobs.worker.extract_capture` in worker processes."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from archive.jobs.pool import process_pool
from archive.jobs.worker import Extracted, extract_capture, worker_ready
from archive.model import Capture
from pipelines import capture_of

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0  # how often a waiting page checks that its worker is not stuck


class ExtractPipeline:
    """Runs `archive.jobs.worker.extract_capture` in worker processes; the reactor never waits.

    A page gets NEWSARCHIVE_EXTRACT_TIMEOUT seconds in its worker (then its extraction is an
    error, the capture is kept). A worker that does not even answer by twice that (plus the
    time its page may have waited in the queue) is stuck in C code: the pool's processes are
    killed and a new pool takes the pages still in flight.
    """

    def __init__(
        self, workers: int, stats: StatsCollector, crawler: Crawler, timeout: float = 30.0
    ) -> None:
        self.workers, self.stats, self.crawler = workers, stats, crawler
        self.timeout = timeout
        self.pool: ProcessPoolExecutor | None = None
        self.overrides: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        workers = crawler.settings.getint("NEWSARCHIVE_WORKERS") or os.cpu_count() or 1
        timeout = crawler.settings.getfloat("NEWSARCHIVE_EXTRACT_TIMEOUT", 30.0)
        assert crawler.stats is not None
        return cls(workers, crawler.stats, crawler, timeout)

    @property
    def hard_limit(self) -> float | None:
        return 2 * self.timeout + 10 if self.timeout > 0 else None

    def _replace(self, pool: ProcessPoolExecutor, why: str) -> None:
        """Kill a stuck or broken pool's processes and start a new pool (once per pool)."""
        if pool is not self.pool:
            return  # another page replaced it already
        log.warning("Extraction workers %s; replacing them", why)
        self.stats.inc_value("newsarchive/extract_workers_replaced")
        for process in list(pool._processes.values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        self.pool = process_pool(self.workers)

    async def _result(self, future: Future[Extracted]) -> Extracted:
        """The future's result; TimeoutError once it has been running (handed to a worker)
        longer than the hard limit. Time spent queued behind other pages does not count."""
        waiting = asyncio.wrap_future(future)
        started: float | None = None
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=POLL_SECONDS)
            if done:
                return waiting.result()
            now = time.monotonic()
            if started is None and future.running():
                started = now
            limit = self.hard_limit
            if limit is not None and started is not None and now - started > limit:
                waiting.cancel()
                raise TimeoutError

    async def _extract(self, capture: Capture) -> Extracted:
        for _ in range(2):  # a page lost with a pool another page broke gets one more go
            pool = self.pool
            assert pool is not None
            future = pool.submit(
                extract_capture,
                capture.body,
                capture.final_url,
                capture.content_type,
                self.overrides.get(capture.site),
                self.timeout,
            )
            try:
                return await self._result(future)
            except TimeoutError:
                self._replace(pool, f"gave no result for {capture.final_url[:200]}")
                return Extracted(
                    None,
                    False,
                    f"ExtractTimeout: no result for {capture.final_url[:200]} after "
                    f"{self.hard_limit:g} s; the worker was replaced",
                )
            except BrokenProcessPool:
                self._replace(pool, "died")
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not future.cancelled() or (task is not None and task.cancelling()):
                    raise  # the crawl itself is being cancelled
                # it waited in a pool that was replaced for another page: one more go
        return Extracted(None, False, "BrokenProcessPool: extraction workers died twice")

    def open_spider(self) -> None:
        # spawned (never fork a process that runs the Twisted reactor and its threads), and
        # gone with this process even after a SIGKILL. Backpressure: an item holds its response
        # in Scrapy's scraper slot until the store has committed it, and no new request goes
        # out while those responses exceed SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes (settings.py).
        self.pool = process_pool(self.workers)
        for _ in range(self.workers):  # start them now: their imports overlap robots/sitemaps
            self.pool.submit(worker_ready)
        sites = getattr(self.crawler.spider, "sites", [])
        self.overrides = {s.name: s.overrides for s in sites if s.overrides}

    async def close_spider(self) -> None:
        if self.pool is not None:  # off the reactor thread: the other pipelines close meanwhile
            await asyncio.to_thread(self.pool.shutdown, wait=True, cancel_futures=True)

    async def process_item(self, item: Any) -> Any:
        capture = capture_of(item)
        if capture.status != 200:
            return item  # gone (404/410): recorded, not extracted
        result = await self._extract(capture)
        result.apply(capture)
        capture.hints["is_article"] = result.is_article
        if result.error:
            self.stats.inc_value("newsarchive/extract_errors")
            if result.error.startswith("ExtractTimeout"):
                self.stats.inc_value("newsarchive/extract_timeouts")
        return item
