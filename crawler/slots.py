"""A site's download slot: shared so that slow pages never starve its articles.

`SiteDownloader` is Scrapy's downloader with three changes, none of which sends a site more
requests or sends them sooner than its slot allows:

- Requests that are not for articles (hubs, sitemaps, traps) may hold at most concurrency - 1
  of a slot's transfers: two hanging pages cannot take both slots that articles need.
- A slot starts its queued requests highest priority first (Scrapy's: first in, first out).
- A transfer can be cut (`cut`): when nothing but slow downloads is left, `crawler.later`
  ends them and records their URLs as due in the next crawl.
- `raise_floor` raises a slot's delay for good (robots.txt Crawl-delay, a 429's Retry-After):
  `SiteThrottle` never lowers a delay below its floor again.
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from time import monotonic
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later, is_asyncio_available
from scrapy.utils.defer import _schedule_coro


class Cut(IgnoreRequest):
    """A download ended by the crawl because nothing else was left to wait for."""


# meta `slow_before` of a URL an earlier crawl deferred for being slow (crawler/later.py):
# WAIT while held until the crawl's own work is done, ASKED once asked
WAIT, ASKED = "wait", "asked"


def is_article(request: Request) -> bool:
    return bool(request.meta.get("article"))


def asked_last(request: Request) -> bool:
    """Slow in an earlier crawl, and asked now that this crawl's own work is done."""
    return request.meta.get("slow_before") == ASKED


