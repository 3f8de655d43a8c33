"""The project's test web (archive/demo/web) served by a subprocess, for tests and benches.

    web = TestWeb(articles=120)            # python -m archive.demo.web serve ...
    web.urls        # {"site-a": "http://127.0.3.1:PORT/", ...}
    web.manifest    # what a perfect crawl finds
    web.access_log  # one line per request: read with crawl_eval.read_access_log
    web.sites_toml(path)                   # a sites.toml for `newsarchive crawl`
    web.stop()

A subprocess, so that the server's threads never compete with the test process for the GIL
and a test can restart the web (revision 2) on the same port.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tests.support import ROOT, ready_info, stop_process

ARTICLES = int(os.environ.get("TESTWEB_ARTICLES", "120"))


class TestWeb:
    __test__ = False  # not a test class, whatever its name

    def __init__(
        self,
        *,
        articles: int = ARTICLES,
        revision: int = 1,
        seed: int = 1,
        port: int = 0,
        workdir: Path | None = None,
        huge_mb: int = 20,
    ) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="testweb-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "archive.demo.web",
            "serve",
            "--articles",
            str(articles),
            "--revision",
            str(revision),
            "--seed",
            str(seed),
            "--port",
            str(port),
            "--workdir",
            str(self.workdir),
            "--huge-mb",
            str(huge_mb),
        ]
        errors = self.workdir / "server.err"
        with errors.open("w") as err:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True
            )
        info = ready_info(self.proc)
        if info is None:
            raise RuntimeError(
                f"the test web did not start (exit {self.proc.returncode}):\n{errors.read_text()}"
            )
        self.info: dict[str, Any] = info
        self.urls: dict[str, str] = self.info["sites"]
        self.port: int = self.info["port"]
        self.access_log = Path(self.info["access_log"])
        self.manifest: dict[str, Any] = json.loads(Path(self.info["manifest"]).read_text())

    def stop(self) -> None:
        stop_process(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()

    def sites_toml(self, path: Path, **extra: Any) -> Path:
        """One [[site]] per site: no delay, 8 in flight, loopback allowed."""
        return write_sites_toml(path, sorted(self.urls.items()), **extra)


def write_sites_toml(path: Path, sites: Iterable[tuple[str, str]], **extra: Any) -> Path:
    """A sites.toml of one [[site]] per (name, URL), in that order: no delay, 8 in flight,
    loopback allowed, and the `extra` keys of every site."""
    lines = []
    for name, url in sites:
        lines += [
            "[[site]]",
            f'name = "{name}"',
            f'url = "{url}"',
            "delay = 0",
            "concurrency = 8",
            "allow_private = true",
        ]
        lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
        lines.append("")
    path.write_text("\n".join(lines))
    return path
