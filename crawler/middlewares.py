"""Downloader middlewares: the SSRF guard (Retry-After is handled in crawler/later.py)."""

from __future__ import annotations

import asyncio
import logging
import socket
from email.utils import parsedate_to_datetime
from time import time
from typing import Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from archive.discovery.netguard import forbidden_reason, parse_ip

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
