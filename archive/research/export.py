"""Exporting the archive for pandas, R and replay tools: CSV, JSON lines, Parquet and WARC.

Every exporter streams: rows come from one SQLite cursor in batches and are written as they
arrive, so memory stays flat however large the archive is. Filters are the search filters
(`archive.db.search.SearchFilters`), always bound as parameters.

    with open("articles.parquet", "wb") as fh:
        n = export_articles(db, fh, "parquet", filters=SearchFilters(site="harbor"))
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from sqlite_utils import Database

from archive.db.search import SearchFilters, filter_where, fts_error, fts_query
from archive.errors import QueryError

if TYPE_CHECKING:
    import pyarrow as pa

    from archive.storage import BlobStore

FORMATS = ("csv", "jsonl", "parquet", "warc")
BATCH_ROWS = 5000  # rows per fetch, per CSV/JSON flush and per Parquet row group

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    name: str
    sql: str
    kind: str  # int | str | list (stored "a; b") | json_list | timestamp | date


def _columns(spec: str) -> tuple[Column, ...]:
    cols = []
    for line in spec.strip().splitlines():
        name, kind, sql = line.split(None, 2)
        cols.append(Column(name, sql, kind))
    return tuple(cols)


# name, kind, SQL expression (a = articles, c = the capture, e = the extraction)
ARTICLE_COLUMNS = _columns("""
id int a.id
url str a.url
site str a.site
site_name str a.site_name
title str a.title
subtitle str a.subtitle
section str a.section
authors list a.authors
published str a.published
published_date date substr(a.published,1,10)
modified str a.modified
language str a.language
tags json_list a.tags
body str a.body
lead_image_url str a.lead_image_url
lead_image_caption str a.lead_image_caption
lead_image_credit str a.lead_image_credit
version int a.version
first_seen timestamp a.first_seen
last_seen timestamp a.last_seen
gone_at timestamp a.gone_at
cluster_id int a.cluster_id
capture_id int a.capture_id
captured_at timestamp c.fetched_at
status int c.status
blob_key str c.blob_key
sha256 str c.sha256
extraction_id int a.extraction_id
extractor_version str COALESCE(e.extractor_version,a.extractor_version)
""")

VERSION_COLUMNS = _columns("""
article_id int a.id
version int v.version
url str a.url
site str a.site
title str v.title
subtitle str v.subtitle
section str a.section
authors list v.authors
published str v.published
published_date date substr(v.published,1,10)
modified str v.modified
language str a.language
body str v.body
content_hash str v.content_hash
seen_at timestamp v.seen_at
cluster_id int a.cluster_id
capture_id int v.capture_id
captured_at timestamp c.fetched_at
status int c.status
blob_key str c.blob_key
sha256 str c.sha256
extraction_id int v.extraction_id
extractor_version str e.extractor_version
""")


def _select(
    columns: Sequence[Column], versions: bool, filters: SearchFilters, query: str
) -> tuple[str, dict[str, Any]]:
    where, params = filter_where(filters, "a")
    if query:
        where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)")
        params["q"] = fts_query(query)
    if versions:
        source = """article_versions v JOIN articles a ON a.id = v.article_id
            LEFT JOIN captures c ON c.id = v.capture_id
            LEFT JOIN extractions e ON e.id = v.extraction_id"""
        order = "a.id, v.version"
    else:
        source = """articles a LEFT JOIN captures c ON c.id = a.capture_id
            LEFT JOIN extractions e ON e.id = a.extraction_id"""
        order = "a.id"
    select = ", ".join(f"{col.sql} AS {col.name}" for col in columns)
    sql = f"SELECT {select} FROM {source}"  # noqa: S608 - fixed fragments; values are bound
    if where:
        sql += " WHERE " + " AND ".join(where)
    return f"{sql} ORDER BY {order}", params


def _batches(
    db: Database, sql: str, params: dict[str, Any], query: str
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of one cursor, BATCH_ROWS at a time (never the whole result in memory)."""
    try:
        cursor = db.conn.execute(sql, params)
        while batch := cursor.fetchmany(BATCH_ROWS):
            yield batch
    except sqlite3.OperationalError as exc:
        if not query or "locked" in str(exc) or "busy" in str(exc):
            raise
        raise fts_error(query, exc) from None  # the only user text in the SQL is the query


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split("; ") if v]


