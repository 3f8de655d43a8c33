"""Build the test web for given origins: every page in memory, routes, and the manifest.

    web = build_web({"site-a": "http://127.0.3.1:8080", ...}, articles=120, seed=1)

Deterministic: the same origins, seed, size and revision give the same bytes. A 120-article
web builds in well under a second.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from archive.demo import images
from archive.demo.web import hubs, markup
from archive.demo.web.model import Web, gzipped
from archive.demo.web.plan import Plan, WebArticle, plan
from archive.demo.web.traps import HUGE_MB, build_traps

FORMAT = 1
SITE_EPOCH = 1735689600.0  # 2025-01-01: the time of pages that never change
PLACEHOLDER = "http://{site}.test"


def default_origins(sites: int) -> dict[str, str]:
    return {key: PLACEHOLDER.format(site=key) for key in plan_sites(sites)}


def plan_sites(count: int) -> list[str]:
    return [f"site-{chr(ord('a') + i)}" for i in range(count)]


def _entry(web: Web, art: WebArticle, kind: str, url: str, canonical: str | None) -> dict[str, Any]:
    body = "\n".join(art.paragraphs)
    status = 410 if art.removed else 200
    return {
        "id": art.id if kind != "amp" else f"{art.id}-amp",
        "kind": kind,
        "site": art.site,
        "url": url,
        "status": status,
        "canonical": canonical,
        "template": art.template if kind != "amp" else "amp",
        "section": art.section,
        "tags": art.tags,
        "title": art.title,
        "authors": art.authors,
        "published": markup.iso(art.published),
        "modified": markup.iso(art.modified),
        "photo_credit": art.photo_credit,
        "caption": art.caption,
        "body_markers": list(art.markers),
        "body_paragraphs": len(art.paragraphs),
        "body_chars": len(body),
        "body_sha1": hashlib.sha1(body.encode(), usedforsecurity=False).hexdigest(),
        "body_first_80": art.paragraphs[0][:80],
        "duplicate_of": art.id if kind == "amp" else art.duplicate_of,
        "dup_type": "amp" if kind == "amp" else art.dup_type,
        "in_sitemap": kind != "amp" and status == 200 and art.dup_type != "canonical_to_original",
        "revised_in_this_revision": art.revised,
        "added_in_revision": art.added_in,
        "variants": [],
    }


def _articles(web: Web) -> None:
    p, by_id = web.plan, web.plan.by_id()
    for art in p.articles:
        site, o = p.sites[art.site], web.origins[art.site]
        url = o + art.path
        if art.removed:
            web.manifest["articles"].append(_entry(web, art, art.kind, url, url))
            continue
        if art.canonical_to:
            original = by_id[art.canonical_to]
            canonical: str | None = web.origins[original.site] + original.path
        else:
            canonical = url if art.has_canonical else None
        amp = f"{o}/amp{art.path}" if art.amp else ""
        stable = [a for a in p.stable(art.site) if a.id != art.id]
        start = art.number % max(1, len(stable) - 4)
        related = [(o + a.path, a.first_title) for a in stable[start : start + 4]]
        html = markup.article_page(
            site, o, art, canonical=canonical or "", amp=amp, related=related
        )
        web.put(art.site, art.path, html, art.modified.timestamp())
        web.url(url, status=200, type=art.kind, article_id=art.id, canonical=canonical)
        web.manifest["articles"].append(_entry(web, art, art.kind, url, canonical))
        if amp:
            web.put(
                art.site,
                f"/amp{art.path}",
                markup.amp_page(site, o, art, url),
                art.modified.timestamp(),
            )
            web.url(amp, status=200, type="amp", article_id=art.id, canonical=url)
            web.manifest["articles"].append(_entry(web, art, "amp", amp, url))
        web.put(
            art.site, markup.image_path(art), images.photo_for(art.id), art.published.timestamp()
        )


def _linker(web: Web, site: str) -> hubs.Link:
    o = web.origins[site]

    def link(art: WebArticle, where: str, _position: int) -> str:
        suffix = hubs.variant_suffix(art, where)
        url = o + art.path + suffix
        clean = url.split("#")[0]
        if clean != o + art.path:
            web.url(clean, status=200, type="variant", article_id=art.id, canonical=o + art.path)
        return url

    return link


def _listings(web: Web, site: str, service: list[tuple[str, str]]) -> None:
    p, o, info = web.plan, web.origins[site], web.plan.sites[site]
    now = p.now.timestamp()
    arts, link = p.live(site), _linker(web, site)
    web.put(site, "/", hubs.home(info, o, arts, link, service), now)
    web.url(o + "/", status=200, type="home")
    for section in info.sections:
        for path, html in hubs.section_pages(
            info, o, section, [a for a in arts if a.section == section], link
        ):
            web.put(site, path, html, now)
            web.url(o + path, status=200, type="section")
    for name in info.authors:
        path, html = hubs.author_page(info, o, name, [a for a in arts if name in a.authors], link)
        web.put(site, path, html, now)
        web.url(o + path, status=200, type="author")
    for tag in info.tags:
        path, html = hubs.tag_page(info, o, tag, [a for a in arts if tag in a.tags], link)
        web.put(site, path, html, now)
        web.url(o + path, status=200, type="tag")
    web.put(site, "/about/", hubs.about_page(info, o), SITE_EPOCH)
    web.url(o + "/about/", status=200, type="page")
    calendar: dict[str, list[tuple[str, str]]] = {}
    for a in arts:
        calendar.setdefault(f"{a.published:%Y-%m-%d}", []).append((o + a.path, a.first_title))
    web.calendar[site] = calendar


def _feeds_and_sitemaps(web: Web, site: str, crawl_delay: float) -> None:
    p, o, info = web.plan, web.origins[site], web.plan.sites[site]
    now = p.now.timestamp()
    listed = [a for a in p.live(site) if a.dup_type != "canonical_to_original"]
    web.put(site, "/feed.rss", hubs.rss(info, o, listed, p), now)
    web.put(site, "/feed.atom", hubs.atom(info, o, listed, p), now)
    web.url(o + "/feed.rss", status=200, type="rss")
    web.url(o + "/feed.atom", status=200, type="atom")
    if info.utm_feed:
        for a in listed[: hubs.FEED_SIZE]:
            web.url(
                f"{o}{a.path}?utm_source=rss&utm_medium=feed",
                status=200,
                type="variant",
                article_id=a.id,
                canonical=o + a.path,
            )
    maps = [(f"{o}/sitemaps/news.xml", markup.iso(p.now))]
    web.put(site, "/sitemaps/news.xml", hubs.news_sitemap(info, o, listed, p), now)
    for month, (xml, lastmod) in hubs.monthly_sitemaps(o, listed).items():
        name = f"/sitemaps/articles-{month}.xml" + (".gz" if info.gz_sitemaps else "")
        web.put(site, name, gzipped(xml) if info.gz_sitemaps else xml, lastmod)
        maps.append((o + name, markup.iso(p.now.fromtimestamp(lastmod, p.now.tzinfo))))
    pages = [o + "/", o + "/about/"] + [f"{o}/section/{s}/" for s in info.sections]
    web.put(
        site, "/sitemaps/pages.xml", hubs.urlset([f"<url><loc>{u}</loc></url>" for u in pages]), now
    )
    maps.append((o + "/sitemaps/pages.xml", markup.iso(p.now)))
    web.put(site, "/sitemap_index.xml", hubs.sitemap_index(maps), now)
    for url, _ in [*maps, (o + "/sitemap_index.xml", "")]:
        web.url(url, status=200, type="sitemap")
    web.put(site, "/robots.txt", hubs.robots(info, o, crawl_delay), now)
    web.url(o + "/robots.txt", status=200, type="robots")
    web.put(site, "/static/site.css", "body{font-family:Georgia,serif;max-width:60rem}", SITE_EPOCH)
    web.put(
        site, "/static/amp-v0.js", "/* AMP runtime placeholder */", SITE_EPOCH, "text/javascript"
    )


def _site_manifest(web: Web, site: str) -> dict[str, Any]:
    info, o = web.plan.sites[site], web.origins[site]
    return {
        "name": info.name,
        "origin": o,
        "host": urlsplit(o).hostname,
        "url_style": info.style,
        "home": o + "/",
        "robots": o + "/robots.txt",
        "sitemap_index": o + "/sitemap_index.xml",
        "feeds": [o + "/feed.rss", o + "/feed.atom"],
        "sections": list(info.sections),
        "authors": list(info.authors),
        "tags": list(info.tags),
        "gzipped_sitemaps": info.gz_sitemaps,
        "templates": list(info.templates),
        "articles": sum(
            1 for a in web.plan.articles if a.site == site and a.kind == "article" and not a.removed
        ),
    }


def build_web(
    origins: dict[str, str] | None = None,
    *,
    articles: int = 120,
    seed: int = 1,
    revision: int = 1,
    sites: int = 3,
    crawl_delay: float = 2.0,
    huge_mb: int = HUGE_MB,
) -> Web:
    """The whole web for `origins` (site key -> origin without a trailing slash)."""
    origins = origins or default_origins(sites)
    the_plan: Plan = plan(seed, articles, len(origins), revision)
    if list(origins) != list(the_plan.sites):
        raise ValueError(f"Origins must be given for {list(the_plan.sites)}, not {list(origins)}")
    web = Web(the_plan, dict(origins))
    web.manifest = {
        "format": FORMAT,
        "generator": "archive.demo.web",
        "seed": seed,
        "revision": revision,
        "now": markup.iso(the_plan.now),
        "sites": {},
        "articles": [],
        "urls": {},
        "traps": [],
        "changes": the_plan.changes,
    }
    _articles(web)
    for site in origins:
        service = build_traps(web, site, huge_mb)
        _listings(web, site, service)
        _feeds_and_sitemaps(web, site, crawl_delay)
        web.manifest["sites"][site] = _site_manifest(web, site)
    variants: dict[str, list[str]] = {}
    for url, info in web.manifest["urls"].items():
        if info.get("type") == "variant":
            variants.setdefault(info["article_id"], []).append(url)
    for entry in web.manifest["articles"]:
        if entry["kind"] == "article":
            entry["variants"] = sorted(variants.get(entry["id"], []))
    kinds = [a["kind"] for a in web.manifest["articles"] if a["status"] == 200]
    web.manifest["stats"] = {
        "articles": kinds.count("article"),
        "syndicated_copies": kinds.count("syndicated_copy"),
        "amp_pages": kinds.count("amp"),
        "urls": len(web.manifest["urls"]),
        "news_window_hours": hubs.NEWS_WINDOW / timedelta(hours=1),
    }
    return web
