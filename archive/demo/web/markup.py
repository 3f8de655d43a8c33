"""Article markup of the test web, in the shapes real news CMSs use.

Three templates; each site uses two or three of them in its own chrome:

- "jsonld": one JSON-LD NewsArticle (authors as Person, the photo as ImageObject with
  creditText), OpenGraph, "By A and B" with rel=author links, a <figure> whose <figcaption>
  ends in <span class="credit">Photo: X/Agency</span>, a newsletter box after the body;
- "graph": JSON-LD @graph (WebPage, NewsArticle and Person nodes linked by @id), author cards
  with bare names, microdata on the <article>, the caption ending "Photograph: X/Agency", a
  newsletter prompt between two body paragraphs;
- "legacy": no JSON-LD; OpenGraph and article:* meta, a "By A, Staff" line in a <div>, a
  plain-text date, a div layout and a cutline with the credit in <em>.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any

from archive.demo.web.plan import SiteInfo, WebArticle, slugify

SHARE = (
    '<div class="share-tools" aria-label="Share this story"><button>Share</button>'
    "<button>Email</button><button>Print</button></div>"
)
NEWSLETTER = (
    '<aside class="newsletter-signup"><h3>Morning briefing</h3><p>The day\'s stories from '
    "around the county, in your inbox before seven. Sign up for free.</p></aside>"
)


def e(value: str) -> str:
    return escape(value, quote=True)


def human_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment:%Y}"


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def nav(site: SiteInfo, origin: str) -> str:
    items = "".join(
        f'<li><a href="{origin}/section/{s}/">{s.title()}</a></li>' for s in site.sections
    )
    return f'<nav class="sections"><ul>{items}</ul></nav>'


def chrome_top(site: SiteInfo, origin: str) -> str:
    if site.index % 2 == 0:
        return (
            f'<header class="site-header"><a class="logo" href="{origin}/">{e(site.name)}</a>'
            f"{nav(site, origin)}</header>"
        )
    return (
        f'<div id="masthead"><div class="brand"><a href="{origin}/">{e(site.name)}</a></div>'
        f'<div class="topnav">{nav(site, origin)}</div></div>'
    )


def chrome_bottom(site: SiteInfo, origin: str) -> str:
    return (
        f'<footer class="site-footer"><p>&copy; 2025 {e(site.name)}. All stories on this site '
        f'are invented for software tests.</p><p><a href="{origin}/about/">About us</a> · '
        f'<a href="{origin}/feed.rss">RSS</a> · <a href="{origin}/feed.atom">Atom</a> · '
        f'<a href="{origin}/calendar/">Archive calendar</a></p></footer>'
    )


def head_common(site: SiteInfo, origin: str, art: WebArticle, canonical: str, amp: str) -> str:
    out = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(art.title)} | {e(site.name)}</title>",
        f'<meta name="description" content="{e(art.dek)}">',
    ]
    if canonical:
        out.append(f'<link rel="canonical" href="{e(canonical)}">')
    if amp:
        out.append(f'<link rel="amphtml" href="{e(amp)}">')
    out += [
        f'<meta property="og:site_name" content="{e(site.name)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{e(art.title)}">',
        f'<meta property="og:image" content="{origin}{image_path(art)}">',
        f'<link rel="alternate" type="application/rss+xml" href="{origin}/feed.rss">',
        f'<link rel="stylesheet" href="{origin}/static/site.css">',
    ]
    return "\n".join(out)


def image_path(art: WebArticle) -> str:
    return f"/media/{art.published:%Y/%m}/{art.number}.png"


def author_url(origin: str, name: str) -> str:
    return f"{origin}/author/{slugify(name)}/"


def _ld(data: Any) -> str:
    raw = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{raw}</script>'


def _image_ld(origin: str, art: WebArticle) -> dict[str, Any]:
    return {
        "@type": "ImageObject",
        "url": origin + image_path(art),
        "width": 160,
        "height": 90,
        "caption": art.caption,
        "creditText": art.photo_credit,
    }


def _body(art: WebArticle, insert: str = "", after: int = 2) -> str:
    parts = []
    for i, para in enumerate(art.paragraphs):
        parts.append(f"<p>{e(para)}</p>")
        if insert and i == after:
            parts.append(insert)
    return "\n".join(parts)


def _tags(origin: str, art: WebArticle) -> str:
    links = " ".join(f'<a href="{origin}/tag/{t}/" rel="tag">{e(t)}</a>' for t in art.tags)
    return f'<div class="tags">Topics: {links}</div>'


def _related(related: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{e(u)}">{e(t)}</a></li>' for u, t in related)
    return f'<aside class="related-stories"><h2>More stories</h2><ul>{items}</ul></aside>'


def jsonld_page(
    site: SiteInfo, origin: str, art: WebArticle, canonical: str, amp: str, related: str
) -> str:
    url = canonical or origin + art.path
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "headline": art.title,
        "description": art.dek,
        "datePublished": iso(art.published),
        "dateModified": iso(art.modified),
        "author": [
            {"@type": "Person", "name": a, "url": author_url(origin, a)} for a in art.authors
        ],
        "publisher": {"@type": "Organization", "name": site.name, "url": origin + "/"},
        "image": _image_ld(origin, art),
        "articleSection": art.section.title(),
        "keywords": art.tags,
    }
    byline = " and ".join(
        f'<a rel="author" href="{author_url(origin, a)}">{e(a)}</a>' for a in art.authors
    )
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{head_common(site, origin, art, canonical, amp)}
<meta property="article:published_time" content="{iso(art.published)}">
<meta property="article:modified_time" content="{iso(art.modified)}">
<meta property="article:section" content="{art.section.title()}">
{_ld(ld)}
</head>
<body class="article-page">
{chrome_top(site, origin)}
<main id="content">
<article class="story">
<p class="kicker"><a href="{origin}/section/{art.section}/">{art.section.title()}</a></p>
<h1 class="headline">{e(art.title)}</h1>
<p class="standfirst">{e(art.dek)}</p>
<div class="byline">By {byline}</div>
<time class="published" datetime="{iso(art.published)}">{human_date(art.published)}</time>
{SHARE}
<figure class="lead-image">
<img src="{origin}{image_path(art)}" alt="{e(art.caption)}" width="160" height="90">
<figcaption>{e(art.caption)} <span class="credit">Photo: {e(art.photo_credit)}</span></figcaption>
</figure>
<div class="story-body">
{_body(art)}
</div>
{_tags(origin, art)}
</article>
{NEWSLETTER}
{related}
</main>
{chrome_bottom(site, origin)}
</body>
</html>
"""


