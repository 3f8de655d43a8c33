"""Helpers that tests and benchmarks share: the test web driver (testweb), crawl and dedupe
scoring (crawl_eval, dedupe_eval), real S3 and redis servers (s3server, redisserver), and
CLI runs in subprocesses. bench/ imports them with the repository root on sys.path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# retries of Retry-After answers capped at 3 s, and a short timeout for the hanging trap
CRAWL_SETTINGS = ("-s", "NEWSARCHIVE_RETRY_AFTER_MAX=3", "-s", "DOWNLOAD_TIMEOUT=4")


def run_cli(
    *args: str, timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `python -m archive ARGS` in a subprocess, as a user would."""
    proc = subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"newsarchive {' '.join(args)} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
        )
    return proc
