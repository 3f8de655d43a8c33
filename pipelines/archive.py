"""Item pipelines: thin adapters from Scrapy to the `archive` core, one step each.

mirror (raw bytes to the blob store, first) -> extract (worker processes) -> store (batched
SQLite writes by one writer). Each awaits its work off the reactor thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro

from archive.blobs import BlobStore, BlobStoreError, Put, blob_key, open_blob_store
from archive.db import DB_NAME, DISK_FULL, data_dir, is_disk_full, open_db, write_transaction
from archive.model import Capture
from archive.process import extract_capture, worker_ready
from archive.reextract import process_pool
from archive.store import Archive
from archive.sync import retry_spool, spool_dir

log = logging.getLogger(__name__)


def blob_uri(crawler: Crawler) -> str:
    data = data_dir(crawler.settings.get("NEWSARCHIVE_DATA"))
    return crawler.settings.get("NEWSARCHIVE_BLOBS") or str(data / "raw")


def stop_for_disk_full(crawler: Crawler, where: object, exc: BaseException) -> None:
    """Close the spider (reason `disk_full`) once: nothing more can be stored. What was
    written is complete (blobs by rename, rows by transaction); `crawl` says where and exits."""
    assert crawler.stats is not None
    if crawler.stats.get_value("newsarchive/disk_full"):
        return
    crawler.stats.set_value("newsarchive/disk_full", str(where))
    log.error("The disk holding %s is full (%s): stopping the crawl", where, exc)
    if crawler.engine is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason=DISK_FULL))


def _capture(item: Any) -> Capture:
    capture = ItemAdapter(item).item
    if not isinstance(capture, Capture):
        raise DropItem(f"Not a Capture: {type(capture).__name__}")
    return capture


class MirrorPipeline:
    """Raw first: the body goes to the blob store before anything else runs."""

    def __init__(
        self, store: BlobStore, stats: StatsCollector, data: Path, crawler: Crawler | None = None
    ) -> None:
        self.store, self.stats, self.data, self.crawler = store, stats, data, crawler
        self.retry: asyncio.Future[Any] | None = None
        threads = crawler.settings.getint("NEWSARCHIVE_UPLOAD_THREADS", 8) if crawler else 8
        # uploads get their own threads: a slow S3 never holds up the database writer
        self.uploads = ThreadPoolExecutor(threads, thread_name_prefix="blob-put")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        data = data_dir(crawler.settings.get("NEWSARCHIVE_DATA"))
        store = open_blob_store(blob_uri(crawler), spool=spool_dir(data))
        store.check()  # raises with the fix in its message, before any request is sent
        assert crawler.stats is not None
        return cls(store, crawler.stats, data, crawler)

    def open_spider(self) -> None:
        # what an earlier outage spooled goes up now, off the reactor thread
        retry = asyncio.to_thread(retry_spool, self.store, self.data)
        self.retry = asyncio.get_running_loop().create_task(retry)

    async def close_spider(self) -> None:
        self.uploads.shutdown(wait=False)
        if self.retry is not None:
            try:
                report = await self.retry
            except (BlobStoreError, OSError, sqlite3.Error) as exc:  # the spool stays for sync
                log.warning("Retrying the spool failed: %s; run `newsarchive sync`", exc)
            else:
                if report is not None:
                    self.stats.set_value("newsarchive/spool_retried", len(report.uploaded))

    async def process_item(self, item: Any) -> Any:
        capture = _capture(item)
        capture.blob_key = blob_key(capture.sha256)
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                self.uploads, self.store.put, capture.sha256, capture.body, capture.meta()
            )
        except BlobStoreError as exc:
            if self.crawler is None or not is_disk_full(exc):
                raise
            stop_for_disk_full(self.crawler, getattr(self.store, "root", self.data), exc)
            raise DropItem(f"Not stored, the disk is full: {capture.url}") from None
        capture.mirrored = result.mirrored  # False: spooled (S3 outage), `sync` uploads it
        self.stats.inc_value("newsarchive/mirrored" if capture.mirrored else "newsarchive/spooled")
        if result is Put.WRITTEN:
            self.stats.inc_value("newsarchive/blobs_written")
        return item


class ExtractPipeline:
    """Runs `archive.process.extract_capture` in worker processes; the reactor never waits."""

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
        capture = _capture(item)
        if capture.status != 200:
            return item  # gone (404/410): recorded, not extracted
        assert self.pool is not None
        future = self.pool.submit(
            extract_capture, capture.body, capture.final_url, capture.content_type,
            self.overrides.get(capture.site),
        )  # fmt: skip
        result = await asyncio.wrap_future(future)
        result.apply(capture)
        capture.hints["is_article"] = result.is_article
        if result.error:
            self.stats.inc_value("newsarchive/extract_errors")
        return item


class StorePipeline:
    """Batched writes by one writer thread; an item returns once its batch is committed."""

    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.archive: Archive | None = None
        self.crawl_id = 0
        self.pending: list[tuple[Capture, asyncio.Future[None]]] = []
        self.lock = asyncio.Lock()
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")  # the one writer
        self.timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSARCHIVE_STORE", True):
            raise NotConfigured
        pipe = cls(crawler, crawler.settings.getint("NEWSARCHIVE_BATCH_SIZE", 50))
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def open_spider(self) -> None:
        db = open_db(data_dir(self.crawler.settings.get("NEWSARCHIVE_DATA")))
        self.archive = Archive(db)
        spider = self.crawler.spider
        sites = getattr(spider, "sites", [])
        self.archive.register_sites(s.to_dict() for s in sites)
        names = [s.name for s in sites]
        self.crawl_id = self.archive.start_crawl(names)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("newsarchive/crawl_id", self.crawl_id)

    async def process_item(self, item: Any) -> Any:
        capture = _capture(item)
        capture.crawl_id = self.crawl_id
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((capture, done))
        if len(self.pending) >= self.batch_size:
            await self.flush()
        elif self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(
                0.5, lambda: asyncio.ensure_future(self.flush())
            )
        await done
        return item

    async def flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        async with self.lock:
            batch, self.pending = self.pending, []
            if not batch:
                return
            try:
                outcomes = await asyncio.get_running_loop().run_in_executor(
                    self.writer, self._write, [c for c, _ in batch]
                )
            except Exception as exc:
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(DropItem(f"Archive write failed: {exc}"))
                if not is_disk_full(exc):
                    raise
                data = data_dir(self.crawler.settings.get("NEWSARCHIVE_DATA"))
                stop_for_disk_full(self.crawler, data / DB_NAME, exc)
                return
            for outcome in outcomes:
                self.stats.inc_value(f"newsarchive/articles/{outcome}")
            for _, fut in batch:
                if not fut.done():
                    fut.set_result(None)

    def _write(self, captures: list[Capture]) -> list[str]:
        assert self.archive is not None
        outcomes = []
        with write_transaction(self.archive.db):  # waits for a lock another connection holds
            for capture in captures:
                is_article = bool(capture.hints.pop("is_article", False))
                result = self.archive.ingest(capture, capture.article, is_article=is_article)
                outcomes.append(result.outcome)
                capture.body = b""  # the blob store has it; free the memory now
        return outcomes

    async def close_spider(self) -> None:
        await self.flush()
        self.writer.shutdown(wait=True)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.archive is None:
            return
        stats = {k: v for k, v in self.stats.get_stats().items() if isinstance(v, (int, float))}
        stats = {k: v for k, v in stats.items() if not k.startswith("newsarchive/crawl_id")}
        try:
            self.archive.finish_crawl(self.crawl_id, reason, stats)
        except sqlite3.Error as exc:  # a full disk: the crawl stays unfinished, as it is
            log.warning("Could not record the end of crawl %s: %s", self.crawl_id, exc)
        finally:
            self.archive.db.close()
            self.archive = None