def graph_page(
    site: SiteInfo, origin: str, art: WebArticle, canonical: str, amp: str, related: str
) -> str:
    url = canonical or origin + art.path
    people = [
        {"@type": "Person", "@id": author_url(origin, a) + "#person", "name": a}
        for a in art.authors
    ]
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": url, "url": url, "name": art.title},
            {
                "@type": "NewsArticle",
                "@id": url + "#article",
                "isPartOf": {"@id": url},
                "headline": art.title,
                "datePublished": iso(art.published),
                "dateModified": iso(art.modified),
                "author": [{"@id": p["@id"]} for p in people],
                "image": _image_ld(origin, art),
                "articleSection": [art.section.title()],
                "publisher": {"@type": "NewsMediaOrganization", "name": site.name},
            },
            *people,
        ],
    }
    cards = "".join(
        f'<div class="author-card"><a href="{author_url(origin, a)}">'
        f'<span class="author-name">{e(a)}</span></a>'
        '<span class="author-role">Staff reporter</span></div>'
        for a in art.authors
    )
    return f"""<!doctype html>
<html lang="en">
<head>
{head_common(site, origin, art, canonical, amp)}
{_ld(graph)}
</head>
<body>
{chrome_top(site, origin)}
<div class="layout">
<article itemscope itemtype="https://schema.org/NewsArticle" class="article">
<header class="article-header">
<span class="section-label">{art.section.title()}</span>
<h1 itemprop="headline">{e(art.title)}</h1>
<h2 class="subtitle">{e(art.dek)}</h2>
<div class="authors">{cards}</div>
<div class="meta">Published <time itemprop="datePublished" datetime="{iso(art.published)}">\
{human_date(art.published)}</time> · Updated <time itemprop="dateModified" \
datetime="{iso(art.modified)}">{human_date(art.modified)}</time></div>
</header>
<figure class="media">
<img src="{origin}{image_path(art)}" alt="" loading="lazy">
<figcaption>{e(art.caption)} Photograph: {e(art.photo_credit)}</figcaption>
</figure>
<section class="article-body" itemprop="articleBody">
{_body(art, NEWSLETTER, after=len(art.paragraphs) // 2)}
</section>
{_tags(origin, art)}
{SHARE}
</article>
{related}
</div>
{chrome_bottom(site, origin)}
</body>
</html>
"""


