"""The read side of the command line on a demo archive: read-only copies (run as `nobody`),
search with punctuation, site filters, output formats, export paths, CSV formula cells,
terminal escapes, `show --raw`, and `serve`'s Host check and search box."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.storage import open_blob_store
from tests.support import ROOT

pytestmark = [pytest.mark.crawl]

NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def cli(
    *args: str, user: list[str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSARCHIVE_DATA": "", "NEWSARCHIVE_BLOBS": "", "HOME": "/tmp"}
    return subprocess.run(
        [*(user or []), sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        check=False,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("read") / "data"
    proc = cli("demo", "--single", "--data", str(data), "--port", "0")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return data


def copy_of(demo: Path, tmp_path: Path, **changes: str) -> Path:
    """A copy of the demo archive; `changes` set columns of the first article."""
    data = tmp_path / "copy"
    shutil.copytree(demo, data)
    if changes:
        with sqlite3.connect(data / "news.db") as db:
            sets = ", ".join(f"{k} = ?" for k in changes)
            db.execute(f"UPDATE articles SET {sets} WHERE id = 1", list(changes.values()))
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder other users can reach (pytest's tmp_path is private to this user)."""
    root = Path(tempfile.mkdtemp(prefix="newsarchive-ro-"))
    root.chmod(0o755)
    yield root
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(root)


