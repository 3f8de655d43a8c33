"""`newsarchive reextract` on a demo archive: once per extractor version, resumable after a kill,
never overwriting old extraction rows, filters that select the right captures.

A new extractor version is simulated with a `sitecustomize.py` on PYTHONPATH, so that the CLI
process and its spawned workers all see it (in-process tests use monkeypatch instead).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import archive.extract
import archive.jobs.worker
from archive.db.connection import open_db
from archive.jobs.pool import POOL_MIN
from archive.jobs.reextract import Selection, count_selected, reextract
from archive.storage import open_blob_store
from archive.storage.local import LocalBlobStore
from tests.fixtures import ROOT, run_cli
from tests.support.s3server import Bucket

pytestmark = [pytest.mark.crawl]

NEW = "99.0.0"
SITECUSTOMIZE = """
import os, time
if os.environ.get("TEST_EXTRACTOR_VERSION"):
    import archive.extract, archive.jobs.worker
    archive.extract.EXTRACTOR_VERSION = os.environ["TEST_EXTRACTOR_VERSION"]
    delay = float(os.environ.get("TEST_EXTRACT_DELAY") or 0)
    if delay:
        slow = archive.jobs.worker.extract
        def extract(*args, **kwargs):
            time.sleep(delay)
            return slow(*args, **kwargs)
        archive.jobs.worker.extract = extract
