"""Issue 19: the cluster throttle's and the frontier's Lua scripts against a real redis-server,
with hostile values planted where the scripts read them."""

from __future__ import annotations

import pytest
import redis

from crawler.distributed.frontier import POP_LUA, RECLAIM_LUA
from crawler.distributed.throttle import CLAIM_LUA, LEARN_LUA, RELEASE_LUA, budget_key, leases_key

MAX_MS = 60_000
TTL = 86_400_000


@pytest.fixture
def server(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


def claim(server: redis.Redis, site: str) -> int:
    return int(server.eval(CLAIM_LUA, 1, budget_key(site), MAX_MS, MAX_MS, TTL))


def test_claims_space_requests_by_the_delay_and_a_planted_far_future_is_cut_to_the_cap(
    server: redis.Redis,
) -> None:
    server.hset(budget_key("s"), mapping={"delay": 200, "concurrency": 1})
    assert claim(server, "s") == 0
    wait = claim(server, "s")
    assert 150 <= wait <= 200, f"the second claim must wait about the delay, got {wait} ms"
    server.hset(budget_key("s"), mapping={"next": 10**18, "until": "nan", "delay": "-5"})
    assert claim(server, "s") <= MAX_MS, "a planted `next` must not hold the site past the cap"
    assert int(float(server.hget(budget_key("s"), "next") or 0)) < 10**15, "normalized"


def test_release_waits_the_delay_after_the_response_and_learning_is_capped(
    server: redis.Redis,
) -> None:
    key = budget_key("r")
    server.hset(key, mapping={"delay": 100})
    server.zadd(leases_key("r"), {"lease-1": 10**13})
    server.eval(RELEASE_LUA, 2, key, leases_key("r"), "lease-1", MAX_MS)
    assert server.zcard(leases_key("r")) == 0
    assert 50 <= claim(server, "r") <= 100
    learnt = server.eval(LEARN_LUA, 1, key, "crawl_delay", 10**9, 1, MAX_MS, TTL)
    assert int(learnt) == MAX_MS, "a Crawl-delay of a billion seconds is capped"


def test_pop_skips_sites_at_their_limit_and_survives_garbage(server: redis.Redis) -> None:
    keys = "newsarchive:t"
    server.sadd(f"{keys}:sites", "busy", "free", "ghost")
    server.zadd(f"{keys}:requests:busy", {b"best": -100})
    server.zadd(f"{keys}:requests:free", {b"next-best": -10})
    server.hset(budget_key("busy"), mapping={"concurrency": "lots"})  # garbage: read as 1
    server.zadd(leases_key("busy"), {"held": 10**13})
    server.hset(budget_key("free"), mapping={"concurrency": 10**9})  # clamped to 64
    args: list[str | int] = [keys, "newsarchive:throttle:", "w.1", 5000, 512, MAX_MS, TTL]
    found = server.eval(POP_LUA, 2, f"{keys}:sites", f"{keys}:inflight:w", *args)
    assert found[:2] == [1, b"next-best"], "the busy site's better request must wait"
    assert not server.sismember(f"{keys}:sites", "ghost"), "an empty site leaves the set"
    found = server.eval(POP_LUA, 2, f"{keys}:sites", f"{keys}:inflight:w", *args)
    assert found == [0, 1], "nothing to hand out: one site at its limit"
    server.hset(f"{keys}:inflight:dead", mapping={"x|bad site|1": b"a", "-5|free|w.2": b"b"})
    moved = server.eval(RECLAIM_LUA, 2, f"{keys}:inflight:dead", f"{keys}:sites", keys, 1000)
    assert moved == 1, "a malformed in-flight field is dropped, a good one requeued"
    assert server.zrange(f"{keys}:requests:free", 0, -1) == [b"b"]
