"""The disk fills up during a crawl: a small tmpfs as the data folder.

The crawl must stop cleanly (non-zero exit, a message naming the folder), leave nothing
half-written that looks complete (every blob file gunzips to its sha256, every capture row has
its blob, the database passes integrity_check), and once space is freed the next crawl ends
with the uninterrupted crawl's archive.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.errors import BlobStoreError
from archive.model import sha256_hex
from archive.storage.local import LocalBlobStore
from tests.faults.conftest import (
    Crawl,
    archive_state,
    crawl_cmd,
    integrity,
    lost,
    story_difference,
)
from tests.faults.report import record
from tests.fixtures import run_cli

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

SIZE_SHARE = 0.4  # the tmpfs holds this share of what the reference crawl wrote


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@contextlib.contextmanager
def tmpfs(where: Path, size: int) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {mount.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _complete_blobs_are_whole(data: Path) -> tuple[int, list[str]]:
    store = LocalBlobStore(data / "raw")
    bad = []
    keys = list(store.keys())
    for sha in keys:
        try:
            if sha256_hex(store.get(sha)) != sha:
                bad.append(f"{sha}: sha256 mismatch")
        except BlobStoreError as exc:  # not valid gzip: a half-written file
            bad.append(f"{sha}: {exc}")
    return len(keys), bad


def test_disk_full_stops_cleanly_and_resumes(
    reference: dict[str, Any], fault_sites: Path, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    ref = reference["state"]
    size = int(_du(reference["data"]) * SIZE_SHARE)
    started = time.monotonic()
    with tmpfs(tmp_path / "small", size) as mnt:
        data = mnt / "data"
        crawl = Crawl(crawl_cmd(fault_sites, data), tmp_path / "crawl.err")
        code = crawl.wait()
        err = crawl.stderr()
        blobs, bad = _complete_blobs_are_whole(data)
        check = integrity(data)
        verify = run_cli("verify", "--data", str(data), "--json", check=False)
        partial = archive_state(data)
        subprocess.run(["mount", "-o", f"remount,size={size * 10}", str(mnt)], check=True)
        again = Crawl(crawl_cmd(fault_sites, data), tmp_path / "crawl2.err")
        code2 = again.wait()
        got = archive_state(data)
        check2 = integrity(data)
    missing = lost(ref, got)
    clean = code != 0 and str(data) in err and not bad and check == "ok"
    record(
        "fault",
        f"disk full: a {size // 1024} KiB tmpfs as the data folder, then space freed",
        injected=1,
        survived=int(clean and not missing),
        started=started,
        captures_lost=len(missing),
        note=f"crawl exit {code}, {partial.rows} captures and {blobs} whole blobs before the "
        f"stop; verify exit {verify.returncode}; after freeing space {got.rows} captures vs "
        f"{ref.rows}",
    )
    assert code != 0, f"a crawl that ran out of disk must not exit 0:\n{err}"
    assert str(data) in err, f"the message names the folder:\n{err}"
    assert "is full" in err, err
    assert not bad, f"half-written blobs look complete: {bad[:3]}"
    assert check == "ok", check
    assert verify.returncode == 0, f"rows without their blob:\n{verify.stdout[-2000:]}"
    assert code2 == 0, f"the crawl after freeing space failed:\n{again.stderr()}"
    assert not missing, f"captures lost: {sorted(missing)[:5]}"
    assert not story_difference(ref, got)
    assert check2 == "ok"
