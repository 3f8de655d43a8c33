"""Search latency and export memory on a 1M-article synthetic archive.

    .venv/bin/python bench/query.py [--articles 1000000] [--data DIR] [--rebuild]
                                    [--runs 21] [--formats jsonl,parquet]

Builds the archive once (schema from archive.db, rows by executemany in big transactions with
the FTS triggers off, then one FTS5 'rebuild'; a few minutes on 2 cores) and reuses it while
its article count matches. Then prints:

- `search` median latency (archive.db.search.search, 20 hits, relevance order) for a rare term
  (in 0.002% of articles) and a common one; target < 50 ms for the rare term. Baseline: the
  same rare-term lookup as a `LIKE '%term%'` scan without the FTS index (ratio = how much
  the index buys).
- `newsarchive export --format jsonl` of every article to /dev/null in a subprocess: wall
  time and peak RSS (os.wait4 on that child; also resource.getrusage(RUSAGE_CHILDREN)),
  target < 300 MB. Baseline: the same command exporting ~1% of the archive (--until), so the
  ratio shows whether memory grows with the export size (flat = about 1.0).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout
from archive.db.connection import open_db
from archive.db.search import search

RARE = "zyxquorum"  # in 1 article of 50,000
COMMON = "harbor"
SITES = [f"site{i:02d}" for i in range(12)]
SECTIONS = ["Politics", "Business", "Sports", "Culture", "World", "Science"]
FIRST = ["Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu"]
LAST = ["Holt", "Marsh", "Quill", "Rowe", "Stone", "Tarrant", "Vance", "West", "Young"]
CHUNK = 50_000


def vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(size)}
    words.discard(RARE)
    ordered = [COMMON, *sorted(words)]
    weights = [1 / (rank + 1) for rank in range(len(ordered))]  # Zipf-like
    total = 0.0
    cumulative = []
    for w in weights:
        total += w
        cumulative.append(total)
    return ordered, cumulative


def build(data: Path, articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    words, cum = vocabulary(rng)
    db = open_db(data, create=True)  # schema by the project's migrations
    conn = db.conn
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
    ).fetchall()
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")  # captures and articles point at each other
    conn.execute("PRAGMA cache_size=-200000")
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    crawl = conn.execute(
        "INSERT INTO crawls (sites, started_at, finished_at, finish_reason) "
        "VALUES (?, '2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z', 'finished')",
        [",".join(SITES)],
    ).lastrowid
    started = time.monotonic()
    for start in range(1, articles + 1, CHUNK):
        ids = range(start, min(start + CHUNK, articles + 1))
        captures, rows = [], []
        for i in ids:
            site = SITES[i % len(SITES)]
            day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            fetched = f"{day}T{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}Z"
            url = f"https://{site}.example/{day.replace('-', '/')}/story-{i}.html"
            sha = f"{i:064x}"
            body_words = rng.choices(words, cum_weights=cum, k=60)
            if i % 50_000 == 25_000:
                body_words[rng.randrange(60)] = RARE
            body = " ".join(body_words)
            title = " ".join(rng.choices(words, cum_weights=cum, k=8)).capitalize()
            author = f"{FIRST[i % len(FIRST)]} {LAST[(i // 7) % len(LAST)]}"
            captures.append(
                (
                    i,
                    url,
                    url,
                    url,
                    site,
                    crawl,
                    fetched,
                    200,
                    "text/html",
                    sha,
                    2000 + i % 5000,
                    f"{sha[:2]}/{sha[2:4]}/{sha}.gz",
                    1,
                    "new",
                    i,
                )
            )
            rows.append(
                (
                    i,
                    url,
                    site,
                    title,
                    SECTIONS[i % len(SECTIONS)],
                    author,
                    f"{day}T08:00:00Z",
                    "en",
                    body,
                    f"Cam Era/Agency {i % 9}",
                    f"{i:064x}",
                    fetched,
                    fetched,
                    i,
                    "bench-1",
                    i // 40 if i % 10 == 0 else None,
                )
            )
        with conn:
            conn.executemany(
                """INSERT INTO captures (id, url, final_url, canonical_url, site, crawl_id,
                   fetched_at, status, content_type, sha256, size, blob_key, mirrored, outcome,
                   article_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                captures,
            )
            conn.executemany(
                """INSERT INTO articles (id, url, site, title, section, authors, published,
                   language, body, lead_image_credit, content_hash, first_seen, last_seen,
                   capture_id, extractor_version, cluster_id)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                rows,
            )
        done = ids[-1]
        rate = done / (time.monotonic() - started)
        print(f"  built {done:,} articles ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    print("  rebuilding the FTS index ...", file=sys.stderr, flush=True)
    with conn:
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        for _, sql in triggers:
            conn.execute(sql)
    conn.execute("PRAGMA optimize")
    db.close()
    print(f"  built in {time.monotonic() - started:.0f} s", file=sys.stderr)


def article_count(data: Path) -> int:
    path = data / "news.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.Error:
            return 0


def search_median(data: Path, term: str, runs: int) -> tuple[float, int]:
    db = open_db(data, create=False)
    search(db, term)  # warm the page cache once
    times = []
    hits = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        hits = len(search(db, term))
        times.append(time.perf_counter() - t0)
    db.close()
    return statistics.median(times) * 1000, hits


def like_scan_ms(data: Path, term: str) -> float:
    with sqlite3.connect(data / "news.db") as conn:
        t0 = time.perf_counter()
        conn.execute(
            "SELECT id, title FROM articles WHERE body LIKE ? LIMIT 20", [f"%{term}%"]
        ).fetchall()
        return (time.perf_counter() - t0) * 1000


def export_rss(data: Path, fmt: str, *args: str) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one `newsarchive export` to /dev/null."""
    cmd = [sys.executable, "-m", "archive", "export", "--data", str(data), "--format", fmt, *args]
    t0 = time.monotonic()
    with Path(os.devnull).open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - t0
    if proc.stderr:
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
        print(f"  {err.splitlines()[-1] if err else ''}", file=sys.stderr)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=None, help="Archive folder to (re)use.")
    parser.add_argument("--rebuild", action="store_true", help="Build the archive again.")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--formats", default="jsonl", help="Export formats to measure (a,b).")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.data or Path(tempfile.gettempdir()) / f"newsarchive-bench-{args.articles}"
    if args.build_only:
        build(data, args.articles)
        return
    if args.rebuild or article_count(data) != args.articles:
        if (data / "news.db").exists():
            for suffix in ("", "-wal", "-shm"):
                (data / f"news.db{suffix}").unlink(missing_ok=True)
        print(f"Building {args.articles:,} synthetic articles in {data}", file=sys.stderr)
        # in a child process: a child forked from a big parent would report the parent's RSS
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--build-only",
                "--articles",
                str(args.articles),
                "--data",
                str(data),
            ],
            check=True,
        )
    else:
        print(f"Reusing {data / 'news.db'} ({args.articles:,} articles)", file=sys.stderr)
    size_mb = (data / "news.db").stat().st_size / 2**20
    print(f"archive: {args.articles:,} articles, news.db {size_mb:,.0f} MB")

    rare_ms, rare_hits = search_median(data, RARE, args.runs)
    common_ms, common_hits = search_median(data, COMMON, args.runs)
    scan_ms = like_scan_ms(data, RARE)
    verdict = "ok" if rare_ms < 50 else "OVER TARGET"
    print(
        f"search rare term {RARE!r}: median {rare_ms:.1f} ms over {args.runs} runs, "
        f"{rare_hits} hits (target < 50 ms: {verdict})"
    )
    print(f"search common term {COMMON!r}: median {common_ms:.1f} ms, {common_hits} hits")
    print(
        f"baseline LIKE scan for {RARE!r}: {scan_ms:.0f} ms "
        f"(FTS is {scan_ms / max(rare_ms, 1e-6):,.0f}x faster)"
    )

    formats = args.formats.split(",")
    for fmt in formats:
        small_s, small_mb, _ = export_rss(data, fmt, "--until", "2024-01-04")
        seconds, peak_mb, code = export_rss(data, fmt)
        verdict = "ok" if peak_mb < 300 else "OVER TARGET"
        target = f" (target < 300 MB: {verdict})" if fmt == "jsonl" else ""
        print(
            f"export --format {fmt} (all {args.articles:,}): {seconds:.0f} s "
            f"({args.articles / seconds:,.0f} rows/s), peak RSS {peak_mb:.0f} MB, "
            f"exit {code}{target}"
        )
        print(
            f"  baseline: the same export of ~1% (--until 2024-01-04): {small_s:.1f} s, "
            f"peak RSS {small_mb:.0f} MB; full/1% ratio {peak_mb / small_mb:.2f}"
        )
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child by getrusage(RUSAGE_CHILDREN): {children_mb:.0f} MB (the build too)")


if __name__ == "__main__":
    main()
