"""Waits longer than the work: Retry-After, timeouts and hanging downloads, asked again later.

`LaterMiddleware` holds a request the crawl must not ask for yet, outside Scrapy's queues, so
that waiting for it holds no download slot and does not keep the crawl open:

- a 429/503 with Retry-After: held until then (a 429 also slows its site down for good);
- a timeout: held for as long as the timeout, then retried behind the other work;
- a URL deferred by an earlier crawl that is not due yet;
- a URL an earlier crawl deferred for being slow (meta `slow_before`): held until the rest of
  the crawl is done, then asked once and waited for up to its download timeout (neither cut to
  free its slot nor at the end), so that a page that is merely slow is captured in the next
  crawl; if it times out again, it is deferred again, up to NEWSARCHIVE_DEFER_MAX crawls. As
  many at a time per site as its concurrency, the oldest first; none is started once
  NEWSARCHIVE_SLOW_BEFORE_BUDGET seconds have passed since the first: a site with many such
  URLs holds the end of a crawl open for that budget and one download timeout at most, and
  what was not asked is left to the next crawl.

Held requests go back to the scheduler when due. Once nothing else of the crawl is left, those
due within NEWSARCHIVE_WAIT_AT_END seconds are waited for; the others are not waited out but
recorded in the `deferred` table (why, and from when the site may be asked again) and picked up
by the next crawl of their site. Downloads still transferring after NEWSARCHIVE_STRAGGLER_AFTER
seconds when nothing else is left are cut and deferred the same way.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections import Counter
from dataclasses import dataclass, field
from time import monotonic, time
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request, Response
from twisted.internet import task

from archive.db.connection import data_dir, open_db, write_transaction
from archive.db.deferred import ASKED_TO_WAIT, Deferred, save_deferred
from crawler.distributed.throttle import cluster_throttle
from crawler.ending import REPORT_AFTER, EndReport
from crawler.middlewares import retry_after_seconds
from crawler.slots import ASKED, WAIT, Cut, SiteDownloader, asked_last, is_article

log = logging.getLogger(__name__)

TIMEOUTS = ("DownloadTimeoutError", "TimeoutError")
ARTICLE_PATIENCE = 3  # an article gives way after this many times NEWSARCHIVE_STRAGGLER_AFTER
END_PAGE_PATIENCE = 1.0  # s: a page blocking its slot once the scheduler is empty


class Postponed(IgnoreRequest):
    """The request is held by LaterMiddleware; it comes back when due, or in the next crawl."""


def kind_of(request: Request) -> str:
    if is_article(request):
        return "article"
    name = getattr(request.callback, "__name__", "")
    return {"parse_sitemap": "sitemap", "parse_feed": "feed"}.get(name, "page")


@dataclass(order=True)
class Held:
    due: float  # monotonic
    seq: int
    request: Request = field(compare=False)
    reason: str = field(compare=False)
    tried: bool = field(compare=False)  # fetched in this crawl (not just due later)


@dataclass
class Config:
    max_wait: float  # NEWSARCHIVE_RETRY_AFTER_MAX: longer Retry-After gives up on the URL
    max_tries: int  # RETRY_TIMES
    wait_at_end: float  # NEWSARCHIVE_WAIT_AT_END
    straggler_after: float  # NEWSARCHIVE_STRAGGLER_AFTER
    max_deferrals: int  # NEWSARCHIVE_DEFER_MAX: crawls a URL may be deferred by
    slow_before_budget: float  # NEWSARCHIVE_SLOW_BEFORE_BUDGET: s to start URLs slow before
    retry_ahead: int  # RETRY_PRIORITY_ADJUST: a Retry-After retry goes ahead of its class
    report_after: float  # NEWSARCHIVE_REPORT_AFTER: s of an empty scheduler before saying why


class LaterMiddleware:
    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler, self.config = crawler, config
        self.held: list[Held] = []
        self.seq = itertools.count()
        self.deferred: dict[tuple[str, str], Deferred] = {}
        self.settled: set[tuple[str, str]] = set()  # deferred by an earlier crawl, asked now
        self.last: list[Request] = []  # slow before: asked once the rest is done
        self.asking: dict[str, tuple[str, Request]] = {}  # slow before, asked, not answered
        self.last_since: float | None = None  # when the first URL slow before was asked
        self.loop: task.LoopingCall | None = None
        self.nudged = 0.0
        self.report = EndReport(config.report_after)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        config = Config(
            max_wait=s.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 3600),
            max_tries=s.getint("RETRY_TIMES", 2),
            wait_at_end=s.getfloat("NEWSARCHIVE_WAIT_AT_END", 5),
            straggler_after=s.getfloat("NEWSARCHIVE_STRAGGLER_AFTER", 3),
            max_deferrals=s.getint("NEWSARCHIVE_DEFER_MAX", 3),
            slow_before_budget=s.getfloat("NEWSARCHIVE_SLOW_BEFORE_BUDGET", 10),
            retry_ahead=s.getint("RETRY_PRIORITY_ADJUST", 1),
            report_after=s.getfloat("NEWSARCHIVE_REPORT_AFTER", REPORT_AFTER),
        )
        mw = cls(crawler, config)
        crawler.signals.connect(mw.opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.idle, signal=signals.spider_idle)
        crawler.signals.connect(mw.closed, signal=signals.spider_closed)
        return mw

    def _stat(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsarchive/{key}", count)

    # -- downloader middleware -----------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        not_before = request.meta.get("not_before")
        if not not_before:
            return
        wait = float(not_before) - time()
        # held requests come back past the scheduler's duplicate filter, which has seen them
        if wait > 0:
            reason = request.meta.get("deferred_reason", "not due")
            self.hold(request.replace(dont_filter=True), wait, reason, tried=False)
            raise Postponed(f"Not due for {wait:.0f}s: {request.url}")
        request.meta.pop("not_before")
        self.settled.add((request.meta.get("site", ""), request.url))
        if request.meta.get("slow_before") == WAIT:
            self.last.append(request.replace(dont_filter=True))
            raise Postponed(f"Slow in an earlier crawl, asked once the rest is done: {request.url}")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if asked_last(request):
            self.asking.pop(request.url, None)
        if response.status not in (429, 503) or request.meta.get("dont_retry"):
            return response
        tries = request.meta.get("retry_after_times", 0)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = 5.0 * (tries + 1)
        if tries >= self.config.max_tries or wait > self.config.max_wait:
            self._stat(f"gave_up/status_{response.status}")
            log.info("Giving up on %s: %s, Retry-After %.0fs", request.url, response.status, wait)
            return response
        if response.status == 429:  # the whole site asked us to slow down
            self._slow_down(request, wait)
        self._stat(f"retry_after/status_{response.status}")
        meta = {**request.meta, "retry_after_times": tries + 1}
        # asked again when due, as the site said: queued at its own priority it would wait
        # behind every request of its class found meanwhile, and a short Retry-After would be
        # waited out at the end of the crawl instead (a 600-article newsweb: 2 s of its 14)
        priority = request.priority + self.config.retry_ahead
        retry = request.replace(dont_filter=True, meta=meta, priority=priority)
        self.hold(retry, wait, f"{response.status} {ASKED_TO_WAIT} {wait:.0f}s", tried=True)
        raise Postponed(f"Retry-After {wait:.0f}s: {request.url}")

    def process_exception(self, request: Request, exception: Exception) -> None:
        if asked_last(request):
            self.asking.pop(request.url, None)
        slow = self.config.straggler_after
        if isinstance(exception, Cut) and request.meta.pop("cut", "") == "end":
            self._stat("cut/end")
            waited = self.end_patience(request)
            self.defer(request, 0.0, f"no answer in {waited:.0f}s with nothing else left")
            return
        if isinstance(exception, Cut):  # it held a slot other URLs of its site waited for
            self._stat("cut/slot_needed")
            after = float(request.meta.pop("cut_after", slow))
            timeout, reason = slow, f"no answer in {after:.0f}s, its slot was needed"
        elif type(exception).__name__ in TIMEOUTS and not request.meta.get("dont_retry"):
            timeout = float(request.meta.get("download_timeout") or 0)
            reason = f"timed out after {timeout:.0f}s"
            log.info("%s", exception)  # "Getting URL took longer than N seconds."
        else:
            return
        timeouts = request.meta.get("timeouts", 0) + 1
        limit = request.meta.get("max_retry_times", self.config.max_tries)
        if asked_last(request):
            limit = 0  # its one long wait is over: the next crawl may try again
        if timeouts > limit:
            request.meta["dont_retry"] = True  # RetryMiddleware must not retry it once more
            self.defer(request, 0.0, f"{reason} ({timeouts}x)")
            raise Postponed(f"Deferred to the next crawl: {request.url} {reason}")
        self._stat("retry_later/timeout")
        meta = {**request.meta, "timeouts": timeouts}
        retry = request.replace(dont_filter=True, meta=meta, priority=request.priority - 10)
        self.hold(retry, max(timeout, 1.0), f"{reason} ({timeouts}x)", tried=True)
        raise Postponed(f"Retrying later: {request.url} {reason}")

    def end_patience(self, request: Request) -> float:
        """How long a download may go on once nothing else of the crawl is left: an article
        NEWSARCHIVE_WAIT_AT_END (at least the straggler time), another page as long as it could
        hold a slot others need (NEWSARCHIVE_STRAGGLER_AFTER), a URL slow before not at all
        (slow in an earlier crawl: its whole download timeout, as it is asked last)."""
        if asked_last(request):
            return float(request.meta.get("download_timeout") or 1e9)
        if request.meta.get("timeouts"):
            return 0.0
        if is_article(request):
            return max(self.config.straggler_after, self.config.wait_at_end)
        return self.config.straggler_after

    def _slow_down(self, request: Request, wait: float) -> None:
        site = request.meta.get("site")
        throttle = cluster_throttle(self.crawler)
        if throttle is not None and isinstance(site, str):  # every node pauses and slows down
            throttle.learn(site, "retry_delay", min(wait, self.config.max_wait), pause=True)
            return
        downloader = self._downloader()
        key = request.meta.get("download_slot")
        if isinstance(downloader, SiteDownloader) and key:
            downloader.raise_floor(key, wait)

    # -- held requests -------------------------------------------------------------------------
    def hold(self, request: Request, wait: float, reason: str, *, tried: bool) -> None:
        heapq.heappush(self.held, Held(monotonic() + wait, next(self.seq), request, reason, tried))

    def defer(self, request: Request, wait: float, reason: str, *, tried: bool = True) -> None:
        site = request.meta.get("site", "")
        attempts = int(request.meta.get("deferred_attempts", 0)) + tried
        if attempts > self.config.max_deferrals:
            self._stat("gave_up/deferred")
            log.info("Giving up on %s: deferred by %d crawls (%s)", request.url, attempts, reason)
            return
        item = Deferred(
            site=site,
            url=request.url,
            kind=kind_of(request),
            reason=reason,
            due=time() + max(wait, 0.0),
            attempts=max(attempts, 1),
            hints=dict(request.meta.get("hints") or {}),
        )
        if (site, request.url) not in self.deferred:
            self._stat("deferred")
        self.deferred[(site, request.url)] = item
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(
            "newsarchive/deferred_urls", [d.summary() for d in self.deferred.values()]
        )
        log.info("Deferred to the next crawl: %s (%s, due %s)", request.url, reason, item.due_at)

    def _downloader(self) -> Any:
        engine = self.crawler.engine
        return engine.downloader if engine is not None else None

    def _scheduler_pending(self) -> bool:
        """Whether the scheduler still holds requests (False before the crawl has one)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        return slot is not None and slot.scheduler.has_pending_requests()

    def release(self) -> int:
        """Send the held requests that are due back to the scheduler; how many."""
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return 0
        busy = self._scheduler_pending()
        now, released, kept = monotonic(), 0, []
        while self.held and self.held[0].due <= now:
            held = heapq.heappop(self.held)
            if held.request.meta.get("timeouts") and not busy:
                kept.append(held)  # slow before: retried only behind other work, else deferred
                continue
            engine.crawl(held.request)
            released += 1
        for held in kept:
            heapq.heappush(self.held, held)
        return released

    def tick(self) -> None:
        self.release()
        if self.last_since is not None:
            self.ask_slow_before()
        self.cut_stragglers()
        self.free_needed_slots()
        self.nudge_when_idle()
        self.report.tick(
            self.crawler.engine,
            self._downloader(),
            self._soonest,
            pending=self._scheduler_pending(),
        )

    def _soonest(self, count: int) -> list[tuple[float, str]]:
        """(due, URL) of the `count` held requests due soonest."""
        return [(h.due, h.request.url) for h in heapq.nsmallest(count, self.held)]

    def nudge_when_idle(self) -> None:
        """Scrapy looks for the end of a crawl every 5 s; once nothing is left, look now (at
        most once a second), so the crawl ends when its work does."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if engine is None or slot is None or monotonic() - self.nudged < 1.0:
            return
        if engine.spider_is_idle():
            self.nudged = monotonic()
            slot.nextcall.schedule()

    def free_needed_slots(self) -> None:
        """A download slower than NEWSARCHIVE_STRAGGLER_AFTER (an article: ARTICLE_PATIENCE
        times that; a URL slow before: at once) gives way when other requests of its site wait
        for its slot: cut, and retried later like a timeout."""
        downloader = self._downloader()
        if not isinstance(downloader, SiteDownloader):
            return
        # an article is what the slot is for: it gets three times as long. Once the scheduler
        # is empty, what waits in the slots is all the crawl has left: a page that is not an
        # article gives way after END_PAGE_PATIENCE, so that it does not hold the end open
        page = self.config.straggler_after
        if not self._scheduler_pending():
            page = min(page, END_PAGE_PATIENCE)
        patience = {r: self._slot_patience(r, page) for r in downloader.transfers}
        for key, slot in list(downloader.slots.items()):
            if not downloader.blocked(slot):
                continue
            slow = [r for r in slot.transferring if downloader.age(r) >= patience.get(r, 1e9)]
            if slow:
                oldest = max(slow, key=downloader.age)
                log.info("Cutting %s: slow, and %s needs its slot", oldest.url, key)
                oldest.meta["cut"] = "slot_needed"
                oldest.meta["cut_after"] = downloader.age(oldest)
                downloader.cut(oldest)

    def _slot_patience(self, request: Request, page: float) -> float:
        """How long a download may hold a slot other requests of its site wait for."""
        if asked_last(request):
            return 1e9  # asked last, for its one long wait
        if request.meta.get("timeouts"):
            return 0.0  # slow before: retried only while it holds nobody up
        return self.config.straggler_after * ARTICLE_PATIENCE if is_article(request) else page

    def _only_stragglers_left(self) -> bool:
        engine = self.crawler.engine
        downloader = self._downloader()
        if engine is None or not isinstance(downloader, SiteDownloader) or not downloader.active:
            return False
        slot = getattr(engine, "_slot", None)
        if slot is None or getattr(engine, "_start", None) is not None:
            return False
        scraper = engine.scraper.slot
        if slot.scheduler.has_pending_requests() or scraper is None or not scraper.is_idle():
            return False
        soon = monotonic() + self.config.wait_at_end
        if any(h.due <= soon and not h.request.meta.get("timeouts") for h in self.held):
            return False  # a short Retry-After is waited out
        if any(is_article(r) for r in downloader.active if r not in downloader.transfers):
            return False  # an article is waiting for its turn
        # waits up to NEWSARCHIVE_WAIT_AT_END are waited out, downloads too; a URL slow before
        # is not waited for again
        return bool(downloader.transfers) and all(
            downloader.age(r) >= self.end_patience(r) for r in downloader.transfers
        )

    def cut_stragglers(self) -> None:
        if not self._only_stragglers_left():
            return
        downloader = self._downloader()
        for request in list(downloader.transfers):
            log.info("Cutting %s: still no answer with nothing else left", request.url)
            request.meta["cut"] = "end"
            downloader.cut(request)

    # -- signals -------------------------------------------------------------------------------
    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(0.25, now=False)

    def idle(self, spider: Any) -> None:
        """Nothing else is left: wait for what is due soon, defer the rest (and every URL that
        was slow before: a repeated timeout is not waited out). URLs slow in an earlier crawl
        are asked now, once."""
        # idle: nothing asked is in flight here any more (answered, dropped on the way, or
        # taken by another node of a cluster)
        self.asking.clear()
        if self.last:
            if self.last_since is None:
                self.last_since = monotonic()
            if self.ask_slow_before():
                raise DontCloseSpider
        released = self.release()
        soon, keep = monotonic() + self.config.wait_at_end, []
        for h in self.held:
            if h.due > soon or h.request.meta.get("timeouts"):
                self.defer(h.request, h.due - monotonic(), h.reason, tried=h.tried)
            else:
                keep.append(h)
        self.held = keep
        heapq.heapify(self.held)
        if self.held or released:
            raise DontCloseSpider

    def ask_slow_before(self) -> int:
        """Ask URLs slow in an earlier crawl (the oldest first) in the free places of their
        site's slot, as many at a time as its concurrency (1 for a site this crawl has no slot
        for); once NEWSARCHIVE_SLOW_BEFORE_BUDGET seconds have passed since the first was
        asked, leave the others to the next crawl. How many were asked."""
        engine, downloader = self.crawler.engine, self._downloader()
        if not self.last or engine is None or self.last_since is None:
            return 0
        if monotonic() - self.last_since > self.config.slow_before_budget:
            for request in self.last:  # not asked: their count of attempts stays
                reason = request.meta.get("deferred_reason", "slow")
                self.defer(request, 0.0, reason, tried=False)
            self.last = []
            return 0
        busy = Counter(key for key, _ in self.asking.values())
        asked, waiting = 0, []
        for request in self.last:
            key, room = "", 1
            if isinstance(downloader, SiteDownloader):
                key = downloader.get_slot_key(request)
                if slot := downloader.slots.get(key):
                    room = slot.concurrency
            if busy[key] >= room:
                waiting.append(request)
                continue
            busy[key] += 1
            request.meta["slow_before"] = ASKED
            self.asking[request.url] = (key, request)
            engine.crawl(request)
            asked += 1
        self.last = waiting
        if asked:
            self._stat("slow_before/asked", asked)
        return asked

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        for h in self.held:  # the crawl stopped early: what it still held is deferred too
            self.defer(h.request, h.due - monotonic(), h.reason, tried=h.tried)
        self.held = []
        # slow before and not asked, or not answered, in this crawl: the next one asks
        for request in [*self.last, *(r for _, r in self.asking.values())]:
            self.defer(request, 0.0, request.meta.get("deferred_reason", "slow"), tried=False)
        self.last, self.asking = [], {}
        settled = self.settled | set(getattr(spider, "settled_deferred", set()))
        if not self.deferred and not settled:
            return
        assert self.crawler.stats is not None
        crawl_id = self.crawler.stats.get_value("newsarchive/crawl_id")
        db = open_db(data_dir(self.crawler.settings.get("NEWSARCHIVE_DATA")))
        try:
            with write_transaction(db):
                save_deferred(db, crawl_id, self.deferred.values(), settled)
        finally:
            db.close()
