"""The `news` spider under a real scrapyd on 127.0.0.1: `scrapyd-deploy` (scrapyd-client) uploads
the project from scrapy.cfg's [deploy:env] target, schedule.json runs the spider against the demo
site with the settings a local crawl takes, and the archive it writes has every demo article."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.demo import serve_demo
from archive.demo.build import demo_manifest
from tests.fixtures import ROOT
from tests.support.s3server import free_ports

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

BIN = Path(sys.executable).parent


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=10) as resp:  # 127.0.0.1 only
        result: dict[str, Any] = json.loads(resp.read())
    assert result.get("status") == "ok", result
    return result


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    (port,) = free_ports(1)
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\nmax_proc = 1\npoll_interval = 0.5\n"
    )
    log = (home / "scrapyd.out").open("wb")
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                call(url + "daemonstatus.json")
                break
            except OSError:
                assert proc.poll() is None, (home / "scrapyd.out").read_text()[-3000:]
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def project_copy(dest: Path) -> Path:
    """The committed-or-not working files, so building the egg litters nothing in the repo."""
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wanted = ("archive/", "crawler/", "pipelines/", "scrapy.cfg", "pyproject.toml", "README.md")
    for name in files:
        if name.startswith(wanted) and (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def test_news_spider_runs_under_scrapyd(scrapyd: str, tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    env = {**os.environ, "SCRAPYD_URL": scrapyd}
    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "env", "--version", "t1"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
    assert "news" in call(scrapyd + "listspiders.json?project=newsarchive")["spiders"]

    data = tmp_path / "data"
    with serve_demo() as base_url:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "demo"\nurl = "{base_url}"\ndelay = 0\n'
            "concurrency = 8\nallow_private = true\n"
        )
        job = call(
            scrapyd + "schedule.json",
            [
                ("project", "newsarchive"),
                ("spider", "news"),
                ("site", "demo"),
                ("setting", f"NEWSARCHIVE_SITES={sites}"),
                ("setting", f"NEWSARCHIVE_DATA={data}"),
                ("setting", "NEWSARCHIVE_WORKERS=1"),
            ],
        )["jobid"]
        deadline = time.monotonic() + 240
        while True:
            jobs = call(scrapyd + "listjobs.json?project=newsarchive")
            if any(j["id"] == job for j in jobs["finished"]):
                break
            assert time.monotonic() < deadline, f"scrapyd job {job} did not finish: {jobs}"
            time.sleep(0.5)

    expected = demo_manifest(base_url)
    with sqlite3.connect(data / "news.db") as db:
        (articles,) = db.execute("SELECT count(*) FROM articles").fetchone()
        (reason,) = db.execute("SELECT finish_reason FROM crawls").fetchone()
    logs = list((tmp_path / "scrapyd" / "logs").rglob("*.log"))
    log = logs[0].read_text() if logs else "(no log)"
    assert reason == "finished", log[-3000:]
    assert articles == len(expected) >= 30, log[-3000:]
    assert "crawler.settings" in log or "newsarchive" in log  # the project's settings module
