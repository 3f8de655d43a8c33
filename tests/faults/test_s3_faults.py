"""S3 faults not covered elsewhere: the server killed *during* `sync`, and credentials that must
never reach logs, stats, error messages or the database.

The S3 server killed during a crawl: tests/test_s3_crawl.py::test_s3_killed_mid_crawl_loses_nothing;
stopped before a sync, and the next crawl retrying the spool: tests/test_sync.py.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.db.connection import open_db
from archive.db.writer import IndexWriter
from archive.model import Capture
from archive.storage import blob_key
from archive.storage.local import LocalBlobStore
from tests.faults.conftest import Crawl, crawl_cmd
from tests.faults.report import record
from tests.fixtures import ROOT
from tests.support.s3server import SECRET_KEY, Bucket

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

SPOOLED = 300


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
        check=False,
    )


def _spool(data: Path, count: int) -> list[str]:
    """Captures an S3 outage left in the spool (rows unmirrored), as the crawl leaves them."""
    spool = LocalBlobStore(data / "spool")
    writer = IndexWriter(open_db(data, create=True))
    shas = []
    with writer.db.atomic():
        for n in range(count):
            body = os.urandom(48 * 1024)  # incompressible: the uploads take a moment
            url = f"https://ledger.example/news/{n}"
            cap = Capture(
                url=url,
                final_url=url,
                status=200,
                body=body,
                content_type="text/html",
                site="ledger",
                fetched_at=f"2026-03-05T08:{n // 60:02}:{n % 60:02}Z",
            )
            cap.blob_key, cap.mirrored = blob_key(cap.sha256), False
            spool.put(cap.sha256, body, cap.meta())
            writer.add_capture(cap)
            shas.append(cap.sha256)
    writer.db.close()
    return shas


def test_s3_killed_during_sync_loses_nothing(s3_bucket: Bucket, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shas = _spool(data, SPOOLED)
    started = time.monotonic()
    args = [
        sys.executable,
        "-m",
        "archive",
        "sync",
        "--data",
        str(data),
        "--blobs",
        s3_bucket.uri,
        "--json",
    ]
    with subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    ) as sync:
        deadline = time.monotonic() + 120
        while len(s3_bucket.object_keys()) < SPOOLED // 5 and time.monotonic() < deadline:
            assert sync.poll() is None, "sync ended before the outage could start"
            time.sleep(0.05)
        s3_bucket.server.stop(kill=True)
        try:
            out, err = sync.communicate(timeout=240)
        finally:
            s3_bucket.server.start()
    uploaded_before = len(s3_bucket.object_keys())
    with sqlite3.connect(data / "news.db") as db:
        marked = db.execute("SELECT count(*) FROM captures WHERE mirrored = 1").fetchone()[0]
    spooled = set(LocalBlobStore(data / "spool").keys())
    # nothing is marked mirrored or dropped from the spool unless its object was read back
    assert marked + len(spooled) >= SPOOLED
    again = _cli("sync", "--data", str(data), "--blobs", s3_bucket.uri, "--json")
    verify = _cli("verify", "--data", str(data), "--blobs", s3_bucket.uri)
    with sqlite3.connect(data / "news.db") as db:
        unmirrored = db.execute("SELECT count(*) FROM captures WHERE mirrored = 0").fetchone()[0]
    objects = len(s3_bucket.object_keys())
    left = list(LocalBlobStore(data / "spool").keys())
    ok = again.returncode == 0 and verify.returncode == 0 and objects == SPOOLED and not left
    record(
        "fault",
        f"S3 server SIGKILLed during `sync` of {SPOOLED} spooled bodies, restarted",
        injected=1,
        survived=int(ok),
        started=started,
        captures_lost=SPOOLED - objects if not left else len(left),
        note=f"first sync exit {sync.returncode} after {uploaded_before} uploads; second sync "
        f"exit {again.returncode}; verify exit {verify.returncode}; {unmirrored} rows unmirrored",
    )
    assert sync.returncode != 0, f"a sync cut short must not report success: {out}{err}"
    assert again.returncode == 0, again.stdout + again.stderr
    assert objects == SPOOLED
    assert not left
    assert unmirrored == 0
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    bodies = [k.rsplit("/", 1)[-1] for k in s3_bucket.object_keys()]
    assert sorted(shas) == sorted(  # bodies are <sha256>.gz (old) or <sha256>.zst
        name.split(".")[0] for name in bodies if re.fullmatch(r"[0-9a-f]{64}\.(gz|zst)", name)
    )


def _places(data: Path, outputs: list[str]) -> dict[str, str]:
    """Everything a crawl leaves that a person or a tool may read."""
    places = {f"output {i}": text for i, text in enumerate(outputs)}
    for path in data.rglob("*"):
        if path.is_file():
            places[str(path.relative_to(data))] = path.read_bytes().decode("latin-1")
    with sqlite3.connect(data / "news.db") as db:
        places["crawls.stats"] = json.dumps(db.execute("SELECT stats FROM crawls").fetchall())
        places["db dump"] = "\n".join(db.iterdump())
    return places


def test_credentials_never_written(s3_bucket: Bucket, fault_sites: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    data = tmp_path / "data"
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == SECRET_KEY  # the marker, set by s3_bucket
    # a verbose crawl to the bucket: every log line botocore and scrapy write at DEBUG
    crawl = Crawl(
        crawl_cmd(
            fault_sites, data, "--blobs", s3_bucket.uri, "--site", "site-a", "-s", "LOG_LEVEL=DEBUG"
        ),
        tmp_path / "crawl.err",
        env=os.environ.copy(),
    )
    assert crawl.wait() == 0, crawl.stderr()
    outputs = [crawl.log.read_text(errors="replace")]
    # the error paths: the store down (sync, verify), then a wrong bucket
    s3_bucket.server.stop(kill=True)
    try:
        runs = [
            ("sync", "--blobs", data),
            ("verify", "--blobs", data),
            ("rebuild", "--from", tmp_path / "rebuilt"),
        ]
        for command, option, where in runs:
            proc = _cli(command, option, s3_bucket.uri, "--data", str(where), timeout=120)
            outputs += [proc.stdout, proc.stderr]
    finally:
        s3_bucket.server.start()
    wrong = _cli("verify", "--data", str(data), "--blobs", "s3://no-such-bucket-x/raw")
    outputs += [wrong.stdout, wrong.stderr]
    places = _places(data, outputs)
    leaks = sorted(name for name, text in places.items() if SECRET_KEY in text)
    record(
        "secret",
        "AWS_SECRET_ACCESS_KEY marker through a DEBUG crawl to S3, S3 down, a wrong bucket",
        injected=len(places),
        survived=len(places) - len(leaks),
        started=started,
        note=f"searched {len(places)} logs, outputs, files and the database",
    )
    assert not leaks, f"the secret is written in: {leaks}"
