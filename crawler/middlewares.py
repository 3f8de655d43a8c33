"""Downloader middlewares: the SSRF guard, and Retry-After on 429 and 503."""

from __future__ import annotations

import asyncio
import logging
import socket
from email.utils import parsedate_to_datetime
from time import time
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from archive.discovery.netguard import forbidden_reason, parse_ip
from crawler.throttle import cluster_throttle

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
        site = request.meta.get("site")
        throttle = cluster_throttle(self.crawler)
        if throttle is not None and isinstance(site, str):  # every node pauses and slows down
            throttle.learn(site, "retry_delay", min(wait, self.max_wait), pause=True)
            return
        engine = self.crawler.engine
        if engine is None:
            return
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if key else None
        if slot is not None:
            slot.delay = max(slot.delay, min(wait, self.max_wait))


class SSRFGuardMiddleware:
    """Refuse requests to loopback, private, link-local and metadata addresses.

    Every request passes here — seeds, links, redirect targets (the spider re-requests them),
    sitemap and feed entries, robots.txt. Host names are resolved (asynchronously, cached) and
    refused if any address they resolve to is forbidden. Allowed per site with
    `allow_private = true` in sites.toml, or for the whole crawl with `--allow-private`.
    """

    def __init__(self, crawler: Crawler, allow_all: bool) -> None:
        self.crawler, self.allow_all = crawler, allow_all
        self.verdicts: dict[str, str] = {}  # host -> reason ('' = fine)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getbool("NEWSARCHIVE_ALLOW_PRIVATE"))

    def _site_allows(self, host: str) -> bool:
        spider = self.crawler.spider
        site = getattr(spider, "site_by_host", {}).get(host)
        return bool(site is not None and site.allow_private)

    async def _verdict(self, host: str) -> str:
        if host in self.verdicts:
            return self.verdicts[host]
        reason = forbidden_reason(host)
        if not reason and parse_ip(host) is None:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None)
            except (socket.gaierror, UnicodeError):
                infos = []  # let the download fail with its own DNS error
            for info in infos:
                address = str(info[4][0])
                if why := forbidden_reason(address):
                    reason = f"{why} ({address})"
                    break
        self.verdicts[host] = reason
        return reason

    async def process_request(self, request: Request) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        if self.allow_all or self._site_allows(host):
            return
        reason = await self._verdict(host)
        if reason:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newsarchive/blocked/ssrf")
            log.warning(
                "Refused %s: %s resolves to %s. Allow it with allow_private = true for the "
                "site in sites.toml, or --allow-private.",
                request.url,
                host,
                reason,
            )
            raise IgnoreRequest(f"SSRF guard: {host} is {reason}")
