"""Helpers of the tests/test_security_*.py attacks: a small HTTP server on 127.0.0.1 whose pages a
test sets, and a network jail for the crawl subprocess.

The jail is a `sitecustomize.py` put on the crawl's PYTHONPATH (it runs in the crawler and its
extraction workers): host names listed in NEWSARCHIVE_JAIL_DNS resolve to the answers given,
one answer per lookup (the last repeats; "error" fails that lookup), any other name fails to
resolve, and no socket may connect anywhere but loopback. Every lookup and every refused
connection is written to NEWSARCHIVE_JAIL_LOG. So a test can play a rebinding DNS server in the
test's own processes, and an attack that would reach out (s3://, a public address) reaches
nothing, on fixed code and on broken code alike.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fixtures import ROOT, run_cli

JAIL = r"""
import errno, ipaddress, json, os, re, socket, threading
_DNS = json.loads(os.environ.get("NEWSARCHIVE_JAIL_DNS") or "{}")
_LOG = os.environ.get("NEWSARCHIVE_JAIL_LOG", "")
_SEEN = {}
_LOCK = threading.Lock()
_NUMERIC = re.compile(r"^[0-9a-fA-FxX.]+$")

def _note(line):
    if _LOG:
        with _LOCK, open(_LOG, "a") as out:
            out.write(line + "\n")

def _answer(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None:
        return None
    name = host.lower().rstrip(".")
    if name in _DNS:
        with _LOCK:
            n = _SEEN.get(name, 0)
            _SEEN[name] = n + 1
        answers = _DNS[name]
        answer = answers[min(n, len(answers) - 1)]
        _note(f"lookup {name} -> {answer}")
        if answer == "error":
            raise socket.gaierror(socket.EAI_AGAIN, "jail: this lookup fails")
        return answer
    try:
        ipaddress.ip_address(name.strip("[]"))
        return None
    except ValueError:
        pass
    if name == "localhost" or _NUMERIC.match(name):
        return None
    _note(f"lookup {name} refused")
    raise socket.gaierror(socket.EAI_NONAME, "jail: no DNS outside the test")

_getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname
_gethostbyname_ex = socket.gethostbyname_ex

def getaddrinfo(host, *args, **kwargs):
    answer = _answer(host)
    return _getaddrinfo(host if answer is None else answer, *args, **kwargs)

def gethostbyname(host):
    answer = _answer(host)
    return _gethostbyname(host if answer is None else answer)

def gethostbyname_ex(host):
    answer = _answer(host)
    return _gethostbyname_ex(host if answer is None else answer)

socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
socket.gethostbyname_ex = gethostbyname_ex

def _outside(address):
    if not isinstance(address, tuple):
        return False
    try:
        return not ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback
    except ValueError:
        return True

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def connect(self, address):
    if _outside(address):
        _note(f"connect {address[0]} refused")
        raise ConnectionRefusedError(errno.ECONNREFUSED, "jail: loopback only")
    return _connect(self, address)

def connect_ex(self, address):
    if _outside(address):
        _note(f"connect {address[0]} refused")
        return errno.ECONNREFUSED
    return _connect_ex(self, address)

socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
"""


def jail_env(
    folder: Path, dns: dict[str, list[str]] | None = None, extra: str = ""
) -> dict[str, str]:
    """Environment for a jailed subprocess; `extra` is appended to its sitecustomize.py."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(JAIL + extra)
    return {
        **os.environ,
        "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
        "NEWSARCHIVE_JAIL_DNS": json.dumps(dns or {}),
        "NEWSARCHIVE_JAIL_LOG": str(folder / "jail.log"),
    }


def jail_log(env: dict[str, str]) -> list[str]:
    path = Path(env["NEWSARCHIVE_JAIL_LOG"])
    return path.read_text().splitlines() if path.exists() else []


def crawl(
    env: dict[str, str], *args: str, timeout: float = 240, must_end: bool = True
) -> subprocess.CompletedProcess[str] | None:
    """`python -m archive crawl ARGS` in the jail; raises with its stderr if it failed. With
    `must_end` False a crawl still running after `timeout` is killed and None returned (what
    it did is then judged by what the servers saw)."""
    try:
        proc = run_cli("crawl", *args, timeout=timeout, check=False, env=env)
    except subprocess.TimeoutExpired:
        if must_end:
            raise
        return None
    assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc


def crawl_refused(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """A crawl in the jail whose every fetch is refused: it archives nothing, so it exits 1
    (the exit-code contract of `newsarchive crawl`), saying so."""
    proc = run_cli("crawl", *args, timeout=240, check=False, env=env)
    assert proc.returncode == 1, f"crawl exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    assert "Nothing was archived" in proc.stderr
    return proc


Page = tuple[int, str, bytes] | Callable[[str], tuple[int, str, bytes]]


class Server:
    """An HTTP server on 127.0.0.1: `pages[path] = (status, content type, body)` or a function
    of the path; other paths answer 404. `hits` lists (Host header, path) of every request."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.fallback: Callable[[str], tuple[int, str, bytes]] | None = None
        self.hits: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

            def do_GET(self) -> None:
                server.hits.append((self.headers.get("Host", ""), self.path))
                status, ctype, body = server.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if status in (301, 302):  # the body is the Location
                    self.send_header("Location", body.decode())
                    body = b""
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str) -> tuple[int, str, bytes]:
        page = self.pages.get(path)
        if callable(page):
            return page(path)
        if page is not None:
            return page
        if self.fallback is not None:
            return self.fallback(path)
        return 404, "text/plain", b"not here"

    def paths(self) -> list[str]:
        return [path for _, path in self.hits]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def story(title: str, *, extra_head: str = "") -> bytes:
    return (
        f"<html><head><title>{title}</title>{extra_head}</head><body><article><h1>{title}</h1>"
        + "".join(
            f"<p>On day {n} of the session the council met on the quay and argued about "
            f"item {n * 7} of the dredging budget for the coming year.</p>"
            for n in range(1, 9)
        )
        + "</article></body></html>"
    ).encode()


def stats_of(data: Path) -> dict[str, Any]:
    """The stats of the last crawl into `data` ({} if none finished)."""
    if not (data / "news.db").exists():
        return {}
    db = sqlite3.connect(data / "news.db")
    try:
        row = db.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()
    return dict(json.loads(row[0])) if row and row[0] else {}
