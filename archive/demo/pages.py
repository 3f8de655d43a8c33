"""Page chrome and the non-article pages of the demo site (home, sections, authors, about).

Links inside pages are root-relative, like most publishers'; canonical and OpenGraph URLs are
absolute, built from the `base` URL the site is being served at.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from urllib.parse import quote

from archive.demo.story import AUTHORS, SECTIONS, SITE_NAME, SITE_TAGLINE, Author, Story

NEWSLETTER_TEXT = "Sign up for The Morning Ledger, our free weekday newsletter"
SHARE_TEXT = "Share this story"
RELATED_TEXT = "Related stories"
FOOTER_TEXT = "The Harbor Ledger is an independent newspaper published in Port Alder"
# Visible boilerplate strings that must never end up in an extracted article body.
BOILERPLATE = (NEWSLETTER_TEXT, SHARE_TEXT, RELATED_TEXT, FOOTER_TEXT, "All rights reserved")

_TZ_NAMES = {"-04:00": "EDT", "-05:00": "EST", "+00:00": "UTC"}


def tz_name(moment: datetime) -> str:
    offset = moment.isoformat()[-6:]
    return _TZ_NAMES.get(offset, f"UTC{offset}")


def clock(moment: datetime) -> str:
    """'6:45 p.m.' in newspaper style."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def long_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


def e(text: str) -> str:
    """Escape for an attribute value."""
    return escape(text, quote=True)


def t(text: str) -> str:
    """Escape for a text node: quotes stay literal, as publishers print them."""
    return escape(text, quote=False)


def json_ld(data: object) -> str:
    """A JSON-LD script element; `</` is escaped so the JSON cannot close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def head(
    base: str,
    path: str,
    title: str,
    description: str,
    extra: str = "",
    *,
    site_suffix: bool = True,
) -> str:
    full_title = f"{title} | {SITE_NAME}" if site_suffix else title
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(full_title)}</title>
<meta name="description" content="{e(description)}">
<link rel="canonical" href="{e(base + path)}">
<link rel="icon" href="/media/logo.png" type="image/png">
<link rel="alternate" type="application/rss+xml" title="{e(SITE_NAME)}" href="/feed.xml">
<link rel="stylesheet" href="/static/ledger.css">
{extra}</head>
"""


def masthead(current: str = "") -> str:
    active = ' class="active"'
    links = "\n".join(
        f"    <li{active if slug == current else ''}>"
        f'<a href="/section/{slug}/">{e(s.name)}</a></li>'
        for slug, s in SECTIONS.items()
    )
    return f"""<body>
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header">
  <div class="topbar"><span class="weather">Port Alder: 58&deg;F, fog lifting</span>
    <a href="/about/">About us</a> <a href="/feed.xml">RSS</a>
    <a class="subscribe" href="/about/#subscribe">Subscribe</a></div>
  <p class="site-title"><a href="/"><img src="/media/logo.png" alt="" width="32" height="32">
    {e(SITE_NAME)}</a></p>
  <p class="tagline">{e(SITE_TAGLINE)}</p>
  <nav class="sections" aria-label="Sections">
   <ul>
    <li><a href="/">Home</a></li>
{links}
   </ul>
  </nav>
</header>
"""


def footer() -> str:
    sections = " | ".join(f'<a href="/section/{s}/">{e(v.name)}</a>' for s, v in SECTIONS.items())
    return f"""<footer class="site-footer">
  <p>{sections}</p>
  <p>{FOOTER_TEXT}, on Merrow Sound. <a href="/about/">About the Ledger</a> |
    <a href="/about/#corrections">Corrections</a> | <a href="/private/">Staff</a> |
    <a href="/sitemap.xml">Sitemap</a></p>
  <p class="legal">&copy; 2024 {e(SITE_NAME)}. All rights reserved.</p>
</footer>
</body>
</html>
"""


def newsletter() -> str:
    return f"""<aside class="newsletter-signup">
  <h2>{NEWSLETTER_TEXT}.</h2>
  <p>Get the day's Port Alder headlines in your inbox before the first ferry leaves.</p>
  <form action="/newsletter/subscribe" method="post"><input type="email" name="email"
    placeholder="you@example.org" aria-label="Email address"><button>Sign up</button></form>
</aside>
"""


def share_bar(base: str, story: Story) -> str:
    url = quote(base + story.path, safe="")
    return f"""<div class="share-bar" role="group" aria-label="{SHARE_TEXT}">
  <span>{SHARE_TEXT}:</span>
  <a class="share-email" href="mailto:?subject={quote(story.headline)}&amp;body={url}">Email</a>
  <a class="share-social" href="https://social.example/share?url={url}">Post</a>
  <button class="share-copy" data-url="{e(base + story.path)}">Copy link</button>
  <a class="share-comments" href="#comments">Comments (0)</a>
</div>
"""


def related(story: Story, stories: tuple[Story, ...], count: int = 3) -> str:
    """Same-section stories, linked with a tracking query string as many publishers do."""
    same = [s for s in stories if s.section == story.section and s is not story][:count]
    items = "\n".join(
        f'    <li><a href="/{s.path}?utm_source=related">{t(s.headline)}</a></li>' for s in same
    )
    return f"""<aside class="related-stories">
  <h2>{RELATED_TEXT}</h2>
  <ul>
{items}
  </ul>
</aside>
"""


