"""Distributed crawls against a real redis-server and a real SeaweedFS: two `newsarchive crawl`
processes share one scrapy-redis frontier over the test web (archive/demo/web), mirror to one
bucket, and `newsarchive ingest` builds the database from the bucket."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from tests.fixtures import CRAWL_SETTINGS, ROOT, TestWeb, run_cli
from tests.support import cli_command, crawl_command
from tests.support.crawl_eval import article_paths, read_access_log
from tests.support.s3server import Bucket

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

KILL_HEARTBEAT = 1.0  # s: a SIGKILLed worker is declared dead after 3 s


@pytest.fixture(scope="module")
def single(testweb: TestWeb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A single-process crawl of the same web, the reference."""
    work = tmp_path_factory.mktemp("single")
    sites = testweb.sites_toml(work / "sites.toml")
    run_cli("crawl", "--sites", str(sites), "--data", str(work / "data"), *CRAWL_SETTINGS)
    return work / "data" / "news.db"


def worker(
    sites: Path, data: Path, bucket: Bucket, redis_url: str, heartbeat: float = 5.0
) -> subprocess.Popen[str]:
    cmd = crawl_command(
        sites,
        data,
        "--blobs",
        bucket.uri,
        *CRAWL_SETTINGS,
        "-s",
        f"NEWSARCHIVE_REDIS_HEARTBEAT={heartbeat}",
        "-s",
        "MAX_IDLE_TIME_BEFORE_CLOSE=1",
    )
    # AWS_* come from the s3_bucket fixture
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "NEWSARCHIVE_REDIS_KEY": "test-key-0123456789abcdef",
    }
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> str:
    _, stderr = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"worker exited {proc.returncode}:\n{stderr[-3000:]}"
    return stderr


def articles(db_path: Path, aliases: dict[str, str] | None = None) -> set[tuple[str, str]]:
    """(URL, content hash) of every article; URLs in `aliases` replaced by their group's."""
    aliases = aliases or {}
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT url, content_hash FROM articles")
        return {(aliases.get(url, url), digest) for url, digest in rows}