"""


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("reextract") / "demo"
    run_cli("demo", "--single", "--data", str(data))
    with sqlite3.connect(data / "news.db") as db:
        (n,) = db.execute("SELECT count(*) FROM captures").fetchone()
    assert n >= 30, f"the demo crawl archived {n} pages: see {data / 'logs' / 'crawl.log'}"
    return data


@pytest.fixture
def data(demo_data: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_data, copy)
    return copy


def reextract_cli(
    data: Path, *args: str, version: str = NEW, delay: float = 0, wait: bool = True
) -> Any:
    site = data.parent / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {
        **os.environ,
        "PYTHONPATH": f"{site}{os.pathsep}{ROOT}",
        "TEST_EXTRACTOR_VERSION": version,
        "TEST_EXTRACT_DELAY": str(delay),
    }
    cmd = [sys.executable, "-m", "archive", "reextract", "--data", str(data), "--json", *args]
    if not wait:  # output to files: orphaned workers must not hold our pipes open
        with (data.parent / "reextract.log").open("w") as log:
            return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, f"reextract failed:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout)


def rows(data: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data / "news.db") as db:
        return db.execute(sql, args).fetchall()


def old_extractions(data: Path) -> list[tuple[Any, ...]]:
    return rows(data, "SELECT * FROM extractions WHERE extractor_version != ? ORDER BY id", NEW)


def multiply_captures(data: Path, copies: int) -> int:
    """More captures (same bodies, other URLs) so that the run needs worker processes."""
    with sqlite3.connect(data / "news.db") as db:
        for n in range(1, copies):
            db.execute(
                """INSERT INTO captures (url, final_url, site, fetched_at, status, content_type,
                    headers, hints, sha256, size, blob_key, mirrored)
                   SELECT url || ?1, final_url || ?1, site, fetched_at, status, content_type,
                    headers, hints, sha256, size, blob_key, mirrored FROM captures
                   WHERE url NOT LIKE '%?copy=%'""",
                [f"?copy={n}"],
            )
        (count,) = db.execute("SELECT count(*) FROM captures").fetchone()
    return int(count)


def test_new_version_reextracts_everything_once(data: Path) -> None:
    before = old_extractions(data)
    (captures,) = rows(data, "SELECT count(*) FROM captures WHERE status = 200")[0]
    versions = rows(data, "SELECT id, version, content_hash FROM articles ORDER BY id")
    history = rows(data, "SELECT count(*) FROM article_versions")
    first = reextract_cli(data)
    assert first["captures"] == first["selected"] == captures > 0
    assert first["outcomes"] == {"updated": captures}
    assert rows(data, "SELECT count(*) FROM extractions WHERE extractor_version = ?", NEW) == [
        (captures,)
    ]
    assert old_extractions(data) == before, "old extraction rows must stay exactly as they were"
    assert rows(data, "SELECT count(*) FROM article_versions") == history
    after = rows(data, "SELECT id, version, content_hash FROM articles ORDER BY id")
    assert [(i, v) for i, v, _ in after] == [(i, v) for i, v, _ in versions], (
        "a re-extraction is not a new edit of the page: no version bump"
    )
    assert rows(data, "SELECT DISTINCT extractor_version FROM articles") == [(NEW,)]
    second = reextract_cli(data)
    assert second["selected"] == second["captures"] == 0, "same version: nothing to do"
    assert old_extractions(data) == before


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_resumes_after_sigkill(data: Path) -> None:
    total = multiply_captures(data, 3)
    assert total >= POOL_MIN, "enough captures for worker processes"
    proc = reextract_cli(data, "--workers", "2", delay=0.05, wait=False)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        (done,) = rows(data, "SELECT count(*) FROM extractions WHERE extractor_version = ?", NEW)[0]
        if done:
            break
        time.sleep(0.05)
    log = (data.parent / "reextract.log").read_text
    assert proc.poll() is None, f"the run ended before the kill:\n{log()[-2000:]}"
    workers = _children(proc.pid)
    assert len(workers) >= 2, "worker processes (and the resource tracker) are running"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)], "workers exit when their parent is killed"
    (done,) = rows(data, "SELECT count(*) FROM extractions WHERE extractor_version = ?", NEW)[0]
    assert 0 < done < total, f"killed midway: {done} of {total} recorded"
    rest = reextract_cli(data, "--workers", "2")
    assert rest["selected"] == rest["captures"] == total - done, "continues where it stopped"
    (final,) = rows(data, "SELECT count(*) FROM extractions WHERE extractor_version = ?", NEW)[0]
    assert final == total
    assert reextract_cli(data)["captures"] == 0


def test_changed_fields_refresh_the_article_not_its_version(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archive.extract import extract as real

    def new_extractor(*args: Any, **kwargs: Any) -> Any:
        article = real(*args, **kwargs)
        article.body += "\n\nCorrection appended by extractor 99."
        return article

    monkeypatch.setattr(archive.extract, "EXTRACTOR_VERSION", NEW)
    monkeypatch.setattr(archive.jobs.worker, "extract", new_extractor)
    signatures = dict(rows(data, "SELECT article_id, body FROM minhash_signatures"))
    db = open_db(data, create=False)
    report = reextract(LocalBlobStore(data / "raw"), db, workers=1)  # in-process: few pages
    n = report.captures
    assert n > 0
    assert report.changed == report.fields["body"] == n
    assert len(report.examples["body"]) == 3
    assert "title" not in report.fields
    bodies = rows(data, "SELECT body, version FROM articles")
    assert all(b.endswith("extractor 99.") and v == 1 for b, v in bodies)
    (hits,) = rows(data, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Correction'")
    assert hits == (n,), "the search index follows the new body"
    versions = rows(data, "SELECT body FROM article_versions")
    assert len(versions) == n
    assert all(b.endswith("extractor 99.") for (b,) in versions)
    after = dict(rows(data, "SELECT article_id, body FROM minhash_signatures"))
    assert signatures, "the demo articles have near-duplicate signatures"
    assert all(after[a] != sig for a, sig in signatures.items()), "signatures follow the text"
    old = rows(data, "SELECT fields FROM extractions WHERE extractor_version != ?", NEW)
    assert not any("Correction appended" in f for (f,) in old), "old rows keep old text"
    db.close()


def test_filters_select_the_right_captures(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive.extract, "EXTRACTOR_VERSION", NEW)
    ids = [i for (i,) in rows(data, "SELECT id FROM captures ORDER BY id")]
    with sqlite3.connect(data / "news.db") as con:
        con.execute("UPDATE captures SET site = 'other' WHERE id % 2 = 0")
        con.execute("UPDATE captures SET fetched_at = '2024-05-01T10:00:00Z' WHERE id % 3 = 0")
        con.execute("UPDATE captures SET fetched_at = '2024-05-02T23:59:59Z' WHERE id % 3 = 1")
        # the crawl ran extractor 0.1.0; a newer one (0.5.0) already ran on every fifth capture
        con.execute("UPDATE extractions SET extractor_version = '0.1.0'")
        con.execute(
            """INSERT INTO extractions (capture_id, extractor_version, extracted_at, is_article)
               SELECT id, '0.5.0', '2024-06-01T00:00:00Z', 1 FROM captures WHERE id % 5 = 0"""
        )
    db = open_db(data, create=False)
    site = rows(data, "SELECT site FROM captures WHERE id % 2 = 1 LIMIT 1")[0][0]
    expect = [
        (Selection(), len(ids)),
        (Selection(sites=["other"]), sum(i % 2 == 0 for i in ids)),
        (Selection(sites=["other", site]), len(ids)),
        (Selection(since="2024-05-02"), sum(i % 3 != 0 for i in ids)),
        (Selection(until="2024-05-02"), sum(i % 3 != 2 for i in ids)),
        (Selection(since="2024-05-02", until="2024-05-02"), sum(i % 3 == 1 for i in ids)),
        (Selection(older_than="0.5.0"), sum(i % 5 != 0 for i in ids)),
        (Selection(older_than="0.1.0"), 0),
        (Selection(older_than="0.10.0"), len(ids)),  # 0.10 > 0.5: versions compare as numbers
        (Selection(sites=["other"], older_than="0.5.0"), sum(i % 10 and not i % 2 for i in ids)),
    ]
    for selection, count in expect:
        assert count_selected(db, selection) == count, selection
    db.close()
    ran = reextract_cli(data, "--site", "other", "--since", "2024-05-02", version=NEW)
    wanted = sum(i % 2 == 0 and i % 3 != 0 for i in ids)
    assert ran["captures"] == wanted
    chosen = rows(
        data,
        "SELECT c.site, c.fetched_at FROM extractions e JOIN captures c "
        "ON c.id = e.capture_id WHERE e.extractor_version = ?",
        NEW,
    )
    assert len(chosen) == wanted
    assert all(s == "other" and f >= "2024-05-02" for s, f in chosen)


def test_bad_day_is_a_usage_error(data: Path) -> None:
    proc = run_cli("reextract", "--data", str(data), "--since", "May 1", check=False)
    assert proc.returncode == 2
    assert "YYYY-MM-DD" in proc.stderr


def test_help_has_an_example() -> None:
    assert "Example" in run_cli("reextract", "--help").stdout


def test_reads_an_s3_store(data: Path, s3_bucket: Bucket) -> None:
    local = LocalBlobStore(data / "raw")
    bucket = open_blob_store(s3_bucket.uri, spool=data / "spool")
    for sha in list(local.keys()):
        bucket.put(sha, local.get(sha), local.meta(sha))
    shutil.rmtree(data / "raw")  # only the bucket has the bodies now
    (captures,) = rows(data, "SELECT count(*) FROM captures WHERE status = 200")[0]
    report = reextract_cli(data, "--blobs", s3_bucket.uri)
    assert report["captures"] == captures > 0
    assert not report["errors"]
