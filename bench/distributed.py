"""Pages/s of one crawler process vs two sharing a redis frontier, extraction the bottleneck.

    .venv/bin/python bench/distributed.py [--rounds 2] [--articles 1000] [--extract-workers 1]

Starts redis-server, SeaweedFS and ../shared/newsweb (three sites) on 127.0.0.1, then crawls the
web with 1 and with 2 `newsarchive crawl` processes in distributed mode (REDIS_URL set), in
alternating order, each round with a fresh redis job and a fresh bucket prefix; the web's
deliberate stalls (slow, hanging and rate-limited pages) are denied in sites.toml. Every node
also extracts (NEWSARCHIVE_NODE_EXTRACT on) with --extract-workers processes, so extraction,
not fetching, limits a node. Pages/s: responses of all nodes over the time from the first
response to the last finished item (interpreter start-up and the idle tail do not count).
Prints each run, the medians and the speed-up two / one, and the CPU ceiling computed from the
same runs: cores / cores used by one node (its CPU seconds, extraction processes included, over
its wall seconds), capped at 2. The figure to report is speed-up / ceiling (target >= 0.9): on a
2-core machine one node already uses most of the cores, so two cannot reach 2x. Because a
node's wall time includes its start-up and the idle wait before it closes, the bench also
samples the CPU of the nodes' process trees and of the servers (SeaweedFS, redis, nginx) every
0.1 s and prints the ceiling from the cores one node keeps busy in the very window its pages/s
is measured over, alone and with the servers it drives (they share this machine's cores).

Then a politeness run: three nodes crawl the same web with every site at `--spacing-delay`
seconds (concurrency 1) and a page budget, and the per-site spacing of request starts is read
from newsweb's millisecond access log (start = end time - request time).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout
from bench.newsweb import NewswebServer, build_newsweb
from tests.support import CRAWL_SETTINGS, crawl_command
from tests.support.redisserver import RedisServer
from tests.support.s3server import WeedServer

STALLS = ["/slow/", "/flaky/", "/busy/", "/error/", "/huge/", "/calendar/", "/catalog/"]


def stat(log: str, name: str, default: float | None = None) -> float:
    """The last value of a numeric stat in a crawl log's stats dump (`default` if absent)."""
    found = re.findall(rf"'{re.escape(name)}': ([\d.]+)", log)
    if not found:
        if default is not None:
            return default
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
) -> tuple[float, int, float, float, list[int], float]:
    """One distributed crawl with `nodes` processes; (pages/s, pages, seconds, CPU seconds of
    the nodes and their extraction processes, pages per node, wall seconds of the processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    idle_before, services_before = idle_seconds(), services_cpu()
    started = time.monotonic()
    procs = []
    for i in range(nodes):
        cmd = crawl_command(
            sites,
            work / f"node{i}",
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
        )
        procs.append(
            subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
        )
    samples: list[tuple[float, float, float]] = []  # (time, CPU of the nodes, of the servers)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.time(), tree_cpu([p.pid for p in procs]), services_cpu()))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        for proc in procs:
            _, stderr = proc.communicate(timeout=1800)
            if proc.returncode != 0:
                raise SystemExit(f"a node failed ({proc.returncode}):\n{stderr[-3000:]}")
    finally:
        done.set()
        sampler.join()
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    AVAILABLE.setdefault(nodes, []).append((cpu + idle_seconds() - idle_before) / wall)
    SERVICES.setdefault(nodes, []).append((services_cpu() - services_before) / wall)
    split, starts, ends = [], [], []
    for i in range(nodes):
        log = (work / f"node{i}" / "logs" / "crawl.log").read_text()
        # a node that got no page (three nodes, a small budget) has no response figures
        split.append(int(stat(log, "response_received_count", 0.0)))
        if split[-1]:
            starts.append(stat(log, "newsarchive/redis/first_response_at"))
            ends.append(stat(log, "newsarchive/redis/last_item_at"))
        if "newsarchive/spooled" in log:
            raise SystemExit("a node spooled captures (S3 trouble): not a fair run")
    seconds = max(ends) - min(starts)
    pages = sum(split)
    # the cores the nodes (and the servers) kept busy in the window the pages/s is measured
    # over, from /proc samples every 0.1 s: start-up and the idle wait before closing excluded
    nodes_cpu, services = (at(samples, max(ends), k) - at(samples, min(starts), k) for k in (1, 2))
    WINDOW.setdefault(nodes, []).append((nodes_cpu / seconds, services / seconds))
    return pages / seconds, pages, seconds, cpu, split, wall


WINDOW: dict[int, list[tuple[float, float]]] = {}  # nodes -> (cores of nodes, of servers)


def at(samples: list[tuple[float, float, float]], when: float, k: int) -> float:
    """Column k of the samples, linearly interpolated at time `when`."""
    times = [s[0] for s in samples]
    i = bisect.bisect_left(times, when)
    if i <= 0:
        return samples[0][k]
    if i >= len(samples):
        return samples[-1][k]
    (t0, *a), (t1, *b) = samples[i - 1], samples[i]
    share = (when - t0) / (t1 - t0) if t1 > t0 else 0.0
    return a[k - 1] + share * (b[k - 1] - a[k - 1])


AVAILABLE: dict[int, list[float]] = {}  # nodes -> cores the run used or left idle
SERVICES: dict[int, list[float]] = {}  # nodes -> cores the S3 server, redis and web server used
SERVICE_PIDS: list[int] = []  # their processes (each with its children)


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds so far of live processes and their live descendants (each once), from /proc."""
    total, todo, seen = 0.0, list(pids), set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def services_cpu() -> float:
    return tree_cpu(SERVICE_PIDS)


