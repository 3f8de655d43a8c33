"""The one generic spider: `scrapy crawl news -a site=NAME` or `-a urls=URL,URL`.

Discovery: robots.txt Sitemap lines, sitemap indexes (gzipped too), Google News sitemaps,
RSS/Atom (configured or autodiscovered), home and section pages and their links. Every
article response becomes an `archive.model.Capture`; pipelines do the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from archive.db.connection import data_dir, open_db
from archive.db.crawlstate import known_articles, load_validators, sitemap_sources
from archive.db.deferred import Deferred, load_deferred
from archive.discovery import classify
from archive.discovery.documents import looks_like_feed, looks_like_sitemap
from archive.discovery.revisit import due_for_revisit
from archive.discovery.urls import canonical_url, host_of
from archive.jobs.known import load_known, merge_known
from archive.model import Capture
from archive.sites import Site, load_sites
from archive.storage import open_blob_store
from crawler import logsafe
from crawler.config import sites_from_settings, slot_settings
from crawler.distributed import apply_distributed
from crawler.resolver import POLICY
from crawler.spiders.deferred import deferred_requests
from crawler.spiders.discovery import (
    PRIO_ARTICLE,
    PRIO_DISCOVERY,
    REDIRECTS,
    DiscoveryMixin,
    hub_priority,
)

log = logging.getLogger(__name__)

DEAD_PREFIX_MIN, DEAD_PREFIX_SHARE = 8, 0.9
MAX_REDIRECTS = 5
HANDLED = [304, 404, 410]
HTML_TYPES = (b"text/html", b"application/xhtml")
FEED_LINK = re.compile(r"(?:rss|atom)\+xml|application/(?:rss|atom|rdf)", re.IGNORECASE)


class NewsSpider(DiscoveryMixin):
    name = "news"

    def __init__(self, site: str = "", urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site_arg, self.urls_arg = site, urls
        self.sites: list[Site] = []
        self.site_by_host: dict[str, Site] = {}
        self._by_name: dict[str, Site] = {}
        self.captured: set[str] = set()  # canonical URLs captured in this crawl
        # article identity -> captured from that URL itself (True) or only from a copy naming it
        self.identities: dict[str, bool] = {}
        self.requested: set[str] = set()  # canonical article URLs requested in this crawl
        # archived URL -> (published, last_seen, sitemap lastmod at that fetch)
        self.known: dict[str, tuple[str, str, str]] = {}
        self.pages: dict[str, int] = {}
        self.validators: dict[str, tuple[str, str]] = {}  # from finished crawls
        self.new_validators: dict[str, tuple[str, str]] = {}
        self.sources: dict[str, list[str]] = {}  # sitemap URL -> articles it listed before
        self.listed: dict[str, set[str]] = {}  # site -> article URLs in its sitemaps now
        self.fetched_sitemaps: set[str] = set()  # answered 200 in this crawl
        self.absence_checked = False
        self.late_hints: dict[str, dict[str, Any]] = {}  # discovery facts after the fetch
        # per (site, first path segment): [responses, 4xx] — stop following dead link areas
        self.prefix_health: dict[tuple[str, str], list[int]] = {}
        self.deferred: list[Deferred] = []  # URLs an earlier crawl left to this one
        self.settled_deferred: set[tuple[str, str]] = set()
        self.page_timeout, self.page_retries = 0.0, 0
        self.discovery_docs: dict[str, int] = {}
        self.caps_hit: set[tuple[str, str]] = set()
        self.outstanding: dict[str, int] = {}  # site -> requests made and not yet answered
        self.max_url = 2083  # URLLENGTH_LIMIT, read in from_crawler

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        logsafe.install()  # before Scrapy logs the overridden settings
        super().update_settings(settings)
        if settings.get("NEWSARCHIVE_SITES") and not settings.get("NEWSARCHIVE_SITE_LIST"):
            slot_settings(settings, load_sites(settings["NEWSARCHIVE_SITES"]))
        apply_distributed(settings)  # REDIS_URL set: the shared scrapy-redis frontier

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.sites = sites_from_settings(crawler.settings, spider.site_arg, spider.urls_arg)
        spider._by_name = {s.name: s for s in spider.sites}
        for s in spider.sites:
            for host in s.hosts():
                spider.site_by_host[host] = s
        spider.allowed_domains = sorted(spider.site_by_host)  # type: ignore[attr-defined]
        db = open_db(data_dir(crawler.settings.get("NEWSARCHIVE_DATA")), create=True)
        try:
            names = [s.name for s in spider.sites]
            spider.known = known_articles(db, names)
            spider.validators = load_validators(db)
            spider.sources = sitemap_sources(db, names)
            spider.deferred = load_deferred(db, names)
        finally:
            db.close()
        spider.max_url = crawler.settings.getint("URLLENGTH_LIMIT", 2083) or 2**31
        if crawler.settings.get("REDIS_URL"):  # a node: what the indexer knows counts too
            spider._load_shared_knowledge()
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        conf = crawler.settings
        spider.page_timeout = min(
            conf.getfloat("DOWNLOAD_TIMEOUT"), conf.getfloat("NEWSARCHIVE_PAGE_TIMEOUT")
        )
        spider.page_retries = min(
            conf.getint("RETRY_TIMES"), conf.getint("NEWSARCHIVE_PAGE_RETRIES")
        )
        crawler.signals.connect(spider._answered, signal=signals.response_received)
        crawler.signals.connect(spider._answered, signal=signals.request_dropped)
        return spider

    def _load_shared_knowledge(self) -> None:
        """Merge the snapshot `newsarchive ingest` publishes to the blob store."""
        data = data_dir(self.settings.get("NEWSARCHIVE_DATA"))
        store = open_blob_store(self.settings.get("NEWSARCHIVE_BLOBS") or str(data / "raw"))
        known, validators = load_known(store)
        hosts = set(self.site_by_host)
        known = {u: v for u, v in known.items() if host_of(u) in hosts}
        self.known = merge_known(self.known, known)
        self.validators = {**validators, **self.validators}
        log.info("The archive's snapshot: %d known article URLs of these sites", len(known))

    # -- helpers ----------------------------------------------------------------------------
    def _stat(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsarchive/{key}", count)

    def _site(self, url: str) -> Site | None:
        return self.site_by_host.get(host_of(url))

    def _slot(self, site: Site) -> str:
        return f"site:{site.name}"

    def _answered(self, request: Request, **_: Any) -> None:
        """A request of ours left the queue (answered, refused or dropped as a duplicate)."""
        if request.meta.pop("outstanding", None) is not None:
            name = request.meta.get("site", "")
            self.outstanding[name] = max(0, self.outstanding.get(name, 0) - 1)

    def _room(self, site: Site) -> bool:
        """Whether the site may queue one more request (NEWSARCHIVE_MAX_QUEUED_PER_SITE)."""
        limit = self.settings.getint("NEWSARCHIVE_MAX_QUEUED_PER_SITE", 100_000)
        if limit and self.outstanding.get(site.name, 0) >= limit:
            self.cap_hit(site, "queued", limit, "too many requests queued")
            return False
        return True

    def _request(self, url: str, callback: Any, site: Site, priority: int, **meta: Any) -> Request:
        meta.setdefault("site", site.name)
        meta["outstanding"] = True
        self.outstanding[site.name] = self.outstanding.get(site.name, 0) + 1
        meta["download_slot"] = self._slot(site)
        # redirects come back to us (`_redirect`): the target goes through the same checks
        # (archived? robots? this crawl?) as any discovered URL
        meta["dont_redirect"] = True
        meta["handle_httpstatus_list"] = REDIRECTS + HANDLED
        if callback == self.parse_page and not meta.get("article") and self.page_timeout:
            # not an article: a slow one may not hold the site's slots for long
            meta.setdefault("download_timeout", self.page_timeout)
            meta.setdefault("max_retry_times", self.page_retries)
        return Request(url, callback=callback, errback=self.on_error, priority=priority, meta=meta)

    def _redirect(self, response: Response) -> Iterator[Request]:
        """Follow a 3xx as a new discovery of its target, at most MAX_REDIRECTS hops."""
        location = response.headers.get(b"Location")
        hops = response.meta.get("hops", 0) + 1
        if not location or hops > MAX_REDIRECTS:
            self._stat("dropped/redirect_loop" if location else "dropped/redirect_no_location")
            return
        try:
            target = canonical_url(response.urljoin(location.decode("latin-1")))
        except ValueError:
            return
        site = self._site(target)
        if site is None:
            self._stat("dropped/redirect_offsite")
            return
        callback = response.request.callback if response.request else self.parse_page
        self._stat("redirects")
        # every site on the chain: the SSRF guard lets a private origin through only if all of
        # them allow it (one site's allow_private is not another's)
        via = (*response.meta.get("via_sites", ()), response.meta.get("site", ""))
        if callback == self.parse_page:
            hints = response.meta.get("hints") or {}
            if (
                classify.url_looks_like_article(target, site.article_pattern)
                or target in self.known
            ):
                request = self.article_request(target, site, hints)
            elif self._wanted(target, site):
                request = self._request(
                    target, self.parse_page, site, hub_priority(site), hints=hints
                )
            else:
                request = None
        else:
            depth = response.meta.get("sitemap_depth", 0)
            request = self._discovery(target, callback, site, depth)
        if request is not None:
            request.meta["hops"] = hops
            request.meta["via_sites"] = tuple(dict.fromkeys(v for v in via if v))
            yield request

    def _wanted(self, url: str, site: Site) -> bool:
        if len(url) > self.max_url or classify.skip_by_extension(url) or classify.is_trap_url(url):
            return False  # longer than URLLENGTH_LIMIT: Scrapy would drop it unanswered
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
        if url in self.captured or url in self.requested:
            if hints:
                self.late_hints.setdefault(url, {}).update(hints)
            return None
        if self._site(url) is not site or not self._wanted(url, site):
            return None
        if url in self.known:
            published, last_seen, previous = self.known[url]
            published = hints.get("news_publication_date") or published
            lastmod = hints.get("lastmod", "")
            if not due_for_revisit(
                published,
                last_seen,
                site.revisit_seconds,
                lastmod=lastmod,
                previous_lastmod=previous,
            ):
                self._stat("skipped/archived")
                return None
            self._stat("revisited")
        if not self._budget(site) or not self._room(site):
            return None
        self.requested.add(url)
        return self._request(url, self.parse_page, site, PRIO_ARTICLE, hints=hints, article=True)

    # -- start ------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites:
            yield self._request(
                urljoin(site.url, "/robots.txt"),
                self.parse_robots,
                site,
                PRIO_DISCOVERY,
                dont_obey_robotstxt=True,
            )
        for later in deferred_requests(self, self.deferred):
            yield later
        for site in self.sites:
            for url in site.feeds:
                if request := self._discovery(url, self.parse_feed, site):
                    yield request
            for url in [site.url, *site.sections]:  # entry points: read with the sitemaps
                yield self._request(canonical_url(url), self.parse_page, site, PRIO_DISCOVERY)

    def sites_by_name(self) -> dict[str, Site]:
        return self._by_name  # built once in from_crawler, not on every response

    # -- pages --------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Request | Capture]:
        if response.status in REDIRECTS:
            yield from self._redirect(response)
            return
        site = self.sites_by_name()[response.meta["site"]]
        url = canonical_url(response.url)
        if not response.meta.get("from_sitemap"):
            self._note_prefix(site, response.url, response.status)
        if response.status in (404, 410):
            self._stat(f"dropped/status_{response.status}")
            log.debug("HTTP %s for %s", response.status, response.url)
            requested = response.request.url if response.request else response.url
            if url in self.known or canonical_url(requested) in self.known:
                yield self._capture(response, site)  # a known article is gone
            return
        ctype = (response.headers.get(b"Content-Type") or b"").lower()
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
        identity = classify.choose_identity(url, canonical)
        own_page = identity == url
        if identity in self.identities and (self.identities[identity] or not own_page):
            # a copy of an article this crawl has, or the article itself once more. The page a
            # copy names as canonical is still captured from its own URL: which of the two
            # arrives first must not decide what the archive holds.
            self._stat("skipped/duplicate_canonical")
            return
        self.identities[identity] = self.identities.get(identity, False) or own_page
        self.captured.add(url)
        yield self._capture(response, site)

    def _canonical_link(self, response: TextResponse) -> str:
        href = classify.canonical_href(response.body)
        if not href:
            return ""
        try:
            return canonical_url(response.urljoin(href.strip()))
        except ValueError:
            return ""

    def _follow_links(self, response: TextResponse, site: Site) -> Iterator[Request]:
        for alt in response.xpath("//link[@rel='alternate']"):
            if FEED_LINK.search(alt.attrib.get("type", "")) and alt.attrib.get("href"):
                feed = response.urljoin(alt.attrib["href"])
                if self._site(feed) is site and (
                    request := self._discovery(feed, self.parse_feed, site)
                ):
                    yield request
        for raw in response.xpath("//a/@href").getall():
            href = str(raw).strip()
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
            elif link not in self.known and self._budget(site) and self._room(site):
                yield self._request(link, self.parse_page, site, hub_priority(site))

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
        if request is not None:
            self._answered(request)
        lookup_failed = failure.check(DNSLookupError, CannotResolveHostError)  # type: ignore[no-untyped-call]
        if lookup_failed and host_of(url) in POLICY.refused:
            return  # the guard's resolver refused the address: counted and logged there
        if failure.check(IgnoreRequest):  # type: ignore[no-untyped-call]
            if "robots.txt" in failure.getErrorMessage():
                self._stat("skipped/robots")
                log.debug("Forbidden by robots.txt: %s", url)
            return  # the SSRF guard counts and logs its own refusals
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            self._stat(f"dropped/status_{status}")
            log.info("HTTP %s for %s", status, url)
            return
        self._stat(f"errors/{type(failure.value).__name__}")
        log.warning("Fetch failed for %s: %s", url, failure.getErrorMessage())
