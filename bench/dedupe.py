"""Per-item dedupe cost as the archive grows: 10k, 100k, 1M signatures (issue 6).

The index is filled cheaply up to each size (random MinHash values and band hashes, bulk
inserted: what random texts would give, without shingling a million of them), then a sample of
real inserts is timed through `Deduper.add` (signature, LSH query, verification, writes), half
of them near-copies of earlier sample texts so that candidates are verified and linked.

    .venv/bin/python bench/dedupe.py                      # 10k, 100k, 1M (a few minutes)
    .venv/bin/python bench/dedupe.py --sizes 10000,100000 --sample 200
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.db.connection import open_db
from archive.db.dedupe import NUM_PERM, TITLE_BAND_OFFSET, Deduper, Doc, Signature

VOCAB = [f"w{i}" for i in range(20000)]
CHUNK = 50_000


def fill(deduper: Deduper, start: int, end: int, rng: np.random.Generator) -> None:
    """Random signatures and bands for article ids [start, end)."""
    params = deduper.params
    db = deduper.db
    bands = np.array(
        list(range(params.bands)) + [TITLE_BAND_OFFSET + b for b in range(params.title_bands)],
        dtype=np.int64,
    )
    db.execute("PRAGMA synchronous=OFF")  # bulk fill only; measurements run as configured
    db.execute("PRAGMA cache_size=-512000")
    for lo in range(start, end, CHUNK):
        hi = min(end, lo + CHUNK)
        n = hi - lo
        sigs = rng.integers(0, 2**32, (n, NUM_PERM), dtype=np.uint32)
        hashes = rng.integers(-(2**63), 2**63 - 1, (n, len(bands)), dtype=np.int64)
        ids = np.arange(lo, hi, dtype=np.int64)
        rows = np.column_stack([np.tile(bands, n), hashes.ravel(), np.repeat(ids, len(bands))])
        rows = rows[np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))]
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO minhash_signatures (article_id, body, shingles, title_key, site, "
                "published) VALUES (?, ?, ?, ?, 'bulk', '2024-01-01')",
                (
                    (int(i), sigs[k].tobytes(), 800, f"bulk title {i} of the archive")
                    for k, i in enumerate(ids)
                ),
            )
            db.conn.executemany(
                "INSERT INTO minhash_bands (band, hash, article_id) VALUES (?, ?, ?)",
                rows.tolist(),
            )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA cache_size=-2000")  # SQLite's default, as the crawl runs
    db.execute("PRAGMA synchronous=NORMAL")


def text(rng: random.Random, words: int = 500) -> str:
    return " ".join(rng.choices(VOCAB, k=words))


def measure(deduper: Deduper, first_id: int, sample: int, seed: int) -> dict[str, float]:
    """Time `sample` adds (half near-copies); ms per item: total and index-only."""
    rng = random.Random(seed)
    db = deduper.db
    originals: list[str] = []
    docs = []
    for k in range(sample):
        if k % 2 and originals:
            body = rng.choice(originals) + " " + text(rng, 20)  # a copy with a new ending
        else:
            body = text(rng)
            originals.append(body)
        title = " ".join(rng.choices(VOCAB, k=8))
        site = "b" if k % 2 else "a"
        docs.append(
            Doc(
                first_id + k,
                f"https://{site}.example/{first_id + k}",
                site,
                title,
                body,
                "2024-05-01",
            )
        )
    with db.atomic():
        for doc in docs:  # clusters rows reference articles
            db.execute(
                "INSERT INTO articles (id, url, site) VALUES (?, ?, ?)",
                [doc.article_id, doc.url, doc.site],
            )
    totals, signing, links = [], [], 0
    with db.atomic():
        for doc in docs:
            t0 = time.perf_counter()
            Signature.of(doc)
            t1 = time.perf_counter()
            links += len(deduper.add(doc))
            t2 = time.perf_counter()
            totals.append(t2 - t1)
            signing.append(t1 - t0)
    sig_ms = statistics.median(signing) * 1000
    total_ms = statistics.median(totals) * 1000
    return {
        "total_ms": total_ms,
        "index_ms": max(total_ms - sig_ms, 0.0),
        "p90_ms": statistics.quantiles(totals, n=10)[-1] * 1000,
        "links": links,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--db", type=Path, default=None, help="folder (default: a temp dir)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="dedupe-bench-") as tmp:
        folder = args.db or Path(tmp)
        db = open_db(folder, create=True)
        deduper = Deduper(db)
        rng = np.random.default_rng(1)
        filled, next_id = 0, 10**8  # sample ids far above the bulk ones
        results = []
        print(f"params {deduper.params.key()}", file=sys.stderr)
        for size in sizes:
            t0 = time.perf_counter()
            fill(deduper, filled, size, rng)
            filled = size
            print(f"filled to {size:,} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
            result = measure(deduper, next_id, args.sample, seed=size)
            next_id += args.sample
            results.append((size, result))
            print(
                f"{size:>9,} signatures: {result['total_ms']:.2f} ms/item (median add, "
                f"p90 {result['p90_ms']:.2f}), index part {result['index_ms']:.2f} ms, "
                f"{result['links']} links among {args.sample} items",
                flush=True,
            )
        db.close()
    base, last = results[0][1], results[-1][1]
    print(
        f"ratio {results[-1][0]:,}/{results[0][0]:,}: "
        f"{last['total_ms'] / base['total_ms']:.2f}x per item"
    )


if __name__ == "__main__":
    main()
