"""Crawl a ../shared/newsweb build end to end and print the figures of issues 2 and 4.

    python bench/crawl_newsweb.py --web /tmp/nw --web-r2 /tmp/nw-r2 [--out /tmp/bench-crawl]

Build the webs first (see ../shared/newsweb/README.md), e.g.
    python3 ../shared/newsweb/newsweb.py build --pages ../shared/testdata/articles \
        --pages ../shared/testdata/aeb --out /tmp/nw --sites 3 --articles 2000 --seed 1 \
        --crawl-delay 0            # and again with --out /tmp/nw-r2 --revision 2

Runs: crawl 1 (revision 1), crawl 2 (same web again), crawl 3 (revision 2 on the same URLs),
then a crawl killed with SIGKILL at a random moment and restarted. Prints recall, politeness and
waste from the server's access log, and the archive's view of revision 2.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.newsweb import NewswebServer
from tests.support import CRAWL_SETTINGS, crawl_command
from tests.support.crawl_eval import news_sitemap_urls, read_access_log, score_crawl


def crawl(sites: Path, data: Path) -> float:
    started = time.monotonic()
    cmd = crawl_command(sites, data, *CRAWL_SETTINGS)
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    return time.monotonic() - started


def revision_two(db_path: Path, m1: dict[str, Any], m2: dict[str, Any]) -> dict[str, Any]:
    db = sqlite3.connect(db_path)
    old = {a["id"]: a for a in m1["articles"]}
    new = {a["id"]: a for a in m2["articles"]}
    ch = m2["changes"]

    def row(url: str) -> Any:
        from archive.discovery.urls import canonical_url

        return db.execute(
            "SELECT version, gone_at, title FROM articles WHERE url = ?", [canonical_url(url)]
        ).fetchone()

    edited = [row(new[i]["url"]) for i in ch["changed"]]
    removed = [row(old[i]["url"]) for i in ch["removed"]]
    added = [row(new[i]["url"]) for i in ch["added"]]
    return {
        "edited": len(edited),
        "edited_as_new_version": sum(1 for r in edited if r and r[0] >= 2),
        "removed": len(removed),
        "removed_marked_gone": sum(1 for r in removed if r and r[1]),
        "added": len(added),
        "added_archived": sum(1 for r in added if r),
    }


def state(db_path: Path) -> set[tuple[str, str]]:
    """(article path, sha256 of the raw capture it was extracted from): the raw record, which
    does not depend on the extractor version that happened to run."""
    db = sqlite3.connect(db_path)
    rows = db.execute(
        "SELECT a.url, c.sha256 FROM articles a JOIN captures c ON c.id = a.capture_id"
    )
    return {(urlsplit(u).path, sha) for u, sha in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--web", type=Path, required=True)
    parser.add_argument("--web-r2", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-crawl"))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    report: dict[str, Any] = {}
    server = NewswebServer(args.web)
    port = urlsplit(next(iter(server.urls.values()))).port
    try:
        sites = server.sites_toml(args.out / "sites.toml")
        data = args.out / "data"
        news = news_sitemap_urls(server.urls)
        seconds = crawl(sites, data)
        hits1, offset = read_access_log(server.access_log)
        score = score_crawl(data / "news.db", server.manifest, hits1, news)
        score["seconds"], score["pages_per_s"] = seconds, len(hits1) / seconds
        report["crawl1"] = score
        crawl(sites, data)
        hits2, _ = read_access_log(server.access_log, offset)
        paths = {urlsplit(a["url"]).path for a in server.manifest["articles"]}
        second = sum(1 for p, _ in hits2 if p.split("?")[0] in paths)
        report["crawl2"] = {
            "requests": len(hits2),
            "article_requests": second,
            "share_of_first": second / max(score["article_requests"], 1),
        }
        # SIGKILL at a random moment of a fresh crawl, then restart
        killed = args.out / "killed"
        proc = subprocess.Popen(
            crawl_command(sites, killed, *CRAWL_SETTINGS),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        moment = random.uniform(0.2, 0.8) * seconds
        time.sleep(moment)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        crawl(sites, killed)
        a, b = state(data / "news.db"), state(killed / "news.db")
        report["sigkill"] = {
            "killed_after_s": round(moment, 1),
            "same_archive": a == b,
            "missing": len(a - b),
            "extra": len(b - a),
        }
        manifest1 = server.manifest
    finally:
        server.stop()
    server2 = NewswebServer(args.web_r2, port=port or 0)
    try:
        crawl(sites, data)
        hits3, _ = read_access_log(server2.access_log)
        report["crawl3_revision2"] = revision_two(data / "news.db", manifest1, server2.manifest)
        report["crawl3_revision2"]["requests"] = len(hits3)
    finally:
        server2.stop()
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
