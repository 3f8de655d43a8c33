"""Distributed crawls: with `REDIS_URL` set, crawler processes on any machines share one frontier
through scrapy-redis (its scheduler, queue and dupefilter, `SCHEDULER_PERSIST` on) and mirror
raw captures to one blob store; `newsarchive ingest` builds SQLite from that store.

Redis keys, all under `newsarchive:JOB:` (`NEWSARCHIVE_JOB`, default `news`):

- `requests`: the shared priority queue (scrapy-redis `PriorityQueue`);
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

import itertools
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

log = logging.getLogger(__name__)

LEASE = "newsarchive_lease"  # request.meta key: the field of the request in inflight:ID
DEFAULT_SEEN_TTL = 7 * 86400  # seconds an abandoned crawl's fingerprints live on
DEFAULT_HEARTBEAT = 5.0  # seconds between heartbeats; a worker is dead after 3 missed ones

# Pop the best request and record it as in flight, atomically: the field keeps the score so a
# reclaim can put the request back at its priority.
POP_LUA = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return nil end
redis.call('ZREM', KEYS[1], r[1])
local field = r[2] .. ':' .. ARGV[1]
redis.call('HSET', KEYS[2], field, r[1])
return {r[1], field}
"""
# Put a dead worker's in-flight requests back on the queue; one caller gets them.
RECLAIM_LUA = """
local items = redis.call('HGETALL', KEYS[1])
for i = 1, #items, 2 do
  local score = string.match(items[i], '^([^:]+):')
  redis.call('ZADD', KEYS[2], score, items[i + 1])
end
redis.call('DEL', KEYS[1])
return #items / 2
"""
# Add a fingerprint and renew the set's TTL; 1 if it was there already.
SEEN_LUA = """
local added = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1 - added
"""


def prefix(settings: BaseSettings) -> str:
    return f"newsarchive:{settings.get('NEWSARCHIVE_JOB') or 'news'}"


def apply_distributed(settings: BaseSettings) -> None:
    """Switch a crawl to the shared redis frontier when REDIS_URL is set (else do nothing).

    Crawler nodes only fetch and mirror: NEWSARCHIVE_INDEX is off (the one SQLite writer is
    `newsarchive ingest`), and extraction is skipped unless NEWSARCHIVE_NODE_EXTRACT is on.
    """
    if not settings.get("REDIS_URL"):
        return
    keys = prefix(settings)
    for name, value in {
        "SCHEDULER": "crawler.distributed.LeaseScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.ExpiringDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.LeaseQueue",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{keys}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{keys}:seen",
        "NEWSARCHIVE_INDEX": False,
    }.items():
        settings.set(name, value, priority="spider")
    if settings.get("MAX_IDLE_TIME_BEFORE_CLOSE") is None:
        settings.set("MAX_IDLE_TIME_BEFORE_CLOSE", 2, priority="spider")
    middlewares = settings.getdict("SPIDER_MIDDLEWARES")
    middlewares["crawler.distributed.Workers"] = 10  # next to the engine: sees the final output
    settings.set("SPIDER_MIDDLEWARES", middlewares, priority="spider")
    if not settings.getbool("NEWSARCHIVE_NODE_EXTRACT"):
        pipelines = settings.getdict("ITEM_PIPELINES")
        pipelines["pipelines.extract.ExtractPipeline"] = None
        settings.set("ITEM_PIPELINES", pipelines, priority="spider")


class LeaseQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis' priority queue whose pop also records the request as in flight."""

    inflight_key = ""
    _counter = itertools.count()

    def pop(self, timeout: int = 0) -> Request | None:
        found = self.server.eval(
            POP_LUA, 2, self.key, self.inflight_key, f"{os.getpid()}.{next(self._counter)}"
        )
        if not found:
            return None
        data, field = found
        request: Request = self._decode_request(data)
        request.meta[LEASE] = field.decode() if isinstance(field, bytes) else field
        return request


class LeaseScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis' scheduler with leased pops (`inflight:ID`) and Scrapy-2.14-style stats."""

    worker_id = ""
    df: Any  # set by scrapy-redis

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        instance: Self = super().from_crawler(crawler)
        instance.worker_id = worker_id(crawler)
        return instance

    def open(self, spider: Spider) -> None:
        from scrapy.utils.misc import load_object

        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        self.queue.inflight_key = f"{prefix(spider.settings)}:inflight:{self.worker_id}"
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        if pending := len(self.queue):
            log.info("Joining a crawl in progress: %d requests queued", pending)

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class ExpiringDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis' fingerprint set, with a TTL renewed on every write
    (`NEWSARCHIVE_REDIS_SEEN_TTL` seconds): the set of an abandoned crawl expires, and the
    `Workers` middleware deletes it when a crawl's frontier is finished."""

    ttl = DEFAULT_SEEN_TTL

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        dupefilter: Self = super().from_spider(spider)
        dupefilter.ttl = spider.settings.getint("NEWSARCHIVE_REDIS_SEEN_TTL", DEFAULT_SEEN_TTL)
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.request_fingerprint(request)
        return bool(self.server.eval(SEEN_LUA, 1, self.key, fingerprint, self.ttl))

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints (SCHEDULER_PERSIST): other workers are still using them."""


def worker_id(crawler: Crawler) -> str:
    if not hasattr(crawler, "newsarchive_worker_id"):
        name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        crawler.newsarchive_worker_id = name  # type: ignore[attr-defined]
    return str(crawler.newsarchive_worker_id)  # type: ignore[attr-defined]


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
        self.queue_key, self.seen_key = f"{keys}:requests", f"{keys}:seen"
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
        log.info("Worker %s joined the shared frontier %s", self.id, self.queue_key)

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
        for raw in self.server.smembers(self.workers_key):
            worker = raw.decode() if isinstance(raw, bytes) else str(raw)
            if worker == self.id or self.server.exists(self.alive_key(worker)):
                continue
            count = int(self.server.eval(RECLAIM_LUA, 2, self.inflight_key(worker), self.queue_key))
            self.server.srem(self.workers_key, worker)
            if count:
                log.warning(
                    "Worker %s is gone: %d requests it held are queued again", worker, count
                )
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value("newsarchive/redis/reclaimed", count)
            total += count
        return total

    def others_busy(self) -> bool:
        for raw in self.server.smembers(self.workers_key):
            worker = raw.decode() if isinstance(raw, bytes) else str(raw)
            if worker != self.id and self.server.hlen(self.inflight_key(worker)):
                return True
        return False

    def spider_idle(self) -> None:
        # an idle engine has nothing in flight: leases left are of failed requests
        self.server.delete(self.inflight_key(self.id))
        self.pending.clear()
        self.reclaim()
        if self.server.zcard(self.queue_key) or self.others_busy():
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
        requeued = int(self.server.eval(RECLAIM_LUA, 2, self.inflight_key(self.id), self.queue_key))
        if requeued:
            log.info("Handed %d in-flight requests back to the queue", requeued)
        self.server.srem(self.workers_key, self.id)
        self.server.delete(self.alive_key(self.id))
        if (
            reason == "finished"
            and not self.server.zcard(self.queue_key)
            and not self.others_busy()
        ):
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
