"""Crawl speed with the S3 mirror on vs the local blob store, in the same run.

    .venv/bin/python bench/mirror.py [--rounds 3] [--concurrency 8] [--newsweb ARTICLES]

Starts a SeaweedFS (`weed mini`, as the tests do) and the bundled demo site on 127.0.0.1
(or, with --newsweb N, ../shared/newsweb's three sites with N articles), then crawls it with `newsarchive crawl`
into a fresh data folder per run, alternating `--blobs s3://…` and the default local store.
Pages/s is the crawl's own `response_received_count / elapsed_time_seconds` (from the crawls
table), so interpreter start-up does not count. Prints each run, the medians and the ratio
S3 / local (target: >= 0.9).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout
from archive.demo import serve_demo
from tests.support import crawl_command
from tests.support.s3server import WeedServer


@contextmanager
def demo_sites(work: Path, concurrency: int) -> Iterator[Path]:
    with serve_demo() as base_url:
        sites = work / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "demo"\nurl = "{base_url}"\ndelay = 0\n'
            f"concurrency = {concurrency}\nallow_private = true\n"
        )
        yield sites


@contextmanager
def newsweb_sites(work: Path, articles: int) -> Iterator[Path]:
    from bench.newsweb import NewswebServer, build_newsweb

    server = NewswebServer(build_newsweb(work / "newsweb", articles=articles))
    try:
        yield server.sites_toml(work / "sites.toml")
    finally:
        server.stop()


def crawl(sites: Path, data: Path, blobs: str, env: dict[str, str]) -> tuple[float, int, float]:
    """One crawl; (pages/s, pages, seconds)."""
    args = crawl_command(sites, data)
    if blobs:
        args += ["--blobs", blobs]
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    with sqlite3.connect(data / "news.db") as db:
        (raw,) = db.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    stats = json.loads(raw)
    if blobs and stats.get("newsarchive/spooled"):
        sys.exit(f"the S3 run spooled {stats['newsarchive/spooled']} captures: not a fair run")
    pages, seconds = int(stats["response_received_count"]), float(stats["elapsed_time_seconds"])
    return pages / seconds, pages, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="Crawls per store (default 3).")
    parser.add_argument("--concurrency", type=int, default=8, help="Requests in flight.")
    parser.add_argument(
        "--newsweb",
        type=int,
        default=0,
        metavar="ARTICLES",
        help="Crawl ../shared/newsweb with this many articles instead.",
    )
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-mirror-"))
    server = WeedServer(work / "weed")
    server.start()
    try:
        bucket = server.create_bucket("bench-mirror")
        env = {**os.environ, **server.env()}
        results: dict[str, list[float]] = {"s3": [], "local": []}
        web = newsweb_sites(work, opts.newsweb) if opts.newsweb else None
        with web or demo_sites(work, opts.concurrency) as sites:
            for n in range(opts.rounds):
                for name in ("s3", "local") if n % 2 == 0 else ("local", "s3"):
                    data = work / f"{name}-{n}"
                    blobs = f"s3://{bucket}/run-{n}" if name == "s3" else ""
                    rate, pages, seconds = crawl(sites, data, blobs, env)
                    results[name].append(rate)
                    print(
                        f"round {n + 1} {name:5}: {pages} pages in {seconds:.2f} s = "
                        f"{rate:.1f} pages/s",
                        flush=True,
                    )
                    shutil.rmtree(data, ignore_errors=True)
                    time.sleep(0.5)
        s3, local = statistics.median(results["s3"]), statistics.median(results["local"])
        print(f"\nmedian pages/s: S3 mirror {s3:.1f}, local store {local:.1f}")
        print(f"ratio S3 / local: {s3 / local:.2f} (target >= 0.9)")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
