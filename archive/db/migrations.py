"""The schema of the SQLite index, as sqlite-utils migrations applied in order by `open_db`.

Frozen: a migration that has run on someone's archive is never edited, only followed by a new
one. Migrations change the schema only; work over the data that a new table needs (such as
indexing old articles for near-duplicates) is done by live code after the migrations run
(`archive.db.connection.open_db` runs `backfill_if_pending`).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("newsarchive")


@migrations()
def m001_initial(db: Database) -> None:
    db.execute(
        """CREATE TABLE sites (
            name TEXT PRIMARY KEY,
            url TEXT,
            config TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE crawls (
            id INTEGER PRIMARY KEY,
            sites TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            finish_reason TEXT,
            stats TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE captures (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            final_url TEXT NOT NULL,
            canonical_url TEXT,
            site TEXT,
            crawl_id INTEGER REFERENCES crawls(id),
            fetched_at TEXT NOT NULL,
            status INTEGER NOT NULL,
            content_type TEXT,
            headers TEXT,
            hints TEXT,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            blob_key TEXT NOT NULL,
            mirrored INTEGER NOT NULL DEFAULT 0,
            outcome TEXT,
            article_id INTEGER REFERENCES articles(id),
            UNIQUE (url, fetched_at, sha256)
        )"""
    )
    db.execute("CREATE INDEX captures_sha256 ON captures(sha256)")
    db.execute("CREATE INDEX captures_final_url ON captures(final_url)")
    db.execute("CREATE INDEX captures_canonical_url ON captures(canonical_url)")
    db.execute("CREATE INDEX captures_article ON captures(article_id)")
    db.execute(
        """CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            site TEXT,
            title TEXT,
            subtitle TEXT,
            section TEXT,
            authors TEXT,
            published TEXT,
            modified TEXT,
            language TEXT,
            site_name TEXT,
            body TEXT,
            tags TEXT,
            lead_image_url TEXT,
            lead_image_caption TEXT,
            lead_image_credit TEXT,
            content_hash TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            first_seen TEXT,
            last_seen TEXT,
            gone_at TEXT,
            capture_id INTEGER REFERENCES captures(id),
            extraction_id INTEGER REFERENCES extractions(id),
            extractor_version TEXT,
            cluster_id INTEGER
        )"""
    )
    db.execute("CREATE INDEX articles_site_published ON articles(site, published)")
    db.execute("CREATE INDEX articles_content_hash ON articles(content_hash)")
    db.execute(
        """CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            version INTEGER NOT NULL,
            capture_id INTEGER REFERENCES captures(id),
            extraction_id INTEGER REFERENCES extractions(id),
            content_hash TEXT NOT NULL,
            title TEXT,
            subtitle TEXT,
            authors TEXT,
            published TEXT,
            modified TEXT,
            body TEXT,
            seen_at TEXT NOT NULL,
            UNIQUE (article_id, version)
        )"""
    )
    db.execute(
        """CREATE TABLE extractions (
            id INTEGER PRIMARY KEY,
            capture_id INTEGER NOT NULL REFERENCES captures(id),
            extractor_version TEXT NOT NULL,
            extracted_at TEXT NOT NULL,
            is_article INTEGER NOT NULL,
            fields TEXT,
            provenance TEXT,
            error TEXT,
            UNIQUE (capture_id, extractor_version)
        )"""
    )
    db.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
    db.execute(
        """CREATE TABLE article_authors (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            author_id INTEGER NOT NULL REFERENCES authors(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (article_id, author_id)
        )"""
    )
    db.execute(
        """CREATE TABLE images (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            position INTEGER NOT NULL,
            url TEXT,
            caption TEXT,
            credit TEXT
        )"""
    )
    db.execute("CREATE INDEX images_article ON images(article_id)")
    db.execute(
        """CREATE TABLE clusters (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            member_id INTEGER NOT NULL REFERENCES articles(id),
            similarity REAL,
            reason TEXT,
            UNIQUE (article_id, member_id)
        )"""
    )
    db["articles"].enable_fts(  # type: ignore[union-attr]
        ["title", "subtitle", "authors", "body"], create_triggers=True, tokenize="unicode61"
    )


@migrations()
def m002_validators(db: Database) -> None:
    """HTTP validators of discovery documents (sitemaps, feeds) for conditional re-fetches."""
    db.execute(
        """CREATE TABLE validators (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            saved_at TEXT NOT NULL
        )"""
    )


@migrations()
def m003_dedupe_minhash(db: Database) -> None:
    """Near-duplicate state (archive/dedupe.py): MinHash signatures, their LSH bands, rel=canonical
    pointers to other hosts, and the indexes cluster queries need. Articles archived before
    are indexed here, oldest first."""
    db.execute(
        """CREATE TABLE minhash_signatures (
            article_id INTEGER PRIMARY KEY,
            body BLOB,
            shingles INTEGER NOT NULL,
            title_key TEXT,
            site TEXT,
            published TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE minhash_bands (
            band INTEGER NOT NULL,
            hash INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (band, hash, article_id)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE canonical_refs (
            url TEXT NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (url, article_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE TABLE dedupe_params (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE INDEX articles_cluster ON articles(cluster_id)")
    db.execute("CREATE INDEX clusters_member ON clusters(member_id)")
    # articles archived before this migration are indexed by open_db, with live dedupe code
    db.execute("INSERT INTO dedupe_params (name, value) VALUES ('backfill_pending', '1')")


@migrations()
def m004_fts_text_updates_only(db: Database) -> None:
    """Re-index an article in FTS only when its text columns change, not on every last_seen."""
    db.execute("DROP TRIGGER IF EXISTS articles_au")
    db.execute(
        """CREATE TRIGGER articles_au AFTER UPDATE OF title, subtitle, authors, body ON articles
        BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, subtitle, authors, body)
            VALUES ('delete', old.rowid, old.title, old.subtitle, old.authors, old.body);
          INSERT INTO articles_fts (rowid, title, subtitle, authors, body)
            VALUES (new.rowid, new.title, new.subtitle, new.authors, new.body);
        END"""
    )


@migrations()
def m005_override_hash(db: Database) -> None:
    """Which site overrides an extraction ran with: the hash of the site's selectors ('' or
    NULL: none). Extractions with overrides carry it in their version too ('0.9.3+site.HASH'),
    so that changing a site's overrides makes its captures due for `reextract`."""
    db.execute("ALTER TABLE extractions ADD COLUMN overrides_hash TEXT")
    db.execute(
        "UPDATE extractions SET overrides_hash = substr(extractor_version, "
        "instr(extractor_version, '+site.') + 6) WHERE extractor_version LIKE '%+site.%'"
    )


@migrations()
def m006_deferred(db: Database) -> None:
    """URLs a crawl left for the next run of their site instead of waiting: a Retry-After longer
    than the rest of the crawl, a repeated timeout, a download still hanging at the end."""
    db.execute(
        """CREATE TABLE deferred (
            site TEXT NOT NULL,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            reason TEXT NOT NULL,
            due_at TEXT NOT NULL,
            deferred_at TEXT NOT NULL,
            crawl_id INTEGER REFERENCES crawls(id),
            attempts INTEGER NOT NULL DEFAULT 1,
            hints TEXT,
            PRIMARY KEY (site, url)
        )"""
    )
