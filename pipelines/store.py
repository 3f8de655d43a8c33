"""Store stage: batched writes to the SQLite index by one writer thread."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from archive.db.connection import (
    DB_NAME,
    data_dir,
    is_disk_full,
    open_db,
    write_transaction,
)
from archive.db.crawlstate import finish_crawl, register_sites, start_crawl
from archive.db.writer import IndexWriter
from archive.model import Capture
from pipelines import capture_of, stop_for_disk_full

log = logging.getLogger(__name__)


class StorePipeline:
    """Batched writes by one writer thread; an item returns once its batch is committed."""

    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.writer: IndexWriter | None = None
        self.crawl_id = 0
        self.pending: list[tuple[Capture, asyncio.Future[None]]] = []
        self.lock = asyncio.Lock()
        self.write_thread = ThreadPoolExecutor(
            1, thread_name_prefix="sqlite-writer"
        )  # the one writer
        self.writing: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        legacy = crawler.settings.getbool("NEWSARCHIVE_STORE", True)  # its name until 0.1
        if not crawler.settings.getbool("NEWSARCHIVE_INDEX", legacy):
            raise NotConfigured
        pipe = cls(crawler, crawler.settings.getint("NEWSARCHIVE_BATCH_SIZE", 50))
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def open_spider(self) -> None:
        db = open_db(data_dir(self.crawler.settings.get("NEWSARCHIVE_DATA")), create=True)
        self.writer = IndexWriter(db)
        spider = self.crawler.spider
        sites = getattr(spider, "sites", [])
        register_sites(self.writer.db, (s.to_dict() for s in sites))
        names = [s.name for s in sites]
        self.crawl_id = start_crawl(self.writer.db, names)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("newsarchive/crawl_id", self.crawl_id)

    async def process_item(self, item: Any) -> Any:
        capture = capture_of(item)
        capture.crawl_id = self.crawl_id
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((capture, done))
        if self.writing is None or self.writing.done():
            self.writing = asyncio.ensure_future(self._write_pending())
        await done
        return item

    async def _write_pending(self) -> None:
        """Group commit: whatever is pending goes in the next transaction, as soon as the writer
        is free (at most NEWSARCHIVE_BATCH_SIZE a transaction). Under load the batches grow by
        themselves; no page waits for a timer or for a batch to fill while the scraper slot,
        full of pages waiting for their commit, holds back every new request."""
        while self.pending:
            try:
                await self.flush()
            except Exception:  # its pages were dropped with the reason; the next batch may pass
                log.exception("Archive write failed")

    async def flush(self) -> None:
        async with self.lock:
            batch, self.pending = self.pending[: self.batch_size], self.pending[self.batch_size :]
            if not batch:
                return
            try:
                outcomes = await asyncio.get_running_loop().run_in_executor(
                    self.write_thread, self._write, [c for c, _ in batch]
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
        assert self.writer is not None
        outcomes = []
        with write_transaction(self.writer.db):  # waits for a lock another connection holds
            for capture in captures:
                is_article = bool(capture.hints.pop("is_article", False))
                result = self.writer.ingest(capture, capture.article, is_article=is_article)
                capture.hints["is_article"] = is_article  # stored without it; feeds read it
                outcomes.append(result.outcome)
                capture.body = b""  # the blob store has it; free the memory now
        return outcomes

    async def close_spider(self) -> None:
        await self._write_pending()
        self.write_thread.shutdown(wait=True)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.writer is None:
            return
        stats = {
            k: v
            for k, v in self.stats.get_stats().items()
            if isinstance(v, (int, float)) or k == "newsarchive/deferred_urls"
        }
        stats = {k: v for k, v in stats.items() if not k.startswith("newsarchive/crawl_id")}
        try:
            finish_crawl(self.writer.db, self.crawl_id, reason, stats)
        except sqlite3.Error as exc:  # a full disk: the crawl stays unfinished, as it is
            log.warning("Could not record the end of crawl %s: %s", self.crawl_id, exc)
        finally:
            self.writer.db.close()
            self.writer = None
