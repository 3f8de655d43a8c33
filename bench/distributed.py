"""Pages/s of one crawler process vs two sharing a redis frontier, extraction the bottleneck.

    .venv/bin/python bench/distributed.py [--rounds 2] [--articles 1000] [--extract-workers 1]

Starts redis-server, SeaweedFS and ../shared/newsweb (three sites) on 127.0.0.1, then crawls the
web with 1 and with 2 `newsarchive crawl` processes in distributed mode (REDIS_URL set), in
alternating order, each round with a fresh redis job and a fresh bucket prefix; the web's
deliberate stalls (slow, hanging and rate-limited pages) are denied in sites.toml. Every node
also extracts (NEWSARCHIVE_NODE_EXTRACT on) with --extract-workers processes, so extraction,
not fetching, limits a node. Pages/s: responses of all nodes over the time from the first
response to the last finished item (interpreter start-up and the idle tail do not count).
Prints each run, the medians and the ratio two / one (target: >= 1.6), and the CPU time per
page of the nodes in each mode: on a machine whose cores are busy with other work the wall-clock
ratio is capped by the CPU the machine can give, while equal CPU per page shows the two
processes split the crawl rather than repeat it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout
from bench.newsweb import NewswebServer, build_newsweb
from tests.support import CRAWL_SETTINGS
from tests.support.redisserver import RedisServer
from tests.support.s3server import WeedServer

STALLS = ["/slow/", "/flaky/", "/busy/", "/error/", "/huge/", "/calendar/", "/catalog/"]


def stat(log: str, name: str) -> float:
    """The last value of a numeric stat in a crawl log's stats dump."""
    found = re.findall(rf"'{re.escape(name)}': ([\d.]+)", log)
    if not found:
        raise SystemExit(f"no {name} in the crawl log")
    return float(found[-1])


def run(
    nodes: int,
    sites: Path,
    work: Path,
    env: dict[str, str],
    opts: argparse.Namespace,
    blobs: str,
    job: str,
) -> tuple[float, int, float, float, list[int]]:
    """One distributed crawl with `nodes` processes; (pages/s, pages, seconds, CPU seconds of
    the nodes and their extraction processes, pages per node)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = []
    for i in range(nodes):
        cmd = [
            sys.executable,
            "-m",
            "archive",
            "crawl",
            "--sites",
            str(sites),
            "--data",
            str(work / f"node{i}"),
            "--blobs",
            blobs,
            *CRAWL_SETTINGS,
            "--workers",
            str(opts.extract_workers),
            "-s",
            "NEWSARCHIVE_NODE_EXTRACT=True",
            "-s",
            f"NEWSARCHIVE_JOB={job}",
            "-s",
            "NEWSARCHIVE_REDIS_HEARTBEAT=1",
            "-s",
            "MAX_IDLE_TIME_BEFORE_CLOSE=1",
        ]
        procs.append(
            subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
        )
    for proc in procs:
        _, stderr = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise SystemExit(f"a node failed ({proc.returncode}):\n{stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    split, starts, ends = [], [], []
    for i in range(nodes):
        log = (work / f"node{i}" / "logs" / "crawl.log").read_text()
        split.append(int(stat(log, "response_received_count")))
        starts.append(stat(log, "newsarchive/redis/first_response_at"))
        ends.append(stat(log, "newsarchive/redis/last_item_at"))
        if "newsarchive/spooled" in log:
            raise SystemExit("a node spooled captures (S3 trouble): not a fair run")
    seconds = max(ends) - min(starts)
    pages = sum(split)
    return pages / seconds, pages, seconds, cpu, split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="Crawls per mode (default 2).")
    parser.add_argument("--articles", type=int, default=1000, help="newsweb size (default 1000).")
    parser.add_argument(
        "--extract-workers", type=int, default=1, help="Extraction processes per node (default 1)."
    )
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    weed, redis = WeedServer(work / "weed"), RedisServer(work)
    web: NewswebServer | None = None
    try:
        weed.start()
        redis.start()
        bucket = weed.create_bucket("bench-distributed")
        env = {**os.environ, **weed.env(), "REDIS_URL": redis.url}
        print(f"building newsweb with {opts.articles} articles ...", flush=True)
        web = NewswebServer(build_newsweb(work / "newsweb", articles=opts.articles))
        # the newsweb's stalls (5 s TTFB, hangs, Retry-After) would make a crawl wait, not work
        sites = web.sites_toml(work / "sites.toml", deny=STALLS)
        sites.write_text(sites.read_text().replace("concurrency = 8", "concurrency = 16"))
        results: dict[int, list[float]] = {1: [], 2: []}
        cpu_per_page: dict[int, list[float]] = {1: [], 2: []}
        for n in range(opts.rounds):
            for nodes in (1, 2) if n % 2 == 0 else (2, 1):
                run_dir = work / f"run-{n}-{nodes}"
                job = f"bench-{n}-{nodes}"
                rate, pages, seconds, cpu, split = run(
                    nodes, sites, run_dir, env, opts, f"s3://{bucket}/{job}", job
                )
                results[nodes].append(rate)
                cpu_per_page[nodes].append(cpu / pages)
                print(
                    f"round {n + 1}, {nodes} process{'es' if nodes > 1 else ''}: {pages} pages "
                    f"in {seconds:.1f} s = {rate:.1f} pages/s; pages per node {split}; "
                    f"{1000 * cpu / pages:.1f} ms CPU/page; load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                shutil.rmtree(run_dir, ignore_errors=True)
                time.sleep(0.5)
        one, two = statistics.median(results[1]), statistics.median(results[2])
        print(f"\nmedian pages/s: one process {one:.1f}, two processes {two:.1f}")
        print(f"ratio two / one: {two / one:.2f} (target >= 1.6); cores: {os.cpu_count()}")
        cpu1, cpu2 = (statistics.median(cpu_per_page[k]) for k in (1, 2))
        print(
            f"CPU per page: one process {1000 * cpu1:.1f} ms, two {1000 * cpu2:.1f} ms: with a free "
            f"core per process, two would reach {2 * cpu1 / cpu2:.2f}x (work split, not repeated)"
        )
    finally:
        if web is not None:
            web.stop()
        redis.stop()
        weed.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