def test_read_side_commands_work_on_a_read_only_copy_as_nobody(
    demo: Path, shared_tmp: Path
) -> None:
    live = copy_of(demo, shared_tmp)
    # copied while a writer holds it: the copy has a -wal with committed pages, and a -shm
    writer = sqlite3.connect(live / "news.db")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    with writer:
        writer.execute("UPDATE articles SET title = 'Seawall: the WAL copy' WHERE id = 1")
    data = shared_tmp / "readonly"
    shutil.copytree(live, data)
    writer.close()
    assert (data / "news.db-wal").stat().st_size > 0
    for path in [data, *data.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    before = sorted(p.name for p in data.iterdir())

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return cli(*args, "--data", str(data), user=NOBODY, cwd=Path("/tmp"))

    probe = cli("--version", user=NOBODY, cwd=Path("/tmp"))
    assert probe.returncode == 0, (
        f"user nobody cannot run the project from {ROOT} ({probe.stderr.strip()}): "
        "give its folder and parents o+rx (chmod o+rx) or clone it somewhere world-readable"
    )
    search = run("search", "seawall")
    assert search.returncode == 0, search.stderr
    assert "Seawall: the WAL copy" in search.stdout, "what the -wal holds is read"
    shown = run("show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "capture(s)" in shown.stdout, shown.stderr
    export = run("export", "--format", "jsonl")
    assert export.returncode == 0, export.stderr
    assert len(export.stdout.splitlines()) == 32
    stats = run("stats", "--json")
    assert stats.returncode in (0, 1), stats.stderr
    assert json.loads(stats.stdout)["sites"], stats.stderr
    port = free_port()
    serve = subprocess.Popen(
        [
            *NOBODY,
            sys.executable,
            "-m",
            "archive",
            "serve",
            "--data",
            str(data),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd="/tmp",
        env={**os.environ, "HOME": "/tmp", "PYTHONPATH": str(ROOT)},
    )
    try:
        body = wait_json(f"http://127.0.0.1:{port}/news/articles.json?_size=1", serve)
        assert body["rows"], body
    finally:
        serve.terminate()
        serve.communicate(timeout=20)
    assert sorted(p.name for p in data.iterdir()) == before, "nothing written beside the db"


def wait_json(url: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            raise AssertionError(f"serve exited {proc.returncode}:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return json.loads(resp.read())
        except (OSError, ValueError):
            time.sleep(0.3)
    raise AssertionError(f"no answer from {url}")


def test_a_mistyped_path_is_an_error_not_a_new_archive(tmp_path: Path) -> None:
    wrong = tmp_path / "dta"
    for args in (["search", "x"], ["show", "1"], ["export"], ["stats"], ["reextract"]):
        proc = cli(*args, "--data", str(wrong))
        assert proc.returncode == 2, (args, proc.stderr)
        assert "No archive database" in proc.stderr
    assert not wrong.exists(), "no archive started by a read"
    import archive

    with pytest.raises(archive.NewsarchiveError, match="No archive database"):
        archive.open_db(wrong)
    assert not wrong.exists()


@pytest.mark.parametrize("query", ["O'Brien", "harbor-master", "$14.2", "C++", "seawall; DROP"])
def test_punctuation_is_plain_words(demo: Path, query: str) -> None:
    proc = cli("search", query, "--data", str(demo), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    assert "Bad search query" not in proc.stderr
    if query == "$14.2":
        assert any("$14.2 million" in hit["title"] for hit in json.loads(proc.stdout))


def test_fts_syntax_still_works(demo: Path) -> None:
    def ids(query: str) -> set[int]:
        proc = cli("search", query, "--data", str(demo), "--json", "--limit", "0")
        return {hit["id"] for hit in json.loads(proc.stdout or "[]")}

    seawall, mural = ids("seawall"), ids("mural")
    assert seawall
    assert mural
    assert ids("seawall OR mural") == seawall | mural
    assert ids("sea*") >= seawall
    assert ids('"seawall bond"') <= seawall
    assert ids("title:seawall") <= seawall


def test_site_filters_and_output_flags(demo: Path) -> None:
    listing = cli("search", "--site", "demo", "--site", "demo,demo", "--data", str(demo), "--nl")
    assert listing.returncode == 0, listing.stderr
    hits = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(hits) == 20, "a filter-only list"
    assert all(hit["site"] == "demo" for hit in hits), "a filter-only list"
    dates = [hit["published"] for hit in hits]
    assert dates == sorted(dates, reverse=True), "newest first"
    unknown = cli("search", "x", "--site", "demo,nosuch", "--data", str(demo))
    assert unknown.returncode == 2
    assert "No site named 'nosuch'" in unknown.stderr
    assert "demo" in unknown.stderr
    for command in (["export"], ["search", "x"]):
        bad = cli(*command, "--site", "nosuch", "--data", str(demo))
        assert bad.returncode == 2, command
        assert "nosuch" in bad.stderr, command
    both = cli("search", "seawall", "--json", "--csv", "--data", str(demo))
    assert both.returncode == 2
    assert "exclude each other" in both.stderr
    verbose = cli("search", "seawall", "--data", str(demo), "-v")
    assert verbose.returncode == 0, "-v after the subcommand"


def test_export_paths_and_formats(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder" / "articles.parquet"
    proc = cli("export", "-o", str(out), "--data", str(demo))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:4] == b"PAR1", "the format follows the extension"
    clash = cli("export", "--format", "csv", "-o", str(tmp_path / "a.parquet"), "--data", str(demo))
    assert clash.returncode == 2
    assert "does not match" in clash.stderr
    assert not (tmp_path / "a.parquet").exists()
    blocked = tmp_path / "file"
    blocked.write_text("x")
    cant = cli("export", "-o", str(blocked / "a.csv"), "--data", str(demo))
    assert cant.returncode == 2, cant.stderr
    assert "Traceback" not in cant.stderr, cant.stderr
    # a symlink planted where a predictable temporary name would be is never followed
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "out.csv"
    (tmp_path / "out.csv.part").symlink_to(victim)
    assert cli("export", "-o", str(target), "--data", str(demo)).returncode == 0
    assert victim.read_text() == "keep me"
    assert target.read_text().startswith("id,")
    assert not target.is_symlink()


def test_csv_formula_cells_are_quoted(demo: Path, tmp_path: Path) -> None:
    data = copy_of(demo, tmp_path, title='=HYPERLINK("http://evil.example","x")', section="@SUM")
    exported = cli("export", "--format", "csv", "--data", str(data))
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    first = next(r for r in rows if r["id"] == "1")
    assert first["title"].startswith("'=HYPERLINK"), first["title"]
    assert first["section"] == "'@SUM"
    raw = cli("export", "--format", "csv", "--raw-csv", "--data", str(data))
    first = next(r for r in csv.DictReader(io.StringIO(raw.stdout)) if r["id"] == "1")
    assert first["title"].startswith("=HYPERLINK")
    hits = cli("search", "--site", "demo", "--csv", "--limit", "0", "--data", str(data))
    first = next(r for r in csv.DictReader(io.StringIO(hits.stdout)) if r["id"] == "1")
    assert first["title"].startswith("'=")


def test_show_escapes_terminal_controls_and_writes_raw(demo: Path, tmp_path: Path) -> None:
    data = copy_of(demo, tmp_path, subtitle="Red \x1b[31malert\x1b]0;pwned\x07 \u202eevil")
    shown = cli("show", "1", "--data", str(data))
    assert "\x1b" not in shown.stdout
    assert "\u202e" not in shown.stdout
    assert "\x07" not in shown.stdout
    assert "\\x1b[31malert" in shown.stdout
    assert "\\u202e" in shown.stdout
    out = tmp_path / "page.html"
    raw = cli("show", "1", "--raw", str(out), "--data", str(data))
    assert raw.returncode == 0, raw.stderr
    with sqlite3.connect(data / "news.db") as db:
        (sha,) = db.execute(
            "SELECT c.sha256 FROM captures c JOIN articles a ON a.capture_id = c.id WHERE a.id = 1"
        ).fetchone()
    body = out.read_bytes()
    assert hashlib.sha256(body).hexdigest() == sha
    assert b"<html" in body.lower()
    assert open_blob_store(str(data / "raw")).get(sha) == body


@pytest.fixture(scope="module")
def served(demo: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "archive", "serve", "--data", str(demo), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_json(f"{base}/-/versions.json", proc)
        yield base
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def get(url: str, host: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_serve_refuses_a_rebound_host_name(served: str) -> None:
    port = served.rsplit(":", 1)[1]
    status, body = get(f"{served}/news/articles.json", host=f"attacker.example:{port}")
    assert status == 400
    assert b"not allowed" in body
    assert get(f"{served}/news/articles.json", host=f"localhost:{port}")[0] == 200
    assert get(f"{served}/news/articles.json")[0] == 200  # Host: 127.0.0.1:PORT


def test_serve_search_box_takes_punctuation(served: str) -> None:
    from urllib.parse import quote

    for query in ("$14.2", "harbor-master", "O'Brien", "C++"):
        status, body = get(f"{served}/news/articles.json?_search={quote(query)}&_shape=objects")
        assert status == 200, (query, body[:500])
        rows = json.loads(body)["rows"]
        if query == "$14.2":
            assert any("$14.2 million" in row["title"] for row in rows)
    status, body = get(f"{served}/news/articles.json?_search={quote('seawall OR mural')}")
    assert status == 200, "FTS5 syntax still works"
    assert len(json.loads(body)["rows"]) >= 2, "FTS5 syntax still works"


@pytest.mark.browser
def test_serve_search_box_in_chromium(served: str, tmp_path: Path) -> None:
    from urllib.parse import quote

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--dump-dom"]
    url = f"{served}/news/articles?_search={quote('$14.2')}"
    proc = subprocess.run(
        [chromium, *flags, f"--user-data-dir={tmp_path / 'profile'}", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "$14.2 million" in proc.stdout, "the search box found the headline"
    assert "fts5: syntax error" not in proc.stdout


def test_serve_warns_off_loopback(demo: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archive",
            "serve",
            "--data",
            str(demo),
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        wait_json(f"http://127.0.0.1:{port}/-/versions.json", proc)
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0].decode()
    assert "anyone who can reach this address" in out
    assert "read-only SQL" in out


@pytest.mark.s3
def test_sync_to_copies_the_archive_to_s3(demo: Path, s3_bucket: Any) -> None:
    first = cli("sync", "--data", str(demo), "--to", s3_bucket.uri, "--json")
    assert first.returncode == 0, first.stderr[-3000:]
    report = json.loads(first.stdout)
    with sqlite3.connect(demo / "news.db") as db:
        (blobs,) = db.execute("SELECT count(DISTINCT sha256) FROM captures").fetchone()
    assert report["copied"] == blobs
    assert report["failed"] == {}
    bodies = [k for k in s3_bucket.object_keys() if k.endswith((".zst", ".gz"))]
    assert len([k for k in bodies if len(k.rsplit("/", 1)[-1].split(".")[0]) == 64]) == blobs
    again = json.loads(cli("sync", "--data", str(demo), "--to", s3_bucket.uri, "--json").stdout)
    assert (again["copied"], again["present"]) == (0, blobs), "running it again copies nothing"
    verify = cli("verify", "--data", str(demo), "--blobs", s3_bucket.uri)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_verify_hint_when_the_raw_folder_is_the_store(demo: Path, tmp_path: Path) -> None:
    data = copy_of(demo, tmp_path)
    next(p for p in (data / "raw").glob("*/*/*.zst") if len(p.stem) == 64).unlink()
    proc = cli("verify", "--data", str(data))
    assert proc.returncode == 1
    assert "only copy" in proc.stderr
    assert "--repair" not in proc.stderr, "nothing to repair from: no other copy"


def test_serve_hides_internal_tables(served: str) -> None:
    status, body = get(f"{served}/news.json")
    assert status == 200
    hidden = {t["name"]: t["hidden"] for t in json.loads(body)["tables"]}
    for name in ("minhash_signatures", "minhash_bands", "canonical_refs", "dedupe_params"):
        assert hidden[name], f"{name} is internal: hidden in Datasette"
    for name in ("articles", "captures", "extractions", "images"):
        assert not hidden[name], name
