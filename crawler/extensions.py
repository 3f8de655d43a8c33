"""Extensions: a live progress line on stderr for people watching a crawl."""

from __future__ import annotations

import sys
import time
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    """Every second: pages fetched, articles archived, errors and rate (NEWSARCHIVE_PROGRESS)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        pages = stats.get("response_received_count", 0)
        new = stats.get("newsarchive/articles/new", 0)
        changed = stats.get("newsarchive/articles/changed", 0)
        errors = sum(v for k, v in stats.items() if k.startswith("newsarchive/errors/"))
        rate = pages / max(time.monotonic() - self.started, 1e-6)
        return (
            f"\r  pages {pages}  articles new {new} changed {changed}  "
            f"errors {errors}  {rate:.1f} pages/s "
        )

    def tick(self) -> None:
        sys.stderr.write(self.line())
        sys.stderr.flush()

    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(1.0, now=False)

    def closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.tick()
        sys.stderr.write("\n")
