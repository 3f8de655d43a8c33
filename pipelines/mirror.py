"""Mirror stage: the raw body goes to the blob store before anything else runs."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from archive.db.connection import (
    data_dir,
    is_disk_full,
)
from archive.errors import BlobStoreError
from archive.jobs.pool import process_pool
from archive.model import Capture
from archive.storage import BlobStore, Put, blob_key, open_blob_store
from archive.storage.learn import trainer_ready
from archive.storage.records import capture_from_meta, put_record, read_record, record_id
from archive.storage.spool import retry_spool, spool_dir
from pipelines import blob_uri, capture_of, stop_for_disk_full

log = logging.getLogger(__name__)

TRAIN_WAIT = 30.0  # seconds the end of a crawl waits for a dictionary still being trained


class MirrorPipeline:
    """Raw first: the body goes to the blob store before anything else runs."""

    def __init__(
        self, store: BlobStore, stats: StatsCollector, data: Path, crawler: Crawler | None = None
    ) -> None:
        self.store, self.stats, self.data, self.crawler = store, stats, data, crawler
        self.retry: asyncio.Future[Any] | None = None
        self.fetches: dict[str, list[str]] = {}  # URL -> record ids of this crawl
        self.trainer: ProcessPoolExecutor | None = None
        threads = crawler.settings.getint("NEWSARCHIVE_UPLOAD_THREADS", 8) if crawler else 8
        # uploads get their own threads: a slow S3 never holds up the database writer
        self.uploads = ThreadPoolExecutor(threads, thread_name_prefix="blob-put")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        data = data_dir(crawler.settings.get("NEWSARCHIVE_DATA"))
        store = open_blob_store(blob_uri(crawler), spool=spool_dir(data))
        store.check()  # raises with the fix in its message, before any request is sent
        if learner := getattr(store, "learner", None):
            learner.dict_min = crawler.settings.getint(
                "NEWSARCHIVE_ZSTD_DICT_MIN", learner.dict_min
            )
        assert crawler.stats is not None
        return cls(store, crawler.stats, data, crawler)

    def open_spider(self) -> None:
        # what an earlier outage spooled goes up now, off the reactor thread
        retry = asyncio.to_thread(retry_spool, self.store, self.data)
        self.retry = asyncio.get_running_loop().create_task(retry)
        if learner := getattr(self.store, "learner", None):
            # a site's zstd dictionary is trained in a process of its own (~0.4 s CPU a site),
            # so that the crawl's process spends less CPU per page than gzip did
            self.trainer = learner.trainer = process_pool(1)
            self.trainer.submit(trainer_ready)  # spawned and imported before it is needed

    async def close_spider(self) -> None:
        # the late hints share the upload threads (each record is a read and an fsynced
        # write: one by one, 270 of them held the end of a 600-page crawl for a second)
        late = self._late_hints()
        await asyncio.to_thread(self.uploads.shutdown, wait=True)
        merged = 0
        for url, future in late:
            try:
                merged += future.result()
            except BlobStoreError as exc:
                log.warning("Late discovery hints for %s not recorded: %s", url, exc)
        if merged:
            self.stats.set_value("newsarchive/records_late_hints", merged)
        if self.trainer is not None and (learner := getattr(self.store, "learner", None)):
            try:  # a dictionary trained at the end of the crawl serves the next one
                await asyncio.wait_for(asyncio.to_thread(learner.wait), TRAIN_WAIT)
            except (TimeoutError, BlobStoreError) as exc:
                log.warning("A zstd dictionary was not stored at the end of the crawl: %r", exc)
            self.trainer.shutdown(wait=False, cancel_futures=True)
        if self.retry is not None:
            try:
                report = await self.retry
            except (BlobStoreError, OSError, sqlite3.Error) as exc:  # the spool stays for sync
                log.warning("Retrying the spool failed: %s; run `newsarchive sync`", exc)
            else:
                if report is not None:
                    self.stats.set_value("newsarchive/spool_retried", len(report.uploaded))

    def _put(self, capture: Capture) -> Put:
        """The body (once per sha256), then the capture's own record (every fetch)."""
        result = self.store.put(capture.sha256, capture.body, capture.meta())
        record = put_record(self.store, capture)
        self.fetches.setdefault(capture.url, []).append(
            record_id(capture.url, capture.fetched_at, capture.sha256)
        )
        return Put.SPOOLED if record is Put.SPOOLED else result

    def _late_hints(self) -> list[tuple[str, Future[int]]]:
        """Discovery facts that came after a page was fetched join its records (as they join
        its capture rows in the index): what came first wins. One upload-thread job a record."""
        late = getattr(self.crawler.spider if self.crawler else None, "late_hints", {}) or {}
        return [
            (url, self.uploads.submit(self._add_hints, rid, extra))
            for url, extra in late.items()
            for rid in self.fetches.get(url, [])
        ]

    def _add_hints(self, rid: str, extra: dict[str, Any]) -> int:
        """1 if the record `rid` gained hints, 0 if it had them all already."""
        record = read_record(self.store, rid)
        hints = {**extra, **record["hints"]}
        if hints == record["hints"]:
            return 0
        capture = capture_from_meta(record["sha256"], record, b"")
        capture.hints = hints
        put_record(self.store, capture)
        return 1

    async def process_item(self, item: Any) -> Any:
        capture = capture_of(item)
        capture.blob_key = blob_key(capture.sha256)
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                self.uploads, self._put, capture
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
