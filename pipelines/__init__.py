"""Item pipelines: thin adapters from Scrapy to the `archive` core, one stage per module.

mirror (raw bytes to the blob store, first) -> extract (worker processes) -> store (batched
SQLite writes by one writer). Each awaits its work off the reactor thread.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from archive.db.connection import DISK_FULL, data_dir
from archive.model import Capture

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


def capture_of(item: Any) -> Capture:
    capture = ItemAdapter(item).item
    if not isinstance(capture, Capture):
        raise DropItem(f"Not a Capture: {type(capture).__name__}")
    return capture
