"""Discovery for the `news` spider: robots.txt, sitemaps (news sitemaps, indexes), feeds,
conditional re-fetches of them, and the end-of-crawl upkeep (articles that left their sitemap,
validators and late hints saved for the next crawl).

A mixin: `NewsSpider` provides the request, site and stats helpers declared at the top.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from protego import Protego
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response

from archive.db.connection import data_dir, open_db, write_transaction
from archive.db.crawlstate import merge_hints, save_validators
from archive.discovery.documents import parse_feed, parse_sitemap, sitemaps_from_robots
from archive.discovery.urls import canonical_url
from archive.errors import DocumentTooLarge
from archive.sites import Site
from crawler.distributed.throttle import cluster_throttle

log = logging.getLogger(__name__)

# Sitemaps, feeds and entry pages first; then articles and the hubs found on the way, in one
# queue: a hub (or a slow trap behind one) left to the end keeps the crawl open when nothing
# else is left to do. A site with a page budget (max_pages) spends it on articles first.
PRIO_DISCOVERY, PRIO_ARTICLE, PRIO_HUB, PRIO_HUB_BUDGETED = 30, 20, 20, 0


def hub_priority(site: Site) -> int:
    return PRIO_HUB_BUDGETED if site.max_pages else PRIO_HUB


REDIRECTS = [301, 302, 303, 307, 308]


class DiscoveryMixin(scrapy.Spider):
    # provided by NewsSpider
    validators: dict[str, tuple[str, str]]
    new_validators: dict[str, tuple[str, str]]
    identities: dict[str, bool]
    sources: dict[str, list[str]]
    listed: dict[str, set[str]]
    fetched_sitemaps: set[str]
    absence_checked: bool
    late_hints: dict[str, dict[str, Any]]
    captured: set[str]
    discovery_docs: dict[str, int]  # site -> sitemap/feed requests made in this crawl
    caps_hit: set[tuple[str, str]]  # (site, cap) already logged

    def cap_hit(self, site: Site, cap: str, limit: int, what: str) -> None:
        """Count every time a cap stops something; log the first time per site."""
        self._stat(f"capped/{cap}")
        if (site.name, cap) not in self.caps_hit:
            self.caps_hit.add((site.name, cap))
            log.warning("Site %s: %s (limit %d); the rest is skipped", site.name, what, limit)

    def _stat(self, key: str, count: int = 1) -> None:
        raise NotImplementedError

    def _site(self, url: str) -> Site | None:
        raise NotImplementedError

    def _slot(self, site: Site) -> str:
        raise NotImplementedError

    def sites_by_name(self) -> dict[str, Site]:
        raise NotImplementedError

    def _request(self, url: str, callback: Any, site: Site, priority: int, **meta: Any) -> Request:
        raise NotImplementedError

    def _redirect(self, response: Response) -> Iterator[Request]:
        raise NotImplementedError

    def article_request(self, url: str, site: Site, hints: dict[str, Any]) -> Request | None:
        raise NotImplementedError

    def parse_page(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError

    def _discovery(self, url: str, callback: Any, site: Site, depth: int = 0) -> Request | None:
        """A sitemap or feed request, conditional on what the last finished crawl saw; None
        once the site has had NEWSARCHIVE_MAX_DISCOVERY_DOCS of them in this crawl."""
        limit = self.settings.getint("NEWSARCHIVE_MAX_DISCOVERY_DOCS", 500)
        done = self.discovery_docs.get(site.name, 0)
        if limit and done >= limit:
            self.cap_hit(site, "discovery_docs", limit, "too many sitemaps and feeds")
            return None
        self.discovery_docs[site.name] = done + 1
        request = self._request(url, callback, site, PRIO_DISCOVERY, sitemap_depth=depth)
        etag, modified = self.validators.get(url, ("", ""))
        if etag:
            request.headers[b"If-None-Match"] = etag
        if modified:
            request.headers[b"If-Modified-Since"] = modified
        return request

    def _discovered(self, response: Response) -> bool:
        """Book-keeping for a sitemap/feed response; False if there is nothing to parse."""
        if response.status == 304:
            self._stat("discovery/not_modified")
            return False
        if response.status != 200:
            return False
        etag = (response.headers.get(b"ETag") or b"").decode("latin-1")
        modified = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")
        if etag or modified:
            self.new_validators[response.url] = (etag, modified)
        return True

    def parse_robots(self, response: Response) -> Iterator[Request]:
        if response.status in REDIRECTS:
            yield from self._redirect(response)
            return
        site = self.sites_by_name()[response.meta["site"]]
        sitemaps = list(site.sitemaps)
        if response.status == 200:
            for line in sitemaps_from_robots(response.body, response.url):
                # the same checks as any discovered URL: http(s) only, canonical, this site's
                try:
                    url = canonical_url(line)
                except ValueError:
                    url = ""
                if url and self._site(url) is site:
                    sitemaps.append(url)
                else:
                    self._stat("dropped/robots_sitemap_offsite")
                    log.info("Site %s: robots.txt Sitemap %r ignored", site.name, line[:200])
            self._apply_crawl_delay(site, response.body)
        if not sitemaps:
            sitemaps = [urljoin(site.url, "/sitemap.xml")]
        for url in dict.fromkeys(sitemaps):
            if request := self._discovery(url, self.parse_sitemap, site):
                yield request

    def _apply_crawl_delay(self, site: Site, robots: bytes) -> None:
        """Honour robots.txt Crawl-delay unless the operator set the site's delay explicitly."""
        if site.delay is not None:
            return
        ua = self.settings.get("USER_AGENT", "*")
        delay = Protego.parse(robots.decode("utf-8", "replace")).crawl_delay(ua)
        if not delay:
            return
        if throttle := cluster_throttle(self.crawler):  # every node of the cluster honours it
            delay = throttle.learn(site.name, "crawl_delay", float(delay))
            log.info("Site %s: robots.txt Crawl-delay %ss honoured by all nodes", site.name, delay)
            return
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        if raise_floor := getattr(downloader, "raise_floor", None):  # AutoThrottle stays above
            raise_floor(self._slot(site), float(delay))
        elif slot := downloader.slots.get(self._slot(site)):
            slot.delay = max(slot.delay, float(delay))
        log.info("Site %s: robots.txt Crawl-delay %ss honoured", site.name, delay)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if response.status in REDIRECTS:
            yield from self._redirect(response)
            return
        site = self.sites_by_name()[response.meta["site"]]
        if not self._discovered(response):
            return
        max_entries = self.settings.getint("NEWSARCHIVE_MAX_SITEMAP_ENTRIES", 50_000)
        try:
            kind, entries = parse_sitemap(response.body, response.url, max_entries=max_entries)
        except DocumentTooLarge:
            log.warning("Sitemap %s inflates past the size limit; skipped", response.url)
            self._stat("errors/sitemap_too_large")
            return
        if not kind:
            self._stat("errors/not_a_sitemap")
            log.info("Not a sitemap: %s", response.url)
            return
        self._stat(f"discovered/sitemap_{kind}", len(entries))
        if len(entries) >= max_entries:
            self.cap_hit(site, "sitemap_entries", max_entries, f"sitemap {response.url} is full")
        if kind == "urlset":
            self.fetched_sitemaps.add(response.url)
        depth = response.meta.get("sitemap_depth", 0) + 1
        max_depth = self.settings.getint("NEWSARCHIVE_MAX_SITEMAP_DEPTH", 3)
        if kind == "index" and depth > max_depth:
            self.cap_hit(site, "sitemap_depth", max_depth, "sitemap indexes nested too deep")
            return
        listed = self.listed.setdefault(site.name, set())
        for entry in entries:
            if kind == "index":
                if self._site(entry.url) is site and (
                    request := self._discovery(entry.url, self.parse_sitemap, site, depth)
                ):
                    yield request
                continue
            entry.hints["source"] = response.url
            try:
                listed.add(canonical_url(entry.url))
            except ValueError:
                continue
            if request := self.article_request(entry.url, site, entry.hints):
                request.meta["from_sitemap"] = True
                yield request

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if response.status in REDIRECTS:
            yield from self._redirect(response)
            return
        site = self.sites_by_name()[response.meta["site"]]
        if not self._discovered(response):
            return
        entries = parse_feed(response.body, response.url)
        self._stat("discovered/feed", len(entries))
        for entry in entries:
            if request := self.article_request(entry.url, site, entry.hints):
                yield request

    def on_idle(self) -> None:
        """Once discovery is done: articles that vanished from a sitemap fetched in this crawl
        are fetched once more, so a removed story is recorded as gone (never deleted)."""
        if self.absence_checked:
            return
        self.absence_checked = True
        assert self.crawler.engine is not None
        scheduled = 0
        by_name = self.sites_by_name()
        for source, urls in self.sources.items():
            site = self._site(source)
            if source not in self.fetched_sitemaps or site is None or site.name not in by_name:
                continue
            present = self.listed.get(site.name, set())
            for url in urls:
                if url in present or url in self.captured:
                    continue
                self.captured.add(url)
                self.identities[url] = True  # still there: nothing to capture again
                request = self._request(
                    url,
                    self.parse_page,
                    site,
                    PRIO_ARTICLE,
                    hints={"absence_check": 1},
                    article=True,
                )
                self.crawler.engine.crawl(request)
                scheduled += 1
        if scheduled:
            self._stat("absence_checks", scheduled)
            log.info("Re-fetching %d archived articles that left their sitemap", scheduled)
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        db = open_db(data_dir(self.settings.get("NEWSARCHIVE_DATA")), create=True)
        try:
            crawl_id = (
                self.crawler.stats.get_value("newsarchive/crawl_id") if self.crawler.stats else None
            )
            with write_transaction(db):  # read-then-write: take the lock first
                if self.late_hints and crawl_id:
                    merge_hints(db, int(crawl_id), self.late_hints)
                # a crawl cut short must not make the next one skip sitemaps it did not finish
                if reason == "finished" and self.new_validators:
                    save_validators(db, self.new_validators)
        finally:
            db.close()
