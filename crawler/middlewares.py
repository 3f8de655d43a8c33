"""Downloader middlewares: honour Retry-After on 429 and 503."""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from time import time
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.http import Request, Response

log = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time())
    except (TypeError, ValueError):
        return None


class RetryAfterMiddleware:
    """On 429/503, wait what the server asks (up to NEWSARCHIVE_RETRY_AFTER_MAX) and retry.

    A 429 also slows the whole site down: its slot delay becomes at least the wait. A wait
    longer than the cap, or a third refusal, gives up on the URL (counted in stats).
    """

    codes = (429, 503)

    def __init__(self, crawler: Crawler, max_wait: float, max_tries: int) -> None:
        self.crawler, self.max_wait, self.max_tries = crawler, max_wait, max_tries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        return cls(
            crawler, s.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 60), s.getint("RETRY_TIMES", 2)
        )

    def _stat(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsarchive/{key}")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        tries = request.meta.get("retry_after_times", 0)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = 5.0 * (tries + 1)
        if tries >= self.max_tries or wait > self.max_wait:
            self._stat(f"gave_up/status_{response.status}")
            log.info("Giving up on %s: %s, Retry-After %.0fs", request.url, response.status, wait)
            return response
        if response.status == 429:
            self._slow_down(request, wait)
        self._stat(f"retry_after/status_{response.status}")
        log.debug("Retrying %s in %.1fs (status %s)", request.url, wait, response.status)
        await asyncio.sleep(wait)
        meta: dict[str, Any] = {**request.meta, "retry_after_times": tries + 1}
        return request.replace(dont_filter=True, meta=meta)

    def _slow_down(self, request: Request, wait: float) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if key else None
        if slot is not None:
            slot.delay = max(slot.delay, min(wait, self.max_wait))