def legacy_page(
    site: SiteInfo, origin: str, art: WebArticle, canonical: str, amp: str, related: str
) -> str:
    meta_tags = "\n".join(f'<meta property="article:tag" content="{e(t)}">' for t in art.tags)
    authors = ", ".join(art.authors)
    return f"""<!DOCTYPE html>
<html>
<head>
{head_common(site, origin, art, canonical, amp)}
<meta property="article:published_time" content="{iso(art.published)}">
<meta property="article:author" content="{e(authors)}">
<meta name="author" content="{e(site.name)}">
{meta_tags}
</head>
<body>
<div id="wrapper">
{chrome_top(site, origin)}
<div id="main">
<div class="story" id="story-{art.number}">
<div class="story-section">{art.section.title()}</div>
<h1 class="story-title">{e(art.title)}</h1>
<div class="story-byline">By {e(" and ".join(art.authors))}, Staff</div>
<div class="story-date">Posted {human_date(art.published)} at {art.published:%H:%M} UTC</div>
<div class="photo">
<img src="{origin}{image_path(art)}" alt="{e(art.caption)}">
<p class="cutline">{e(art.caption)} <em>{e(art.photo_credit)}</em></p>
</div>
<div class="story-text">
{_body(art)}
</div>
{_tags(origin, art)}
</div>
{related}
</div>
{chrome_bottom(site, origin)}
</div>
</body>
</html>
"""


TEMPLATES = {"jsonld": jsonld_page, "graph": graph_page, "legacy": legacy_page}


def article_page(
    site: SiteInfo,
    origin: str,
    art: WebArticle,
    *,
    canonical: str,
    amp: str = "",
    related: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> str:
    render = TEMPLATES[art.template]
    return render(site, origin, art, canonical, amp, _related(list(related)))


def amp_page(site: SiteInfo, origin: str, art: WebArticle, canonical: str) -> str:
    """The AMP version: same story, minimal chrome, canonical back to the article."""
    paras = "".join(f"<p>{e(p)}</p>" for p in art.paragraphs)
    return f"""<!doctype html>
<html amp lang="en">
<head><meta charset="utf-8"><title>{e(art.title)}</title>
<link rel="canonical" href="{e(canonical)}">
<meta name="viewport" content="width=device-width">
<script async src="{origin}/static/amp-v0.js"></script>
</head>
<body><header class="amp-header"><a href="{origin}/">{e(site.name)}</a></header>
<article><h1>{e(art.title)}</h1><p class="byline">By {e(" and ".join(art.authors))}</p>
{paras}</article></body></html>
"""


def cyrillic_page(title: str, paragraphs: list[str], charset: str, byline: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="ru"><head><meta charset="{charset}"><title>{title}</title>'
        f'</head><body><article><h1>{title}</h1><p class="byline">{byline}</p>'
        f"{body}</article></body></html>"
    )