def _json_list(value: str | None) -> list[str]:
    try:
        parsed = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(v) for v in parsed] if isinstance(parsed, list) else []


def _plain(columns: Sequence[Column], row: tuple[Any, ...]) -> dict[str, Any]:
    """A row as JSON-ready values: lists as lists, empty strings kept, NULL as None."""
    out: dict[str, Any] = {}
    for col, value in zip(columns, row, strict=True):
        if col.kind == "list":
            value = _split(value)
        elif col.kind == "json_list":
            value = _json_list(value)
        elif col.kind == "date":
            value = value if value and len(value) == 10 and value[4] == "-" else None
        out[col.name] = value
    return out


def export_articles(
    db: Database,
    out: IO[bytes],
    fmt: str,
    *,
    filters: SearchFilters | None = None,
    query: str = "",
    versions: bool = False,
    progress: Progress | None = None,
    raw_csv: bool = False,
) -> int:
    """Write one row per article (or per version) as csv, jsonl or parquet; the row count.

    CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
    carriage return) get a leading ' unless `raw_csv` (see `csv_cell`)."""
    columns = VERSION_COLUMNS if versions else ARTICLE_COLUMNS
    sql, params = _select(columns, versions, filters or SearchFilters(), query)
    batches = _batches(db, sql, params, query)
    if fmt == "parquet":
        return _write_parquet(columns, batches, out, progress)
    if fmt not in ("csv", "jsonl"):
        raise QueryError(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    count = 0
    writer = csv.writer(text, lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writerow([col.name for col in columns])
    for batch in batches:
        for row in batch:
            record = _plain(columns, row)
            if writer:
                writer.writerow(
                    csv_cell("; ".join(v) if isinstance(v, list) else v, raw=raw_csv)
                    for v in record.values()
                )
            else:
                text.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += len(batch)
        text.flush()
        if progress:
            progress(len(batch))
    text.flush()
    text.detach()  # leave `out` open for the caller
    return count


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any, *, raw: bool = False) -> Any:
    """A CSV cell safe to open in a spreadsheet: text a page controls that starts like a
    formula (= + - @ tab CR) is prefixed with ' (OWASP's CSV injection advice); numbers and
    other values pass. `raw` keeps the text as stored."""
    if not raw and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    import pyarrow as pa

    types = {
        "int": pa.int64(),
        "str": pa.string(),
        "list": pa.list_(pa.string()),
        "json_list": pa.list_(pa.string()),
        "timestamp": pa.timestamp("s", tz="UTC"),
        "date": pa.date32(),
    }
    return pa.schema([pa.field(col.name, types[col.kind]) for col in columns])


def _write_parquet(
    columns: Sequence[Column],
    batches: Iterator[list[tuple[Any, ...]]],
    out: IO[bytes],
    progress: Progress | None,
) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = arrow_schema(columns)
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in batches:
            arrays = []
            for i, (col, field) in enumerate(zip(columns, schema, strict=True)):
                values = [row[i] for row in batch]
                if col.kind == "list":
                    arrays.append(pa.array([_split(v) for v in values], field.type))
                elif col.kind == "json_list":
                    arrays.append(pa.array([_json_list(v) for v in values], field.type))
                elif col.kind == "timestamp":
                    parsed = pc.strptime(
                        pa.array(values, pa.string()),
                        format="%Y-%m-%dT%H:%M:%SZ",
                        unit="s",
                        error_is_null=True,
                    )
                    arrays.append(parsed.cast(field.type))
                elif col.kind == "date":
                    parsed = pc.strptime(
                        pa.array(values, pa.string()),
                        format="%Y-%m-%d",
                        unit="s",
                        error_is_null=True,
                    )
                    arrays.append(parsed.cast(pa.date32()))
                else:
                    arrays.append(pa.array(values, field.type))
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(batch)
            if progress:
                progress(len(batch))
    return count


# -- WARC ---------------------------------------------------------------------------------------
# Headers that describe the bytes on the wire, not the decoded body we keep: renamed on export
# (the pywb convention) so replay tools do not try to decode the body a second time.
WIRE_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


def http_headers(status: int, headers_json: str | None, size: int) -> list[tuple[str, str]]:
    """The HTTP response headers of a capture as stored, made to fit the decoded body."""
    try:
        stored = json.loads(headers_json or "{}")
    except ValueError:
        stored = {}
    out: list[tuple[str, str]] = []
    for name, value in stored.items() if isinstance(stored, dict) else []:
        values = value if isinstance(value, list) else [value]
        for one in values:
            text = str(one).replace("\r", " ").replace("\n", " ")
            if name.lower() == "content-length" and text.strip() == str(size):
                continue  # the same as the body we have: written once, below
            if name.lower() in WIRE_HEADERS:
                out.append((f"X-Archive-Orig-{name}", text))
            else:
                out.append((name, text))
    out.append(("Content-Length", str(size)))
    return out


def export_warc(
    db: Database,
    out: IO[bytes],
    store: BlobStore,
    *,
    filters: SearchFilters | None = None,
    query: str = "",
    progress: Progress | None = None,
    software: str = "newsarchive",
) -> int:
    """One WARC `response` record per capture (raw bytes from the blob store); the count.

    With no filters every capture is written, article or not; with filters, the captures of
    the matching articles.
    """
    from http import HTTPStatus

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    where, params = filter_where(filters or SearchFilters(), "a")
    if query:
        where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)")
        params["q"] = fts_query(query)
    sql = (
        "SELECT c.final_url, c.fetched_at, c.status, c.headers, c.sha256, c.content_type "
        "FROM captures c LEFT JOIN articles a ON a.id = c.article_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.id"
    writer = WARCWriter(out, gzip=True)
    info = writer.create_warcinfo_record(
        "newsarchive.warc.gz", {"software": software, "format": "WARC File Format 1.0"}
    )
    writer.write_record(info)
    count = 0
    for batch in _batches(db, sql, params, query):
        for url, fetched_at, status, headers, sha256, content_type in batch:
            body = store.get(sha256)
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Unknown"
            head = http_headers(status, headers, len(body))
            if content_type and not any(k.lower() == "content-type" for k, _ in head):
                head.insert(0, ("Content-Type", content_type))
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=None,
                http_headers=StatusAndHeaders(f"{status} {reason}", head, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": fetched_at},
            )
            writer.write_record(record)
            count += 1
        if progress:
            progress(len(batch))
    return count


def count_rows(
    db: Database,
    *,
    filters: SearchFilters | None = None,
    query: str = "",
    versions: bool = False,
    captures: bool = False,
) -> int:
    """How many rows an export with these options writes (for a progress bar)."""
    where, params = filter_where(filters or SearchFilters(), "a")
    if query:
        where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)")
        params["q"] = fts_query(query)
    if captures:
        source = "captures c LEFT JOIN articles a ON a.id = c.article_id"
    elif versions:
        source = "article_versions v JOIN articles a ON a.id = v.article_id"
    else:
        source = "articles a"
    sql = f"SELECT count(*) FROM {source}"  # noqa: S608 - fixed fragments
    if where:
        sql += " WHERE " + " AND ".join(where)
    try:
        return int(db.conn.execute(sql, params).fetchone()[0])
    except sqlite3.OperationalError as exc:
        raise fts_error(query, exc) from None
