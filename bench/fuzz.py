"""A bounded coverage-guided fuzz run (atheris/libFuzzer) of what a hostile site controls.

    .venv/bin/python bench/fuzz.py [--seconds 20] [--target NAME ...]

Targets: extract (the article extractor), canonical_url, sitemap, feed, sites_toml (the
sites.toml loader), blob_key. Each runs in its own process for --seconds with libFuzzer's
per-input timeout (-timeout, a hang) and memory cap (-rss_limit_mb); only the documented
errors are allowed (ValueError for URLs and keys, SiteConfigError for sites.toml, none for
the parsers and the extractor). Prints one row per target: inputs run, seconds, crashes, and
writes the rows to test-artifacts/fuzz.md (and .json). A crash leaves libFuzzer's crash-* file in
test-artifacts/fuzz/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout
ARTIFACTS = ROOT / "test-artifacts"
TARGETS = ("extract", "canonical_url", "sitemap", "feed", "sites_toml", "blob_key")


def fuzz_one(target: str) -> None:
    """Run inside the child: set up atheris for one target and fuzz until libFuzzer stops."""
    import atheris

    with atheris.instrument_imports():  # only what the target needs: start-up stays short
        if target == "extract":
            from archive.extract import extract
        from archive.discovery.documents import parse_feed, parse_sitemap
        from archive.discovery.urls import canonical_url
        from archive.errors import SiteConfigError
        from archive.sites import load_sites
        from archive.storage import blob_key

    toml = Path(tempfile.mkdtemp()) / "sites.toml"

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        if target == "extract":
            extract(fdp.ConsumeBytes(fdp.remaining_bytes()), "https://news.example/a/1.html")
        elif target == "canonical_url":
            with contextlib.suppress(ValueError):
                canonical_url(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))
        elif target == "sitemap":
            parse_sitemap(data, "https://news.example/sitemap.xml")
        elif target == "feed":
            parse_feed(data, "https://news.example/feed.xml")
        elif target == "sites_toml":
            toml.write_bytes(data)
            with contextlib.suppress(SiteConfigError):
                load_sites(toml)
        elif target == "blob_key":
            try:
                key = blob_key(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))
            except ValueError:
                return
            assert ".." not in key, key
            assert not key.startswith("/"), key

    seeds = [f"-artifact_prefix={ARTIFACTS / 'fuzz'}/{target}-"]
    atheris.Setup([sys.argv[0], *sys.argv[sys.argv.index("--") + 1 :], *seeds], one)
    atheris.Fuzz()


def run(target: str, seconds: int) -> dict[str, object]:
    (ARTIFACTS / "fuzz").mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        __file__,
        "--child",
        target,
        "--",
        f"-max_total_time={seconds}",
        "-timeout=10",
        "-rss_limit_mb=1536",
        "-print_final_stats=1",
    ]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    elapsed = time.monotonic() - started
    done = re.search(r"Done (\d+) runs in (\d+) second", proc.stderr)
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", proc.stderr)
    count = int(done.group(1)) if done else int(runs.group(1)) if runs else 0
    crashed = proc.returncode != 0
    if crashed:
        sys.stderr.write(proc.stderr[-4000:])
    return {
        "target": target,
        "inputs": count,
        "seconds": round(elapsed, 1),
        "crashes": int(crashed),
        "exit": proc.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="Fuzzing time per target.")
    parser.add_argument("--target", action="append", choices=TARGETS, help="Only these.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child:
        fuzz_one(args.child)
        return 0
    rows = [run(t, args.seconds) for t in args.target or TARGETS]
    lines = ["| target | inputs fuzzed | seconds | crashes |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {r['target']} | {r['inputs']} | {r['seconds']} | {r['crashes']} |" for r in rows]
    total = sum(int(str(r["inputs"])) for r in rows)
    lines.append(
        f"| **all** | {total} | {sum(float(str(r['seconds'])) for r in rows):.1f} "
        f"| {sum(int(str(r['crashes'])) for r in rows)} |"
    )
    table = "\n".join(lines) + "\n"
    print(table)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fuzz.md").write_text(table)
    (ARTIFACTS / "fuzz.json").write_text(json.dumps(rows, indent=2))
    return 1 if any(r["crashes"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