def idle_seconds() -> float:
    """Idle CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return (int(fields[3]) + int(fields[4])) / os.sysconf("SC_CLK_TCK")


def spacing(web: NewswebServer, since: float) -> dict[str, tuple[int, float, float]]:
    """Per listening address: (requests, smallest and median gap between request starts) of
    the requests that ended after `since`, from newsweb's millisecond access log."""
    log = web.workdir / "access-ms.log"
    if not log.exists():
        raise SystemExit(f"no {log}: newsweb's millisecond log needs the nginx engine")
    starts: dict[str, list[float]] = {}
    for line in log.read_text().splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4:
            continue
        end, took, where = float(parts[0]), float(parts[1]), parts[2]
        if end >= since:
            starts.setdefault(where, []).append(end - took)
    out = {}
    for where, times in starts.items():
        times.sort()
        gaps = [b - a for a, b in itertools.pairwise(times)] or [0.0]
        out[where] = (len(times), min(gaps), statistics.median(gaps))
    return out


def politeness(
    web: NewswebServer, work: Path, env: dict[str, str], opts: argparse.Namespace, blobs: str
) -> None:
    """Three nodes, every site at one request per `--spacing-delay` s: the spacing measured."""
    sites = web.sites_toml(work / "polite.toml", deny=STALLS, max_pages=opts.spacing_pages)
    text = sites.read_text().replace("concurrency = 8", "concurrency = 1")
    sites.write_text(text.replace("delay = 0", f"delay = {opts.spacing_delay}"))
    since = time.time()
    _, pages, seconds, _, split, _ = run(3, sites, work / "polite", env, opts, blobs, "polite")
    print(
        f"\npoliteness: 3 nodes, delay {opts.spacing_delay} s, concurrency 1 per site: "
        f"{pages} pages in {seconds:.1f} s, pages per node {split}"
    )
    for where, (count, smallest, median) in sorted(spacing(web, since).items()):
        print(
            f"  site {where}: {count} requests, spacing min {smallest:.3f} s, "
            f"median {median:.3f} s (delay {opts.spacing_delay} s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="Crawls per mode (default 2).")
    parser.add_argument("--articles", type=int, default=1000, help="newsweb size (default 1000).")
    parser.add_argument(
        "--extract-workers", type=int, default=1, help="Extraction processes per node (default 1)."
    )
    parser.add_argument("--spacing-delay", type=float, default=0.2, help="Politeness run delay.")
    parser.add_argument(
        "--spacing-pages", type=int, default=40, help="Page budget per site, politeness run."
    )
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    weed, redis = WeedServer(work / "weed"), RedisServer(work)
    web: NewswebServer | None = None
    try:
        weed.start()
        redis.start()
        bucket = weed.create_bucket("bench-distributed")
        key = os.environ.get("NEWSARCHIVE_REDIS_KEY") or "bench-distributed-key-0123456789"
        env = {**os.environ, **weed.env(), "REDIS_URL": redis.url, "NEWSARCHIVE_REDIS_KEY": key}
        print(f"building newsweb with {opts.articles} articles ...", flush=True)
        web = NewswebServer(build_newsweb(work / "newsweb", articles=opts.articles))
        nginx = web.workdir / "nginx.pid"  # nginx detaches from newsweb.py serve
        SERVICE_PIDS.extend(
            proc.pid for proc in (weed.proc, redis.proc, web.proc) if proc is not None
        )
        if nginx.exists():
            SERVICE_PIDS.append(int(nginx.read_text().split()[0]))
        # the newsweb's stalls (5 s TTFB, hangs, Retry-After) would make a crawl wait, not work
        sites = web.sites_toml(work / "sites.toml", deny=STALLS)
        sites.write_text(sites.read_text().replace("concurrency = 8", "concurrency = 16"))
        results: dict[int, list[float]] = {1: [], 2: []}
        cpu_per_page: dict[int, list[float]] = {1: [], 2: []}
        cores_used: list[float] = []  # by one node: its CPU seconds over its wall seconds
        for n in range(opts.rounds):
            for nodes in (1, 2) if n % 2 == 0 else (2, 1):
                run_dir = work / f"run-{n}-{nodes}"
                job = f"bench-{n}-{nodes}"
                rate, pages, seconds, cpu, split, wall = run(
                    nodes, sites, run_dir, env, opts, f"s3://{bucket}/{job}", job
                )
                results[nodes].append(rate)
                if nodes == 1:
                    cores_used.append(cpu / wall)
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
        cores = os.cpu_count() or 1
        one_node = statistics.median(cores_used)
        ceiling = min(2.0, cores / one_node)
        print(
            f"speed-up two / one: {two / one:.2f}; one node uses {one_node:.2f} of {cores} cores: "
            f"CPU ceiling {ceiling:.2f}; speed-up / ceiling {two / one / ceiling:.2f} "
            "(target >= 0.9)"
        )
        # on a shared machine the cores are not all ours: what the two-node runs used or left
        # idle is what two nodes could have had (the rest went to other processes)
        # the servers a node drives run on this machine too: one node's crawl keeps its own
        # processes and its share of the S3 server, redis and the web server busy
        served = statistics.median(SERVICES[1])
        whole = min(2.0, cores / (one_node + served))
        print(
            f"one node's crawl with the servers it drives (S3, redis, web: {served:.2f} cores) "
            f"uses {one_node + served:.2f} of {cores} cores: ceiling {whole:.2f}; "
            f"speed-up / that ceiling {two / one / whole:.2f}"
        )
        busy = statistics.median(w[0] for w in WINDOW[1])
        busy_served = statistics.median(w[1] for w in WINDOW[1])
        window = min(2.0, cores / busy)
        window_all = min(2.0, cores / (busy + busy_served))
        print(
            f"in the window pages/s is measured over (first response to last item), one node "
            f"keeps {busy:.2f} cores busy: ceiling {window:.2f}, speed-up / ceiling "
            f"{two / one / window:.2f}; with the servers it drives ({busy_served:.2f} cores): "
            f"ceiling {window_all:.2f}, speed-up / ceiling {two / one / window_all:.2f}"
        )
        free = statistics.median(AVAILABLE[2])
        loaded = min(2.0, max(free / one_node, 1.0))
        print(
            f"cores used or idle during the two-node runs: {free:.2f}: ceiling on this loaded "
            f"machine {loaded:.2f}; speed-up / that ceiling {two / one / loaded:.2f}"
        )
        cpu1, cpu2 = (statistics.median(cpu_per_page[k]) for k in (1, 2))
        print(
            f"CPU per page: one process {1000 * cpu1:.1f} ms, two {1000 * cpu2:.1f} ms: with a free "
            f"core per process, two would reach {2 * cpu1 / cpu2:.2f}x (work split, not repeated)"
        )
        politeness(web, work, env, opts, f"s3://{bucket}/polite")
    finally:
        if web is not None:
            web.stop()
        redis.stop()
        weed.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
