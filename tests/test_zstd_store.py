"""zstd bodies with per-site dictionaries, end to end against a real SeaweedFS and a local folder:
a crawl that trains a dictionary, `verify`, `rebuild` from the bucket alone, a WARC export; a
gzip archive (as stores wrote before zstd) read and `recompress`ed through a SIGKILL; missing
and corrupt dictionaries."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from archive.model import sha256_hex
from archive.storage import DictionaryError, LocalBlobStore, blob_key, compress, open_blob_store
from archive.storage.codec import cache_clear, cached_dicts, load_dict
from archive.storage.learn import Learner
from archive.storage.s3 import S3BlobStore, encode_meta

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 60
SERVED = [ARTICLES]  # the site's article count; a test raises it for a second crawl
WORDS = [
    "harbor",
    "council",
    "ferry",
    "budget",
    "vote",
    "tide",
    "pier",
    "storm",
    "lantern",
    "mayor",
    "river",
    "bridge",
]


def chrome(style: str) -> tuple[str, str]:
    """A site's page template: head and navigation, then footer (what a dictionary learns)."""
    links = "".join(
        f'<li class="{style}-item"><a href="/{style}/{w}/">{w.title()} {style}</a></li>'
        for w in WORDS
    )
    rnd = random.Random(style)  # a redesign changes every rule, not just a name
    css = "".join(
        f".c{rnd.getrandbits(40):x} {{ margin: {rnd.randrange(99)}px; color: "
        f"#{rnd.getrandbits(24):06x}; }}\n"
        for _ in range(150)
    )
    head = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><style>{css}</style>"
        f'<script>window.analytics = {{"site": "{style}", "version": 3}};</script></head>'
        f'<body class="{style}"><header><nav><ul class="menu">{links * 3}</ul></nav></header><main>'
    )
    foot = (
        f'</main><footer class="{style}-footer"><p>Copyright Harbor Ledger. All rights '
        f"reserved.</p><ul>{links * 2}</ul></footer></body></html>"
    )
    return head, foot


def page(n: int, style: str = "ledger") -> bytes:
    rnd = random.Random(n)
    head, foot = chrome(style)
    paras = "".join(
        "<p>" + " ".join(rnd.choice(WORDS) for _ in range(60)) + f" story {n}.</p>"
        for _ in range(8)
    )
    title = f"Story {n}: {' '.join(rnd.choice(WORDS) for _ in range(5))}"
    return f"{head}<article><h1>{title}</h1>{paras}</article>{foot}".encode()


class Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        base = f"http://{self.headers['Host']}"
        if self.path == "/robots.txt":
            body, ctype = (
                f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode(),
                "text/plain",
            )
        elif self.path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}/story/{n}.html</loc></url>" for n in range(SERVED[0]))
            body = (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>"
            ).encode()
            ctype = "application/xml"
        elif self.path.startswith("/story/") and self.path.endswith(".html"):
            body, ctype = page(int(self.path[7:-5])), "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=os.environ | env,
        check=False,
    )


def crawl(url: str, data: Path, blobs: str) -> None:
    sites = data.parent / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "ledger"\nurl = "{url}"\ndelay = 0.15\nconcurrency = 1\n'
        "allow_private = true\n"
    )
    done = run(
        "crawl",
        "--sites",
        str(sites),
        "--data",
        str(data),
        "--blobs",
        blobs,
        NEWSARCHIVE_ZSTD_DICT_MIN="12",
    )
    assert done.returncode == 0, done.stderr[-3000:]


def rows(data: Path) -> set[tuple[object, ...]]:
    with sqlite3.connect(data / "news.db") as db:
        return set(
            db.execute("SELECT url, final_url, status, sha256, size, blob_key FROM captures")
        )


def articles(data: Path) -> set[tuple[object, ...]]:
    with sqlite3.connect(data / "news.db") as db:
        return set(db.execute("SELECT url, title, body FROM articles"))


