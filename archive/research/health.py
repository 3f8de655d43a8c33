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


def site_crawls(db: Database) -> dict[str, list[tuple[int, str]]]:
    """Per site, every crawl that included it (id, start time), whatever it archived."""
    out: dict[str, list[tuple[int, str]]] = {}
    for crawl_id, names, started in db.execute(
        "SELECT id, coalesce(sites, ''), coalesce(started_at, '') FROM crawls ORDER BY id"
    ):
        for name in filter(None, (n.strip() for n in names.split(","))):
            out.setdefault(name, []).append((int(crawl_id), started))
    return out


def _zero_filled(per_day: list[tuple[str, str, int]], site: str, days: list[Any]) -> list[int]:
    counts = {d: n for d, s, n in per_day if s == site and _day(d)}
    return [counts.get(day.isoformat(), 0) for day in days]


def health_figure(db: Database, *, title: str = "", max_sites: int = 8) -> Any:
    """The health plot as a matplotlib Figure: one row of panels per site (small multiples,
    the busiest `max_sites`): articles per publication day as bars, every day between the
    archive's first and last one drawn (zero days too); fill rates per crawl of that site,
    one line per field, crawls as integer ticks, and crawls that archived no article marked
    (a parser broken by a redesign). An archive with nothing to plot says so."""
    from datetime import UTC, date, datetime, timedelta

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    per_day = articles_per_day(db)
    totals: dict[str, int] = {}
    for _, site, n in per_day:
        totals[site] = totals.get(site, 0) + n
    crawled = site_crawls(db)
    runs = crawl_fill_rates(db)
    names = set(totals) | {r.site for r in runs} | set(crawled)
    sites = sorted(names, key=lambda s: (-totals.get(s, 0), s))[:max_sites]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = f"Extraction health of {title or 'the archive'} — {stamp}"
    if not sites:
        fig = Figure(figsize=(8, 3), layout="constrained")
        fig.suptitle(heading)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "No data: this archive has no articles or crawls yet.\n"
            "Run `newsarchive crawl` (or `newsarchive demo`) first.",
            ha="center",
            va="center",
            fontsize=12,
        )
        return fig
    all_days = sorted(date.fromisoformat(d) for d, _, _ in per_day if _day(d))
    days = []
    if all_days:
        days = [all_days[0] + timedelta(n) for n in range((all_days[-1] - all_days[0]).days + 1)]
    flagged = regressions(runs)
    fig = Figure(figsize=(14, 1.0 + 2.6 * len(sites)), layout="constrained")
    fig.suptitle(heading)
    grid = fig.add_gridspec(len(sites), 2, width_ratios=[3, 2])
    first_bars = None
    for row, site in enumerate(sites):
        bars = fig.add_subplot(grid[row, 0], sharex=first_bars)
        first_bars = first_bars or bars
        counts = _zero_filled(per_day, site, days)
        if days:
            x_days: Any = days  # matplotlib takes dates on a date axis
            bars.bar(x_days, counts, width=0.8, color="tab:blue")
        else:
            bars.text(0.5, 0.5, "no publication dates", ha="center", transform=bars.transAxes)
        bars.set_title(f"{site}: articles per publication day ({sum(counts)} in all)", loc="left")
        bars.set_ylabel("articles")
        bars.set_ylim(bottom=0)
        bars.yaxis.set_major_locator(MaxNLocator(integer=True))
        rates = fig.add_subplot(grid[row, 1])
        mine = [r for r in runs if r.site == site]
        for name in FIELDS:
            points = [(r.crawl_id or 0, r.rates[name]) for r in mine if r.rates[name] is not None]
            if points:
                xs, ys = zip(*points, strict=True)
                rates.plot(xs, [100 * y for y in ys], marker="o", label=name.replace("_", " "))
        done = {r.crawl_id for r in mine}
        empty = [cid for cid, _ in crawled.get(site, []) if cid not in done]
        if empty:
            rates.scatter(
                empty,
                [0] * len(empty),
                marker="X",
                s=90,
                color="black",
                zorder=4,
                label="no article archived",
            )
        mine_flagged = [w for w in flagged if w.site == site]
        if mine_flagged:
            rates.scatter(
                [w.crawl_id or 0 for w in mine_flagged],
                [100 * w.rate for w in mine_flagged],
                s=160,
                facecolors="none",
                edgecolors="red",
                linewidths=2,
                zorder=3,
                label="regression",
            )
        rates.set_title(f"{site}: fill rates per crawl (%)", loc="left")
        rates.set_ylim(-5, 105)
        rates.set_xlabel("crawl")
        ids = sorted({r.crawl_id or 0 for r in mine} | set(empty))
        if ids:
            rates.set_xlim(ids[0] - 0.5, ids[-1] + 0.5)
        if 0 < len(ids) <= 12:
            rates.set_xticks(ids)  # each crawl a whole number, never 0.945
        else:
            rates.xaxis.set_major_locator(MaxNLocator(integer=True))
        if mine or empty:
            rates.legend(fontsize="x-small", loc="lower left", ncols=2)
        else:
            rates.text(0.5, 0.5, "no crawl", ha="center", transform=rates.transAxes)
    if first_bars is not None and days:
        import matplotlib.dates

        mdates: Any = matplotlib.dates  # untyped

        first_bars.xaxis.set_major_locator(
            mdates.DayLocator() if len(days) <= 14 else mdates.AutoDateLocator(maxticks=10)
        )
        first_bars.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))  # whole days
        for ax in fig.axes[::2]:
            ax.tick_params(axis="x", labelrotation=30)
    return fig


def plot(db: Database, path: str | Path, *, title: str = "", max_sites: int = 8) -> Path:
    """`health_figure` written to a PNG."""
    out = Path(path)
    health_figure(db, title=title, max_sites=max_sites).savefig(out, dpi=100)
    return out


def _day(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
