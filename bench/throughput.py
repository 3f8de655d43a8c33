"""Extraction throughput in one run, on the same pages and cores: bare trafilatura, `reextract`,
and an end-to-end crawl of ../shared/newsweb, with peak RSS and the ratios b/a and c/a.

    .venv/bin/python bench/throughput.py [--articles 2000] [--workers 2 1] [--web DIR] [--floor]

Per worker count N (2 then 1 by default):
  (c) crawl: `newsarchive crawl --workers N` of a newsweb build served on loopback (delay 0,
      16 requests per site); pages = status-200 captures (each one extracted), over the crawl's
      own elapsed time, and the steady rate between its 10th and 90th percentile capture;
  (a) bare: trafilatura `bare_extraction(with_metadata=True)` on N spawned processes over the
      bodies of those captures, read from the crawl's blob store;
  (b) reextract: `newsarchive reextract --workers N` over the same archive, with a fresh
      extractor version (a sitecustomize sets it in the CLI and its workers).
  (d) with --floor: the same crawl with no item pipeline (nothing mirrored, extracted or
      stored), whose CPU per page bounds c/a from above together with extraction's own cost.
Peak RSS is the sum over the process tree (parent and workers), sampled every 0.1 s; "main"
is the parent alone; for the crawl, its RSS at each quarter of the run shows whether it is flat.
Timings start after interpreter start-up (a and b include starting the worker pool).
The machine is shared: the load average is printed before and after; re-run if it was high.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
SITECUSTOMIZE = """
import os
if os.environ.get("BENCH_EXTRACTOR_VERSION"):
    import archive.extract
    archive.extract.EXTRACTOR_VERSION = os.environ["BENCH_EXTRACTOR_VERSION"]
"""


# -- peak RSS of a process tree ----------------------------------------------------------------
def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _cpu(pid: int) -> float:
    """User + system CPU seconds of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