class SiteDownloader(Downloader):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.transfers: dict[Request, tuple[float, asyncio.Task[Response]]] = {}
        self.cutting: set[Request] = set()
        self.floors: dict[str, float] = {}
        self.tasks: set[asyncio.Task[None]] = set()  # downloads started by `_start`

    def raise_floor(self, key: str, delay: float) -> None:
        """The slot `key` waits at least `delay` seconds between requests from now on."""
        self.floors[key] = max(self.floors.get(key, 0.0), delay)
        if slot := self.slots.get(key):
            slot.delay = max(slot.delay, delay)

    def _get_slot(self, request: Request, spider: Any = None) -> tuple[str, Slot]:
        key, slot = super()._get_slot(request)
        if key in self.floors:
            slot.delay = max(slot.delay, self.floors[key])
        return key, slot

    # -- the reserved slot -----------------------------------------------------------------------
    @staticmethod
    def _pages_full(slot: Slot) -> bool:
        """Whether requests that are not articles hold their whole share of the slot's
        transfers (concurrency - 1, at least 1): the last is kept for articles."""
        cap = max(1, slot.concurrency - 1)
        return sum(1 for r in slot.transferring if not is_article(r)) >= cap

    def _next(self, slot: Slot) -> tuple[Request, Any] | None:
        """The queued request to start now: of those that may start (an article or a URL asked
        last always, another request only while fewer than concurrency - 1 non-article
        requests are transferring), the first of the highest priority. Scrapy's slot queue is first in,
        first out whatever the priority the scheduler gave: a request due again after a
        Retry-After would wait behind the up to CONCURRENT_REQUESTS already queued."""
        pages_full = self._pages_full(slot)
        best = -1
        for i, (request, _) in enumerate(slot.queue):
            # asked last, a URL slow before may use the transfer kept for articles: the
            # crawl has no other work left
            if (is_article(request) or asked_last(request) or not pages_full) and (
                best < 0 or request.priority > slot.queue[best][0].priority
            ):
                best = i
        if best < 0:
            return None
        entry = slot.queue[best]
        del slot.queue[best]
        return entry

    def _process_queue(self, slot: Slot) -> None:
        # Scrapy's own, with `_next` in place of `queue.popleft`
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.free_transfer_slots() > 0 and (entry := self._next(slot)) is not None:
            slot.lastseen = now
            request, queue_dfd = entry
            self._start(slot, request, queue_dfd)
            if delay:
                self._process_queue(slot)
                break

    def _start(self, slot: Slot, request: Request, queue_dfd: Any) -> None:
        """Start one download, counted as transferring from now on.

        Scrapy (2.19) counts a request as transferring only once its download task first runs,
        which under the asyncio reactor is the loop's next turn: a slot without a delay then
        starts its whole queue in one go, whatever its concurrency. Counting it here keeps a
        site's concurrency at what it is set to."""
        slot.transferring.add(request)
        coro = self._wait_for_download(slot, request, queue_dfd)
        if not is_asyncio_available():
            _schedule_coro(coro)  # a Deferred: runs at once, up to its first wait
            return
        task = asyncio.get_event_loop().create_task(coro)
        # a task cancelled before it ran (at shutdown) never reaches Scrapy's own clean-up
        task.add_done_callback(lambda _: slot.transferring.discard(request))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def needs_backout(self) -> bool:
        """Whether the engine should stop handing requests to the downloader.

        Scrapy backs out once CONCURRENT_REQUESTS requests are in the downloader, those queued
        in a slot included. Requests parked in a slot (not articles, over the slot's share for
        them, behind slow ones) do not count here, up to CONCURRENT_REQUESTS of them: otherwise
        a few hanging pages per site park enough hub and sitemap requests to fill the downloader
        and no article can reach a free slot until the hanging ones time out."""
        total = self.total_concurrency
        if total <= 0:
            return False
        if len(self.active) < total:
            return False
        parked = sum(map(self._parked, self.slots.values()))
        return len(self.active) - min(parked, total) >= total

    @classmethod
    def _parked(cls, slot: Slot) -> int:
        """Queued requests of `slot` that may not start before one of its transfers ends."""
        if not slot.queue or not cls._pages_full(slot):
            return 0
        return sum(1 for request, _ in slot.queue if not is_article(request))

    # -- transfers that can be cut -------------------------------------------------------------
    async def _download(self, slot: Slot, request: Request) -> Response:
        if not is_asyncio_available():
            return await super()._download(slot, request)
        task = asyncio.ensure_future(super()._download(slot, request))
        self.transfers[request] = (monotonic(), task)
        try:
            return await task
        except (asyncio.CancelledError, Exception):
            # Scrapy may turn the cancellation into its DownloadCancelledError
            if request in self.cutting and not _current_task_cancelling():
                raise Cut(f"Cut after {self.age(request):.1f}s: {request.url}") from None
            raise
        finally:
            self.transfers.pop(request, None)
            self.cutting.discard(request)

    def age(self, request: Request) -> float:
        """Seconds `request` has been transferring (0 if it is not)."""
        started = self.transfers.get(request)
        return monotonic() - started[0] if started else 0.0

    def cut(self, request: Request) -> None:
        if started := self.transfers.get(request):
            self.cutting.add(request)
            started[1].cancel()

    def blocked(self, slot: Slot) -> bool:
        """Requests wait in the slot for a transfer to end (not for its delay)."""
        return bool(slot.queue) and slot.latercall is None


def _current_task_cancelling() -> bool:
    task = asyncio.current_task()
    return bool(task is not None and task.cancelling())


class SiteThrottle(AutoThrottle):
    """AutoThrottle for the slots of sites without their own `delay` only (a site's own delay
    is kept as set), never below a floor the site asked for (`SiteDownloader.raise_floor`)."""

    @cached_property
    def fixed(self) -> set[str]:
        """Slots of sites with their own delay."""
        slots = self.crawler.settings.getdict("DOWNLOAD_SLOTS")
        return {key for key, conf in slots.items() if not conf.get("throttle", True)}

    def _response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        key = request.meta.get("download_slot")
        if key is None or key in self.fixed:
            return
        super()._response_downloaded(response, request, spider)
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        floor = getattr(downloader, "floors", {}).get(key)
        slot = downloader.slots.get(key)
        if floor and slot is not None:
            slot.delay = max(slot.delay, floor)
