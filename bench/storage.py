"""Bytes stored and CPU per page of the raw store's codecs, on a built news web, in one run.

    python3 ../shared/newsweb/newsweb.py build --pages DIR --out /tmp/nw-storage \
        --sites 4 --articles 1300 --seed 1 --crawl-delay 0
    .venv/bin/python bench/storage.py /tmp/nw-storage [--dict-min 40]

DIR is a small folder of real pages (2-3 per site, e.g. ten `*.html.gz` + `.json` copied from
../shared/testdata/articles), so that each site has two or three templates as real sites do.
A default build gives each site dozens of publisher templates, which no real site has.

Every article page of the manifest is compressed, in manifest order, as:

- gzip-3: what the store wrote before zstd (`archive.storage.compress`);
- zstd-3: plain zstd (`archive.storage.codec.zstd_compress`);
- zstd-3+dict: the store's own path (`Learner.encode`, training inline): each site's first
  `--dict-min` pages plain, a dictionary trained from them, the rest with it; the bytes of
  the dictionaries are counted, and the training time is reported apart and per page.

Reported: stored bytes / raw bytes, the ratio to gzip-3, compress and decompress ms/page (CPU
time of this process). The compress column is what the crawl's own process spends per page;
training runs in a separate process in the crawl (`pipelines/mirror.py`).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
from archive.storage import LocalBlobStore, compress, learn
from archive.storage.codec import decode, zstd_compress
from archive.storage.learn import Learner, train


def pages(web: Path) -> list[tuple[str, bytes]]:
    manifest = web / "manifest.json"
    if not manifest.is_file():
        sys.exit(
            f"No manifest.json in {web}: build a web first (../shared/newsweb/newsweb.py build "
            "--pages DIR --out WEB), see this file's docstring. If ../shared is missing, this "
            "bench cannot run."
        )
    out = []
    for entry in json.loads(manifest.read_text())["articles"]:
        if entry.get("status") == 200 and entry.get("file"):
            out.append((entry["site"], (web / entry["file"]).read_bytes()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("web", type=Path, help="a built newsweb folder")
    parser.add_argument("--dict-min", type=int, default=40)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/newsarchive-bench-storage"))
    args = parser.parse_args()
    items = pages(args.web)
    raw = sum(len(b) for _, b in items)
    sites = len({s for s, _ in items})
    print(f"{len(items)} pages of {sites} sites, {raw / len(items) / 1024:.0f} KB mean, {args.web}")

    rows = []
    t0 = time.process_time()
    gz = [compress(b) for _, b in items]
    c_gz = time.process_time() - t0
    t0 = time.process_time()
    for data, (_, body) in zip(gz, items, strict=True):
        assert decode(data, "", store_stub(args.scratch), dict) == body
    rows.append(("gzip-3 (today)", sum(map(len, gz)), c_gz, time.process_time() - t0, 0.0))

    t0 = time.process_time()
    zs = [zstd_compress(b) for _, b in items]
    c_zs = time.process_time() - t0
    t0 = time.process_time()
    for data, (_, body) in zip(zs, items, strict=True):
        assert decode(data, "", store_stub(args.scratch), dict) == body
    rows.append(("zstd-3", sum(map(len, zs)), c_zs, time.process_time() - t0, 0.0))

    store = store_stub(args.scratch)
    learner = Learner(store, dict_min=args.dict_min)
    encoded: list[tuple[bytes, dict[str, str]]] = []
    train_cpu = [0.0]

    def timed_train(samples: list[bytes]) -> learn.Trained:
        start = time.process_time()
        try:
            return train(samples)
        finally:
            train_cpu[0] += time.process_time() - start

    learn.train = timed_train  # the crawl trains in another process: counted apart
    t0 = time.process_time()
    for site, body in items:
        encoded.append(learner.encode(body, {"site": site, "status": "200"}))
    c_dict = time.process_time() - t0 - train_cpu[0]
    dict_bytes = sum(len(store.get_dict(d["sha256"])) for d in store.dicts())
    t0 = time.process_time()
    for (data, meta), (_, body) in zip(encoded, items, strict=True):
        assert decode(data, "", store, functools.partial(dict, meta)) == body
    d_dict = time.process_time() - t0
    stored = sum(len(d) for d, _ in encoded) + dict_bytes
    rows.append(("zstd-3+site dict", stored, c_dict, d_dict, train_cpu[0]))

    n, gz_bytes = len(items), rows[0][1]
    print(
        f"\n{'codec':<18} {'stored/raw':>10} {'vs gzip-3':>9} {'comp ms/pg':>10} {'dec ms/pg':>9}"
    )
    for name, size, comp, dec, _ in rows:
        print(
            f"{name:<18} {size / raw:>10.3f} {size / gz_bytes:>9.3f} "
            f"{comp / n * 1000:>10.2f} {dec / n * 1000:>9.2f}"
        )
    dicts = list(store.dicts())
    train_s = train_cpu[0]
    print(
        f"\n{len(dicts)} dictionaries, {dict_bytes / 1024:.0f} KB in all (counted above); "
        f"training {train_s:.2f} s CPU in all = {train_s / n * 1000:.2f} ms/page "
        "(a separate process in the crawl)"
    )
    print(
        f"crawl process CPU per page: gzip-3 {c_gz / n * 1000:.2f} ms, zstd+dict "
        f"{c_dict / n * 1000:.2f} ms (+{train_s / n * 1000:.2f} ms if training ran in it)"
    )


def store_stub(scratch: Path) -> LocalBlobStore:
    """A fresh local store for the dictionaries (bodies stay in memory)."""
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)
    return LocalBlobStore(scratch)


if __name__ == "__main__":
    main()
