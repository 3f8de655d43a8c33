"""What keeps a crawl open, said in its log: otherwise invisible, and the first question when a
crawl ends later than its last page (downloads still running, requests held for a Retry-After,
pages still in the item pipelines)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from time import monotonic
from typing import Any

from crawler.slots import SiteDownloader

log = logging.getLogger(__name__)

REPORT_AFTER = 10.0  # s with the scheduler empty before the crawl says what it waits for
SHOWN = 10  # downloads named in one line (held requests: half as many)


class EndReport:
    """Once the scheduler has been empty for `every` seconds, says as often (at INFO) what
    the crawl still waits for; `every` <= 0 says nothing."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.empty_since: float | None = None
        self.reported = 0.0

    def tick(
        self,
        engine: Any,
        downloader: Any,
        soonest: Callable[[int], list[tuple[float, str]]],
        *,
        pending: bool,
    ) -> None:
        """`soonest(n)`: (monotonic due time, URL) of the n held requests due soonest, asked
        only when the report is made; `pending`: whether the scheduler holds requests."""
        if engine is None or pending:
            self.empty_since = None
            return
        now = monotonic()
        if self.empty_since is None:
            self.empty_since = now
        if self.every <= 0 or now - self.empty_since < self.every:
            return
        if now - self.reported < self.every or not isinstance(downloader, SiteDownloader):
            return
        self.reported = now
        active = []
        for r in list(downloader.active)[:SHOWN]:
            state = f"{downloader.age(r):.0f}s" if r in downloader.transfers else "queued"
            if r.meta.get("timeouts"):
                state += f", timeouts {r.meta['timeouts']}"
            active.append(f"{r.url} ({state})")
        due = [f"{url} in {at - now:.0f}s" for at, url in soonest(SHOWN // 2)]
        scraper = engine.scraper.slot
        log.info(
            "The end of the crawl waits for: downloads %s; held %s; pages in the pipelines %d",
            active or "none",
            due or "none",
            len(scraper.active) if scraper is not None else 0,
        )
