"""The shared frontier of a distributed crawl: scrapy-redis' scheduler and dupefilter with a
per-site queue, leased pops and signed entries.

Keys under `newsarchive:JOB:` (`NEWSARCHIVE_JOB`):

- `sites`: the sites with queued requests; `requests:SITE`: a priority queue (a sorted set
  scored by -priority, as scrapy-redis' `PriorityQueue`) per site;
- `inflight:WORKER`: what a worker popped and has not finished, field `score|site|worker.n`.

A pop (one Lua script) takes the best request among the sites that have a free lease in their
cluster-wide budget (`crawler.distributed.throttle`), moves it into the worker's in-flight hash and takes
the lease, atomically: a node is never handed a request it would have to hold back, so it goes
on with other sites while one site is at its limit. Entries are signed JSON
(`crawler.distributed.redisjson`); an entry failing the check is dropped unread and counted
(`newsarchive/redis/rejected`).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import socket
import uuid
from typing import Any, Self, cast

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.redisjson import RejectedEntry, SignedJSON
from crawler.distributed.throttle import KEY_TTL_MS, LEASE, PREFIX, cluster_throttle

log = logging.getLogger(__name__)

DEFAULT_SEEN_TTL = 7 * 86400  # seconds an abandoned crawl's fingerprints live on
DEFAULT_LEASE = 10.0
MAX_SITES = 512  # sites looked at per pop (a planted set cannot make a pop unbounded)
MAX_POPS = 16  # rejected entries skipped per pop before giving the engine back control
RECLAIM_BATCH = 1000  # in-flight entries moved per reclaim call
SITE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
NO_SITE = "-"  # requests without a site (not the news spider's): one unthrottled queue
BUSY_RETRY = 0.1  # s before asking again when every site with requests is at its limit

# KEYS[1] sites, KEYS[2] inflight; ARGV prefix, throttle prefix, worker tag, lease ms, max
# sites, max delay ms, key ttl -> {1, data, field} | {0, sites at their limit}
POP_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(v, default, lo, hi)
  local n = tonumber(v)
  if n == nil or n ~= n then n = default end
  if n < lo then n = lo end
  if n > hi then n = hi end
  return n
end
local best, best_score, busy = nil, nil, 0
for _, site in ipairs(redis.call('SRANDMEMBER', KEYS[1], tonumber(ARGV[5]))) do
  local q = ARGV[1] .. ':requests:' .. site
  local head = redis.call('ZRANGE', q, 0, 0, 'WITHSCORES')
  if #head == 0 then
    redis.call('SREM', KEYS[1], site)
  else
    local th = ARGV[2] .. site
    local leases = th .. ':leases'
    redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
    local h = redis.call('HMGET', th, 'concurrency', 'crawl_delay', 'explicit', 'until')
    local conc = num(h[1], 1, 1, 64)
    if h[3] ~= '1' and num(h[2], 0, 0, 1) > 0 then conc = 1 end
    local paused = num(h[4], 0, 0, now + tonumber(ARGV[6])) > now
    if site == '-' then conc = 64 end
    if paused or redis.call('ZCARD', leases) >= conc then
      busy = busy + 1
    else
      local score = tonumber(head[2])
      if best_score == nil or score < best_score then
        best, best_score = {site, head[1], head[2]}, score
      end
    end
  end
end
if best == nil then return {0, busy} end
local site, data = best[1], best[2]
redis.call('ZREM', ARGV[1] .. ':requests:' .. site, data)
local field = best[3] .. '|' .. site .. '|' .. ARGV[3]
redis.call('HSET', KEYS[2], field, data)
if site ~= '-' then
  local leases = ARGV[2] .. site .. ':leases'
  redis.call('ZADD', leases, now + tonumber(ARGV[4]), field)
  redis.call('PEXPIRE', leases, ARGV[7])
end
return {1, data, field}
"""
# KEYS[1] inflight of a worker, KEYS[2] sites; ARGV prefix, batch -> entries requeued.
RECLAIM_LUA = """
local scan = redis.call('HSCAN', KEYS[1], 0, 'COUNT', tonumber(ARGV[2]))
local items, moved = scan[2], 0
for i = 1, #items, 2 do
  local score, site = string.match(items[i], '^([^|]+)|([A-Za-z0-9_.-]+)|')
  if score ~= nil and tonumber(score) ~= nil and string.len(site) <= 64 then
    redis.call('ZADD', ARGV[1] .. ':requests:' .. site, tonumber(score), items[i + 1])
    redis.call('SADD', KEYS[2], site)
    moved = moved + 1
  end
  redis.call('HDEL', KEYS[1], items[i])
end
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return moved
"""
# KEYS[1] sites; ARGV prefix, max sites -> requests queued.
LEN_LUA = """
local total = 0
for _, site in ipairs(redis.call('SRANDMEMBER', KEYS[1], tonumber(ARGV[2]))) do
  total = total + redis.call('ZCARD', ARGV[1] .. ':requests:' .. site)
end
return total
"""
# Add a fingerprint and renew the set's TTL; 1 if it was there already.
SEEN_LUA = """
local added = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1 - added
"""


def prefix(settings: Any) -> str:
    return f"newsarchive:{settings.get('NEWSARCHIVE_JOB') or 'news'}"


def queue_site(request: Request) -> str:
    site = request.meta.get("site")
    return site if isinstance(site, str) and SITE_NAME.fullmatch(site) else NO_SITE


