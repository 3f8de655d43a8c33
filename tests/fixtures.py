"""Shared fixtures: the local news web (../shared/newsweb), CLI runs in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
NEWSWEB = SHARED / "newsweb"
TESTDATA = SHARED / "testdata"
NEWSWEB_ARTICLES = int(os.environ.get("NEWSWEB_TEST_ARTICLES", "120"))


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


def build_newsweb(out: Path, *, articles: int, revision: int = 1, seed: int = 1) -> Path:
    cmd = [
        sys.executable, str(NEWSWEB / "newsweb.py"), "build",
        "--pages", str(TESTDATA / "articles"), "--pages", str(TESTDATA / "aeb"),
        "--out", str(out), "--sites", "3", "--articles", str(articles),
        "--seed", str(seed), "--crawl-delay", "0", "--revision", str(revision),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    return out


@pytest.fixture(scope="session")
def newsweb_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_newsweb(tmp_path_factory.mktemp("newsweb") / "web", articles=NEWSWEB_ARTICLES)


class NewswebServer:
    """`newsweb.py serve` in a subprocess (mode ips: one loopback address per site)."""

    def __init__(self, site_dir: Path, port: int = 0) -> None:
        if not (NEWSWEB / "newsweb.py").exists():
            raise RuntimeError(f"../shared/newsweb not found at {NEWSWEB}; set NEWSARCHIVE_SHARED")
        cmd = [sys.executable, str(NEWSWEB / "newsweb.py"), "serve", str(site_dir),
               "--port", str(port), "--mode", "ips", "--access-log"]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(10)
            raise RuntimeError(f"newsweb serve {site_dir} failed (exit {self.proc.returncode})")
        self.info: dict[str, Any] = json.loads(line)
        self.urls: dict[str, str] = self.info["sites"]
        self.workdir = Path(self.info["workdir"])
        self.manifest: dict[str, Any] = json.loads(Path(self.info["manifest"]).read_text())

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

    def sites_toml(self, path: Path, **extra: Any) -> Path:
        lines = []
        for host, url in sorted(self.urls.items()):
            lines += [
                "[[site]]",
                f'name = "{host.split(".")[0]}"',
                f'url = "{url.rstrip("/")}/"',
                "delay = 0",
                "concurrency = 8",
                "allow_private = true",
            ]
            lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
            lines.append("")
        path.write_text("\n".join(lines))
        return path


@pytest.fixture(scope="session")
def newsweb_server(newsweb_build: Path) -> Iterator[NewswebServer]:
    server = NewswebServer(newsweb_build)
    try:
        yield server
    finally:
        server.stop()


CRAWL_SETTINGS = ("-s", "NEWSARCHIVE_RETRY_AFTER_MAX=3", "-s", "DOWNLOAD_TIMEOUT=4")
