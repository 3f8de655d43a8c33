"""Issue 16, item 2: requests in redis are signed JSON, never pickle. Entries planted in a real
redis-server by someone without the key are dropped unread and counted."""

from __future__ import annotations

import json
import pickle
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import FormRequest

from crawler.distributed.redisjson import RedisKeyMissing, RejectedEntry, SignedJSON, check_key
from tests.faults.report import record
from tests.fixtures import run_cli
from tests.support.cluster_web import ClusterWeb, SiteSpec
from tests.support.s3server import Bucket
from tests.test_cluster_politeness import KEY, finish, node


class Marker:
    """Unpickling this creates a file: proof that a node ran code from redis."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.path), "w"))


@pytest.fixture
def web() -> Iterator[ClusterWeb]:
    web = ClusterWeb([SiteSpec("plain", "127.0.0.31", articles=6)])
    web.start()
    try:
        yield web
    finally:
        web.stop()


def test_planted_pickle_is_never_loaded_and_tampered_entry_is_dropped(
    web: ClusterWeb, s3_bucket: Bucket, redis_url: str, tmp_path: Path
) -> None:
    import redis

    server = redis.Redis.from_url(redis_url)
    marker = tmp_path / "pwned"
    pickled = pickle.dumps({"url": "http://127.0.0.31/x", "boom": Marker(marker)}, protocol=4)
    signer = SignedJSON(KEY)
    good = signer.dumps({"url": f"{web.sites['plain'].url}news/a.html", "method": "GET"})
    tampered = good.replace(b"news/a.html", b"news/b.html")
    wrong_key = SignedJSON("another-key-0123456789").dumps({"url": "http://127.0.0.31/c"})
    queue = "newsarchive:news:requests:plain"
    server.sadd("newsarchive:news:sites", "plain")
    server.zadd(queue, {pickled: -1000, tampered: -1000, wrong_key: -1000})
    server.zadd("newsarchive:news:requests", {pickled: -1000})  # the key before issue 19
    sites = web.sites_toml(tmp_path / "sites.toml", delays={"plain": 0.0}, concurrency={})
    started = time.monotonic()
    finish(node(sites, tmp_path / "n0", s3_bucket, redis_url, "n0"))

    log = (tmp_path / "n0" / "logs" / "crawl.log").read_text()
    rejected = re.findall(r"'newsarchive/redis/rejected': (\d+)", log)
    record(
        "hostile",
        "redis queue entries: a pickle, a tampered and a wrongly keyed signed entry",
        injected=3,
        survived=int(rejected[0]) if rejected else 0,
        started=started,
        note="dropped unread and counted; no marker file",
    )  # survived = blocked
    assert not marker.exists(), "a pickled entry planted in redis was unpickled by a node"
    assert rejected == ["3"], f"3 planted entries should be dropped and counted: {rejected}"
    assert "Dropped a queued entry that failed the check" in log
    assert not [h for h in web.hits if h.path in ("/x", "/c", "/news/b.html")]
    assert len([h for h in web.hits if h.path.startswith("/news/2026")]) == 6, "crawl went on"


def test_distributed_mode_refuses_to_start_without_a_key(redis_url: str, tmp_path: Path) -> None:
    args = ["crawl", "http://127.0.0.1:9/", "--data", str(tmp_path)]
    args += ["-s", f"REDIS_URL={redis_url}", "-s", "NEWSARCHIVE_REDIS_KEY="]
    result = run_cli(*args, check=False)
    assert result.returncode == 2, result.stderr
    assert "NEWSARCHIVE_REDIS_KEY" in result.stderr
    assert "export" in result.stderr


def test_signed_json_round_trip_and_refusals() -> None:
    signer = SignedJSON(KEY)
    request = FormRequest("http://a.example/p", formdata={"q": "ü"}, meta={"hints": {"k": [1]}})
    data = request.to_dict()
    back = signer.loads(signer.dumps(data))
    assert back["body"] == request.body
    assert back["_class"].endswith("FormRequest")
    assert back["headers"] == data["headers"]
    for evil in ("os.system", "subprocess.Popen", "scrapy.Spider", "nosuch.module.Request"):
        payload = json.dumps({"url": "http://a.example/", "_class": evil}).encode()
        entry = b"na1." + signer.sign(payload) + b"." + payload
        with pytest.raises(RejectedEntry):
            signer.loads(entry)
    assert signer.loads(signer.dumps(Request("http://a.example/").to_dict()))["url"]
    with pytest.raises(RejectedEntry):
        signer.loads(b"na1." + b"0" * 64 + b"." + b"{}")
    with pytest.raises(RejectedEntry):
        signer.loads(b"x" * (2 << 20))
    with pytest.raises(RedisKeyMissing, match="export NEWSARCHIVE_REDIS_KEY"):
        check_key("short")
