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


class NewswebServer:
    """`newsweb.py serve` in a subprocess (mode ips: one loopback address per site)."""

    def __init__(self, site_dir: Path, port: int = 0) -> None:
        script = require_shared()
        cmd = [
            sys.executable,
            str(script),
            "serve",
            str(site_dir),
            "--port",
            str(port),
            "--mode",
            "ips",
            "--access-log",
        ]
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
