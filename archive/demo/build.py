"""Generate the demo news site (The Harbor Ledger) as static files.

`build_site(out_dir)` writes every page, feed, sitemap and image; it is deterministic (same
bytes and file times for the same `base_url`) and takes a few tens of milliseconds.
`demo_manifest(base_url)` describes what a perfect crawl of the site should archive.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from archive.demo import article, images, pages
from archive.demo.content import STORIES, check_stories, paragraphs, word_count
from archive.demo.story import AUTHORS, SECTIONS, SITE_NAME, SITE_TAGLINE, Story

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
PER_PAGE = 5  # section page size: 8 stories per section gives two pages each
FEED_SIZE = 20
HOME_SIZE = 12
# Time stamp for pages that are not about one story (about, robots.txt, images, CSS).
SITE_EPOCH = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

CSS = """body{font-family:Georgia,serif;margin:0 auto;max-width:60rem;color:#1b2630}
.site-header{border-bottom:3px double #123456}.sections ul{display:flex;gap:1rem;list-style:none}
.share-bar,.newsletter-signup,.related-stories{font-family:sans-serif;font-size:.85rem}
.credit{color:#666;font-size:.8em}.visually-hidden{position:absolute;left:-9999px}
"""

ROBOTS = """# {site}: robots.txt
User-agent: *
Disallow: /private/
Disallow: /newsletter/

User-agent: GPTBot
Disallow: /

Sitemap: {base}sitemap.xml
"""


def normalize_base(base_url: str) -> str:
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"Demo base URL {base_url!r} is not absolute: use http://host:port/")
    return base_url if base_url.endswith("/") else base_url + "/"


def _write(root: Path, path: str, data: str | bytes, when: datetime) -> None:
    """Write `data` at `path` under `root` (a trailing slash means index.html), set its mtime."""
    target = root / (path + "index.html" if path.endswith("/") or not path else path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    target.write_bytes(data)
    stamp = when.timestamp()
    os.utime(target, (stamp, stamp))


def _latest(stories: Iterable[Story]) -> datetime:
    return max((s.modified_at for s in stories), default=SITE_EPOCH)


def _w3c(moment: datetime) -> str:
    return moment.isoformat()


def sitemap_index(base: str) -> str:
    entries = "".join(
        f"  <sitemap>\n    <loc>{base}sitemaps/{name}.xml</loc>\n"
        f"    <lastmod>{_w3c(_latest(STORIES))}</lastmod>\n  </sitemap>\n"
        for name in ("news", "articles")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n"
    )


def news_sitemap(base: str, stories: tuple[Story, ...]) -> str:
    entries = "".join(
        f"""  <url>
    <loc>{xml_escape(base + s.path)}</loc>
    <news:news>
      <news:publication><news:name>{xml_escape(SITE_NAME)}</news:name>"""
        f"""<news:language>en</news:language></news:publication>
      <news:publication_date>{s.published}</news:publication_date>
      <news:title>{xml_escape(s.headline)}</news:title>
    </news:news>
    <image:image><image:loc>{xml_escape(base + s.image_path)}</image:loc></image:image>
  </url>
"""
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
        '        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"\n'
        '        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
        f"{entries}</urlset>\n"
    )


def articles_sitemap(base: str, stories: tuple[Story, ...]) -> str:
    entries = "".join(
        f"  <url><loc>{xml_escape(base + s.path)}</loc><lastmod>{s.modified}</lastmod>"
        "<changefreq>monthly</changefreq></url>\n"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )


def rss_feed(base: str, stories: tuple[Story, ...]) -> str:
    items = "".join(
        f"""  <item>
    <title>{xml_escape(s.headline)}</title>
    <link>{xml_escape(base + s.path)}</link>
    <guid isPermaLink="true">{xml_escape(base + s.path)}</guid>
    <pubDate>{format_datetime(s.published_at)}</pubDate>
    <dc:creator>{xml_escape(pages.byline_text(s))}</dc:creator>
    <category>{xml_escape(SECTIONS[s.section].name)}</category>
    <description>{xml_escape(s.dek)}</description>
    <enclosure url="{xml_escape(base + s.image_path)}" type="image/png" length="{
            len(images.photo_for(s.slug))
        }"/>
  </item>
"""
        for s in stories[:FEED_SIZE]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>{xml_escape(SITE_NAME)}</title>
  <link>{base}</link>
  <description>{xml_escape(SITE_TAGLINE)}</description>
  <language>en-us</language>
  <atom:link href="{base}feed.xml" rel="self" type="application/rss+xml"/>
  <lastBuildDate>{format_datetime(_latest(stories))}</lastBuildDate>
{items}</channel>
</rss>
"""


def build_site(out_dir: Path, base_url: str = DEFAULT_BASE_URL) -> None:
    """Write the whole demo site under `out_dir`, with absolute URLs starting at `base_url`.

    Canonical links, sitemaps, the feed and robots.txt need absolute URLs, so build for the
    address you will serve at (`serve_demo` does this for you).
    """
    base = normalize_base(base_url)
    check_stories(STORIES)
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    stories = STORIES  # newest first

    for story in stories:
        _write(root, story.path, article.article_page(base, story, stories), story.modified_at)
        _write(root, story.image_path, images.photo_for(story.slug), story.published_at)

    _write(root, "", pages.home_page(base, stories, HOME_SIZE), _latest(stories[:HOME_SIZE]))
    for slug in SECTIONS:
        in_section = [s for s in stories if s.section == slug]
        chunks = [in_section[i : i + PER_PAGE] for i in range(0, len(in_section), PER_PAGE)]
        for number, chunk in enumerate(chunks, start=1):
            path = f"section/{slug}/" + (f"page/{number}/" if number > 1 else "")
            html = pages.section_page(base, slug, chunk, number, len(chunks))
            _write(root, path, html, _latest(chunk))
    for author in AUTHORS.values():
        theirs = [s for s in stories if author.slug in s.authors]
        _write(
            root, f"author/{author.slug}/", pages.author_page(base, author, theirs), _latest(theirs)
        )

    _write(root, "about/", pages.about_page(base), SITE_EPOCH)
    _write(root, "private/", pages.private_page(base), SITE_EPOCH)
    _write(root, "private/budget.html", pages.private_page(base), SITE_EPOCH)
    _write(root, "robots.txt", ROBOTS.format(site=SITE_NAME, base=base), SITE_EPOCH)
    _write(root, "sitemap.xml", sitemap_index(base), _latest(stories))
    _write(root, "sitemaps/news.xml", news_sitemap(base, stories), _latest(stories))
    _write(root, "sitemaps/articles.xml", articles_sitemap(base, stories), _latest(stories))
    _write(root, "feed.xml", rss_feed(base, stories), _latest(stories[:FEED_SIZE]))
    _write(root, "media/logo.png", images.logo(), SITE_EPOCH)
    _write(root, "static/ledger.css", CSS, SITE_EPOCH)


def demo_manifest(base_url: str = DEFAULT_BASE_URL) -> list[dict[str, Any]]:
    """What a perfect crawl archives: one dict per article, newest first.

    Keys: url (canonical, absolute), title, subtitle, authors, section (display name, as in
    JSON-LD articleSection), section_slug, published, modified (ISO 8601 with offset), tags,
    image_url, caption, photo_credit ("Name/Agency", without the "Photo:" prefix), phrase (a
    body phrase no other article contains), first_paragraph, word_count, template
    ("standard", "feature" or "legacy"), has_jsonld and text_excludes (page boilerplate that
    must not appear in an extracted body).
    """
    base = normalize_base(base_url)
    rows = []
    for story in STORIES:
        template = article.template_for(story, STORIES)
        rows.append(
            {
                "url": base + story.path,
                "title": story.headline,
                "subtitle": story.dek,
                "authors": story.author_names,
                "section": SECTIONS[story.section].name,
                "section_slug": story.section,
                "published": story.published,
                "modified": story.modified,
                "tags": list(story.tags),
                "image_url": base + story.image_path,
                "caption": story.caption,
                "photo_credit": story.credit,
                "phrase": story.phrase,
                "first_paragraph": paragraphs(story)[0],
                "word_count": word_count(story),
                "template": template,
                "has_jsonld": template != "legacy",
                "text_excludes": list(pages.BOILERPLATE),
            }
        )
    return rows
