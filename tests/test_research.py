"""Search filters and exports on the demo crawl's archive, with counts known from the manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.demo import demo_manifest
from tests.fixtures import run_cli

pytestmark = [pytest.mark.crawl]

MANIFEST = demo_manifest("http://127.0.0.1:1/")
ALL = "the"  # an FTS query every demo article matches


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("research") / "data"
    run_cli("demo", "--single", "--data", str(data))
    db = sqlite3.connect(data / "news.db")
    (site,) = db.execute("SELECT DISTINCT site FROM articles").fetchone()
    return {"data": data, "db": db, "site": site}


def cli_run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def hits(demo: dict[str, Any], *args: str, query: str = ALL) -> list[dict[str, Any]]:
    result = cli_run("search", query, "--data", str(demo["data"]), "--limit", "0", "--json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout) if result.exit_code == 0 else []


def day(item: dict[str, Any]) -> str:
    return str(item["published"])[:10]


def test_unfiltered_query_matches_every_article(demo: dict[str, Any]) -> None:
    assert len(hits(demo)) == len(MANIFEST) == 32


def test_site_filter(demo: dict[str, Any]) -> None:
    assert len(hits(demo, "--site", demo["site"])) == 32
    unknown = cli_run("search", ALL, "--data", str(demo["data"]), "--site", "another.example")
    assert unknown.exit_code == 2, "an unknown site is named as such, not an empty result"
    assert "No site named 'another.example'" in unknown.output


@pytest.mark.parametrize("section", sorted({i["section"] for i in MANIFEST}))
def test_section_filter(demo: dict[str, Any], section: str) -> None:
    expected = Counter(i["section"] for i in MANIFEST)[section]
    found = hits(demo, "--section", section.lower())  # case-insensitive
    assert 0 < len(found) == expected < 32
    assert {h["section"] for h in found} == {section}


@pytest.mark.parametrize("author", ["Maren Holt", "holt", "Gus Mahaffey", "Coastal Press"])
def test_author_filter(demo: dict[str, Any], author: str) -> None:
    expected = sum(any(author.lower() in a.lower() for a in i["authors"]) for i in MANIFEST)
    found = hits(demo, "--author", author)
    assert 0 < len(found) == expected < 32
    assert all(any(author.lower() in a.lower() for a in h["authors"]) for h in found)


def test_date_filters(demo: dict[str, Any]) -> None:
    since, until = "2024-05-01", "2024-05-31"
    assert len(hits(demo, "--since", since)) == sum(day(i) >= since for i in MANIFEST)
    assert len(hits(demo, "--until", until)) == sum(day(i) <= until for i in MANIFEST)
    in_may = sum(since <= day(i) <= until for i in MANIFEST)
    found = hits(demo, "--since", since, "--until", until)
    assert 0 < len(found) == in_may < 32
    assert all(since <= h["published"][:10] <= until for h in found)
    bad = cli_run("search", ALL, "--data", str(demo["data"]), "--since", "May 2024")
    assert bad.exit_code == 2
    assert "YYYY-MM-DD" in bad.output


def test_language_filter(demo: dict[str, Any]) -> None:
    assert len(hits(demo, "--language", "en")) == 32  # the pages say en-US
    assert len(hits(demo, "--language", "en-us")) == 32
    assert hits(demo, "--language", "de") == []
    assert hits(demo, "--language", "e") == []


def test_filters_combine(demo: dict[str, Any]) -> None:
    expected = sum(i["section"] == "Politics" and day(i) >= "2024-05-01" for i in MANIFEST)
    found = hits(demo, "--section", "Politics", "--since", "2024-05-01", query="council")
    assert 0 < len(found) <= expected
    assert len(hits(demo, "--section", "Politics", "--since", "2024-05-01")) == expected


def test_order_by_date_and_snippets(demo: dict[str, Any]) -> None:
    by_date = hits(demo, "--order", "date", query="council")
    dates = [h["published"] for h in by_date]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 5
    assert all("[" in h["snippet"] and "]" in h["snippet"] for h in by_date)
    assert all("council" in h["snippet"].lower() for h in by_date)


def test_search_csv(demo: dict[str, Any]) -> None:
    result = cli_run("search", "council", "--data", str(demo["data"]), "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 5
    assert {"id", "title", "authors", "url", "snippet"} <= set(rows[0])


def test_bad_fts_syntax_is_a_message(demo: dict[str, Any]) -> None:
    for query in ['"unbalanced', "(unbalanced", "council AND", "NEAR(("]:
        proc = run_cli("search", query, "--data", str(demo["data"]), check=False)
        assert proc.returncode == 2, proc.stderr
        assert "Bad search query" in proc.stderr
        assert "Traceback" not in proc.stderr


INJECTIONS = [
    "x' OR '1'='1",
    "'; DROP TABLE articles; --",
    '" OR 1=1 --',
    "%",
    "_",
    "\\",
    "127.0.0.1%",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_filters_are_harmless(demo: dict[str, Any], value: str) -> None:
    for option in ("--author", "--section", "--language"):
        assert hits(demo, option, value) == [], f"{option} {value!r} matched something"
    for command in ("search", "export"):  # a site the archive does not know: named, not run
        result = cli_run(command, "--data", str(demo["data"]), "--site", value, "--author", value)
        assert result.exit_code == 2, result.output
        assert "No site named" in result.output
    result = cli_run("export", "--data", str(demo["data"]), "--author", value)
    assert result.exit_code == 0
    assert result.stdout == ""
    (n,) = demo["db"].execute("SELECT count(*) FROM articles").fetchone()
    assert n == 32


def test_injection_in_the_query_is_an_fts_query(demo: dict[str, Any]) -> None:
    result = cli_run("search", "council'); DROP TABLE articles; --", "--data", str(demo["data"]))
    assert result.exit_code in (1, 2)
    (n,) = demo["db"].execute("SELECT count(*) FROM articles").fetchone()
    assert n == 32


# -- export -------------------------------------------------------------------------------------
def export(demo: dict[str, Any], fmt: str, *args: str) -> Path:
    data: Path = demo["data"]
    out = data.parent / f"export-{fmt}-{len(args)}.{fmt}"
    run_cli("export", "--data", str(demo["data"]), "--format", fmt, "-o", str(out), *args)
    return out


def test_export_csv_and_jsonl_round_trip(demo: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(export(demo, "csv").read_text(encoding="utf-8"))))
    records = [json.loads(line) for line in export(demo, "jsonl").read_text().splitlines()]
    assert len(rows) == len(records) == 32
    by_title = {r["title"]: r for r in records}
    for item in MANIFEST:
        record = by_title[item["title"]]
        assert record["authors"] == item["authors"]
        assert record["section"] == item["section"]
        assert record["published_date"] == day(item)
        assert record["tags"] == item["tags"]
    captures = dict(demo["db"].execute("SELECT id, blob_key FROM captures").fetchall())
    for record, row in zip(records, rows, strict=True):
        assert record["id"] == int(row["id"])
        assert record["blob_key"] == captures[record["capture_id"]] == row["blob_key"]
        assert record["captured_at"].endswith("Z")
        assert record["extractor_version"]
        assert "cluster_id" in record
        assert "cluster_id" in row
        assert row["authors"] == "; ".join(record["authors"])


def test_export_parquet_is_typed(demo: dict[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(export(demo, "parquet"))
    assert table.num_rows == 32
    schema = table.schema
    assert schema.field("id").type == pa.int64()
    assert schema.field("cluster_id").type == pa.int64()
    assert schema.field("authors").type == pa.list_(pa.string())
    assert pa.types.is_timestamp(schema.field("captured_at").type)
    assert schema.field("captured_at").type.tz == "UTC"
    assert schema.field("published_date").type == pa.date32()
    assert table.column("captured_at").null_count == 0
    assert table.column("published_date").null_count == 0
    titles = set(table.column("title").to_pylist())
    assert titles == {i["title"] for i in MANIFEST}


def test_export_filters(demo: dict[str, Any]) -> None:
    out = export(demo, "jsonl", "--section", "Sports", "--since", "2024-05-01")
    expected = sum(i["section"] == "Sports" and day(i) >= "2024-05-01" for i in MANIFEST)
    assert 0 < len(out.read_text().splitlines()) == expected
    out = export(demo, "csv", "--query", "council")
    assert len(list(csv.DictReader(io.StringIO(out.read_text())))) == 5
    bad = run_cli("export", "--data", str(demo["data"]), "--query", '"oops', check=False)
    assert bad.returncode == 2
    assert "Bad search query" in bad.stderr


def test_export_versions(demo: dict[str, Any]) -> None:
    out = export(demo, "jsonl", "--versions")
    records = [json.loads(line) for line in out.read_text().splitlines()]
    (versions,) = demo["db"].execute("SELECT count(*) FROM article_versions").fetchone()
    assert len(records) == versions == 32
    assert {"article_id", "version", "seen_at", "blob_key", "extractor_version"} <= set(records[0])


def test_export_warc_passes_warcio(demo: dict[str, Any]) -> None:
    from warcio.archiveiterator import ArchiveIterator

    out = export(demo, "warc")
    warcio = [sys.executable, "-m", "warcio.cli"]
    check = subprocess.run(
        [*warcio, "check", "-v", str(out)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    assert "fail" not in check.stdout
    index = subprocess.run(
        [*warcio, "index", str(out)], capture_output=True, text=True, check=False
    )
    assert index.returncode == 0, index.stderr
    entries = [json.loads(line) for line in index.stdout.splitlines()]
    assert Counter(e["warc-type"] for e in entries) == {"warcinfo": 1, "response": 32}

    captures = {
        url: (fetched_at, sha256)
        for url, fetched_at, sha256 in demo["db"].execute(
            "SELECT final_url, fetched_at, sha256 FROM captures"
        )
    }
    seen = 0
    with out.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            fetched_at, sha256 = captures[url]
            assert record.rec_headers.get_header("WARC-Date") == fetched_at
            assert record.http_headers.get_statuscode() == "200"
            assert record.http_headers.get_header("Content-Type").startswith("text/html")
            assert hashlib.sha256(record.content_stream().read()).hexdigest() == sha256
            seen += 1
    assert seen == 32


def test_warc_needs_the_blobs(demo: dict[str, Any], tmp_path: Path) -> None:
    proc = run_cli(
        "export",
        "--data",
        str(demo["data"]),
        "--format",
        "warc",
        "-o",
        str(tmp_path / "x.warc.gz"),
        "--blobs",
        str(tmp_path / "empty"),
        check=False,
    )
    assert proc.returncode != 0
    assert not (tmp_path / "x.warc.gz").exists(), "no half-written file left behind"
