"""The three article templates of the demo site, varied the way real publishers vary.

- "standard": a single JSON-LD NewsArticle, byline "By A and B" with rel=author links,
  <time> elements, and a <figure> whose <figcaption> ends in <span class="credit">Photo: X</span>.
- "feature": JSON-LD as an @graph (WebPage + NewsArticle + Person nodes by @id), bylines as
  bare names in author cards, the caption as a <p> ending "Photograph: X", and the newsletter
  prompt placed between body paragraphs.
- "legacy": no JSON-LD at all; OpenGraph and article:* meta tags, a "By A" byline in a <div>,
  a plain-text date, div-based layout, and the "Photograph: X" caption style.
"""

from __future__ import annotations

from typing import Any, Literal

from archive.demo.content import paragraphs
from archive.demo.images import PHOTO_SIZE
from archive.demo.pages import (
    byline_text,
    clock,
    e,
    footer,
    head,
    json_ld,
    long_date,
    masthead,
    newsletter,
    related,
    share_bar,
    t,
    tz_name,
)
from archive.demo.story import AUTHORS, SECTIONS, SITE_NAME, Story

Template = Literal["standard", "feature", "legacy"]
TEMPLATES: tuple[Template, ...] = ("standard", "feature", "legacy")


def template_for(story: Story, stories: tuple[Story, ...]) -> Template:
    """Deterministic: wire copy is always standard; otherwise by age order, 2:1:1."""
    if not story.authors:
        return "standard"
    oldest_first = sorted(stories, key=lambda s: s.published_at)
    index = oldest_first.index(story)
    return ("standard", "feature", "standard", "legacy")[index % 4]


def _person(base: str, slug: str) -> dict[str, Any]:
    author = AUTHORS[slug]
    return {"@type": "Person", "name": author.name, "url": f"{base}author/{slug}/"}


def _image(base: str, story: Story) -> dict[str, Any]:
    width, height = PHOTO_SIZE
    return {
        "@type": "ImageObject",
        "url": base + story.image_path,
        "width": width,
        "height": height,
        "caption": story.caption,
        "creditText": story.credit,
    }


def _publisher(base: str) -> dict[str, Any]:
    logo = {"@type": "ImageObject", "url": base + "media/logo.png"}
    return {"@type": "NewsMediaOrganization", "name": SITE_NAME, "url": base, "logo": logo}


def news_article_ld(base: str, story: Story) -> dict[str, Any]:
    """The standard template's NewsArticle object."""
    if story.authors:
        authors: list[dict[str, Any]] = [_person(base, slug) for slug in story.authors]
    else:
        authors = [{"@type": "Organization", "name": story.agency}]
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": base + story.path},
        "headline": story.headline,
        "description": story.dek,
        "author": authors,
        "datePublished": story.published,
        "dateModified": story.modified,
        "articleSection": SECTIONS[story.section].name,
        "keywords": list(story.tags),
        "image": _image(base, story),
        "publisher": _publisher(base),
        "isAccessibleForFree": True,
        "inLanguage": "en-US",
    }


def graph_ld(base: str, story: Story) -> dict[str, Any]:
    """The feature template's @graph, with authors referenced by @id."""
    url = base + story.path
    people = [_person(base, slug) | {"@id": f"{base}#/person/{slug}"} for slug in story.authors]
    return {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": url, "url": url, "name": story.headline},
            {
                "@type": ["NewsArticle", "Article"],
                "@id": url + "#article",
                "isPartOf": {"@id": url},
                "headline": story.headline,
                "alternativeHeadline": story.dek,
                "author": [{"@id": p["@id"]} for p in people],
                "datePublished": story.published,
                "dateModified": story.modified,
                "articleSection": [SECTIONS[story.section].name],
                "image": [_image(base, story)],
                "publisher": _publisher(base),
            },
            *people,
        ],
    }


def opengraph(base: str, story: Story, *, article_meta: bool) -> str:
    lines = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{e(SITE_NAME)}">',
        f'<meta property="og:title" content="{e(story.headline)}">',
        f'<meta property="og:description" content="{e(story.dek)}">',
        f'<meta property="og:url" content="{e(base + story.path)}">',
        f'<meta property="og:image" content="{e(base + story.image_path)}">',
        f'<meta property="og:image:alt" content="{e(story.caption)}">',
        '<meta name="twitter:card" content="summary_large_image">',
    ]
    if article_meta:
        lines += [
            f'<meta property="article:published_time" content="{story.published}">',
            f'<meta property="article:modified_time" content="{story.modified}">',
            f'<meta property="article:section" content="{e(SECTIONS[story.section].name)}">',
            *(f'<meta property="article:author" content="{e(n)}">' for n in story.author_names),
            *(f'<meta property="article:tag" content="{e(t)}">' for t in story.tags),
            f'<meta name="author" content="{e(", ".join(story.author_names))}">',
            f'<meta name="keywords" content="{e(", ".join(story.tags))}">',
        ]
    return "\n".join(lines) + "\n"


def _body(story: Story, *, newsletter_after: int | None = None) -> str:
    out = []
    for i, text in enumerate(paragraphs(story)):
        out.append(f"<p>{t(text)}</p>")
        if newsletter_after is not None and i + 1 == newsletter_after:
            out.append(newsletter().rstrip())
    return "\n".join(out) + "\n"


