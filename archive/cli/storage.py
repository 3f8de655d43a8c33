"""Blob store commands of the CLI: sync, verify, rebuild."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.options import (
    blobs_option,
    data_option,
    emit_json,
    exit_on_errors,
    friendly_errors,
    json_option,
    open_store,
    progress_bar,
)
from archive.db.connection import data_dir, open_db
from archive.storage import BlobStore, BlobStoreError, open_blob_store
from archive.storage.local import LocalBlobStore
from archive.storage.spool import spool_dir, sync_spool, verify_store


@click.command()
@data_option
@blobs_option
@click.option(
    "--to",
    "target_uri",
    metavar="URI",
    default="",
    help="Copy every blob of the archive to this new store (e.g. local -> s3://bucket/raw).",
)
@json_option
@friendly_errors
def sync(data: str | None, blobs: str, target_uri: str, as_json: bool) -> None:
    """Upload what an S3 outage left in DATA/spool, and mark those captures mirrored; or,
    with --to URI, copy every raw page of the archive from its store to another one.

    Each object is read back and checked before its spooled copy is removed. Running it again
    does nothing. Exit code 1 if something could not be uploaded (run it again later).

    Example:

    \b
        newsarchive sync --data ./data --blobs s3://news-raw/raw
        newsarchive sync --data ./data --to s3://news-raw/raw
    """
    folder = data_dir(data)
    store = open_store(folder, blobs)
    if target_uri:
        _copy_all(folder, store, target_uri, as_json)
        return
    spool = LocalBlobStore(spool_dir(folder))
    db = open_db(folder) if (folder / "news.db").exists() else None
    pending = list(spool.keys()) if spool.root.is_dir() else []
    with progress_bar(f"Uploading to {store.uri}", len(pending)) as update:
        report = sync_spool(store, spool, db, only=pending, progress=update)
    if as_json:
        emit_json(report.to_dict())
    else:
        click.echo(
            f"{len(report.uploaded)} uploaded, {report.marked} capture rows marked mirrored, "
            f"{len(report.failed)} failed."
        )
    exit_on_errors(
        report.failed,
        "Not uploaded",
        hint="Some blobs stay in the spool: run `newsarchive sync` again later.",
    )


def _copy_all(folder: Path, store: BlobStore, target_uri: str, as_json: bool) -> None:
    """Every blob the archive's captures name, copied from `store` to `target_uri` with its
    metadata (objects already there are checked and kept); read back before counting."""
    target = open_blob_store(target_uri)
    target.check()
    db = open_db(folder, readonly=True)
    shas = [row[0] for row in db.execute("SELECT DISTINCT sha256 FROM captures")]
    copied, present, failed = 0, 0, {}
    with progress_bar(f"Copying to {target.uri}", len(shas)) as update:
        for sha in shas:
            try:
                if target.exists(sha):
                    target.get(sha)  # there and whole: gunzips to its sha256
                    present += 1
                else:
                    target.put(sha, store.get(sha), store.meta(sha))
                    target.get(sha)
                    copied += 1
            except BlobStoreError as exc:
                failed[sha] = str(exc)
            update(1)
    if as_json:
        emit_json({"target": target.uri, "copied": copied, "present": present, "failed": failed})
    else:
        click.echo(
            f"{copied} copied to {target.uri}, {present} there already, {len(failed)} failed."
        )
    exit_on_errors(failed, "Not copied")
    click.echo(f"From now on pass --blobs {target.uri} (or set NEWSARCHIVE_BLOBS).", err=True)


@click.command()
@data_option
@blobs_option
@click.option("--repair", is_flag=True, help="Re-upload broken objects from a local copy.")
@json_option
@friendly_errors
def verify(data: str | None, blobs: str, repair: bool, as_json: bool) -> None:
    """Check that every capture's object exists and decompresses to its sha256.

    A missing or damaged zstd dictionary is named with every body that needs it.

    Exit code 1 if any object is missing or corrupt (after --repair: if any is left). With
    --repair, objects are re-uploaded from DATA/spool or DATA/raw where a good copy exists.

    Example:

    \b
        newsarchive verify --data ./data --blobs s3://news-raw/raw --repair
    """
    folder = data_dir(data)
    store = open_store(folder, blobs)
    db = open_db(folder, create=False)
    spool = LocalBlobStore(spool_dir(folder))
    raw = LocalBlobStore(folder / "raw")
    copies = [raw] if raw.uri != store.uri and raw.root.is_dir() else []
    (total,) = db.execute("SELECT count(DISTINCT sha256) FROM captures").fetchone()
    with progress_bar(f"Verifying {store.uri}", total) as update:
        report = verify_store(store, db, repair=repair, spool=spool, copies=copies, progress=update)
    if as_json:
        emit_json(report.to_dict())
    else:
        click.echo(
            f"{report.checked} objects checked: {len(report.missing)} missing, "
            f"{len(report.corrupt)} corrupt, {len(report.repaired)} repaired."
        )
    for sha, url in sorted(report.missing.items()):
        where = " (waiting in the spool: run `newsarchive sync`)" if sha in report.spooled else ""
        click.echo(f"Missing {sha} ({url}){where}", err=True)
    for sha, problem in sorted(report.corrupt.items()):
        click.echo(f"Corrupt {sha}: {problem}", err=True)
    for name, entry in sorted(report.dictionaries.items()):
        bodies = entry["bodies"]
        assert isinstance(bodies, list)
        click.echo(
            f"zstd dictionary {name} is {entry['problem']}: {len(bodies)} bodies need it: "
            f"{', '.join(bodies)}. Restore dicts/{name}.zdict from a copy of the store.",
            err=True,
        )
    for sha, reason in sorted(report.unrepaired.items()):
        click.echo(f"Not repaired {sha}: {reason}", err=True)
    if report.unmarked and not repair:
        click.echo(
            f"{report.unmarked} capture rows are not marked mirrored though their "
            "objects are fine: `newsarchive sync` marks them.",
            err=True,
        )
    if not report.ok:
        if repair:
            pass
        elif copies or report.spooled:
            click.echo(
                "Run `newsarchive verify --repair` to re-upload from local copies.", err=True
            )
        else:  # the store is DATA/raw itself: there is no other copy to repair from
            click.echo(
                f"{store.uri} holds the archive's only copy of these pages: restore them from "
                "a backup, or crawl their sites again to fetch them anew (their rows stay).",
                err=True,
            )
        raise SystemExit(1)


@click.command("rebuild")
@click.option(
    "--from",
    "source",
    required=True,
    metavar="URI",
    help="The blob store to read: s3://bucket/prefix or a raw folder.",
)
@data_option
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(dir_okay=False),
    help="A sites.toml, for per-site extractor overrides.",
)
@click.option("--workers", type=int, default=0, help="Extraction processes (default: auto).")
@json_option
@friendly_errors
def rebuild_cmd(
    source: str, data: str | None, sites_file: str | None, workers: int, as_json: bool
) -> None:
    """Rebuild the database from the blob store alone: captures from object metadata,
    articles by re-extraction, oldest fetch first. Running it again changes nothing.

    Example:

    \b
        newsarchive rebuild --from s3://news-raw/raw --data ./rebuilt
    """
    from archive.jobs.rebuild import plan_rebuild, rebuild  # imports the extractor: only here
    from archive.sites import load_sites

    folder = data_dir(data)
    store = open_blob_store(source)
    store.check()
    overrides = {s.name: s.overrides for s in load_sites(sites_file)} if sites_file else {}
    db = open_db(folder, create=True)
    click.echo(f"Listing {store.uri} ...", err=True)
    plan = plan_rebuild(store, db)
    with progress_bar("Rebuilding", len(plan.todo)) as update:
        report = rebuild(store, db, plan, workers=workers, overrides=overrides, progress=update)
    if as_json:
        emit_json(report.to_dict())
    else:
        outcomes = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items())) or "nothing"
        click.echo(
            f"{report.objects} objects, {report.skipped} already indexed; "
            f"indexed: {outcomes}; {len(report.errors)} errors."
        )
    exit_on_errors(report.errors, "Not indexed")


@click.command()
@data_option
@blobs_option
@click.option("--site", default="", help="Only the bodies of this site (its sites.toml name).")
@click.option("--dry-run", is_flag=True, help="Count the gzip bodies; change nothing.")
@json_option
@friendly_errors
def recompress(data: str | None, blobs: str, site: str, dry_run: bool, as_json: bool) -> None:
    """Rewrite bodies stored as gzip (before zstd) as zstd, with per-site dictionaries.

    Each new object is read back and its sha256 checked before the gzip object is deleted, so
    the command can be killed at any time and run again to finish. Exit code 1 if some body
    could not be rewritten (it keeps its gzip object).

    Example:

    \b
        newsarchive recompress --data ./data --blobs s3://news-raw/raw --dry-run
        newsarchive recompress --data ./data --blobs s3://news-raw/raw --site harbor
    """
    from archive.jobs.recompress import legacy_bodies
    from archive.jobs.recompress import recompress as run
    from archive.storage import CodecStore

    folder = data_dir(data)
    store = open_store(folder, blobs)
    if not isinstance(store, CodecStore):
        raise click.ClickException(f"{store.uri} does not support recompress")
    db = open_db(folder) if (folder / "news.db").exists() else None
    click.echo(f"Listing {store.uri} ...", err=True)
    shas = legacy_bodies(store)
    with progress_bar(f"Recompressing {store.uri}", len(shas)) as update:
        report = run(store, shas, site=site, dry_run=dry_run, db=db, progress=update)
    store.learner.wait()
    if as_json:
        emit_json(report.to_dict() | {"dry_run": dry_run})
    elif dry_run:
        todo = report.todo - report.other_site
        click.echo(f"{todo} gzip bodies would be rewritten as zstd (nothing changed).")
    else:
        click.echo(
            f"{len(report.rewritten)} rewritten as zstd, {len(report.finished)} finished from "
            f"an earlier run, {len(report.failed)} failed, {report.other_site} of other sites."
        )
    exit_on_errors(report.failed, "Not rewritten")  # report.ok is `not report.failed`
