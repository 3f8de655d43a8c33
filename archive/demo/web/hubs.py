"""Pages of the test web that are not articles: home, sections with pagination, authors,
tags, about; RSS and Atom feeds; sitemap index, monthly (optionally gzipped) and Google News
sitemaps; robots.txt. Each function returns text; `build` decides where it goes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from email.utils import format_datetime
from html import escape

from archive.demo.web.markup import chrome_bottom, chrome_top, e, human_date, iso
from archive.demo.web.plan import Plan, SiteInfo, WebArticle, slugify

PER_PAGE = 6
HOME_SIZE = 40
FEED_SIZE = 50
NEWS_WINDOW = timedelta(days=2)
SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

Link = Callable[[WebArticle, str, int], str]  # (article, where, position) -> href


def x(value: str) -> str:
    return escape(value, quote=False)


def variant_suffix(art: WebArticle, where: str) -> str:
    """How a listing links to an article: mostly clean, sometimes with tracking parameters
    or a fragment (the same story, so the same article)."""
    roll = int(hashlib.sha256(f"{where}:{art.id}".encode()).hexdigest()[:6], 16) % 100
    if roll < 12:
        return f"?utm_source={where}&utm_medium=web&utm_campaign=c{roll % 7}"
    if roll < 18:
        return "#comments"
    if roll < 21:
        return f"?ref={where}"
    return ""


def page(site: SiteInfo, origin: str, title: str, body: str, canonical: str = "") -> str:
    link = f'<link rel="canonical" href="{canonical}">\n' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)} | {e(site.name)}</title>
{link}<link rel="alternate" type="application/rss+xml" href="{origin}/feed.rss">
<link rel="alternate" type="application/atom+xml" href="{origin}/feed.atom">
</head><body>
{chrome_top(site, origin)}
<main class="listing">
{body}
</main>
{chrome_bottom(site, origin)}
</body></html>
"""


def teasers(arts: list[WebArticle], where: str, link: Link) -> str:
    items = "".join(
        f'<li class="teaser"><a href="{e(link(a, where, i))}">{e(a.first_title)}</a> '
        f'<time datetime="{iso(a.published)}">{human_date(a.published)}</time></li>\n'
        for i, a in enumerate(arts)
    )
    return f'<ul class="teasers">\n{items}</ul>'


def home(
    site: SiteInfo, origin: str, arts: list[WebArticle], link: Link, service: list[tuple[str, str]]
) -> str:
    trending = "".join(
        f'<li><a href="{origin}/s/{a.number}">{e(a.first_title)}</a></li>' for a in arts[10:15]
    )
    boxes = "".join(f'<li><a href="{e(u)}">{e(label)}</a></li>' for u, label in service)
    body = (
        f"<h1>{e(site.name)}</h1>\n<section><h2>Latest</h2>{teasers(arts[:HOME_SIZE], 'home', link)}"
        f"</section>\n<section><h2>Trending</h2><ul>{trending}</ul></section>\n"
        f'<section class="service"><h2>Service</h2><ul>{boxes}</ul></section>'
    )
    return page(site, origin, "Home", body, origin + "/")


def section_path(section: str, number: int) -> str:
    return f"/section/{section}/" + (f"page/{number}/" if number > 1 else "")


def section_pages(
    site: SiteInfo, origin: str, section: str, arts: list[WebArticle], link: Link
) -> list[tuple[str, str]]:
    """(path, html) of every page of a section, PER_PAGE stories each, rel=prev/next."""
    chunks = [arts[i : i + PER_PAGE] for i in range(0, len(arts), PER_PAGE)] or [[]]
    out = []
    for n, chunk in enumerate(chunks, start=1):
        pager = []
        if n > 1:
            pager.append(f'<a rel="prev" href="{origin}{section_path(section, n - 1)}">Newer</a>')
        if n < len(chunks):
            pager.append(f'<a rel="next" href="{origin}{section_path(section, n + 1)}">Older</a>')
        body = (
            f"<h1>{section.title()}</h1>{teasers(chunk, 'section', link)}"
            f'<nav class="pagination">{" ".join(pager)} <span>Page {n} of {len(chunks)}</span></nav>'
        )
        path = section_path(section, n)
        out.append((path, page(site, origin, f"{section.title()} - page {n}", body, origin + path)))
    return out


def author_page(
    site: SiteInfo, origin: str, name: str, arts: list[WebArticle], link: Link
) -> tuple[str, str]:
    path = f"/author/{slugify(name)}/"
    body = (
        f'<h1>{e(name)}</h1><p class="bio">{e(name)} reports for the {e(site.name)}.</p>'
        f"{teasers(arts, 'author', link)}"
    )
    return path, page(site, origin, name, body, origin + path)


