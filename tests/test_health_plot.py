"""What the health plot draws: one row of panels per site, every day between the first and last
publication day (zero days as zero-height bars), whole-number crawl ticks, crawls that archived
nothing marked, and a "no data" state for an empty archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.db.connection import open_db
from archive.db.crawlstate import finish_crawl, start_crawl
from archive.db.writer import IndexWriter
from archive.model import Article, Capture
from archive.research.health import health_figure, plot
from tests.fixtures import run_cli


def _ingest(writer: IndexWriter, crawl: int, site: str, n: int, day: str) -> None:
    url = f"https://{site}.example/{n}.html"
    article = Article(
        url=url,
        title=f"{site} {n}",
        authors=["Ada Byline"],
        published=f"{day}T08:00:00Z",
        body=f"Story {n} of {site}. " * 30,
        extractor_version="t",
    )
    capture = Capture(
        url=url,
        final_url=url,
        status=200,
        body=f"<html>{site} {n}</html>".encode(),
        site=site,
        crawl_id=crawl,
        content_type="text/html",
    )
    writer.ingest(capture, article, is_article=True)


def _archive(data: Path) -> Any:
    db = open_db(data, create=True)
    writer = IndexWriter(db)
    first = start_crawl(db, ["alpha", "beta"])
    _ingest(writer, first, "alpha", 1, "2024-05-01")
    _ingest(writer, first, "alpha", 2, "2024-05-04")  # 2nd and 3rd: nothing published
    _ingest(writer, first, "beta", 1, "2024-05-02")
    finish_crawl(db, first, "finished", {})
    broken = start_crawl(db, ["beta"])  # a redesign: the crawl archives no article
    finish_crawl(db, broken, "finished", {})
    return db


def _panels(fig: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for ax in fig.axes:
        site = ax.get_title(loc="left").split(":")[0]
        found.setdefault(site, []).append(ax)
    return found


def test_one_row_of_panels_per_site_with_zero_days(tmp_path: Path) -> None:
    fig = health_figure(_archive(tmp_path / "data"), title="test archive")
    panels = _panels(fig)
    assert set(panels) == {"alpha", "beta"}, "one row of panels per site, named"
    assert all(len(axes) == 2 for axes in panels.values())
    bars = panels["alpha"][0]
    heights = [patch.get_height() for patch in bars.patches]
    assert heights == [1, 0, 0, 1], "every day from May 1 to 4, the empty ones as zero bars"
    assert [p.get_height() for p in panels["beta"][0].patches] == [0, 1, 0, 0]
    assert "test archive" in fig._suptitle.get_text()


def test_crawl_ticks_are_whole_and_empty_crawls_show(tmp_path: Path) -> None:
    fig = health_figure(_archive(tmp_path / "data"))
    rates = _panels(fig)["beta"][1]
    assert list(rates.get_xticks()) == [1, 2], "crawl ids as whole-number ticks"
    marked = [c for c in rates.collections if c.get_label() == "no article archived"]
    assert marked, "the crawl that archived nothing is drawn"
    assert [tuple(xy) for xy in marked[0].get_offsets()] == [(2.0, 0.0)]


def test_empty_archive_says_no_data(tmp_path: Path) -> None:
    db = open_db(tmp_path / "data", create=True)
    fig = health_figure(db)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("No data" in t for t in texts), texts
    out = plot(db, tmp_path / "empty.png")
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_stats_plot_into_a_missing_folder(tmp_path: Path) -> None:
    _archive(tmp_path / "data").close()
    out = tmp_path / "new" / "folder" / "health.png"
    proc = run_cli("stats", "--data", str(tmp_path / "data"), "--plot", str(out), check=False)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"