def queued(server: Any, keys: str) -> int:
    """Requests queued in the frontier `keys` (`newsarchive:JOB`)."""
    return int(server.eval(LEN_LUA, 1, f"{keys}:sites", keys, MAX_SITES))


def requeue(server: Any, keys: str, inflight_key: str) -> int:
    """Put a worker's in-flight requests back on the queue (a dead worker's, or one's own when
    it stops early); bounded batches until the hash is empty."""
    total = 0
    for _ in range(1000):
        moved = int(server.eval(RECLAIM_LUA, 2, inflight_key, f"{keys}:sites", keys, RECLAIM_BATCH))
        total += moved
        if not server.exists(inflight_key):
            break
    return total


def worker_id(crawler: Crawler) -> str:
    if not hasattr(crawler, "newsarchive_worker_id"):
        name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        crawler.newsarchive_worker_id = name  # type: ignore[attr-defined]
    return str(crawler.newsarchive_worker_id)  # type: ignore[attr-defined]


class SiteQueue(Base):  # type: ignore[misc]
    """A priority queue per site; pops take a lease from the site's cluster budget."""

    inflight_key = ""
    worker = ""
    lease_ms = int(DEFAULT_LEASE * 1000)
    max_delay_ms = 60_000
    crawler: Crawler | None = None
    _counter = itertools.count()

    @property
    def keys(self) -> str:
        return str(self.key)

    def __len__(self) -> int:
        return queued(self.server, self.keys)

    def push(self, request: Request) -> None:
        site = queue_site(request)
        data = self._encode_request(request)
        with self.server.pipeline() as pipe:
            pipe.zadd(f"{self.keys}:requests:{site}", {data: -request.priority})
            pipe.sadd(f"{self.keys}:sites", site)
            pipe.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        for _ in range(MAX_POPS):
            args = [
                self.keys,
                PREFIX,
                f"{self.worker}.{next(self._counter)}",
                self.lease_ms,
                MAX_SITES,
                self.max_delay_ms,
                KEY_TTL_MS,
            ]
            found = self.server.eval(POP_LUA, 2, f"{self.keys}:sites", self.inflight_key, *args)
            if not found or int(found[0]) != 1:
                if found and int(found[1]) > 0:
                    self._wake_later()
                return None
            data, raw_field = found[1], found[2]
            field = raw_field.decode() if isinstance(raw_field, bytes) else str(raw_field)
            try:
                request: Request = self._decode_request(data)
            except (RejectedEntry, ValueError, KeyError, TypeError, AttributeError) as exc:
                self._reject(field, exc)
                continue
            request.meta[LEASE] = field
            throttle = cluster_throttle(self.crawler) if self.crawler else None
            if throttle is not None:
                throttle.leased(field)
            return request
        return None

    def _reject(self, field: str, exc: Exception) -> None:
        """Drop an entry that is not ours: never loaded, counted, its lease returned."""
        self.server.hdel(self.inflight_key, field)
        site = field.split("|")[1] if field.count("|") == 2 else ""
        if site and site != NO_SITE:
            self.server.zrem(f"{PREFIX}{site}:leases", field)
        log.warning("Dropped a queued entry that failed the check (%s)", str(exc)[:200])
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value("newsarchive/redis/rejected")

    _wake_pending = False

    def _wake_later(self) -> None:
        """Every site with requests is at its limit: ask again soon, not on the 5 s heartbeat."""
        if self._wake_pending or self.crawler is None:
            return
        self._wake_pending = True

        def wake() -> None:
            self._wake_pending = False
            slot = getattr(self.crawler.engine, "_slot", None) if self.crawler else None
            if slot is not None and slot.closing is None:
                slot.nextcall.schedule()

        from twisted.internet import reactor  # the installed one (never import it at the top)

        cast(Any, reactor).callLater(BUSY_RETRY, wake)

    def clear(self) -> None:
        for raw in self.server.srandmember(f"{self.keys}:sites", MAX_SITES) or []:
            site = raw.decode() if isinstance(raw, bytes) else str(raw)
            self.server.delete(f"{self.keys}:requests:{site}")
        self.server.delete(f"{self.keys}:sites")


class LeaseScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis' scheduler over `SiteQueue`, signed JSON entries, Scrapy-2.14-style stats."""

    worker_id = ""
    df: Any  # set by scrapy-redis
    crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        instance: Self = super().from_crawler(crawler)
        instance.worker_id = worker_id(crawler)
        instance.crawler = crawler
        instance.serializer = SignedJSON(crawler.settings.get("NEWSARCHIVE_REDIS_KEY"))
        return instance

    def open(self, spider: Spider) -> None:
        from scrapy.utils.misc import load_object

        self.spider = spider
        keys = prefix(spider.settings)
        queue = SiteQueue(server=self.server, spider=spider, key=keys, serializer=self.serializer)
        queue.inflight_key = f"{keys}:inflight:{self.worker_id}"
        queue.worker = self.worker_id
        queue.crawler = self.crawler
        settings = spider.settings
        queue.lease_ms = int(1000 * settings.getfloat("NEWSARCHIVE_THROTTLE_LEASE", DEFAULT_LEASE))
        queue.max_delay_ms = int(1000 * settings.getfloat("NEWSARCHIVE_THROTTLE_MAX_DELAY", 60))
        self.queue = queue
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
    `Workers` middleware deletes it when a crawl's frontier is finished. Fingerprints are only
    compared, never decoded: a planted member can at worst make a URL look seen."""

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
