"""A real redis for the tests: Debian's `redis-server` on 127.0.0.1, a free port, a temp dir,
no persistence. A pytest plugin (see tests/conftest.py):

- `redis_server`: the session's `RedisServer` (`.url`, `.client()`);
- `redis_url`: the URL for one test, with the database flushed first.

`RedisServer` is also used by bench/distributed.py.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import stop_process
from tests.support.s3server import free_ports


class RedisServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        (self.port,) = free_ports(1)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = root / "redis.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("No redis-server: apt-get install redis-server (scripts/setup.sh)")
        cmd = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.root),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(self.log),
            "--protected-mode",
            "yes",
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited ({self.proc.returncode}); see {self.log}")
            try:
                if self.client().ping():
                    return
            except OSError:
                pass
            except Exception as exc:  # redis.ConnectionError while it starts
                if "connect" not in str(exc).lower():
                    raise
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on {self.url} in {timeout}s")

    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def stop(self) -> None:
        if self.proc is None:
            return
        stop_process(self.proc, wait=10)
        self.proc = None


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    root = Path(tempfile.mkdtemp(prefix="redis-"))
    server = RedisServer(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.client().flushdb()
    return redis_server.url
