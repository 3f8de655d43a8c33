"""Distributed crawls: with `REDIS_URL` set, crawler processes on any machines share one frontier
through scrapy-redis (its scheduler, queue and dupefilter, `SCHEDULER_PERSIST` on) and mirror
raw captures to one blob store; `newsarchive ingest` builds SQLite from that store.

Redis keys, all under `newsarchive:JOB:` (`NEWSARCHIVE_JOB`, default `news`):

- `sites`, `requests:SITE`: the shared frontier, a priority queue per site
  (`crawler.distributed.frontier`): pops take a lease from the site's cluster-wide politeness budget
  (`crawler.distributed.throttle`, keys `newsarchive:throttle:SITE*`); entries are signed JSON
  (`crawler.distributed.redisjson`, `NEWSARCHIVE_REDIS_KEY`), never pickle;
- `seen`: request fingerprints (scrapy-redis `RFPDupeFilter`), given a TTL that every write
  renews, and deleted once a crawl's frontier is finished, so it never grows without bound;
- `workers`, `alive:ID`: the crawler processes and their heartbeats (a key with a TTL);
- `inflight:ID`: the requests a worker has popped and not finished. A worker whose heartbeat
  lapses (SIGKILL, a lost machine) has its in-flight requests put back on the queue by the
  others, so nothing it held is lost.

Idle workers do not quit while the queue has requests or another live worker has requests in
flight (those may still discover more); they quit `MAX_IDLE_TIME_BEFORE_CLOSE` seconds (the
scrapy-redis setting) after the whole frontier is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.internet import task

from crawler.distributed.frontier import prefix, queued, requeue, worker_id
from crawler.distributed.redisjson import check_key
from crawler.distributed.throttle import LEASE

log = logging.getLogger(__name__)

DEFAULT_HEARTBEAT = 5.0  # seconds between heartbeats; a worker is dead after 3 missed ones
FORCED = 45  # settings priority above the command line's (40)
MAX_WORKERS = 1000  # workers looked at per tick (a planted set cannot make a tick unbounded)


def apply_distributed(settings: BaseSettings) -> None:
    """Switch a crawl to the shared redis frontier when REDIS_URL is set (else do nothing).

    Crawler nodes only fetch and mirror: NEWSARCHIVE_INDEX is off (the one SQLite writer is
    `newsarchive ingest`), and extraction is skipped unless NEWSARCHIVE_NODE_EXTRACT is on.
    Politeness moves to the cluster budget (`crawler.distributed.throttle`): the local download slots get
    no delay of their own (it would come on top of the shared one) and AutoThrottle is off.
    Refuses to start without NEWSARCHIVE_REDIS_KEY (the queue's entries are signed with it).
    """
    if not settings.get("REDIS_URL"):
        return
    check_key(settings.get("NEWSARCHIVE_REDIS_KEY"))
    keys = prefix(settings)
    slots = {
        name: {**dict(slot), "delay": 0.0}
        for name, slot in settings.getdict("DOWNLOAD_SLOTS").items()
    }
    for name, value in {
        "SCHEDULER": "crawler.distributed.frontier.LeaseScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.frontier.ExpiringDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.frontier.SiteQueue",
        "SCHEDULER_SERIALIZER": "crawler.distributed.redisjson",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": keys,
        "SCHEDULER_DUPEFILTER_KEY": f"{keys}:seen",
        "NEWSARCHIVE_INDEX": False,
        "NEWSARCHIVE_THROTTLE_DEFAULT_DELAY": settings.getfloat("DOWNLOAD_DELAY"),
    }.items():
        settings.set(name, value, priority="spider")
    # above -s (cmdline): a local delay would come after the cluster's claim of the send time
    for name, value in {
        "DOWNLOAD_DELAY": 0.0,
        "DOWNLOAD_SLOTS": slots,
        "AUTOTHROTTLE_ENABLED": False,
    }.items():
        settings.set(name, value, priority=FORCED)
    if settings.get("MAX_IDLE_TIME_BEFORE_CLOSE") is None:
        settings.set("MAX_IDLE_TIME_BEFORE_CLOSE", 2, priority="spider")
    middlewares = settings.getdict("SPIDER_MIDDLEWARES")
    middlewares["crawler.distributed.Workers"] = 10  # next to the engine: sees the final output
    settings.set("SPIDER_MIDDLEWARES", middlewares, priority="spider")
    downloader = settings.getdict("DOWNLOADER_MIDDLEWARES")
    downloader["crawler.distributed.throttle.ClusterThrottle"] = (
        950  # last: the claim is the send time
    )
    settings.set("DOWNLOADER_MIDDLEWARES", downloader, priority="spider")
    if not settings.getbool("NEWSARCHIVE_NODE_EXTRACT"):
        pipelines = settings.getdict("ITEM_PIPELINES")
        pipelines["pipelines.extract.ExtractPipeline"] = None
        settings.set("ITEM_PIPELINES", pipelines, priority="spider")


class Workers:
    """Spider middleware for distributed crawls: heartbeats, in-flight book-keeping (a
    request is done once its callback output and the items it yielded are through), reclaiming
    dead workers' requests, and idle handling."""

    def __init__(self, crawler: Crawler) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        self.crawler = crawler
        settings = crawler.settings
        self.server = get_redis_from_settings(settings)
        self.id = worker_id(crawler)
        keys = prefix(settings)
        self.keys, self.seen_key = keys, f"{keys}:seen"
        self.workers_key = f"{keys}:workers"
        self.beat_every = settings.getfloat("NEWSARCHIVE_REDIS_HEARTBEAT", DEFAULT_HEARTBEAT)
        self.max_idle = settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE")
        self.pending: dict[str, int] = {}  # lease -> parts not done (output, items)
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None
        self.first_response = self.last_item = 0.0  # for throughput figures (bench/)

    def alive_key(self, worker: str) -> str:
        return f"{prefix(self.crawler.settings)}:alive:{worker}"

    def inflight_key(self, worker: str) -> str:
        return f"{prefix(self.crawler.settings)}:inflight:{worker}"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(mw.item_done, signal=signal)
        return mw

    # -- life ---------------------------------------------------------------------------------
    def spider_opened(self) -> None:
        self.beat()
        self.server.sadd(self.workers_key, self.id)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(min(self.beat_every, 1.0), now=False)
        log.info("Worker %s joined the shared frontier %s", self.id, self.keys)

    def beat(self) -> None:
        self.server.set(self.alive_key(self.id), str(time.time()), px=int(3000 * self.beat_every))

    def tick(self) -> None:
        self.beat()
        self.reclaim()
        self.nudge()

    def nudge(self) -> None:
        """Let the engine pull from the shared queue (and re-check idleness) now, not on its
        next 5 s heartbeat: other workers fill the queue while this one has nothing to do."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def reclaim(self) -> int:
        """Put the in-flight requests of workers whose heartbeat lapsed back on the queue."""
        total = 0
        for worker in self.workers():
            if worker == self.id or self.server.exists(self.alive_key(worker)):
                continue
            count = requeue(self.server, self.keys, self.inflight_key(worker))
            self.server.srem(self.workers_key, worker)
            if count:
                log.warning(
                    "Worker %s is gone: %d requests it held are queued again", worker, count
                )
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value("newsarchive/redis/reclaimed", count)
            total += count
        return total

    def workers(self) -> list[str]:
        """The registered workers (at most MAX_WORKERS of them)."""
        found = self.server.srandmember(self.workers_key, MAX_WORKERS) or []
        return [raw.decode() if isinstance(raw, bytes) else str(raw) for raw in found]

    def others_busy(self) -> bool:
        for worker in self.workers():
            if worker != self.id and self.server.hlen(self.inflight_key(worker)):
                return True
        return False

    def spider_idle(self) -> None:
        # an idle engine has nothing in flight: leases left are of failed requests
        self.server.delete(self.inflight_key(self.id))
        self.pending.clear()
        self.reclaim()
        if queued(self.server, self.keys) or self.others_busy():
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.max_idle:
            raise DontCloseSpider

    def spider_closed(self, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.first_response and self.crawler.stats is not None:
            self.crawler.stats.set_value("newsarchive/redis/first_response_at", self.first_response)
            self.crawler.stats.set_value("newsarchive/redis/last_item_at", self.last_item)
        # a worker stopped early (Ctrl-C, SIGTERM) hands its in-flight requests back
        requeued = requeue(self.server, self.keys, self.inflight_key(self.id))
        if requeued:
            log.info("Handed %d in-flight requests back to the queue", requeued)
        self.server.srem(self.workers_key, self.id)
        self.server.delete(self.alive_key(self.id))
        if reason == "finished" and not queued(self.server, self.keys) and not self.others_busy():
            self.server.delete(self.seen_key)  # the frontier is done: the next crawl starts anew
            log.info("Frontier finished; fingerprints of %s cleared", self.seen_key)

    # -- in-flight book-keeping ---------------------------------------------------------------
    def _part_done(self, lease: str | None) -> None:
        if not lease or lease not in self.pending:
            return
        self.pending[lease] -= 1
        if self.pending[lease] <= 0:
            del self.pending[lease]
            self.server.hdel(self.inflight_key(self.id), lease)

    def _start(self, response: Response) -> str | None:
        self.first_response = self.first_response or time.time()
        lease = response.meta.get(LEASE)
        if lease:
            self.pending[lease] = self.pending.get(lease, 0) + 1
        return lease if isinstance(lease, str) else None

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        lease = self._start(response)
        try:
            async for item in result:
                if lease and not isinstance(item, Request):
                    self.pending[lease] += 1
                yield item
        finally:
            self._part_done(lease)

    def item_done(self, response: Response | None = None, **_: Any) -> None:
        self.last_item = time.time()
        if response is not None:
            self._part_done(response.meta.get(LEASE))