class PeakRSS:
    """Samples a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.main_peak, self.main_cpu = pid, 0, 0, 0.0
        self.samples: list[tuple[float, int]] = []  # (time, main RSS)
        self.cpu = 0.0  # CPU seconds of the tree, set by `run`
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        while not self.stopped.wait(0.1):
            main = _rss(self.pid)
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))
            self.main_peak = max(self.main_peak, main)
            self.main_cpu = max(self.main_cpu, _cpu(self.pid))
            self.samples.append((time.monotonic() - started, main))

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def quarters(self) -> list[int]:
        """Main RSS (MB) at 25, 50, 75 and 100 % of the run."""
        if not self.samples:
            return []
        live = [s for s in self.samples if s[1]]
        return [
            live[min(len(live) - 1, int(len(live) * q))][1] // 2**20
            for q in (0.25, 0.5, 0.75, 0.999)
        ]


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[str, PeakRSS]:
    """Run a stage; its RSS sampler also holds the CPU seconds of the whole tree (`cpu`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True
        )
        rss = PeakRSS(proc.pid)
        out, _ = proc.communicate()
        rss.stop()
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}):\n{err.read()[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss.cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return out, rss


# -- (a) bare trafilatura on N processes -------------------------------------------------------
_STORE: Any = None


def _bare_init(blobs: str) -> None:
    global _STORE
    from archive.storage.local import LocalBlobStore

    _STORE = LocalBlobStore(blobs)


def _bare_one(item: tuple[str, str]) -> int:
    from trafilatura import bare_extraction

    sha, url = item
    html = _STORE.get(sha).decode("utf-8", "replace")
    doc = bare_extraction(html, url=url, with_metadata=True)
    return 1 if doc is not None else 0


def bare_main(blobs: str, pages_file: str, workers: int) -> None:
    lines = Path(pages_file).read_text().splitlines()
    items = [(sha, url) for sha, url in (line.split("\t", 1) for line in lines)]
    started = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_bare_init, initargs=(blobs,)) as pool:
        done = sum(pool.imap_unordered(_bare_one, items, chunksize=4))
    seconds = time.perf_counter() - started
    print(json.dumps({"pages": len(items), "documents": done, "seconds": seconds}))


# -- the stages ----------------------------------------------------------------------------------
def sites_toml(urls: dict[str, str], path: Path, concurrency: int) -> Path:
    lines = []
    for host, url in sorted(urls.items()):
        lines += [
            "[[site]]",
            f'name = "{host.split(".")[0]}"',
            f'url = "{url.rstrip("/")}/"',
            "delay = 0",
            f"concurrency = {concurrency}",
            "allow_private = true",
            "",
        ]
    path.write_text("\n".join(lines))
    return path


def crawl(sites: Path, data: Path, workers: int) -> dict[str, Any]:
    from tests.support import CRAWL_SETTINGS, crawl_command

    cmd = crawl_command(sites, data, "--workers", str(workers), *CRAWL_SETTINGS)
    _, rss = run(cmd)
    with sqlite3.connect(data / "news.db") as db:
        (raw,) = db.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
        times = [
            t
            for (t,) in db.execute(
                "SELECT fetched_at FROM captures WHERE status = 200 ORDER BY fetched_at"
            )
        ]
    stats = json.loads(raw)
    pages, seconds = len(times), float(stats["elapsed_time_seconds"])
    lo, hi = times[len(times) // 10], times[len(times) * 9 // 10]
    span = _seconds(hi) - _seconds(lo)
    return {
        "pages": pages,
        "seconds": seconds,
        "rate": pages / seconds,
        "steady": (len(times) * 8 // 10) / span if span > 0 else 0.0,
        "responses": stats.get("response_received_count", 0),
        "rss": rss.peak,
        "main_rss": rss.main_peak,
        "quarters": rss.quarters(),
        **_cpu_fields(rss, pages),
    }


def floor(sites: Path, work: Path, pages: int) -> dict[str, Any]:
    """(d) the same crawl with no item pipeline: fetch, parse, discover, store nothing. Its CPU
    per page is what the crawl costs before any mirroring, extraction or database write."""
    from tests.support import CRAWL_SETTINGS, crawl_command

    data = work / "crawl-floor"
    shutil.rmtree(data, ignore_errors=True)
    cmd = crawl_command(sites, data, "-s", "ITEM_PIPELINES={}", *CRAWL_SETTINGS)
    started = time.perf_counter()
    _, rss = run(cmd)
    seconds = time.perf_counter() - started
    return {
        "pages": pages,
        "seconds": seconds,
        "rate": pages / seconds,
        "rss": rss.peak,
        "main_rss": rss.main_peak,
        **_cpu_fields(rss, pages),
    }


def _seconds(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def bare(data: Path, workers: int) -> dict[str, Any]:
    pages = data / "pages.tsv"
    if not pages.exists():
        with sqlite3.connect(data / "news.db") as db:
            rows = db.execute(
                "SELECT sha256, min(final_url) FROM captures WHERE status = 200 "
                "GROUP BY sha256 ORDER BY min(id)"
            ).fetchall()
        pages.write_text("\n".join(f"{sha}\t{url}" for sha, url in rows))
    cmd = [sys.executable, __file__, "_bare", str(data / "raw"), str(pages), str(workers)]
    out, rss = run(cmd)
    result = json.loads(out)
    return {
        **result,
        "rate": result["pages"] / result["seconds"],
        "rss": rss.peak,
        "main_rss": rss.main_peak,
        **_cpu_fields(rss, result["pages"]),
    }


def reextract(data: Path, workers: int, version: str) -> dict[str, Any]:
    site = data.parent / "sitecustomize"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {
        **os.environ,
        "PYTHONPATH": f"{site}{os.pathsep}{ROOT}",
        "BENCH_EXTRACTOR_VERSION": version,
    }
    cmd = [
        sys.executable,
        "-m",
        "archive",
        "reextract",
        "--data",
        str(data),
        "--workers",
        str(workers),
        "--json",
    ]
    out, rss = run(cmd, env)
    report = json.loads(out)
    return {
        "pages": report["extracted"],
        "seconds": report["seconds"],
        "rate": report["pages_per_second"],
        "rss": rss.peak,
        "main_rss": rss.main_peak,
        **_cpu_fields(rss, report["extracted"]),
    }


def _cpu_fields(rss: PeakRSS, pages: int) -> dict[str, float]:
    """CPU ms per page, whole tree and the parent alone (start-up included in both)."""
    return {
        "cpu_ms": 1000 * rss.cpu / max(pages, 1),
        "main_cpu_ms": 1000 * rss.main_cpu / max(pages, 1),
    }


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="newsweb articles (build).")
    parser.add_argument("--web", type=Path, help="An existing newsweb build (skips the build).")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--concurrency", type=int, default=16, help="Requests per site.")
    parser.add_argument("--out", type=Path, default=None, help="Work folder (default: temp).")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="Also (d): the crawl with no item pipeline, and the c/a ceiling.",
    )
    opts = parser.parse_args()
    from bench.newsweb import NewswebServer, build_newsweb

    work = opts.out or Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    web = opts.web or build_newsweb(work / "web", articles=opts.articles)
    print(f"load before: {load()}; cores: {os.cpu_count()}", flush=True)
    server = NewswebServer(web)
    rows: list[tuple[int, str, dict[str, Any]]] = []
    try:
        sites = sites_toml(server.urls, work / "sites.toml", opts.concurrency)
        for workers in opts.workers:
            data = work / f"crawl-{workers}"
            shutil.rmtree(data, ignore_errors=True)  # a fresh archive: a first crawl
            c = crawl(sites, data, workers)
            a = bare(data, workers)
            b = reextract(data, workers, f"bench.{workers}.{time.time_ns()}")
            stages = [("a bare", a), ("b reextract", b), ("c crawl", c)]
            if opts.floor:
                stages.append(("d floor", floor(sites, work, c["pages"])))
            for name, result in stages:
                rows.append((workers, name, result))
                print(
                    f"N={workers} {name:12} {result['pages']:6} pages {result['seconds']:7.1f} s "
                    f"{result['rate']:6.1f} pages/s  peak RSS {result['rss'] / 2**20:6.0f} MB",
                    flush=True,
                )
    finally:
        server.stop()
    print(f"load after: {load()}\n")
    _table(rows)


def _table(rows: list[tuple[int, str, dict[str, Any]]]) -> None:
    """Wall pages/s and their ratio to (a); CPU ms/page (tree, and the parent alone) and the
    CPU ratio a/x, which is what the wall ratio would be on cores nobody else uses."""
    print(
        "| N | stage | pages | s | pages/s | ratio to a | CPU ms/page (parent) | CPU ratio "
        "| peak RSS tree / parent MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rates = {(n, name[0]): r["rate"] for n, name, r in rows}
    cpu = {(n, name[0]): r["cpu_ms"] for n, name, r in rows}
    for n, name, r in rows:
        print(
            f"| {n} | {name} | {r['pages']} | {r['seconds']:.1f} | {r['rate']:.1f} | "
            f"{r['rate'] / rates[(n, 'a')]:.2f} | {r['cpu_ms']:.1f} ({r['main_cpu_ms']:.1f}) | "
            f"{cpu[(n, 'a')] / r['cpu_ms']:.2f} | {r['rss'] / 2**20:.0f} / "
            f"{r['main_rss'] / 2**20:.0f} |"
        )
    for n, name, r in rows:
        if name.startswith("c"):
            print(
                f"crawl N={n}: steady rate (10th-90th percentile capture) {r['steady']:.1f} "
                f"pages/s = {r['steady'] / rates[(n, 'a')]:.2f} of a; {r['responses']} "
                f"responses; parent RSS by quarter of the run {r['quarters']} MB"
            )
    results = {(n, name[0]): r for n, name, r in rows}
    for n in sorted({n for n, _, _ in rows}):
        if (n, "d") not in results:
            continue
        a, b, d = results[(n, "a")], results[(n, "b")], results[(n, "d")]
        extraction = b["cpu_ms"] - b["main_cpu_ms"]  # reextract's workers: extraction alone
        ceiling = a["cpu_ms"] / (d["cpu_ms"] + extraction)
        print(
            f"ceiling N={n}: a crawl costs at least {d['cpu_ms']:.1f} ms CPU/page before it "
            f"stores anything (d) and extraction {extraction:.1f} (b's workers), so c/a <= "
            f"{a['cpu_ms']:.1f} / {d['cpu_ms'] + extraction:.1f} = {ceiling:.2f} with every "
            f"core busy and nothing mirrored, written or deduplicated"
        )
    ns = sorted({n for n, _, _ in rows})
    if len(ns) > 1:
        lo, hi = ns[0], ns[-1]
        for stage in "abc":
            if (lo, stage) in rates and (hi, stage) in rates:
                print(
                    f"scaling {stage}: N={lo} / N={hi} = "
                    f"{rates[(lo, stage)] / rates[(hi, stage)]:.2f}"
                )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_bare":
        bare_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