def _linked_names(story: Story) -> list[str]:
    if not story.authors:
        return [e(story.agency)]
    return [
        f'<a rel="author" href="/author/{slug}/">{e(AUTHORS[slug].name)}</a>'
        for slug in story.authors
    ]


def _standard(base: str, story: Story, stories: tuple[Story, ...]) -> str:
    names = _linked_names(story)
    by = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    pub, mod = story.published_at, story.modified_at
    updated = ""
    if mod != pub:
        updated = (
            f' <span class="updated">Updated <time datetime="{story.modified}">'
            f"{long_date(mod)} at {clock(mod)} {tz_name(mod)}</time></span>"
        )
    section = SECTIONS[story.section]
    return (
        head(
            base,
            story.path,
            story.headline,
            story.dek,
            opengraph(base, story, article_meta=False) + json_ld(news_article_ld(base, story)),
        )
        + masthead(story.section)
        + f"""<main id="content">
<article class="story story--standard">
 <header class="story-header">
  <p class="kicker"><a href="/section/{story.section}/">{e(section.name)}</a></p>
  <h1 class="headline">{t(story.headline)}</h1>
  <p class="dek">{t(story.dek)}</p>
  <p class="byline">By {by}</p>
  <p class="dateline"><time class="published" datetime="{story.published}">{long_date(pub)}
   at {clock(pub)} {tz_name(pub)}</time>{updated}</p>
 </header>
{share_bar(base, story)} <figure class="lead-photo">
  <img src="/{story.image_path}" alt="{e(story.caption)}" width="{PHOTO_SIZE[0]}"
   height="{PHOTO_SIZE[1]}">
  <figcaption>{t(story.caption)} <span class="credit">Photo: {t(story.credit)}</span></figcaption>
 </figure>
 <div class="story-body">
{_body(story)} </div>
 <ul class="story-tags">{"".join(f"<li>{e(t)}</li>" for t in story.tags)}</ul>
</article>
{related(story, stories)}</main>
"""
        + newsletter()
        + footer()
    )


def _feature(base: str, story: Story, stories: tuple[Story, ...]) -> str:
    pub = story.published_at
    cards = "\n".join(
        f'  <div class="author-card"><a href="/author/{slug}/">{e(AUTHORS[slug].name)}</a>'
        f'<span class="author-role">{e(AUTHORS[slug].role)}</span></div>'
        for slug in story.authors
    )
    return (
        head(
            base,
            story.path,
            story.headline,
            story.dek,
            opengraph(base, story, article_meta=True) + json_ld(graph_ld(base, story)),
        )
        + masthead(story.section)
        + f"""<main id="content" class="feature-layout">
<div class="feature-hero">
 <span class="section-label">{e(SECTIONS[story.section].name)}</span>
 <h1 itemprop="headline">{t(story.headline)}</h1>
 <h2 class="standfirst">{t(story.dek)}</h2>
</div>
<div class="lead-media">
 <img src="/{story.image_path}" alt="" width="{PHOTO_SIZE[0]}" height="{PHOTO_SIZE[1]}">
 <p class="caption">{t(story.caption)} Photograph: {t(story.credit)}</p>
</div>
<div class="feature-grid">
 <div class="feature-meta">
{cards}
  <time datetime="{story.published}">{pub:%a} {pub.day} {pub:%b %Y} {pub:%H.%M}
   {tz_name(pub)}</time>
 </div>
 <article class="feature-body">
{_body(story, newsletter_after=2)} </article>
{share_bar(base, story)}</div>
{related(story, stories)}</main>
"""
        + footer()
    )


def _legacy(base: str, story: Story, stories: tuple[Story, ...]) -> str:
    pub = story.published_at
    return (
        head(base, story.path, story.headline, story.dek, opengraph(base, story, article_meta=True))
        + masthead(story.section)
        + f"""<div id="content" class="wrapper">
<div id="main-col">
 <div class="breadcrumb"><a href="/">Home</a> &gt;
  <a href="/section/{story.section}/">{e(SECTIONS[story.section].name)}</a></div>
 <div id="story">
  <h1>{t(story.headline)}</h1>
  <div class="subhead">{t(story.dek)}</div>
  <div class="byline">By {t(byline_text(story))}</div>
  <div class="posted">Posted: {pub:%A}, {long_date(pub)} {clock(pub)}</div>
{share_bar(base, story)}  <div class="photo">
   <img src="/{story.image_path}" alt="{e(story.caption)}">
   <div class="photo-caption">{t(story.caption)} Photograph: {t(story.credit)}</div>
  </div>
  <div id="story-text">
{_body(story)}  </div>
 </div>
{newsletter()}</div>
<div id="sidebar">
{related(story, stories)}</div>
</div>
"""
        + footer()
    )


def article_page(base: str, story: Story, stories: tuple[Story, ...]) -> str:
    template = template_for(story, stories)
    if template == "feature":
        return _feature(base, story, stories)
    if template == "legacy":
        return _legacy(base, story, stories)
    return _standard(base, story, stories)
