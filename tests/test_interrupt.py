"""Ctrl-C and SIGTERM on a crawl, as a terminal sends them: an orderly stop that keeps every
page fetched and mirrored, indexed; exit 130 (143 for SIGTERM); no traceback, no page body."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archive.demo import build_site

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
PAGE_DELAY = 0.25  # seconds per response: a crawl that is still busy when interrupted


class SlowHandler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(PAGE_DELAY)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def slow_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("slow-site")

    def handler(*args: Any, **kwargs: Any) -> SlowHandler:
        return SlowHandler(*args, directory=str(root), **kwargs)

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    build_site(root, base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


class Terminal:
    """A crawl on a pseudo-terminal in its own session, like a shell's foreground job."""

    def __init__(self, args: list[str]) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": "120", "NEWSARCHIVE_DATA": ""}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "archive", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def read(self) -> None:
        while select.select([self.master], [], [], 0)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def signal(self, sig: int) -> None:
        os.killpg(self.proc.pid, sig)  # the whole foreground group, as a terminal does

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.read()
            time.sleep(0.05)
        if self.proc.poll() is None:
            self.signal(signal.SIGKILL)
            pytest.fail(f"the crawl did not stop in {timeout} s:\n{self.text[-3000:]}")
        time.sleep(0.2)
        self.read()
        os.close(self.master)
        return self.proc.returncode

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", "replace")


def blobs(data: Path) -> set[str]:
    """The sha256 of every body in the raw folder (zstd, or gzip before it)."""
    names = {p.name.split(".")[0] for p in (data / "raw").glob("*/*/*") if p.suffix != ".json"}
    return {n for n in names if len(n) == 64}


def wait_for_blobs(term: Terminal, data: Path, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(blobs(data)) < n:
        term.read()
        if term.proc.poll() is not None or time.monotonic() > deadline:
            term.signal(signal.SIGKILL)
            pytest.fail(f"no {n} pages mirrored:\n{term.text[-3000:]}")
        time.sleep(0.05)


def indexed(data: Path) -> set[str]:
    with sqlite3.connect(data / "news.db") as conn:
        return {row[0] for row in conn.execute("SELECT sha256 FROM captures WHERE sha256 != ''")}


def crawl_args(base: str, data: Path) -> list[str]:
    # no delay, four at a time: several pages are in flight when the signal comes
    sites = data.parent / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "slow"\nurl = "{base}"\ndelay = 0.0\nconcurrency = 4\n'
        "allow_private = true\n"
    )
    return ["crawl", "--sites", str(sites), "--data", str(data), "--workers", "2"]


def assert_clean(text: str) -> None:
    assert "Traceback" not in text, f"a traceback on the terminal:\n{text[-4000:]}"
    assert "<html" not in text.lower(), f"a page body on the terminal:\n{text[-4000:]}"
    assert "BrokenProcessPool" not in text, text[-4000:]
    assert "Error processing" not in text, text[-4000:]


def test_ctrl_c_stops_in_order_and_indexes_what_was_mirrored(
    slow_site: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    term = Terminal(crawl_args(slow_site, data))
    wait_for_blobs(term, data, 6)
    term.signal(signal.SIGINT)
    code = term.wait(timeout=90)
    text = term.text
    assert code == 130, f"exit {code}, expected 130 after Ctrl-C:\n{text[-3000:]}"
    lines = [line for line in text.splitlines() if "stopping:" in line]
    assert len(lines) == 1, f"one 'stopping' line expected:\n{text[-3000:]}"
    assert "in flight, Ctrl-C again to force" in lines[0]
    assert_clean(text)
    written = blobs(data)
    assert written, "pages were mirrored before the signal"
    assert indexed(data) == written, "every mirrored page is indexed (captures == blobs)"
    log = (data / "logs" / "crawl.log").read_text()
    assert "<html" not in log.lower(), "no page body in a log line"
    assert "BrokenProcessPool" not in log, "the workers outlived the Ctrl-C"
    assert "Error processing" not in log


def test_second_ctrl_c_exits_at_once_and_the_crawl_resumes(slow_site: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    term = Terminal(crawl_args(slow_site, data))
    wait_for_blobs(term, data, 4)
    term.signal(signal.SIGINT)
    time.sleep(0.3)
    started = time.monotonic()
    term.signal(signal.SIGINT)
    code = term.wait(timeout=60)
    assert code == 130, f"exit {code}:\n{term.text[-3000:]}"
    assert time.monotonic() - started < 15, "a second Ctrl-C exits at once"
    assert_clean(term.text)
    # resumable: the next crawl runs to its end, and then every blob is indexed
    again = Terminal(crawl_args(slow_site, data))
    assert again.wait(timeout=240) == 0, again.text[-3000:]
    assert indexed(data) >= blobs(data)


def test_sigterm_stops_in_order(slow_site: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    term = Terminal(crawl_args(slow_site, data))
    wait_for_blobs(term, data, 6)
    term.signal(signal.SIGTERM)  # `timeout` signals the whole group too
    code = term.wait(timeout=90)
    assert code == 143, f"exit {code}, expected 128 + SIGTERM:\n{term.text[-3000:]}"
    assert_clean(term.text)
    log = (data / "logs" / "crawl.log").read_text()
    assert "BrokenProcessPool" not in log
    assert "Error processing" not in log
    assert indexed(data) == blobs(data)
