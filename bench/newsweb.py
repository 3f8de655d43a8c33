"""../shared/newsweb for the benchmarks: a web built from real publisher templates, which the
full-size figures in the README were measured on. Tests never use it (they serve the
project's own web, archive/demo/web); a bench that needs it says so when it is missing.

    server = NewswebServer(build_newsweb(out, articles=2000))
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support import ready_info, stop_process
from tests.support.testweb import write_sites_toml

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
NEWSWEB = SHARED / "newsweb"
TESTDATA = SHARED / "testdata"


def require_shared(what: str = "newsweb/newsweb.py") -> Path:
    """The path of `what` under ../shared, or exit with a message saying what is missing."""
    path = SHARED / what
    if not path.exists():
        sys.exit(
            f"bench: {path} not found. This benchmark reads the team's shared folder (real "
            "publisher pages and newsweb), which is not part of the project: put it beside the "
            "checkout or set NEWSARCHIVE_SHARED. The tests need nothing of it (`make test`)."
        )
    return path


def build_newsweb(out: Path, *, articles: int, revision: int = 1, seed: int = 1) -> Path:
    script = require_shared()
    cmd = [
        sys.executable,
        str(script),
        "build",
        "--pages",
        str(TESTDATA / "articles"),
        "--pages",
        str(TESTDATA / "aeb"),
        "--out",
        str(out),
        "--sites",
        "3",
        "--articles",
        str(articles),
        "--seed",
        str(seed),
        "--crawl-delay",
        "0",
        "--revision",
        str(revision),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    return out


def serve_command(script: Path, site_dir: Path, port: int) -> list[str]:
    """`newsweb.py serve` of a built web, one loopback address per site, with its access log."""
    cmd = [sys.executable, str(script), "serve", str(site_dir), "--port", str(port)]
    return [*cmd, "--mode", "ips", "--access-log"]


class NewswebServer:
    """`newsweb.py serve` in a subprocess (mode ips: one loopback address per site)."""

    def __init__(self, site_dir: Path, port: int = 0) -> None:
        cmd = serve_command(require_shared(), site_dir, port)
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        info = ready_info(self.proc)
        if info is None:
            raise RuntimeError(f"newsweb serve {site_dir} failed (exit {self.proc.returncode})")
        self.info: dict[str, Any] = info
        self.urls: dict[str, str] = self.info["sites"]
        self.workdir = Path(self.info["workdir"])
        self.manifest: dict[str, Any] = json.loads(Path(self.info["manifest"]).read_text())

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    def stop(self) -> None:
        stop_process(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()

    def sites_toml(self, path: Path, **extra: Any) -> Path:
        sites = [
            (host.split(".")[0], f"{url.rstrip('/')}/") for host, url in sorted(self.urls.items())
        ]
        return write_sites_toml(path, sites, **extra)