def extractor_versions(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as db:
        return {v for (v,) in db.execute("SELECT DISTINCT extractor_version FROM extractions")}


def same_article_urls(db_path: Path) -> dict[str, str]:
    """URL -> the first of the URLs whose captures the reference stored as one article (exact
    duplicates at two URLs, e.g. one body in two declared charsets). The article is named by
    whichever was fetched first, and with two workers that order is not fixed."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT group_concat(DISTINCT url) FROM captures WHERE article_id IS NOT NULL "
            "GROUP BY article_id HAVING count(DISTINCT url) > 1"
        )
        groups = [sorted(urls.split(",")) for (urls,) in rows]
    return {url: group[0] for group in groups for url in group}


def ingest(bucket: Bucket, data: Path) -> Path:
    run_cli("ingest", "--from", bucket.uri, "--data", str(data), "--workers", "1")
    return data / "news.db"


def article_fetches(server: TestWeb, start: int) -> Counter[str]:
    hits, _ = read_access_log(server.access_log, start)
    paths = article_paths(server.manifest)
    return Counter(p.split("?")[0] for p, _ in hits if p.split("?")[0] in paths)


def redis_keys(redis_url: str) -> list[str]:
    return sorted(k.decode() for k in redis.Redis.from_url(redis_url).keys("*"))  # type: ignore[union-attr]


def test_two_workers_fetch_each_article_once_and_ingest_equals_single_crawl(
    testweb: TestWeb,
    single: Path,
    s3_bucket: Bucket,
    redis_url: str,
    tmp_path: Path,
) -> None:
    sites = testweb.sites_toml(tmp_path / "sites.toml")
    _, start = read_access_log(testweb.access_log)
    workers = [worker(sites, tmp_path / f"node{i}", s3_bucket, redis_url) for i in range(2)]
    logs = [finish(w) for w in workers]

    fetches = article_fetches(testweb, start)
    twice = sorted(p for p, n in fetches.items() if n > 1)
    assert not twice, f"{len(twice)} articles fetched more than once across workers: {twice[:5]}"
    for log in logs:  # both took part: each fetched some pages
        fetched = int(log.split(" pages fetched")[0].rsplit(" ", 1)[1])
        assert fetched > 10, f"a worker fetched only {fetched} pages:\n{log[-2000:]}"

    aliases = same_article_urls(single)
    # the web's few duplicate pages: one body in two declared charsets (/intl/) and, per site,
    # trap copies (/flaky/, /slow/) captured beside the story they name as canonical
    assert len(aliases) <= 15, "only a few duplicate pages of the test web are aliased"
    reference = articles(single, aliases)
    ingested = articles(ingest(s3_bucket, tmp_path / "indexer"), aliases)
    assert len(reference) > 100
    versions = [extractor_versions(db) for db in (single, tmp_path / "indexer" / "news.db")]
    assert versions[0] == versions[1], f"the extractor changed during the test run: {versions}"
    assert ingested == reference, (
        f"{len(reference - ingested)} articles of the single crawl missing after ingest, "
        f"{len(ingested - reference)} extra: {sorted(reference ^ ingested)[:4]}"
    )
    assert "newsarchive:news:seen" not in redis_keys(redis_url), "finished: fingerprints cleared"
    # ingest is idempotent: a second pass indexes nothing
    again = run_cli(
        "ingest", "--from", s3_bucket.uri, "--data", str(tmp_path / "indexer"), "--json"
    )
    assert '"indexed": 0' in again.stdout


def test_sigkilled_worker_loses_nothing(
    testweb: TestWeb,
    single: Path,
    s3_bucket: Bucket,
    redis_url: str,
    tmp_path: Path,
) -> None:
    # concurrency 2: the crawl lasts long enough to kill a worker midway
    sites = testweb.sites_toml(tmp_path / "sites.toml")
    sites.write_text(sites.read_text().replace("concurrency = 8", "concurrency = 2"))
    victim = worker(sites, tmp_path / "victim", s3_bucket, redis_url, KILL_HEARTBEAT)
    survivor = worker(sites, tmp_path / "survivor", s3_bucket, redis_url, KILL_HEARTBEAT)
    # the indexer follows the bucket while the crawl runs, and stops once it is quiet
    indexer = subprocess.Popen(
        cli_command(
            "ingest",
            "--from",
            s3_bucket.uri,
            "--data",
            str(tmp_path / "indexer"),
            "--follow",
            "--interval",
            "1",
            "--idle-exit",
            "20",
            "--workers",
            "1",
            "--json",
        ),
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    client = redis.Redis.from_url(redis_url)

    def victim_holds() -> bool:
        """Whether the victim's own in-flight hash is not empty (its id holds its pid)."""
        keys = [k for k in redis_keys(redis_url) if ":inflight:" in k and f"-{victim.pid}-" in k]
        return any(client.hlen(k) > 0 for k in keys)

    # killed mid-crawl, at a moment it holds requests (checked just before the kill: a worker
    # between pages holds none, and then there is nothing to queue again)
    deadline = time.monotonic() + 120
    while len(s3_bucket.object_keys()) < 40 or not victim_holds():
        assert victim.poll() is None, "the victim finished before it could be killed"
        assert time.monotonic() < deadline, "the crawl did not get going"
        time.sleep(0.05)
    in_flight = [k for k in redis_keys(redis_url) if ":inflight:" in k]
    seen_ttl = redis.Redis.from_url(redis_url).ttl("newsarchive:news:seen")
    assert 0 < seen_ttl <= 7 * 86400, "the fingerprint set expires if the crawl is abandoned"
    victim.send_signal(signal.SIGKILL)
    victim.communicate()
    stderr = finish(survivor)
    log = (tmp_path / "survivor" / "logs" / "crawl.log").read_text()
    assert in_flight, "the victim held requests when it was killed"
    assert "requests it held are queued again" in log, stderr[-2000:]

    aliases = same_article_urls(single)
    reference = {url for url, _ in articles(single, aliases)}
    out, err = indexer.communicate(timeout=180)
    assert indexer.returncode == 0, err[-3000:]
    assert json.loads(out)["passes"] > 2, "ingest --follow indexed as the objects came"
    ingested = {url for url, _ in articles(tmp_path / "indexer" / "news.db", aliases)}
    missing = sorted(reference - ingested)
    assert not missing, f"{len(missing)} articles lost with the killed worker: {missing[:5]}"
    leftovers = [k for k in redis_keys(redis_url) if ":inflight:" in k or ":requests" in k]
    assert not leftovers, f"redis keys left behind: {leftovers}"
