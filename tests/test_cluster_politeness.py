"""Issue 19: many crawler nodes, one polite crawler. Three `newsarchive crawl` processes share a
real redis-server and mirror to a real SeaweedFS; the sites of tests/support/cluster_web.py log every
request with its arrival time, and the spacing is read from that log."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import ROOT
from tests.support import crawl_command
from tests.support.cluster_web import ClusterWeb, SiteSpec, gaps
from tests.support.s3server import Bucket

KEY = "test-cluster-key-0123456789abcdef"
TOLERANCE = 0.9  # arrival times are taken by a Python thread on a loaded machine


def node(
    sites: Path, data: Path, bucket: Bucket, redis_url: str, name: str, *extra: str
) -> subprocess.Popen[str]:
    settings = {
        "NEWSARCHIVE_REDIS_HEARTBEAT": "0.5",
        "MAX_IDLE_TIME_BEFORE_CLOSE": "1",
        "DOWNLOAD_DELAY": "0.05",  # sites without a delay of their own: robots.txt decides
        "USER_AGENT": f"newsarchive-test/{name}",  # tells the nodes apart in the access log
    }
    cmd = crawl_command(sites, data, "--blobs", bucket.uri, *extra)
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "REDIS_URL": redis_url, "NEWSARCHIVE_REDIS_KEY": KEY}
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> str:
    _, stderr = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"node exited {proc.returncode}:\n{stderr[-3000:]}"
    return stderr


@pytest.fixture
def web() -> Iterator[ClusterWeb]:
    web = ClusterWeb(
        [
            SiteSpec("slow", "127.0.0.21", articles=24),
            SiteSpec("robots", "127.0.0.22", articles=5, crawl_delay=1),
            SiteSpec("fast", "127.0.0.23", articles=40),
        ]
    )
    web.start()
    try:
        yield web
    finally:
        web.stop()


def test_three_nodes_share_each_sites_delay_concurrency_and_crawl_delay(
    web: ClusterWeb, s3_bucket: Bucket, redis_url: str, tmp_path: Path
) -> None:
    sites = web.sites_toml(
        tmp_path / "sites.toml",
        delays={"slow": 0.2, "fast": 0.0},
        concurrency={"slow": 1, "robots": 1, "fast": 4},
    )
    start = time.time()
    nodes = [node(sites, tmp_path / f"n{i}", s3_bucket, redis_url, f"n{i}") for i in range(3)]
    logs = [finish(n) for n in nodes]

    slow = web.hits_of("slow", start)
    assert len(slow) >= 24, f"the slow site was not crawled: {len(slow)} requests"
    agents = {h.agent for h in slow}
    # a cluster test: several nodes fetched from the web. Which node wins each lease of a
    # concurrency-1 site is up to timing (on an idle machine one node may win them all); the
    # spacing below holds whoever fetched, and the SIGKILL test makes a site change nodes.
    crawled_by = {h.agent for site in ("slow", "robots", "fast") for h in web.hits_of(site, start)}
    assert len(crawled_by) >= 2, f"one node did all the work ({crawled_by}): not a cluster test"
    closest = min(gaps(slow), key=lambda g: g[0])
    print(f"slow site: {len(slow)} requests from {sorted(agents)}, closest {closest[0]:.3f} s")
    assert closest[0] >= 0.2 * TOLERANCE, (
        f"two requests to a site with delay 0.2 s came {closest[0]:.3f} s apart: "
        f"{closest[1]} / {closest[2]}"
    )
    robots = web.hits_of("robots", start)
    assert len(robots) >= 6
    closest = min(gaps(robots), key=lambda g: g[0])
    print(f"Crawl-delay site: {len(robots)} requests, closest {closest[0]:.3f} s")
    assert closest[0] >= 1.0 * TOLERANCE, (
        f"a site answering Crawl-delay: 1 got two requests {closest[0]:.3f} s apart: "
        f"{closest[1]} / {closest[2]}"
    )
    # the nodes worked on the fast site meanwhile instead of waiting behind the slow ones
    fast = web.hits_of("fast", start)
    assert len(fast) >= 40
    assert fast[-1].at < slow[-1].at - 1.0, "the fast site waited behind the slow one"
    assert all("newsarchive/throttle/gave_up" not in log for log in logs)


def test_a_node_killed_holding_a_slot_blocks_the_site_no_longer_than_the_lease(
    s3_bucket: Bucket, redis_url: str, tmp_path: Path
) -> None:
    web = ClusterWeb([SiteSpec("slow", "127.0.0.24", articles=30, hang=True)])
    web.start()
    try:
        sites = web.sites_toml(tmp_path / "sites.toml", delays={"slow": 0.2}, concurrency={})
        lease = 3.0
        extra = ("-s", f"NEWSARCHIVE_THROTTLE_LEASE={lease}", "-s", "DOWNLOAD_TIMEOUT=100")
        nodes = {
            f"n{i}": node(sites, tmp_path / f"n{i}", s3_bucket, redis_url, f"n{i}", *extra)
            for i in range(3)
        }
        deadline = time.monotonic() + 120
        hang_path = "/news/hang-slow.html"
        while not (hung := [h for h in web.hits_of("slow") if h.path == hang_path]):
            assert time.monotonic() < deadline, "no node fetched the hanging page"
            assert all(p.poll() is None for p in nodes.values()), "a node ended early"
            time.sleep(0.05)
        holder = hung[0].agent.rsplit("/", 1)[-1]
        time.sleep(1.0)  # the holder keeps the site's one slot: nobody else may fetch
        during = list(web.hits_of("slow", hung[0].at + 0.01))
        nodes[holder].send_signal(signal.SIGKILL)
        killed = time.time()
        nodes[holder].communicate()
        for name, proc in nodes.items():
            if name != holder:
                finish(proc)
    finally:
        web.stop()
    assert not during, f"requests went to a concurrency-1 site while a node held it: {during}"
    after = web.hits_of("slow", killed)
    assert after, "the site was never crawled again after the node holding its slot died"
    blocked = after[0].at - killed
    print(f"site blocked {blocked:.2f} s after the slot holder was killed (lease {lease} s)")
    assert blocked <= lease + 2.0, f"the site stayed blocked {blocked:.1f} s (lease {lease} s)"
    assert len({h.path for h in web.hits_of("slow")} & set(web.sites["slow"].articles())) >= 30
