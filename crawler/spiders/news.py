"""The one generic spider: `scrapy crawl news -a site=NAME` or `-a urls=URL,URL`.

Discovery: robots.txt Sitemap lines, sitemap indexes (gzipped too), Google News sitemaps,
RSS/Atom (configured or autodiscovered), home and section pages and their links. Every
article response becomes an `archive.model.Capture`; pipelines do the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from protego import Protego
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive import classify
from archive.db import data_dir, open_db
from archive.discover import (
    TooLarge,
    looks_like_feed,
    looks_like_sitemap,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from archive.model import Capture
from archive.query import known_articles
from archive.revisit import due_for_revisit
from archive.sites import Site, load_sites, site_for_url
from archive.urls import canonical_url, host_of

log = logging.getLogger(__name__)

PRIO_DISCOVERY, PRIO_ARTICLE, PRIO_HUB = 30, 20, 0
DEAD_PREFIX_MIN, DEAD_PREFIX_SHARE = 8, 0.9
HTML_TYPES = (b"text/html", b"application/xhtml")
FEED_LINK = re.compile(r"(?:rss|atom)\+xml|application/(?:rss|atom|rdf)", re.IGNORECASE)


def sites_from_settings(settings: BaseSettings, site: str = "", urls: str = "") -> list[Site]:
    """The sites to crawl: named ones from NEWSARCHIVE_SITES, or sites derived from URLs."""
    if listed := settings.getlist("NEWSARCHIVE_SITE_LIST"):
        return [Site(**raw) for raw in listed]  # set by `newsarchive crawl`, already checked
    if urls:
        allow_private = settings.getbool("NEWSARCHIVE_ALLOW_PRIVATE")
        return [site_for_url(u, allow_private=allow_private) for u in urls.split(",") if u]
    path = settings.get("NEWSARCHIVE_SITES")
    if not path:
        raise ValueError("No sites: pass -a urls=URL[,URL] or -s NEWSARCHIVE_SITES=sites.toml")
    sites = load_sites(path)
    if site:
        wanted = set(site.split(","))
        missing = wanted - {s.name for s in sites}
        if missing:
            raise ValueError(f"No site named {min(missing)!r} in {path}")
        sites = [s for s in sites if s.name in wanted]
    return sites


def slot_settings(settings: BaseSettings, sites: list[Site]) -> None:
    """Per-site download slots from the sites' delay and concurrency.

    A site without an explicit delay gets DOWNLOAD_DELAY (raised to robots.txt Crawl-delay at
    run time). Only when every site was given an explicit delay of 0 is AutoThrottle off.
    """
    default = settings.getfloat("DOWNLOAD_DELAY")
    slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
    for site in sites:
        slots[f"site:{site.name}"] = {
            "concurrency": site.concurrency,
            "delay": default if site.delay is None else site.delay,
        }
    prio = settings.getpriority("DOWNLOAD_SLOTS") or 0
    settings.set("DOWNLOAD_SLOTS", slots, priority=max(prio, 30))
    delays = [s.delay for s in sites]
    if sites and all(d is not None for d in delays):
        settings.set("DOWNLOAD_DELAY", min(d or 0.0 for d in delays), priority=30)
        if not any(delays):
            settings.set("AUTOTHROTTLE_ENABLED", False, priority=30)


class NewsSpider(scrapy.Spider):
    name = "news"
    custom_settings: ClassVar[dict[str, Any]] = {}

    def __init__(self, site: str = "", urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site_arg, self.urls_arg = site, urls
        self.sites: list[Site] = []
        self.site_by_host: dict[str, Site] = {}
        self.captured: set[str] = set()  # canonical URLs captured in this crawl
        self.known: dict[str, tuple[str, str]] = {}  # archived URL -> (published, last_seen)
        self.pages: dict[str, int] = {}
        # per (site, first path segment): [responses, 4xx] — stop following dead link areas
        self.prefix_health: dict[tuple[str, str], list[int]] = {}

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if settings.get("NEWSARCHIVE_SITES") and not settings.get("NEWSARCHIVE_SITE_LIST"):
            slot_settings(settings, load_sites(settings["NEWSARCHIVE_SITES"]))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.sites = sites_from_settings(crawler.settings, spider.site_arg, spider.urls_arg)
        for s in spider.sites:
            for host in s.hosts():
                spider.site_by_host[host] = s
        spider.allowed_domains = sorted(spider.site_by_host)
        db = open_db(data_dir(crawler.settings.get("NEWSARCHIVE_DATA")))
        try:
            spider.known = known_articles(db, [s.name for s in spider.sites])
        finally:
            db.close()
        return spider

    # -- helpers ----------------------------------------------------------------------------
    def _stat(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsarchive/{key}", count)

    def _site(self, url: str) -> Site | None:
        return self.site_by_host.get(host_of(url))

    def _slot(self, site: Site) -> str:
        return f"site:{site.name}"

    def _request(self, url: str, callback: Any, site: Site, priority: int, **meta: Any) -> Request:
        meta.setdefault("site", site.name)
        meta["download_slot"] = self._slot(site)
        return Request(url, callback=callback, errback=self.on_error, priority=priority, meta=meta)

    def _wanted(self, url: str, site: Site) -> bool:
        if classify.skip_by_extension(url) or classify.is_trap_url(url):
            return False
        if site.allow and not any(re.search(p, url) for p in site.allow):
            return False
        return not any(re.search(p, url) for p in site.deny)

    @staticmethod
    def _prefix(url: str) -> str:
        return urlsplit(url).path.lstrip("/").split("/", 1)[0]

    def _note_prefix(self, site: Site, url: str, status: int) -> None:
        health = self.prefix_health.setdefault((site.name, self._prefix(url)), [0, 0])
        health[0] += 1
        health[1] += 400 <= status < 500

    def _dead_prefix(self, site: Site, url: str) -> bool:
        """Links under a path prefix that answered mostly 4xx are not followed any more."""
        total, bad = self.prefix_health.get((site.name, self._prefix(url)), (0, 0))
        return total >= DEAD_PREFIX_MIN and bad >= DEAD_PREFIX_SHARE * total

    def _budget(self, site: Site) -> bool:
        if not site.max_pages:
            return True
        self.pages[site.name] = self.pages.get(site.name, 0) + 1
        return self.pages[site.name] <= site.max_pages

    def article_request(self, url: str, site: Site, hints: dict[str, Any]) -> Request | None:
        """A request for an article URL, unless it is archived and not due for a revisit."""
        try:
            url = canonical_url(url)
        except ValueError:
            return None
        if self._site(url) is not site or not self._wanted(url, site) or url in self.captured:
            return None
        if url in self.known:
            published, last_seen = self.known[url]
            published = hints.get("news_publication_date") or published
            lastmod = hints.get("lastmod", "")
            if not due_for_revisit(published, last_seen, site.revisit_seconds, lastmod=lastmod):
                self._stat("skipped/archived")
                return None
            self._stat("revisited")
        if not self._budget(site):
            return None
        return self._request(url, self.parse_page, site, PRIO_ARTICLE, hints=hints)

    # -- start ------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites:
            yield self._request(
                urljoin(site.url, "/robots.txt"), self.parse_robots, site, PRIO_DISCOVERY,
                dont_obey_robotstxt=True,
            )  # fmt: skip
            for url in site.feeds:
                yield self._request(url, self.parse_feed, site, PRIO_DISCOVERY)
            for url in [site.url, *site.sections]:
                yield self._request(canonical_url(url), self.parse_page, site, PRIO_HUB)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        site = self.sites_by_name()[response.meta["site"]]
        sitemaps = list(site.sitemaps)
        if response.status == 200:
            sitemaps += sitemaps_from_robots(response.body, response.url)
            self._apply_crawl_delay(site, response.body)
        if not sitemaps:
            sitemaps = [urljoin(site.url, "/sitemap.xml")]
        for url in dict.fromkeys(sitemaps):
            yield self._request(url, self.parse_sitemap, site, PRIO_DISCOVERY)

    def sites_by_name(self) -> dict[str, Site]:
        return {s.name: s for s in self.sites}

    def _apply_crawl_delay(self, site: Site, robots: bytes) -> None:
        """Honour robots.txt Crawl-delay unless the operator set the site's delay explicitly."""
        if site.delay is not None:
            return
        ua = self.settings.get("USER_AGENT", "*")
        delay = Protego.parse(robots.decode("utf-8", "replace")).crawl_delay(ua)
        if not delay:
            return
        assert self.crawler.engine is not None
        slot = self.crawler.engine.downloader.slots.get(self._slot(site))
        if slot is not None:
            slot.delay = max(slot.delay, float(delay))
        log.info("Site %s: robots.txt Crawl-delay %ss honoured", site.name, delay)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        site = self.sites_by_name()[response.meta["site"]]
        if response.status != 200:
            return
        try:
            kind, entries = parse_sitemap(response.body, response.url)
        except TooLarge:
            log.warning("Sitemap %s inflates past the size limit; skipped", response.url)
            self._stat("errors/sitemap_too_large")
            return
        if not kind:
            self._stat("errors/not_a_sitemap")
            log.info("Not a sitemap: %s", response.url)
            return
        self._stat(f"discovered/sitemap_{kind}", len(entries))
        for entry in entries:
            if kind == "index":
                if self._site(entry.url) is site:
                    yield self._request(entry.url, self.parse_sitemap, site, PRIO_DISCOVERY)
            elif request := self.article_request(entry.url, site, entry.hints):
                request.meta["from_sitemap"] = True
                yield request

    def parse_feed(self, response: Response) -> Iterator[Request]:
        site = self.sites_by_name()[response.meta["site"]]
        if response.status != 200:
            return
        entries = parse_feed(response.body, response.url)
        self._stat("discovered/feed", len(entries))
        for entry in entries:
            if request := self.article_request(entry.url, site, entry.hints):
                yield request

    # -- pages --------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Request | Capture]:
        site = self.sites_by_name()[response.meta["site"]]
        url = canonical_url(response.url)
        if not response.meta.get("from_sitemap"):
            self._note_prefix(site, response.url, response.status)
        if response.status in (404, 410):
            self._stat(f"dropped/status_{response.status}")
            log.debug("HTTP %s for %s", response.status, response.url)
            if url in self.known or canonical_url(response.request.url) in self.known:
                yield self._capture(response, site)  # a known article is gone
            return
        ctype = response.headers.get(b"Content-Type", b"").lower()
        if looks_like_sitemap(response.body) and b"html" not in ctype:
            yield from self.parse_sitemap(response)
            return
        if looks_like_feed(response.body) and b"html" not in ctype:
            yield from self.parse_feed(response)
            return
        if not ctype.startswith(HTML_TYPES) or not isinstance(response, TextResponse):
            self._stat("skipped/non_html")
            log.debug("Skipped non-HTML %s (%s)", response.url, ctype.decode(errors="replace"))
            return
        canonical = self._canonical_link(response)
        if classify.is_amp_page(response.url, response.body[:4000]):
            if (
                canonical
                and canonical != url
                and (req := self.article_request(canonical, site, {}))
            ):
                yield req
            self._stat("skipped/amp")
            return
        if not (
            classify.url_looks_like_article(url, site.article_pattern)
            or classify.page_looks_like_article(response.body)
        ):
            self._stat("skipped/not_article_url")
            yield from self._follow_links(response, site)  # a hub: home, section, listing
            return
        if site.follow_article_links:
            yield from self._follow_links(response, site)
        identity = canonical if canonical and host_of(canonical) == host_of(url) else url
        if identity in self.captured:
            self._stat("skipped/duplicate_canonical")
            return
        self.captured.update({identity, url})
        yield self._capture(response, site)

    def _canonical_link(self, response: TextResponse) -> str:
        href = response.xpath("//link[@rel='canonical']/@href").get()
        if not href:
            return ""
        try:
            return canonical_url(response.urljoin(href.strip()))
        except ValueError:
            return ""

    def _follow_links(self, response: TextResponse, site: Site) -> Iterator[Request]:
        for href in response.xpath("//link[@rel='alternate']"):
            if FEED_LINK.search(href.attrib.get("type", "")) and href.attrib.get("href"):
                feed = response.urljoin(href.attrib["href"])
                if self._site(feed) is site:
                    yield self._request(feed, self.parse_feed, site, PRIO_DISCOVERY)
        for href in response.xpath("//a/@href").getall():
            href = href.strip()
            if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
                continue
            try:
                link = canonical_url(response.urljoin(href))
            except ValueError:
                continue
            if self._site(link) is not site or not self._wanted(link, site):
                continue
            if self._dead_prefix(site, link):
                self._stat("skipped/dead_prefix")
                continue
            if classify.url_looks_like_article(link, site.article_pattern):
                if req := self.article_request(link, site, {}):
                    yield req
            elif link not in self.known and self._budget(site):
                yield self._request(link, self.parse_page, site, PRIO_HUB)

    def _capture(self, response: Response, site: Site) -> Capture:
        headers = {
            k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        self._stat("captured")
        return Capture(
            url=response.request.url if response.request else response.url,
            final_url=response.url,
            status=response.status,
            body=response.body,
            content_type=headers.get("content-type", ""),
            headers=headers,
            site=site.name,
            hints=dict(response.meta.get("hints") or {}),
        )

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            self._stat("skipped/robots")
            log.debug("Forbidden by robots.txt: %s", url)
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            self._stat(f"dropped/status_{status}")
            log.info("HTTP %s for %s", status, url)
            return
        self._stat(f"errors/{type(failure.value).__name__}")
        log.warning("Fetch failed for %s: %s", url, failure.getErrorMessage())