@pytest.mark.parametrize("backend", ["s3", "local"])
def test_crawl_with_dictionaries_verify_rebuild_warc(
    backend: str, site_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    blobs = request.getfixturevalue("s3_bucket").uri if backend == "s3" else str(tmp_path / "raw")
    data = tmp_path / "data"
    SERVED[0] = ARTICLES
    crawl(site_url, data, blobs)
    store = open_blob_store(blobs)
    assert isinstance(store, S3BlobStore | LocalBlobStore)
    dicts = list(store.dicts())
    assert [d["site"] for d in dicts] == ["ledger"], "one dictionary trained for the site"
    # training runs in a process of its own: pages stored while it starts stay plain zstd,
    # and a dictionary finished at the end of a crawl serves the next crawl's new pages
    SERVED[0] = ARTICLES + 20
    crawl(site_url, data, blobs)
    assert [d["sha256"] for d in store.dicts()] == [dicts[0]["sha256"]]
    shas = {str(r[3]) for r in rows(data)}
    named = {sha for sha in shas if store.stored_meta(sha).get("zdict") == dicts[0]["sha256"]}
    assert len(named) >= 20, "the new pages use the dictionary"
    assert all(sha256_hex(store.get(sha)) == sha for sha in shas)
    assert run("verify", "--data", str(data), "--blobs", blobs).returncode == 0
    # rebuild from the store alone gives the same archive
    again = tmp_path / "rebuilt"
    done = run("rebuild", "--from", blobs, "--data", str(again))
    assert done.returncode == 0, done.stderr[-3000:]
    assert rows(again) == rows(data)
    assert articles(again) == articles(data)
    # every WARC payload is the stored body
    from warcio.archiveiterator import ArchiveIterator

    warc = tmp_path / "out.warc.gz"
    done = run("export", "--format", "warc", "-o", str(warc), "--data", str(data), "--blobs", blobs)
    assert done.returncode == 0, done.stderr[-3000:]
    with warc.open("rb") as fh:
        payloads = [
            hashlib.sha256(r.content_stream().read()).hexdigest()
            for r in ArchiveIterator(fh)
            if r.rec_type == "response"
        ]
    assert sorted(payloads) == sorted(str(r[3]) for r in rows(data))


def gzip_archive(store: S3BlobStore | LocalBlobStore, count: int) -> dict[str, bytes]:
    """Bodies stored exactly as the stores wrote them before zstd: `ab/cd/<sha>.gz`."""
    bodies = {}
    for n in range(count):
        body = page(n)
        sha = sha256_hex(body)
        meta = {
            "url": f"https://ledger.example/story/{n}.html",
            "final_url": "",
            "fetched_at": f"2025-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
            "status": "200",
            "content_type": "text/html",
            "sha256": sha,
            "site": "ledger",
        }
        meta["final_url"] = meta["url"]
        if isinstance(store, LocalBlobStore):
            path = store.root / blob_key(sha, legacy=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_suffix(".json").write_text(json.dumps(meta))
            path.write_bytes(compress(body))
        else:
            store.client.put_object(
                Bucket=store.bucket,
                Key=store.key(sha, legacy=True),
                Body=compress(body),
                Metadata=encode_meta(meta),
                ContentType="application/gzip",
            )
        bodies[sha] = body
    return bodies


@pytest.mark.parametrize("backend", ["s3", "local"])
def test_gzip_archive_read_and_recompressed_through_a_kill(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    blobs = request.getfixturevalue("s3_bucket").uri if backend == "s3" else str(tmp_path / "raw")
    store = open_blob_store(blobs)
    assert isinstance(store, S3BlobStore | LocalBlobStore)
    bodies = gzip_archive(store, 120)
    assert set(store.keys()) == set(bodies)
    assert all(store.get(sha) == body for sha, body in bodies.items()), "gzip read as before"
    data = tmp_path / "data"
    assert run("rebuild", "--from", blobs, "--data", str(data)).returncode == 0
    assert run("verify", "--data", str(data), "--blobs", blobs).returncode == 0
    assert run("recompress", "--data", str(data), "--blobs", blobs, "--dry-run").returncode == 0
    assert set(store.legacy_keys()) == set(bodies), "--dry-run changes nothing"

    args = [sys.executable, "-m", "archive", "recompress", "--data", str(data), "--blobs", blobs]
    env = os.environ | {"NEWSARCHIVE_ZSTD_DICT_MIN": "12"}
    with subprocess.Popen(args, cwd=ROOT, env=env, stderr=subprocess.PIPE) as proc:
        deadline = time.monotonic() + 60
        while len(list(store.legacy_keys())) > 80 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    left = len(list(store.legacy_keys()))
    assert 0 < left < 120, f"the kill should land mid-way ({left} gzip bodies left)"
    done = run("recompress", "--data", str(data), "--blobs", blobs, NEWSARCHIVE_ZSTD_DICT_MIN="12")
    assert done.returncode == 0, done.stderr[-3000:]
    assert list(store.legacy_keys()) == [], "every gzip body rewritten"
    assert run("verify", "--data", str(data), "--blobs", blobs).returncode == 0
    fresh = open_blob_store(blobs)
    assert isinstance(fresh, S3BlobStore | LocalBlobStore)
    assert all(fresh.get(sha) == body for sha, body in bodies.items()), "byte-identical bodies"
    assert set(fresh.keys()) == set(bodies)
    assert {d["site"] for d in fresh.dicts()} == {"ledger"}, "recompress trained a dictionary"
    assert {r[5] for r in rows(data)} == {blob_key(sha) for sha in bodies}, "rows name .zst"


def test_missing_and_corrupt_dictionary_named(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    store = LocalBlobStore(raw)
    store.learner.dict_min = 12
    bodies = {}
    for n in range(30):
        body = page(n)
        sha = sha256_hex(body)
        store.put(sha, body, {"url": f"https://l.example/{n}", "site": "ledger", "status": "200"})
        bodies[sha] = body
    (dictionary,) = [d["sha256"] for d in store.dicts()]
    needing = sorted(s for s in bodies if store.stored_meta(s).get("zdict") == dictionary)
    assert len(needing) >= 10
    data = tmp_path / "data"
    assert run("rebuild", "--from", str(raw), "--data", str(data)).returncode == 0
    path = raw / "dicts" / f"{dictionary}.zdict"
    good = path.read_bytes()
    cache_clear()
    for damage, word in (
        (path.unlink, "missing"),
        (lambda: path.write_bytes(good[:-9]), "corrupt"),
    ):
        damage()
        cache_clear()
        with pytest.raises(DictionaryError, match=f"{dictionary}.*{word}") as err:
            LocalBlobStore(raw).get(needing[0])
        assert needing[0] in str(err.value), "the error names the body too"
        done = run("verify", "--data", str(data), "--blobs", str(raw))
        assert done.returncode == 1
        assert f"zstd dictionary {dictionary} is {word}" in done.stderr
        assert f"{len(needing)} bodies need it: {', '.join(needing)}" in done.stderr
        report = json.loads(
            run("verify", "--data", str(data), "--blobs", str(raw), "--json").stdout
        )
        assert sorted(report["dictionaries"][dictionary]["bodies"]) == needing
        path.unlink(missing_ok=True)
    path.write_bytes(good)
    assert run("verify", "--data", str(data), "--blobs", str(raw)).returncode == 0


def test_chrome_change_trains_a_new_dictionary_old_bodies_keep_theirs(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.learner = Learner(store, dict_min=12, retrain_drop=0.15)
    written = {}
    for n in range(100):
        body = page(n, "ledger" if n < 40 else "redesign")
        sha = sha256_hex(body)
        store.put(sha, body, {"site": "ledger", "status": "200", "url": f"u{n}"})
        written[sha] = (body, store.stored_meta(sha).get("zdict", ""))
    names = [d["sha256"] for d in store.dicts()]
    assert len(names) == 2, "the redesign got its own dictionary"
    assert {z for _, z in written.values()} == {"", *names}
    cache_clear()
    assert all(LocalBlobStore(tmp_path).get(sha) == body for sha, (body, _) in written.items())


def test_dictionary_cache_is_bounded(tmp_path: Path) -> None:
    import zstandard

    store = LocalBlobStore(tmp_path)
    cache_clear()
    for n in range(20):
        samples = [page(n * 100 + i, f"style{n}") for i in range(12)]
        trained = zstandard.train_dictionary(16384, list[bytes | bytearray | memoryview](samples))
        data = trained.as_bytes()
        sha = sha256_hex(data)
        store.put_dict(sha, data, {"sha256": sha, "site": f"s{n}"})
        load_dict(store, sha)
        assert cached_dicts() <= 16
    assert cached_dicts() == 16
