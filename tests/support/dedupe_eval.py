"""Scoring dedupe against the test web's manifest: pair precision/recall of syndicated copies.

Used by tests/test_dedupe_testweb.py and, as a script, to sweep the threshold on a crawled
archive (how DEFAULT_THRESHOLD was chosen):

    .venv/bin/python -m tests.support.dedupe_eval DATA/news.db MANIFEST.json
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from archive.discovery.urls import canonical_url


def manifest_groups(manifest: dict[str, Any]) -> dict[str, str]:
    """Manifest id -> id of its original, for originals and syndicated copies."""
    return {
        a["id"]: a["duplicate_of"] or a["id"]
        for a in manifest["articles"]
        if a["kind"] in ("article", "syndicated_copy") and a["status"] == 200
    }


def archived_ids(db: sqlite3.Connection, manifest: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Manifest id -> (article id, cluster id) of the archived article it was stored as."""
    by_url = {canonical_url(a["url"]): a["id"] for a in manifest["articles"]}
    out = {}
    rows = db.execute(
        "SELECT c.url, c.final_url, a.url, a.id, COALESCE(a.cluster_id, a.id) "
        "FROM captures c JOIN articles a ON a.id = c.article_id"
    )
    for url, final_url, article_url, article_id, cluster in rows:
        for u in (article_url, url, final_url):
            mid = by_url.get(canonical_url(u))
            if mid is not None and (mid not in out or u == article_url):
                out[mid] = (article_id, cluster)
    return out


def pair_scores(db: sqlite3.Connection, manifest: dict[str, Any]) -> dict[str, Any]:
    """Precision/recall over pairs of manifest articles: true pairs share an original,
    predicted pairs share a cluster; false merges are pairs of distinct originals."""
    groups = manifest_groups(manifest)
    stored = archived_ids(db, manifest)
    ids = sorted(i for i in groups if i in stored)
    kinds = {a["id"]: a["kind"] for a in manifest["articles"]}
    tp = fp = fn = 0
    wrong: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    merged_originals: list[tuple[str, str]] = []
    for x, y in itertools.combinations(ids, 2):
        truth = groups[x] == groups[y]
        predicted = stored[x][1] == stored[y][1]
        tp += truth and predicted
        if predicted and not truth:
            fp += 1
            wrong.append((x, y))
            if kinds[x] == kinds[y] == "article":
                merged_originals.append((x, y))
        if truth and not predicted:
            fn += 1
            missed.append((x, y))
    return {
        "articles": len(ids),
        "true_pairs": tp + fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "false_pairs": wrong[:10],
        "missed_pairs": missed[:10],
        "merged_originals": merged_originals,
    }


def body_overlaps(db: sqlite3.Connection, manifest: dict[str, Any]) -> dict[str, list[float]]:
    """Estimated body overlap of every cross-site pair the overlap rule may judge
    (Jaccard >= MIN_JACCARD), split into copies and distinct stories: where the threshold
    can sit."""
    from archive.db.dedupe import MIN_JACCARD, _unpack, body_similarity

    groups = manifest_groups(manifest)
    owner = {aid: mid for mid, (aid, _) in archived_ids(db, manifest).items() if mid in groups}
    sigs = [
        (owner[i], _unpack(body), count, site)
        for i, body, count, site in db.execute(
            "SELECT article_id, body, shingles, site FROM minhash_signatures WHERE body NOT NULL"
        )
        if i in owner
    ]
    out: dict[str, list[float]] = {"copies": [], "distinct": []}
    for (x, sx, nx, site_x), (y, sy, ny, site_y) in itertools.combinations(sigs, 2):
        if site_x == site_y or sx is None or sy is None:
            continue
        jaccard, overlap = body_similarity(sx, nx, sy, ny)
        if jaccard >= MIN_JACCARD:
            out["copies" if groups[x] == groups[y] else "distinct"].append(round(overlap, 3))
    return {k: sorted(v) for k, v in out.items()}


def rescore(db_path: Path, manifest: dict[str, Any], threshold: float) -> dict[str, Any]:
    """Re-run dedupe over a copy of an archive with another threshold; score it."""
    from archive.db.connection import open_db
    from archive.db.dedupe import backfill

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "news.db"
        src = sqlite3.connect(db_path)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        db = open_db(copy)
        with db.atomic():
            for table in ("minhash_signatures", "minhash_bands", "clusters", "canonical_refs"):
                db.execute(f"DELETE FROM {table}")
            db.execute("UPDATE articles SET cluster_id = NULL")
            backfill(db, threshold)
        scores = pair_scores(db.conn, manifest)
        scores["body"] = body_overlaps(db.conn, manifest)
        db.close()
    return scores


def main() -> None:
    db_path, manifest_path = Path(sys.argv[1]), Path(sys.argv[2])
    manifest = json.loads(manifest_path.read_text())
    for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        s = rescore(db_path, manifest, threshold)
        print(
            f"threshold {threshold:.2f}  precision {s['precision']:.3f}  "
            f"recall {s['recall']:.3f}  false {len(s['false_pairs'])}  "
            f"missed {len(s['missed_pairs'])}  originals merged {len(s['merged_originals'])}"
        )
    body = s["body"]
    print(
        f"body overlap, cross-site pairs with Jaccard >= MIN_JACCARD: copies {body['copies'][:6]}…"
        f" ({len(body['copies'])}), distinct stories …{body['distinct'][-4:]}"
    )


if __name__ == "__main__":
    main()
