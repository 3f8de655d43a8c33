"""One politeness budget per site for the whole cluster, held in redis.

Without it a site's `delay` and `concurrency` apply per process, so N nodes send N times what
the site asked for. Here every node takes from the same budget, in Lua scripts (atomic, on the
redis server's clock):

- **concurrency**: a request for a site holds a lease, a member of `newsarchive:throttle:SITE:
  leases` scored with its expiry. The shared frontier (`crawler.distributed.frontier`) hands a node a
  request only together with a free lease, so a node never waits behind a busy site: it pops
  requests of other sites instead. Leases are renewed while the request is in flight and expire
  `NEWSARCHIVE_THROTTLE_LEASE` seconds after a node dies holding one.
- **delay**: just before a request goes on the wire (this downloader middleware, last in the
  chain) it claims a send time: at least `delay` after the previous request to the site began
  and after the previous response came back. The delay is the site's, raised to robots.txt
  `Crawl-delay` (then one request at a time) and to a 429's `Retry-After` once any node has
  learnt them; a `Retry-After` also pauses the site for every node.

Every value read from redis is clamped: a planted `next` or `until` cannot hold a site longer
than `NEWSARCHIVE_THROTTLE_MAX_DELAY` seconds, nor a planted concurrency exceed 64.
Single-process crawls (no REDIS_URL) do not use any of this: Scrapy's download slots apply.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Self
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from twisted.internet import task

log = logging.getLogger(__name__)

PREFIX = "newsarchive:throttle:"
LEASE = "newsarchive_lease"  # request.meta: the request's in-flight field, its lease too
SITE = "site"  # request.meta: the site a request belongs to
DEFAULT_LEASE = 10.0  # s a dead node's slot stays taken
DEFAULT_MAX_DELAY = 60.0  # s: the longest delay or pause any value in redis can impose
MAX_CONCURRENCY = 64
KEY_TTL_MS = 7 * 86400 * 1000  # an unused site budget expires
MAX_WAIT = 600.0  # s a request waits for its turn before it is given up (counted)
ROBOTS_MAX = 512 * 1024  # bytes of a robots.txt read for its Crawl-delay (Google reads 500 KiB)
POLL = 0.5  # s between checks while a request without a lease waits for one

# Shared by the scripts: redis time in ms; the site's delay in ms from its budget hash.
LUA_COMMON = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function num(v, default, lo, hi)
  local n = tonumber(v)
  if n == nil or n ~= n then n = default end
  if n < lo then n = lo end
  if n > hi then n = hi end
  return n
end
local function budget(th, maxd)
  local h = redis.call('HMGET', th, 'delay', 'explicit', 'crawl_delay', 'retry_delay',
                       'concurrency')
  local d = num(h[1], 0, 0, maxd)
  local conc = num(h[5], 1, 1, 64)
  local crawl = num(h[3], 0, 0, maxd)
  if h[2] ~= '1' and crawl > 0 then
    d = math.max(d, crawl)
    conc = 1
  end
  d = math.max(d, num(h[4], 0, 0, maxd))
  return d, conc
end
"""
# KEYS[1] budget hash; ARGV maxd, maxpause. -> 0 (go now) or ms to wait.
CLAIM_LUA = (
    LUA_COMMON
    + """
local now, maxd = now_ms(), tonumber(ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'next', 'until')
local nxt = num(h[1], 0, 0, now + maxd)
local untl = num(h[2], 0, 0, now + tonumber(ARGV[2]))
local start = math.max(nxt, untl)
if start > now then
  redis.call('HSET', KEYS[1], 'next', nxt, 'until', untl)
  return start - now
end
local d = budget(KEYS[1], maxd)
redis.call('HSET', KEYS[1], 'next', now + d)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
"""
)
# KEYS[1] budget hash, KEYS[2] leases; ARGV lease, maxd. The next request waits `delay` after
# this response too (so spacing holds at the site however long the send took).
RELEASE_LUA = (
    LUA_COMMON
    + """
local now, maxd = now_ms(), tonumber(ARGV[2])
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[2], ARGV[1]) end
local d = budget(KEYS[1], maxd)
local nxt = num(redis.call('HGET', KEYS[1], 'next'), 0, 0, now + maxd)
redis.call('HSET', KEYS[1], 'next', math.max(nxt, now + d))
return 1
"""
)
# KEYS[1] leases; ARGV lease_ms, maxd, lease -> 1 if a lease was taken, else ms to wait.
ACQUIRE_LUA = (
    LUA_COMMON
    + """
local now = now_ms()
local th = string.sub(KEYS[1], 1, -8)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local _, conc = budget(th, tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= conc then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""
)
# ARGV lease_ms, then (site, lease) pairs: push the expiry of leases still held.
RENEW_LUA = (
    LUA_COMMON
    + """
local now = now_ms()
for i = 2, #ARGV - 1, 2 do
  redis.call('ZADD', KEYS[1] .. ARGV[i] .. ':leases', 'XX', now + tonumber(ARGV[1]), ARGV[i + 1])
end
return 1
"""
)
# KEYS[1] budget hash; ARGV field, seconds (clamped), pause 0/1: learn a slower pace.
LEARN_LUA = (
    LUA_COMMON
    + """
local now, maxd = now_ms(), tonumber(ARGV[4])
local ms = num(ARGV[2] * 1000, 0, 0, maxd)
local old = num(redis.call('HGET', KEYS[1], ARGV[1]), 0, 0, maxd)
redis.call('HSET', KEYS[1], ARGV[1], math.max(old, ms))
if ARGV[3] == '1' then
  local untl = num(redis.call('HGET', KEYS[1], 'until'), 0, 0, now + maxd)
  redis.call('HSET', KEYS[1], 'until', math.max(untl, now + ms))
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return math.max(old, ms)
"""
)


def budget_key(site: str) -> str:
    return f"{PREFIX}{site}"


def leases_key(site: str) -> str:
    return f"{PREFIX}{site}:leases"


def site_of_lease(lease: str) -> str:
    """The site a frontier lease (`score|site|worker.n`) belongs to."""
    parts = lease.split("|")
    return parts[1] if len(parts) == 3 else ""


def cluster_throttle(crawler: Crawler) -> ClusterThrottle | None:
    found = getattr(crawler, "newsarchive_throttle", None)
    return found if isinstance(found, ClusterThrottle) else None


class ClusterThrottle:
    """Downloader middleware (last before the download handlers): claims each request's send
    time from its site's shared budget, releases its lease when the response is in, renews the
    leases this node holds, and learns Crawl-delay / Retry-After for the whole cluster."""

    def __init__(self, crawler: Crawler) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        self.crawler = crawler
        self.server = get_redis_from_settings(settings)
        self.lease_s = settings.getfloat("NEWSARCHIVE_THROTTLE_LEASE", DEFAULT_LEASE)
        self.max_delay = settings.getfloat("NEWSARCHIVE_THROTTLE_MAX_DELAY", DEFAULT_MAX_DELAY)
        self.default_delay = settings.getfloat("NEWSARCHIVE_THROTTLE_DEFAULT_DELAY", 1.0)
        # lease -> site: leases this node holds (popped, not yet answered)
        self.held: dict[str, str] = {}
        self.unsent: dict[str, int] = {}  # site -> leased requests not yet on the wire
        self.loop: task.LoopingCall | None = None
        self._scripts: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        mw = cls(crawler)
        crawler.newsarchive_throttle = mw  # type: ignore[attr-defined]
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _run(self, name: str, source: str, keys: list[str], args: list[Any]) -> Any:
        if name not in self._scripts:
            self._scripts[name] = self.server.register_script(source)
        return self._scripts[name](keys=keys, args=args)

    @property
    def max_ms(self) -> int:
        return int(self.max_delay * 1000)

    # -- life ---------------------------------------------------------------------------------
    def spider_opened(self) -> None:
        """Publish this crawl's budget of each site (the sites.toml delay and concurrency)."""
        for site in getattr(self.crawler.spider, "sites", []):
            delay = self.default_delay if site.delay is None else site.delay
            key = budget_key(site.name)
            self.server.hset(
                key,
                mapping={
                    "delay": int(delay * 1000),
                    "concurrency": min(max(int(site.concurrency), 1), MAX_CONCURRENCY),
                    "explicit": int(site.delay is not None),
                },
            )
            self.server.pexpire(key, KEY_TTL_MS)
        self.loop = task.LoopingCall(self.renew)
        self.loop.start(max(self.lease_s / 3, 0.2), now=False)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        for lease, site in list(self.held.items()):
            self.server.zrem(leases_key(site), lease)
        self.held.clear()

    def renew(self) -> None:
        if self.held:
            pairs = [x for lease, site in self.held.items() for x in (site, lease)]
            self._run("renew", RENEW_LUA, [PREFIX], [int(self.lease_s * 1000), *pairs])

    # -- the frontier hands out leases ----------------------------------------------------------
    def leased(self, lease: str) -> None:
        """A request popped with a lease (called by the frontier)."""
        site = site_of_lease(lease)
        if site:
            self.held[lease] = site
            self.unsent[site] = self.unsent.get(site, 0) + 1

    def _site(self, request: Request) -> str:
        site = request.meta.get(SITE)
        if isinstance(site, str) and site:
            return site
        by_host = getattr(self.crawler.spider, "site_by_host", {})
        found = by_host.get((urlsplit(request.url).hostname or "").lower())
        return str(found.name) if found is not None else ""

    # -- downloader middleware ----------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        site = self._site(request)
        if not site:
            return
        lease = request.meta.get(LEASE)
        start = time.monotonic()
        if not (isinstance(lease, str) and self.held.get(lease) == site):
            lease = await self._acquire(request, site, start)
        else:
            self.unsent[site] = max(self.unsent.get(site, 1) - 1, 0)
        request.meta["newsarchive_throttle"] = (site, lease)
        while True:
            wait = int(
                self._run(
                    "claim",
                    CLAIM_LUA,
                    [budget_key(site)],
                    [self.max_ms, self.max_ms, KEY_TTL_MS],
                )
            )
            if wait <= 0:
                return
            self._give_up_if_late(request, site, start)
            await asyncio.sleep(min(wait / 1000, self.max_delay))

    async def _acquire(self, request: Request, site: str, start: float) -> str:
        """A lease for a request the frontier did not hand out (robots.txt fetched by Scrapy's
        middleware). If this node holds a lease for the site whose request is not on the wire
        yet, that request is waiting for this one: it goes under that lease."""
        if self.unsent.get(site):
            return ""
        lease = f"x|{site}|{id(request)}.{time.monotonic_ns()}"
        while True:
            got = int(
                self._run(
                    "acquire",
                    ACQUIRE_LUA,
                    [leases_key(site)],
                    [int(self.lease_s * 1000), self.max_ms, lease, KEY_TTL_MS],
                )
            )
            if got == 1:
                self.held[lease] = site
                return lease
            self._give_up_if_late(request, site, start)
            await asyncio.sleep(POLL)

    def _give_up_if_late(self, request: Request, site: str, start: float) -> None:
        if time.monotonic() - start > MAX_WAIT:
            self._release(request)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newsarchive/throttle/gave_up")
            raise IgnoreRequest(f"Waited {MAX_WAIT:.0f}s for a turn at site {site}")

    def _release(self, request: Request) -> None:
        taken = request.meta.pop("newsarchive_throttle", None)
        lease = request.meta.get(LEASE)
        if taken is None:  # dropped before its turn (robots, the SSRF guard)
            if isinstance(lease, str) and lease in self.held:
                site = self.held.pop(lease)
                self.unsent[site] = max(self.unsent.get(site, 1) - 1, 0)
                self.server.zrem(leases_key(site), lease)
            return
        site, lease = taken
        if lease:
            self.held.pop(lease, None)
        self._run(
            "release", RELEASE_LUA, [budget_key(site), leases_key(site)], [lease, self.max_ms]
        )

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 200 and urlsplit(request.url).path == "/robots.txt":
            self._learn_crawl_delay(request, response)  # before the release sets the next turn
        self._release(request)
        return response

    def _learn_crawl_delay(self, request: Request, response: Response) -> None:
        """Any robots.txt this node reads (the spider's or Scrapy's robots middleware's) sets
        the site's Crawl-delay for the cluster, unless sites.toml gives the site a delay."""
        site = self._site(request)
        if not site:
            return
        text = response.body[:ROBOTS_MAX].decode("utf-8", "replace")
        agent = str(self.crawler.settings.get("USER_AGENT") or "*")
        try:
            delay = Protego.parse(text).crawl_delay(agent)
        except ValueError:
            return
        if delay:
            self.learn(site, "crawl_delay", float(delay))

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    # -- what any node learns, every node honours -------------------------------------------------
    def learn(self, site: str, field: str, seconds: float, *, pause: bool = False) -> float:
        """Raise a site's delay (`crawl_delay`, `retry_delay`) for the cluster; with `pause`
        no request starts for `seconds`. Returns the delay now in force (s)."""
        ms = self._run(
            "learn",
            LEARN_LUA,
            [budget_key(site)],
            [field, float(seconds), int(pause), self.max_ms, KEY_TTL_MS],
        )
        return float(ms) / 1000
