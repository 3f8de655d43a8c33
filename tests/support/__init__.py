"""Helpers that tests and benchmarks share: the test web driver (testweb), crawl and dedupe
scoring (crawl_eval, dedupe_eval), real S3 and redis servers (s3server, redisserver), and
CLI runs in subprocesses. bench/ imports them with the repository root on sys.path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# retries of Retry-After answers capped at 3 s, and a short timeout for the hanging trap
CRAWL_SETTINGS = ("-s", "NEWSARCHIVE_RETRY_AFTER_MAX=3", "-s", "DOWNLOAD_TIMEOUT=4")


def cli_command(*args: str) -> list[str]:
    """The argv of `newsarchive ARGS` as this interpreter runs it: `python -m archive ARGS`."""
    return [sys.executable, "-m", "archive", *args]


def crawl_command(sites: Path, data: Path, *extra: str) -> list[str]:
    """The argv of `newsarchive crawl --sites SITES --data DATA EXTRA...`, for Popen."""
    return cli_command("crawl", "--sites", str(sites), "--data", str(data), *extra)


def run_cli(
    *args: str, timeout: float = 300, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m archive ARGS` in a subprocess, as a user would (`env`: its whole
    environment, by default this one's)."""
    proc = subprocess.run(
        cli_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"newsarchive {' '.join(args)} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
        )
    return proc


def ready_info(proc: subprocess.Popen[str]) -> dict[str, Any] | None:
    """The JSON line a server subprocess prints on stdout once it listens; None if it exited
    first (it is then waited for: its returncode is set)."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.wait(10)
        return None
    return dict(json.loads(line))


def stop_process(proc: subprocess.Popen[Any], wait: float = 20) -> None:
    """SIGTERM, and SIGKILL if it has not exited after `wait` seconds."""
    proc.terminate()
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