def tag_page(
    site: SiteInfo, origin: str, tag: str, arts: list[WebArticle], link: Link
) -> tuple[str, str]:
    path = f"/tag/{tag}/"
    body = f"<h1>Topic: {e(tag)}</h1>{teasers(arts, 'tag', link)}"
    return path, page(site, origin, f"#{tag}", body, origin + path)


def about_page(site: SiteInfo, origin: str) -> str:
    body = (
        f"<h1>About the {e(site.name)}</h1><p>The {e(site.name)} is a newspaper invented for "
        "the tests of newsarchive. Its people, places and stories do not exist.</p>"
    )
    return page(site, origin, "About", body, origin + "/about/")


def rss(site: SiteInfo, origin: str, arts: list[WebArticle], plan: Plan) -> str:
    suffix = "?utm_source=rss&utm_medium=feed" if site.utm_feed else ""
    items = "\n".join(
        f"<item><title>{x(a.title)}</title><link>{origin}{a.path}{x(suffix)}</link>"
        f'<guid isPermaLink="true">{origin}{a.path}</guid>'
        f"<pubDate>{format_datetime(a.published)}</pubDate>"
        f"<dc:creator>{x(', '.join(a.authors))}</dc:creator><category>{a.section}</category>"
        f"<description>{x(a.dek)}</description></item>"
        for a in arts[:FEED_SIZE]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"<channel><title>{x(site.name)}</title><link>{origin}/</link>"
        f"<description>Latest stories from the {x(site.name)}</description>"
        f"<language>en</language><lastBuildDate>{format_datetime(plan.now)}</lastBuildDate>"
        f'<atom:link href="{origin}/feed.rss" rel="self" type="application/rss+xml"/>\n'
        f"{items}\n</channel></rss>\n"
    )


def atom(site: SiteInfo, origin: str, arts: list[WebArticle], plan: Plan) -> str:
    entries = "\n".join(
        f"<entry><id>tag:{site.key}.test,2025:{a.id}</id><title>{x(a.title)}</title>"
        f'<link rel="alternate" href="{origin}{a.path}"/><published>{iso(a.published)}'
        f"</published><updated>{iso(a.modified)}</updated>"
        + "".join(f"<author><name>{x(n)}</name></author>" for n in a.authors)
        + f'<category term="{a.section}"/><summary>{x(a.dek)}</summary></entry>'
        for a in arts[:FEED_SIZE]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{origin}/</id><title>{x(site.name)}</title><updated>{iso(plan.now)}</updated>"
        f'<link rel="self" href="{origin}/feed.atom"/><link rel="alternate" href="{origin}/"/>\n'
        f"{entries}\n</feed>\n"
    )


def urlset(entries: list[str], news: bool = False) -> str:
    extra = f' xmlns:news="{NEWS_NS}"' if news else ""
    body = "\n".join(entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SM_NS}"{extra}>\n{body}\n</urlset>\n'


def news_sitemap(site: SiteInfo, origin: str, arts: list[WebArticle], plan: Plan) -> str:
    fresh = [a for a in arts if plan.now - a.published <= NEWS_WINDOW]
    return urlset(
        [
            f"<url><loc>{origin}{a.path}</loc><news:news><news:publication><news:name>"
            f"{x(site.name)}</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>{iso(a.published)}</news:publication_date>"
            f"<news:title>{x(a.title)}</news:title></news:news></url>"
            for a in fresh
        ],
        news=True,
    )


def monthly_sitemaps(origin: str, arts: list[WebArticle]) -> dict[str, tuple[str, float]]:
    """'YYYY-MM' -> (urlset, newest lastmod as a timestamp)."""
    months: dict[str, list[WebArticle]] = {}
    for a in arts:
        months.setdefault(f"{a.published:%Y-%m}", []).append(a)
    return {
        month: (
            urlset(
                [
                    f"<url><loc>{origin}{a.path}</loc><lastmod>{iso(a.modified)}</lastmod></url>"
                    for a in items
                ]
            ),
            max(a.modified for a in items).timestamp(),
        )
        for month, items in sorted(months.items())
    }


def sitemap_index(locations: list[tuple[str, str]]) -> str:
    body = "\n".join(
        f"<sitemap><loc>{loc}</loc><lastmod>{lastmod}</lastmod></sitemap>"
        for loc, lastmod in locations
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SM_NS}">\n{body}\n'
        "</sitemapindex>\n"
    )


def robots(site: SiteInfo, origin: str, crawl_delay: float) -> str:
    return (
        f"# robots.txt of the {site.name} (a test site)\nUser-agent: *\nDisallow: /private/\n"
        "Disallow: /search\nDisallow: /calendar/\nDisallow: /members/\n"
        f"Crawl-delay: {crawl_delay:g}\n\nUser-agent: BadBot\nDisallow: /\n\n"
        f"Sitemap: {origin}/sitemap_index.xml\n"
    )
