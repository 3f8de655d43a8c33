"""Extract stage: `archive.jobs.worker.extract_capture` in worker processes."""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from archive.jobs.pool import process_pool
from archive.jobs.worker import extract_capture, worker_ready
from pipelines import capture_of

log = logging.getLogger(__name__)


class ExtractPipeline:
    """Runs `archive.jobs.worker.extract_capture` in worker processes; the reactor never waits."""

    def __init__(self, workers: int, stats: StatsCollector, crawler: Crawler) -> None:
        self.workers, self.stats, self.crawler = workers, stats, crawler
        self.pool: ProcessPoolExecutor | None = None
        self.overrides: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        workers = crawler.settings.getint("NEWSARCHIVE_WORKERS") or os.cpu_count() or 1
        assert crawler.stats is not None
        return cls(workers, crawler.stats, crawler)

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

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: Any) -> Any:
        capture = capture_of(item)
        if capture.status != 200:
            return item  # gone (404/410): recorded, not extracted
        assert self.pool is not None
        future = self.pool.submit(
            extract_capture,
            capture.body,
            capture.final_url,
            capture.content_type,
            self.overrides.get(capture.site),
        )
        result = await asyncio.wrap_future(future)
        result.apply(capture)
        capture.hints["is_article"] = result.is_article
        if result.error:
            self.stats.inc_value("newsarchive/extract_errors")
        return item
