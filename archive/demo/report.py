"""What a crawl of the demo web (archive/demo/web) left in the archive, per site: the figures
`newsarchive demo` prints, read from the database and checked against the web's manifest.

    report = web_report(db, web.manifest)
    report.sites[0].articles, report.clusters, report.trap_captures, report.deferred
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from archive.discovery.urls import canonical_url

# Traps with nothing worth archiving: loops, errors, endless spaces, robots.txt-disallowed
# pages, binaries, the page over the size limit. (The others redirect to an article, serve a
# copy of one, or are real articles in an awkward charset.)
JUNK_TRAPS = frozenset(
    {
        "redirect_loop",
        "redirect_self",
        "http_500",
        "http_503_retry_after",
        "http_410",
        "http_404",
        "hang",
        "infinite_calendar",
        "infinite_relative",
        "endless_pagination",
        "session_ids",
        "robots_disallowed",
        "pdf",
        "image_no_extension",
        "huge_page",
    }
)


@dataclass
class SiteReport:
    site: str  # the archive's site name: the web's key, "site-a"
    name: str  # "Greyhaven Courier"
    url: str
    articles: int = 0
    expected: int = 0  # stories (originals and syndicated copies) the manifest lists
    found: int = 0  # of those, archived (under their URL, its canonical form or a redirect)
    on_other_sites: int = 0  # articles sharing a cluster with an article of another site
    deferred: int = 0  # rows of the `deferred` table
    trap_captures: int = 0  # captures from junk-trap URLs (a good crawl: 0)


@dataclass
class WebReport:
    sites: list[SiteReport]
    clusters: int = 0  # stories on more than one site
    clustered: int = 0  # articles in those clusters
    copies: int = 0  # syndicated copies the web holds (manifest)
    junk_traps: int = 0  # junk-trap URLs of the web
    deferred: list[dict[str, Any]] = field(default_factory=list)  # site, url, reason, due_at
    # a story of the largest cluster: id, url, title, word (a place name only it mentions)
    story: dict[str, Any] = field(default_factory=dict)
    newest: list[dict[str, Any]] = field(default_factory=list)  # id, site, title, authors


def _junk_prefixes(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Per site, the URL prefixes of its junk traps (endless spaces answer below theirs)."""
    prefixes: dict[str, list[str]] = {}
    for trap in manifest["traps"]:
        if trap["name"] in JUNK_TRAPS:
            prefixes.setdefault(trap["site"], []).append(trap["url"].split("?")[0])
    return prefixes


def _canonical(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return url


def web_report(db: Database, manifest: dict[str, Any], *, newest: int = 3) -> WebReport:
    """The archive's figures for the sites of `manifest`, `newest` recent articles per site."""
    names = list(manifest["sites"])
    junk = _junk_prefixes(manifest)
    sites = {
        key: SiteReport(key, info["name"], info["home"]) for key, info in manifest["sites"].items()
    }
    marks = ",".join("?" * len(names))
    for site, articles in db.execute(
        f"SELECT site, count(*) FROM articles WHERE site IN ({marks}) GROUP BY site",  # noqa: S608
        names,
    ).fetchall():
        sites[site].articles = articles
    archived: set[str] = set()
    for site, *urls in db.execute(
        f"""SELECT c.site, c.url, c.final_url, a.url FROM captures c
            LEFT JOIN articles a ON a.id = c.article_id
            WHERE c.site IN ({marks})""",  # noqa: S608 - placeholders only
        names,
    ).fetchall():
        if any(u and u.startswith(p) for p in junk.get(site, []) for u in urls):
            sites[site].trap_captures += 1
        archived.update(_canonical(u) for u in urls if u)
    for entry in manifest["articles"]:
        if entry["kind"] in ("article", "syndicated_copy") and entry["status"] == 200:
            sites[entry["site"]].expected += 1
            sites[entry["site"]].found += _canonical(entry["url"]) in archived
    clusters = db.execute(
        f"""SELECT cluster_id, count(*) AS n, count(DISTINCT site) AS k FROM articles
            WHERE site IN ({marks}) AND cluster_id IS NOT NULL
            GROUP BY cluster_id HAVING k > 1 ORDER BY k DESC, n DESC, cluster_id""",  # noqa: S608
        names,
    ).fetchall()
    shared = {cluster for cluster, _, _ in clusters}
    for site, cluster in db.execute(
        f"SELECT site, cluster_id FROM articles WHERE site IN ({marks})",  # noqa: S608
        names,
    ).fetchall():
        if cluster in shared:
            sites[site].on_other_sites += 1
    deferred = list(
        db.query(
            f"""SELECT site, url, reason, due_at, attempts FROM deferred
                WHERE site IN ({marks}) ORDER BY site, url""",  # noqa: S608 - placeholders only
            names,
        )
    )
    for item in deferred:
        sites[item["site"]].deferred += 1
    report = WebReport(
        sites=list(sites.values()),
        clusters=len(clusters),
        clustered=sum(n for _, n, _ in clusters),
        copies=int(manifest["stats"]["syndicated_copies"]),
        junk_traps=sum(len(p) for p in junk.values()),
        deferred=deferred,
    )
    if clusters:
        first = "SELECT id, url, title FROM articles WHERE cluster_id = ? ORDER BY id LIMIT 1"
        report.story = next(db.query(first, [clusters[0][0]]), {})
        markers = {
            _canonical(e["url"]): e["body_markers"][0]
            for e in manifest["articles"]
            if e["body_markers"]
        }
        report.story["word"] = markers.get(_canonical(report.story.get("url", "")), "")
    for site in names:
        report.newest += db.query(
            """SELECT id, site, title, authors FROM articles WHERE site = ?
               ORDER BY published DESC, id LIMIT ?""",
            [site, newest],
        )
    return report
