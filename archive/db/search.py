"""Reading the archive: full-text search and one article with its history.

Every value from a user is bound as a parameter; only fixed column names are pasted into SQL.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from archive.discovery.urls import safe_canonical_url
from archive.errors import QueryError


@dataclass
class SearchFilters:
    site: str | list[str] | tuple[str, ...] | None = None  # one name or several
    author: str | None = None
    section: str | None = None
    since: str | None = None
    until: str | None = None
    language: str | None = None


FTS_COLUMNS = ("title", "subtitle", "authors", "body")
_OPERATORS = {"AND", "OR", "NOT"}
_BAREWORD = re.compile(r"\w+\*?", re.UNICODE)  # a word, or a prefix* term
_TOKENS = re.compile(r'"(?:[^"]|"")*"?|[^\s"]+')  # "a phrase" (doubled "" inside) or a word


def _term(token: str) -> str:
    """One whitespace-free token as FTS5 reads it: operators, words, prefix*, column:term and
    ^initial pass through; anything else (O'Brien, harbor-master, $14.2, C++) becomes a
    quoted phrase, which FTS5 tokenizes as the words a reader sees."""
    if token in _OPERATORS or _BAREWORD.fullmatch(token):
        return token
    column, colon, rest = token.partition(":")
    if colon and column.lower() in FTS_COLUMNS and rest:
        return f"{column}:{_term(rest)}"
    if token.startswith("^") and _BAREWORD.fullmatch(token[1:]):
        return token
    return '"' + token.replace('"', '""') + '"'


def fts_query(query: str) -> str:
    """A search box's text as an FTS5 query: plain words with punctuation just work, while
    FTS5 syntax (\"phrases\", AND/OR/NOT, prefix*, column:term, (groups), NEAR) still does.

        >>> fts_query("O'Brien harbor-master")
        '"O\'Brien" "harbor-master"'
        >>> fts_query('"city council" OR seawall*')
        '"city council" OR seawall*'
    """
    if "NEAR(" in query:
        return query  # NEAR(a b, 5) is FTS5 syntax through and through: as given
    out: list[str] = []
    for token in _TOKENS.findall(query):
        if token.startswith('"'):
            out.append(token)  # a phrase; an unclosed one stays an error FTS5 explains
            continue
        opened = len(token) - len(token.lstrip("("))
        closed = len(token) - len(token.rstrip(")"))
        inner = token[opened : len(token) - closed]
        out.append("(" * opened + (_term(inner) if inner else "") + ")" * closed)
    return " ".join(out)


def fts_error(query: str, exc: sqlite3.OperationalError) -> QueryError:
    return QueryError(
        f'Bad search query {query!r} ({exc}). Use words, "exact phrases", OR, NOT, '
        "and prefix* terms; quote words that contain punctuation."
    )


def filter_where(filters: SearchFilters, alias: str = "a") -> tuple[list[str], dict[str, Any]]:
    """SQL conditions (on the articles table as `alias`) and their bound parameters.

    Shared by search and export; values are always bound, never pasted.
    """
    a = alias
    for name in ("since", "until"):
        value = getattr(filters, name)
        if value and not _is_day(value):
            raise QueryError(f"--{name} takes a day as YYYY-MM-DD, got {value!r}.")
    where: list[str] = []
    params: dict[str, Any] = {}
    sites = [filters.site] if isinstance(filters.site, str) else list(filters.site or [])
    if sites:
        marks = ", ".join(f":site{i}" for i in range(len(sites)))
        where.append(f"{a}.site IN ({marks})")
        params.update({f"site{i}": name for i, name in enumerate(sites)})
    if filters.section:
        where.append(f"{a}.section = :section COLLATE NOCASE")
        params["section"] = filters.section
    if filters.language:  # "en" matches "en" and "en-US"
        where.append(
            f"({a}.language = :language COLLATE NOCASE OR {a}.language LIKE :language_prefix "
            "ESCAPE '\\')"
        )
        params["language"] = filters.language
        params["language_prefix"] = _like_escape(filters.language) + "-%"
    if filters.since:
        where.append(f"substr({a}.published, 1, 10) >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append(f"substr({a}.published, 1, 10) <= :until")
        params["until"] = filters.until
    if filters.author:
        where.append(
            f"{a}.id IN (SELECT aa.article_id FROM article_authors aa "  # noqa: S608
            "JOIN authors au ON au.id = aa.author_id WHERE au.name LIKE :author ESCAPE '\\')"
        )
        params["author"] = f"%{_like_escape(filters.author)}%"
    return where, params


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _like_escape(value: str) -> str:
    """A user's text as a literal inside a LIKE pattern (ESCAPE '\\')."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    db: Database,
    query: str,
    *,
    limit: int = 20,
    filters: SearchFilters | None = None,
    order: str = "relevance",
    one_per_cluster: bool = False,
) -> list[dict[str, Any]]:
    """Articles matching an FTS5 query, best first, with a highlighted snippet.

    The query goes through `fts_query` (plain words with punctuation work; FTS5 syntax too).
    An empty query lists the articles the filters select, newest first (no snippet).
    `one_per_cluster`: only the best match of each cluster of syndicated copies (with its
    `cluster_id`), so a wire story counts once."""
    if not query.strip():
        return _listing(db, limit=limit, filters=filters or SearchFilters())
    where, params = filter_where(filters or SearchFilters())
    where.insert(0, "articles_fts MATCH :q")
    params.update(q=fts_query(query), limit=limit if limit > 0 else -1)  # LIMIT -1: no limit
    order_by = "rank" if order == "relevance" else "a.published DESC"
    sql = f"""
        SELECT a.id, a.url, a.site, a.title, a.authors, a.published, a.section,
               snippet(articles_fts, -1, '[', ']', '…', 12) AS snippet
        FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
        WHERE {" AND ".join(where)}
        ORDER BY {order_by}
        LIMIT :limit
    """  # noqa: S608 - only fixed fragments are pasted; values are bound
    if one_per_cluster:  # keep the best match of each cluster (FTS5's snippet() cannot run
        # beside a window function, so the window picks ids in a subquery of the same match)
        cluster = "COALESCE(a.cluster_id, a.id)"
        best = f"""a.id IN (SELECT id FROM (
            SELECT a.id, row_number() OVER (PARTITION BY {cluster} ORDER BY {order_by}) AS nth
            FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
            WHERE {" AND ".join(where)}) WHERE nth = 1)"""  # noqa: S608 - as below
        sql = sql.replace("AS snippet", f"AS snippet, {cluster} AS cluster_id", 1)
        sql = sql.replace("WHERE ", f"WHERE {best} AND ", 1)
    try:
        rows = list(db.query(sql, params))
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        raise fts_error(query, exc) from None  # the only user input in the SQL is the query
    for row in rows:
        row["authors"] = _split_authors(row["authors"])
    return rows


def _listing(db: Database, *, limit: int, filters: SearchFilters) -> list[dict[str, Any]]:
    """Articles selected by filters alone, newest first."""
    where, params = filter_where(filters)
    params["limit"] = limit if limit > 0 else -1
    sql = f"""SELECT a.id, a.url, a.site, a.title, a.authors, a.published, a.section,
               '' AS snippet FROM articles a WHERE {" AND ".join(where) or "1"}
               ORDER BY a.published DESC, a.id DESC LIMIT :limit"""  # noqa: S608 - values bound
    rows = list(db.query(sql, params))
    for row in rows:
        row["authors"] = _split_authors(row["authors"])
    return rows


def known_sites(db: Database, *, captures: bool = False) -> list[str]:
    """The site names an archive knows (registered by crawls, or on its articles; with
    `captures`, on its captures too)."""
    sql = "SELECT name FROM sites UNION SELECT DISTINCT site FROM articles"
    if captures:
        sql += " UNION SELECT DISTINCT site FROM captures"
    return sorted(str(row[0]) for row in db.execute(sql).fetchall() if row[0])


def check_sites(db: Database, names: list[str], *, captures: bool = False) -> None:
    """Raise QueryError naming a site the archive does not know, with those it does."""
    if not names:
        return
    known = known_sites(db, captures=captures)
    for name in names:
        if name not in known:
            raise QueryError(
                f"No site named {name!r} in this archive; its sites: {', '.join(known) or 'none'}."
            )


def cluster_members(db: Database, article_id: int, cluster_id: int | None) -> list[dict[str, Any]]:
    """The other articles of an article's cluster (syndicated copies, kept as separate
    articles), with the similarity and reason of a direct link to it (None: linked through
    another member)."""
    if cluster_id is None:
        return []
    return list(
        db.query(
            """SELECT a.id, a.url, a.site, a.title, a.published, c.similarity, c.reason
               FROM articles a LEFT JOIN clusters c
                 ON (c.article_id = a.id AND c.member_id = :id)
                 OR (c.member_id = a.id AND c.article_id = :id)
               WHERE a.cluster_id = :cluster AND a.id != :id ORDER BY a.id""",
            {"id": article_id, "cluster": cluster_id},
        )
    )


def _split_authors(value: str | None) -> list[str]:
    return [a for a in (value or "").split("; ") if a]


def find_article(db: Database, id_or_url: str | int) -> dict[str, Any] | None:
    """One article by id, canonical URL, or any URL it was captured under."""
    id_or_url = str(id_or_url)
    if id_or_url.isdigit():
        rows = list(db.query("SELECT * FROM articles WHERE id = ?", [int(id_or_url)]))
    else:
        url = safe_canonical_url(id_or_url)
        rows = list(db.query("SELECT * FROM articles WHERE url = ?", [url]))
        if not rows:
            rows = list(
                db.query(
                    "SELECT a.* FROM articles a JOIN captures c ON c.article_id = a.id "
                    "WHERE c.url = ? OR c.final_url = ? LIMIT 1",
                    [id_or_url, id_or_url],
                )
            )
    if not rows:
        return None
    article = rows[0]
    article["authors"] = _split_authors(article["authors"])
    article["tags"] = json.loads(article["tags"] or "[]")
    article["images"] = list(
        db.query(
            "SELECT url, caption, credit FROM images WHERE article_id = ? ORDER BY position",
            [article["id"]],
        )
    )
    article["captures"] = list(
        db.query(
            "SELECT id, url, final_url, fetched_at, status, sha256, blob_key, mirrored "
            "FROM captures WHERE article_id = ? ORDER BY fetched_at",
            [article["id"]],
        )
    )
    article["cluster"] = cluster_members(db, article["id"], article.get("cluster_id"))
    article["versions"] = list(
        db.query(
            "SELECT version, seen_at, title, subtitle, authors, published, modified, body, "
            "capture_id FROM article_versions WHERE article_id = ? ORDER BY version",
            [article["id"]],
        )
    )
    return article


def counts(db: Database) -> dict[str, int]:
    tables = ("captures", "articles", "article_versions", "extractions", "authors", "images")
    return {t: db.table(t).count for t in tables}