def byline_text(story: Story) -> str:
    names = story.author_names
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def teaser(story: Story, *, dek: bool = True) -> str:
    when = story.published_at
    dek_html = f'\n    <p class="teaser-dek">{t(story.dek)}</p>' if dek else ""
    return f"""  <li class="teaser">
    <a class="teaser-image" href="/{story.path}"><img src="/{story.image_path}" alt=""
      width="160" height="90" loading="lazy"></a>
    <h3><a href="/{story.path}">{t(story.headline)}</a></h3>{dek_html}
    <p class="teaser-meta">{e(byline_text(story))} &middot;
      <time datetime="{story.published}">{long_date(when)}</time></p>
  </li>"""


def teaser_list(stories: list[Story]) -> str:
    return '<ul class="teasers">\n' + "\n".join(teaser(s) for s in stories) + "\n</ul>\n"


def home_page(base: str, stories: tuple[Story, ...], count: int = 12) -> str:
    latest = list(stories[:count])
    blocks = []
    for slug, section in SECTIONS.items():
        top = [s for s in stories if s.section == slug][:3]
        items = "\n".join(f'  <li><a href="/{s.path}">{t(s.headline)}</a></li>' for s in top)
        blocks.append(
            f'<section class="section-block"><h2><a href="/section/{slug}/">{e(section.name)}'
            f'</a></h2>\n<ul>\n{items}\n</ul>\n<a class="more" href="/section/{slug}/">More '
            f"{e(section.name.lower())}</a></section>"
        )
    og = f"""<meta property="og:type" content="website">
<meta property="og:site_name" content="{e(SITE_NAME)}">
<meta property="og:title" content="{e(SITE_NAME)}">
<meta property="og:url" content="{e(base)}">
"""
    return (
        head(base, "", SITE_NAME, SITE_TAGLINE, og, site_suffix=False)
        + masthead()
        + '<main id="content" class="front">\n<h1 class="visually-hidden">Latest news</h1>\n'
        + teaser_list(latest)
        + "\n".join(blocks)
        + "\n</main>\n"
        + newsletter()
        + footer()
    )


def section_page(base: str, slug: str, page_stories: list[Story], page: int, pages: int) -> str:
    section = SECTIONS[slug]
    path = f"section/{slug}/" + (f"page/{page}/" if page > 1 else "")

    def page_path(n: int) -> str:
        return f"/section/{slug}/" + (f"page/{n}/" if n > 1 else "")

    links, pager = [], []
    if page > 1:
        links.append(f'<link rel="prev" href="{e(base + page_path(page - 1)[1:])}">')
        pager.append(f'<a rel="prev" href="{page_path(page - 1)}">Newer stories</a>')
    if page < pages:
        links.append(f'<link rel="next" href="{e(base + page_path(page + 1)[1:])}">')
        pager.append(f'<a rel="next" href="{page_path(page + 1)}">Older stories</a>')
    title = section.name + (f" (page {page})" if page > 1 else "")
    return (
        head(base, path, title, section.blurb, "\n".join(links) + "\n" if links else "")
        + masthead(slug)
        + f'<main id="content" class="section-front">\n<h1>{e(section.name)}</h1>\n'
        + f'<p class="section-blurb">{e(section.blurb)}</p>\n'
        + teaser_list(page_stories)
        + f'<nav class="pagination" aria-label="Pages">{" ".join(pager)}'
        + f" <span>Page {page} of {pages}</span></nav>\n</main>\n"
        + footer()
    )


def author_page(base: str, author: Author, stories: list[Story]) -> str:
    path = f"author/{author.slug}/"
    person = {"@type": "Person", "name": author.name, "jobTitle": author.role}
    data = {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": person}
    profile = json_ld(data | {"url": base + path})
    return (
        head(base, path, author.name, f"{author.name}, {author.role}", profile)
        + masthead()
        + f'<main id="content" class="author-page">\n<h1>{e(author.name)}</h1>\n'
        + f'<p class="author-role">{e(author.role)}</p>\n<p class="bio">{e(author.bio)}</p>\n'
        + f"<h2>Stories by {e(author.name)}</h2>\n"
        + teaser_list(stories)
        + "</main>\n"
        + footer()
    )


def about_page(base: str) -> str:
    staff = "\n".join(
        f'  <li><a href="/author/{a.slug}/">{e(a.name)}</a>, {e(a.role)}</li>'
        for a in AUTHORS.values()
    )
    return (
        head(base, "about/", "About the Ledger", f"About {SITE_NAME}")
        + masthead()
        + f"""<main id="content" class="static-page">
<h1>About {e(SITE_NAME)}</h1>
<p>{e(SITE_NAME)} has reported on Port Alder, Tillet Island and the towns of Greyhaven County
since 1887, when it was a four-page weekly printed above a ship chandlery. It is published
online every day and in print on Thursdays.</p>
<p>This is a demonstration site: the paper, the town and everyone in it are invented.</p>
<h2>Staff</h2>
<ul>
{staff}
</ul>
<h2 id="corrections">Corrections</h2>
<p>We correct errors promptly and note the correction at the end of the story.</p>
<h2 id="subscribe">Subscribe</h2>
<p>Print subscriptions cost $4 a week. Online reading is free.</p>
</main>
"""
        + footer()
    )


def private_page(base: str) -> str:
    robots = '<meta name="robots" content="noindex, nofollow">\n'
    return (
        head(base, "private/", "Staff only", "Newsroom intranet", robots)
        + masthead()
        + """<main id="content" class="static-page">
<h1>Newsroom intranet</h1>
<p>Staff only. Embargoed drafts and the assignment budget live here. Crawlers that honor
robots.txt never see this page.</p>
<ul><li><a href="/private/budget.html">Tomorrow's story budget</a></li></ul>
</main>
"""
        + footer()
    )
