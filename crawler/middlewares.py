"""Downloader middlewares: the SSRF guard, and Retry-After on 429 and 503."""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from time import time
from typing import Any, NoReturn, Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from archive.discovery.netguard import allowed_scheme, forbidden_reason, parse_ip
from archive.discovery.urls import DEFAULT_PORTS
from archive.sites import Site
from crawler.resolver import POLICY
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


Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin:
    """(scheme, host, port) of a URL, the port filled in for http and https."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower().rstrip("."), port or DEFAULT_PORTS.get(scheme, 0)


def site_origins(site: Site) -> set[Origin]:
    return {origin_of(u) for u in [site.url, *site.sections, *site.feeds, *site.sitemaps]}


class SSRFGuardMiddleware:
    """Refuse requests to loopback, private, link-local and metadata addresses.

    Every request passes here — seeds, links, redirect targets (the spider re-requests them),
    sitemap and feed entries, robots.txt. Only http and https with a host are let through. An
    IP literal is judged here; a host name is resolved here (asynchronously, cached; a failed
    lookup refuses, and is not cached) and again by `crawler.resolver.GuardedResolver` at the
    lookup the connection uses, so a name that changes its answer gets nothing either.

    Private addresses are allowed for the whole crawl with `--allow-private`, or per site with
    `allow_private = true` in sites.toml: then only for that site's own origins (scheme, host,
    port of its url, sections, feeds, sitemaps), and only for requests that site made, every
    site on a redirect chain included — one site's permission lends nothing to another.
    """

    def __init__(self, crawler: Crawler, allow_all: bool, timeout: float) -> None:
        self.crawler, self.allow_all, self.timeout = crawler, allow_all, timeout
        self.verdicts: dict[str, str] = {}  # host -> reason ('' = fine); lookups that worked
        self.origins: dict[str, set[Origin]] = {}  # allow_private site -> its origins
        self.private_origins: set[Origin] = set()
        POLICY.allow_all, POLICY.stats = allow_all, crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        guard = cls(crawler, s.getbool("NEWSARCHIVE_ALLOW_PRIVATE"), s.getfloat("DNS_TIMEOUT", 60))
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        return guard

    def spider_opened(self, spider: Any) -> None:
        for site in getattr(spider, "sites", []):
            if site.allow_private:
                self.origins[site.name] = site_origins(site)
        self.private_origins = set().union(*self.origins.values())
        POLICY.private_hosts = {
            host for _, host, _ in self.private_origins if parse_ip(host) is None
        }

    def _allowed_private(self, request: Request, origin: Origin) -> bool:
        if self.allow_all:
            return True
        site = request.meta.get("site")
        if not site:  # Scrapy's own requests (robots.txt of an origin): the origin decides
            return origin in self.private_origins
        chain = {site, *request.meta.get("via_sites", ())}
        return all(origin in self.origins.get(name, ()) for name in chain)

    def _refuse(self, request: Request, why: str, key: str) -> NoReturn:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newsarchive/blocked/ssrf")
        self.crawler.stats.inc_value(f"newsarchive/blocked/ssrf_{key}")
        log.warning(
            "Refused %s: %s. Allow loopback/private addresses with allow_private = true for "
            "the site in sites.toml, or --allow-private.",
            request.url[:300],
            why,
        )
        raise IgnoreRequest(f"SSRF guard: {why}")

    async def _lookup(self, host: str) -> list[str]:
        loop = asyncio.get_running_loop()
        infos = await asyncio.wait_for(loop.getaddrinfo(host, None), self.timeout)
        return [str(info[4][0]) for info in infos]

    async def process_request(self, request: Request) -> None:
        scheme, host, _port = origin = origin_of(request.url)
        if not allowed_scheme(scheme):
            self._refuse(request, f"the scheme {scheme or '(none)'!r} is not http(s)", "scheme")
        if not host:
            self._refuse(request, "the URL has no host", "scheme")
        if self._allowed_private(request, origin):
            return
        if host in POLICY.refused:  # the resolver refused it: retries stop here
            self._refuse(request, f"{host} resolved to a forbidden address", "address")
        if host in self.verdicts:
            reason = self.verdicts[host]
        elif (reason := forbidden_reason(host)) or parse_ip(host) is not None:
            self.verdicts[host] = reason
        else:
            try:
                addresses = await self._lookup(host)
            except (OSError, UnicodeError, TimeoutError) as exc:  # fail closed, cache nothing
                self._refuse(request, f"{host} could not be resolved ({exc})", "lookup")
            if not addresses:
                self._refuse(request, f"{host} resolved to nothing", "lookup")
            bad = [(a, why) for a in addresses if (why := forbidden_reason(a))]
            reason = f"{bad[0][1]} ({bad[0][0]})" if bad else ""
            self.verdicts[host] = reason
        if reason:
            self._refuse(request, f"{host} is {reason}", "address")
