"""How healthy is extraction, per site and per crawl: fill rates, regressions, and a plot.

A fill rate is the share of articles whose field came out non-empty: title, authors, date
(published), body, and image credit (among articles with at least one image). Per crawl it
is measured on the extractions of that crawl's captures, so a site redesign that breaks
bylines shows up as a drop between two runs, which `regressions` turns into warnings.
"""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

FIELDS = ("title", "authors", "date", "body", "image_credit")
DROP_POINTS = 0.3  # a rate this far below the site's usual rate is a regression...
DROP_RATIO = 0.75  # ...when it is also below this share of the usual rate
MIN_ARTICLES = 5  # runs with fewer articles are too small to judge
HISTORY_RUNS = 3  # the usual rate: median of this many previous runs


@dataclass
class FillRates:
    site: str
    articles: int
    rates: dict[str, float | None]
    crawl_id: int | None = None
    started_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Regression:
    site: str
    crawl_id: int | None
    field: str
    rate: float
    usual: float
    previous_crawls: list[int | None] = dataclasses.field(default_factory=list)

    @property
    def message(self) -> str:
        return (
            f"{self.site}: {self.field} fill rate fell to {self.rate:.0%} in crawl "
            f"{self.crawl_id} from {self.usual:.0%} in its previous runs "
            f"(crawls {', '.join(str(c) for c in self.previous_crawls)}); "
            "a site redesign may have broken extraction: check a page with "
            "`newsarchive extract` and add a site override."
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "message": self.message}


def _rates(
    n: int, title: int, authors: int, date: int, body: int, with_images: int, credited: int
) -> dict[str, float | None]:
    def share(k: int, of: int) -> float | None:
        return round(k / of, 4) if of else None

    return {
        "title": share(title, n),
        "authors": share(authors, n),
        "date": share(date, n),
        "body": share(body, n),
        "image_credit": share(credited, with_images),
    }


def site_fill_rates(db: Database) -> list[FillRates]:
    """Per site, over the current fields of its articles."""
    rows = db.execute(
        """SELECT coalesce(a.site, ''), count(*),
             sum(coalesce(a.title, '') != ''), sum(coalesce(a.authors, '') != ''),
             sum(coalesce(a.published, '') != ''), sum(coalesce(a.body, '') != ''),
             sum(EXISTS (SELECT 1 FROM images i WHERE i.article_id = a.id)),
             sum(EXISTS (SELECT 1 FROM images i WHERE i.article_id = a.id
                         AND coalesce(i.credit, '') != ''))
           FROM articles a GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    return [FillRates(site, n, _rates(n, *counts)) for site, n, *counts in rows]


def crawl_fill_rates(db: Database) -> list[FillRates]:
    """Per site and crawl, over what the extractor got from that crawl's article captures."""
    rows = db.execute(
        """SELECT coalesce(c.site, ''), c.crawl_id, coalesce(min(cr.started_at), ''), count(*),
             sum(coalesce(json_extract(e.fields, '$.title'), '') != ''),
             sum(coalesce(json_array_length(e.fields, '$.authors'), 0) > 0),
             sum(coalesce(json_extract(e.fields, '$.published'), '') != ''),
             sum(coalesce(json_extract(e.fields, '$.body'), '') != ''),
             sum(coalesce(json_array_length(e.fields, '$.images'), 0) > 0),
             sum(EXISTS (SELECT 1 FROM json_each(e.fields, '$.images') j
                         WHERE coalesce(json_extract(j.value, '$.credit'), '') != ''))
           FROM captures c
           JOIN extractions e ON e.id = (SELECT max(x.id) FROM extractions x
                                         WHERE x.capture_id = c.id AND x.is_article = 1)
           LEFT JOIN crawls cr ON cr.id = c.crawl_id
           WHERE c.article_id IS NOT NULL
           GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    return [
        FillRates(site, n, _rates(n, *counts), crawl_id=crawl_id, started_at=started)
        for site, crawl_id, started, n, *counts in rows
    ]


def regressions(
    runs: list[FillRates],
    *,
    drop: float = DROP_POINTS,
    ratio: float = DROP_RATIO,
    min_articles: int = MIN_ARTICLES,
    history: int = HISTORY_RUNS,
) -> list[Regression]:
    """Runs whose fill rate of a field fell sharply below the site's previous runs."""
    found: list[Regression] = []
    by_site: dict[str, list[FillRates]] = {}
    for run in runs:
        if run.articles >= min_articles:
            by_site.setdefault(run.site, []).append(run)
    for site, site_runs in by_site.items():
        for i, run in enumerate(site_runs):
            previous = site_runs[max(0, i - history) : i]
            for name in FIELDS:
                rate = run.rates[name]
                before = [r.rates[name] for r in previous if r.rates[name] is not None]
                if rate is None or not before:
                    continue
                usual = statistics.median(before)  # type: ignore[type-var]
                assert usual is not None
                if usual - rate >= drop and rate < usual * ratio:
                    crawls = [r.crawl_id for r in previous]
                    found.append(Regression(site, run.crawl_id, name, rate, usual, crawls))
    return found


def articles_per_day(db: Database) -> list[tuple[str, str, int]]:
    """(day, site, articles) by publication day."""
    rows = db.execute(
        """SELECT substr(published, 1, 10) AS day, coalesce(site, ''), count(*)
           FROM articles WHERE length(published) >= 10 GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    return [(day, site, int(n)) for day, site, n in rows]


def plot(db: Database, path: str | Path, *, max_sites: int = 8) -> Path:
    """A PNG: articles per day per site on top, fill rates per crawl below (one panel per
    field, a line per site)."""
    from datetime import date

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    per_day = articles_per_day(db)
    totals: dict[str, int] = {}
    for _, site, n in per_day:
        totals[site] = totals.get(site, 0) + n
    sites = sorted(totals, key=lambda s: -totals[s])[:max_sites]
    runs = [r for r in crawl_fill_rates(db) if r.site in sites or not sites]

    fig = plt.figure(figsize=(14, 8), layout="constrained")
    grid = fig.add_gridspec(2, len(FIELDS), height_ratios=[3, 2])
    top = fig.add_subplot(grid[0, :])
    for site in sites:
        points = [(date.fromisoformat(d), n) for d, s, n in per_day if s == site and _day(d)]
        if points:
            xs, ys = zip(*points, strict=True)
            top.plot(xs, ys, marker=".", linewidth=1, label=site)
    top.set_title("Articles per day (by publication date)")
    top.set_ylabel("articles")
    top.set_ylim(bottom=0)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    if sites:
        top.legend(loc="upper left", fontsize="small")
    for col, name in enumerate(FIELDS):
        ax = fig.add_subplot(grid[1, col])
        for site in sorted({r.site for r in runs}):
            mine = [r for r in runs if r.site == site and r.rates[name] is not None]
            if mine:
                ax.plot(
                    [r.crawl_id or 0 for r in mine],
                    [100 * (r.rates[name] or 0) for r in mine],
                    marker="o",
                    label=site,
                )
        flagged = [w for w in regressions(runs) if w.field == name]
        if flagged:
            ax.scatter(
                [w.crawl_id or 0 for w in flagged],
                [100 * w.rate for w in flagged],
                s=160,
                facecolors="none",
                edgecolors="red",
                linewidths=2,
                label="regression",
                zorder=3,
            )
        ax.set_title(f"{name.replace('_', ' ')} fill %")
        ax.set_ylim(-5, 105)
        ax.set_xlabel("crawl id")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if col == 0 and len(sites) > 1:
            ax.legend(fontsize="x-small")
    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def _day(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
