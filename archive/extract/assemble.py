"""Fill an `Article` from the layers, best evidence first, recording each field's layer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from archive.extract import bylines, headline
from archive.extract.body.compose import body_text
from archive.extract.body.scope import article_scope
from archive.extract.dates import normalize_date, visible_date
from archive.extract.figures.credits import clean_credit
from archive.extract.figures.images import figures
from archive.extract.figures.imgsrc import picture_key
from archive.extract.figures.lead import lead_figure, shown_img
from archive.extract.jsonld import JsonLd, string_list, text_value, types_of
from archive.extract.meta import (
    AUTHOR_KEYS,
    IMAGE_KEYS,
    LANG_KEYS,
    MODIFIED_KEYS,
    PUBLISHED_KEYS,
    SECTION_KEYS,
    SITE_KEYS,
    SUBTITLE_KEYS,
    TAG_KEYS,
    TITLE_KEYS,
    Meta,
    microdata,
)
from archive.extract.overrides import apply_overrides
from archive.extract.rules import NONE, Off
from archive.extract.text import fold, nfkc
from archive.model import Article, Image


def _set(article: Article, name: str, value: Any, layer: str) -> bool:
    if value and not getattr(article, name):
        setattr(article, name, value)
        article.provenance[name] = layer
        return True
    return False


_SECOND_LEVEL = {
    "co",
    "com",
    "org",
    "net",
    "ac",
    "gov",
    "ne",
    "or",
    "go",
    "nic",
    "edu",
    "gob",
    "gv",
    "info",
    "biz",
}


def _host_name(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    parts = [p for p in host.split(".") if p not in ("www", "m", "amp")]
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        parts = parts[:-1]  # "dailymail.co.uk": the name is "dailymail", not "co"
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")


def _dates(article: Article, ld: dict[str, Any], micro: dict[str, list[str]], meta: Meta) -> None:
    for name, ld_key, keys in (
        ("published", "datePublished", PUBLISHED_KEYS),
        ("modified", "dateModified", MODIFIED_KEYS),
    ):
        _set(article, name, normalize_date(text_value(ld.get(ld_key))), "jsonld")
        for value in micro.get(ld_key, []):
            _set(article, name, normalize_date(value), "microdata")
        for value in meta.all(keys):
            _set(article, name, normalize_date(value), "meta")
    if not article.published:
        _set(
            article,
            "published",
            text_value(ld.get("dateCreated")) and normalize_date(text_value(ld.get("dateCreated"))),
            "jsonld",
        )


def _authors(
    article: Article,
    ld: JsonLd,
    node: dict[str, Any],
    micro: dict[str, list[str]],
    meta: Meta,
    scope: HtmlElement,
    tree: HtmlElement,
    publishers: list[str],
    off: Off = NONE,
    h1: HtmlElement | None = None,
) -> None:
    people = ld.people(node.get("author")) if node else []
    # a CMS account ("admin") stands for the site: a byline only when nothing else is found
    publishers = publishers + (ld.accounts(node.get("author")) if node else [])
    # an agency listed as an Organization next to the people is a byline too ("Jane Doe, SDA")
    persons = [
        n
        for name, is_person in people
        if is_person or (bylines.is_agency(name) and any(p for _, p in people))
        for n in bylines.split_names(name)
    ]
    orgs = [
        n
        for name, is_person in people
        if not is_person
        for n in bylines.split_names(name, org=True)
    ]
    blocks = bylines.byline_blocks(tree, scope, off)
    dom = bylines.dedupe([n for _el, found in blocks for n in found])
    candidates: list[tuple[list[str], str]] = [
        (persons, "jsonld"),
        ([n for v in micro.get("author", []) for n in bylines.split_names(v)], "microdata"),
        (dom, "dom"),
        ([] if "authors.by_lines" in off else bylines.by_lines(scope), "dom"),
    ]
    meta_names: list[str] = []
    for key in AUTHOR_KEYS:
        for value in meta.values.get(key, []):
            meta_names.extend(bylines.split_names(value, last_first=key.startswith("dc")))
    candidates.append((meta_names, "meta"))
    candidates.append((orgs, "jsonld"))
    candidates.append(([] if "authors.bare_byline" in off else bylines.bare_byline(scope), "dom"))
    if "authors.dated_byline" not in off:
        candidates.append((bylines.dated_byline(h1), "dom"))
    # an editor named next to the byline ("Editor: Jane Doe") is no author; looked for only
    # when the visible byline and the structured one disagree, the search is not free
    known = {fold(n) for n in persons}
    edited = (
        bylines.editors(scope)
        if "authors.editors" not in off and any(fold(n) not in known for n in dom)
        else set()
    )
    fallback: tuple[list[str], str] | None = None
    for names, layer in candidates:
        kept = bylines.drop_publishers([n for n in names if fold(n) not in edited], publishers)
        if not kept:
            continue
        if all(bylines.is_publisher(n, publishers) for n in kept):
            fallback = fallback or (kept, layer)
            continue
        _set(article, "authors", kept, layer)
        return
    if fallback:
        _set(article, "authors", fallback[0], fallback[1])


def _images(
    article: Article,
    ld: JsonLd,
    node: dict[str, Any],
    meta: Meta,
    scope: HtmlElement,
    base: str,
    h1: HtmlElement | None,
    off: Off = NONE,
) -> set[str]:
    """Fill images, the lead (position 0) first; returns the folded captions and credits, to
    keep them out of the body.

    The lead is the picture a reader sees first. The page's og:image is taken for it when the
    page shows that picture (in any rendition: "photo-1200x630.jpg" is "photo-800x450.jpg");
    a social-media card that the article does not show gives way to the article's first figure.
    """
    images: list[Image] = []
    by_key: dict[str, Image] = {}
    from_dom: list[Image] = []
    layer = ""
    merge_renditions = "images.lead_merge" not in off

    def add(url: str, caption: str, credit: str, source: str) -> None:
        nonlocal layer
        if not url:
            return
        try:
            url = urljoin(base, url)
        except ValueError:
            return
        key = url.split("?")[0].rstrip("/")
        known = by_key.get(key)
        picture = picture_key(url) if merge_renditions else ""
        rendition = known is None and bool(picture)
        if rendition:
            known = by_key.get("picture:" + picture)
        if known and source == "dom" and known in from_dom and caption and known.caption:
            known = None  # one picture in two figures of the page, each with its own caption
        if known and rendition and source == "dom" and known not in from_dom:
            # the metadata's picture in another size: the one the reader sees stands for it
            known.url = url
            by_key[key] = known
            from_dom.append(known)
        if known:
            known.caption = known.caption or caption
            if credit and (
                not known.credit
                or (fold(known.credit) in fold(credit) and len(credit) < 120)
                or (source == "dom" and known not in from_dom)
            ):
                # the credit readers see beside the picture over the metadata's: "Jane Doe /
                # AFP via Getty" over "Jane Doe", "KCNA/AFP" over a stringer code "STR"
                known.credit = credit
            return
        image = Image(url=url, caption=caption, credit=credit)
        by_key[key] = image
        if picture:
            by_key.setdefault("picture:" + picture, image)
        images.append(image)
        if source == "dom":
            from_dom.append(image)
        layer = layer or source

    structured = ld.images(node.get("image")) if node else []
    lead = meta.get(IMAGE_KEYS)
    if lead:
        match = next((s for s in structured if s["url"] == lead), None)
        add(
            lead,
            match["caption"] if match else "",
            clean_credit(match["credit"]) if match else "",
            "meta",
        )
    for item in structured:
        add(item["url"], item["caption"], clean_credit(item["credit"]), "jsonld")
    for _el, fig in figures(scope, base, h1, off):
        add(fig["url"], fig["caption"], fig["credit"], "dom")
    lead_image = images[0] if lead and images else None
    if lead_image is not None and lead_image not in from_dom:
        root = scope.getroottree().getroot()
        shown = shown_img(root, lead, base)
        if shown is None and from_dom and "images.first_figure_lead" not in off:
            # og:image is a card made for social media: the article's first figure leads
            images.remove(from_dom[0])
            images.insert(0, from_dom[0])
            layer = "dom"
        elif (
            shown is not None
            and not (lead_image.caption or lead_image.credit)
            and "images.lead_figure" not in off
        ):
            found = lead_figure(root, scope, lead, base, h1, off, shown)
            if found:
                lead_image.caption, lead_image.credit = found["caption"], found["credit"]
    if images:
        article.images = images
        article.provenance["images"] = layer
    skip: set[str] = set()
    for image in images:
        skip.update(k for k in (fold(image.caption), fold(image.credit)) if k)
    return skip


def _claims_article(node: dict[str, Any], meta: Meta) -> bool:
    """Whether the page says it is an article (schema.org article type, og:type "article"):
    a front, section or tag page whose teasers our clean-up removed says it is not."""
    if node and types_of(node) - {"webpage"}:
        return True
    return meta.get(("og:type",)).lower() == "article"


def assemble(
    tree: HtmlElement, article: Article, overrides: dict[str, str], off: Off = NONE
) -> None:
    """Fill `article` from a parsed page."""
    url = article.url
    ld = JsonLd(tree)
    node = ld.article() or {}
    meta = Meta(tree)
    micro = microdata(tree)

    publisher = ld.resolve(node.get("publisher"))
    publisher_name = text_value(publisher)
    _set(article, "site_name", meta.get(SITE_KEYS[:1]), "meta")
    _set(article, "site_name", publisher_name, "jsonld")
    _set(article, "site_name", meta.get(SITE_KEYS[1:]), "meta")
    publishers = [p for p in (article.site_name, publisher_name, _host_name(url)) if p]

    canonical = meta.canonical or meta.get(("og:url",)) or text_value(node.get("url"))
    if canonical:
        try:
            canonical = urljoin(url, canonical)
        except ValueError:
            canonical = ""
    _set(article, "canonical_url", canonical, "meta")
    base = article.canonical_url or url

    structured_titles = [
        (text_value(node.get("headline")), "jsonld"),
        *((v, "microdata") for v in micro.get("headline", [])[:1]),
        (meta.get(TITLE_KEYS[:1]), "meta"),
        (meta.get(TITLE_KEYS[1:]), "meta"),
    ]
    h1 = headline.find_h1(tree, [t for t, _ in structured_titles if t] + [meta.title])
    h1_text = nfkc(headline.headline_text(h1, off)) if h1 is not None else ""
    title, layer = headline.choose_title(
        [*((nfkc(t), lay) for t, lay in structured_titles if t), (h1_text, "dom")],
        nfkc(meta.title),
        publishers,
    )
    _set(article, "title", title, layer)

    _set(article, "subtitle", headline.find_dek(h1), "dom")
    _set(article, "subtitle", text_value(node.get("alternativeHeadline")), "jsonld")
    _set(article, "subtitle", text_value(node.get("description")), "jsonld")
    _set(article, "subtitle", meta.get(SUBTITLE_KEYS), "meta")

    _set(article, "section", text_value(node.get("articleSection")), "jsonld")
    _set(article, "section", (micro.get("articleSection") or [""])[0], "microdata")
    _set(article, "section", meta.get(SECTION_KEYS), "meta")
    _set(article, "section", headline.find_section(h1), "dom")

    _dates(article, node, micro, meta)
    _set(article, "language", meta.lang, "dom")
    _set(article, "language", text_value(node.get("inLanguage")), "jsonld")
    _set(article, "language", meta.get(LANG_KEYS).replace("_", "-"), "meta")

    tags = string_list(node.get("keywords"))
    _set(article, "tags", tags[:50], "jsonld")
    meta_tags = [t.strip() for v in meta.all(TAG_KEYS) for t in v.split(",") if t.strip()]
    _set(article, "tags", list(dict.fromkeys(meta_tags))[:50], "meta")

    scope = article_scope(tree, h1)
    _authors(article, ld, node, micro, meta, scope, tree, publishers, off, h1)
    skip = _images(article, ld, node, meta, scope, base, h1, off)

    if title:
        skip.add(fold(title))
    skip.update(fold(name) for name in article.authors)  # a bare byline line is not text
    if article.authors:
        skip.add(fold(" ".join(article.authors)))
    title_keys = [fold(t) for t in (title, h1_text, *(t for t, _ in structured_titles)) if t]
    body, body_layer = body_text(
        tree,
        url,
        skip_lines=skip,
        title_keys=list(dict.fromkeys(title_keys)),
        author_keys=[fold(name) for name in article.authors],
        dek=article.subtitle,
        claims_article=_claims_article(node, meta),
        off=off,
    )
    _set(article, "body", body, body_layer)
    if not article.published:
        _set(article, "published", visible_date(tree, url), "dom")
    if overrides:
        apply_overrides(tree, article, overrides, base)
