"""Bylines: turning author strings into a clean list of names, and finding them in the DOM."""

from __future__ import annotations

import re
from itertools import islice

from lxml.html import HtmlElement

from archive.extract.text import fold, nfkc, squash, text_of

# Wire services and agencies (lower-case). A byline naming one keeps it: fundus-style ground
# truth and readers both treat "Jane Doe, AP" as two bylines.
AGENCIES = {
    "ap",
    "associated press",
    "the associated press",
    "reuters",
    "afp",
    "agence france-presse",
    "dpa",
    "deutsche presse-agentur",
    "apa",
    "sda",
    "keystone-sda",
    "ansa",
    "efe",
    "epa",
    "kyodo",
    "yonhap",
    "pa",
    "pa media",
    "belga",
    "anp",
    "ritzau",
    "ntb",
    "tt",
    "epd",
    "kna",
    "dts",
    "upi",
    "bloomberg",
    "xinhua",
    "anadolu ajans\u0131",
    "anadolu agency",
    "tass",
    "ria novosti",
    "aap",
    "cp",
    "the canadian press",
    "canadian press",
    "europa press",
    "press association",
    "reuters staff",
}
_PREFIX = re.compile(
    r"^(?:(?:written|reported|posted|text|story|words|interview|analysis|commentary|"
    r"photos?|fotos?)\s+)?(?:by|von|par|por|door|av|af|di|de|da|от|przez|fra|texto|text|"
    r"autor(?:in)?(?:\s*/\s*autor(?:in)?)?|author|written by|reporting by|von unserem\w*|"
    r"redakteur(?:in)?)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^(?:text|autor(?:in)?|author|byline|writer|redaktion|quelle|source)\s*:\s*", re.IGNORECASE
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||\s&\s|\s+(?:and|und|y|e|et|og|och|en|i|и|ve|dan|oraz|und von|sowie)\s+|"
    r"\s+/\s+|\n|·|•)\s*",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:staff|senior|chief|deputy|contributing|special|freelance|political|foreign|"
    r"correspondent|reporter|writer|editor|editors|columnist|journalist|redakteur(?:in)?|"
    r"redaktion|korrespondent(?:in)?|mitarbeiter(?:in)?|autor(?:in)?|author|contributor|"
    r"photographer|fotograf(?:in)?|producer|analyst|newsroom|desk|team|bureau|"
    r"updated|published|aktualisiert|veröffentlicht|min read|read)\b|기자|記者|특파원",
    re.IGNORECASE,
)
_NOT_NAME = re.compile(
    r"@|:|\b\d+\s*min\b|https?:|www\.|\d{3,}|\.(?:com|de|org|net)\b|\bfollow\b|\bemail\b",
    re.IGNORECASE,
)
_DATEISH = re.compile(r"\d{1,2}[:.]\d{2}|\b\d{4}\b|\d{1,2}\.\s*\d{1,2}\.")
BYLINE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:by-?line|byline\w*|author\w*|autor\w*|writer|verfasser|reporter|"
    r"article-?author|contributor\w*|credits?-?author)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BAD_CLASS = re.compile(
    r"bio|description|avatar|image|img|photo|social|follow|more|comment|"
    r"related|teaser|recommend|newsletter|box|list|brand|logo",
    re.IGNORECASE,
)
# Containers of other stories: a byline inside one belongs to that story, not this one.
_OTHER_STORY_CLASS = re.compile(
    r"(?:^|[\s_-])(?:teasers?|related|recommend\w*|more-?stories|also-?read)(?:$|[\s_-])",
    re.IGNORECASE,
)
# "신현주 기자", "山田太郎記者": a CJK name written without spaces before its role
_CJK_NAME = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,5}$")
_NAME_WORD = re.compile(r"^[^\W\d_][\w'\u2019.-]*$")


def _clean_name(part: str) -> str:
    part = nfkc(part).strip(" \t.,;:|-\u2013\u2014•·()[]\"'«»")
    for _ in range(2):
        part = _LABEL.sub("", part)
        part = _PREFIX.sub("", part).strip(" .,;:|-\u2013\u2014")
    return part


def split_names(raw: str, *, last_first: bool = False, org: bool = False) -> list[str]:
    """The people in a byline string: split on and/und/commas, roles and dates dropped.

    With `last_first`, a lone "Last, First" pair (as Dublin Core writes it) becomes "First Last".
    With `org`, the string names an organisation, which may be a domain ("news.example").
    """
    raw = nfkc(raw)
    if not raw or len(raw) > 300:
        return []
    raw = _PREFIX.sub("", _LABEL.sub("", raw.strip()))
    pieces = [p for p in re.split(r"\s*,\s*", raw) if p]
    if (
        last_first
        and len(pieces) == 2
        and all(len(p.split()) <= 2 for p in pieces)
        and not any(_ROLE.search(p) for p in pieces)
    ):
        raw = f"{pieces[1]} {pieces[0]}"
    names: list[str] = []
    for part in (p for whole in _SPLIT.split(raw) for p in _agency_split(whole or "")):
        name = _clean_name(part)
        name = _AGENCY_IN.sub(
            lambda m: m.group(1) if m.group(1).lower() in AGENCIES else m.group(0), name
        )
        if not name or (_NOT_NAME.search(name) and not org) or _DATEISH.search(name):
            continue
        if name.lower() in AGENCIES:
            names.append(name)
            continue
        if _ROLE.search(name):
            # "Jane Doe Staff Writer": keep the words before the role if they look like a name
            head = _ROLE.split(name)[0].strip(" ,-\u2013")
            if (len(head.split()) >= 2 and head[:1].isupper()) or _CJK_NAME.match(head):
                names.append(head)
            continue
        tokens = name.split()
        if len(tokens) > 5 or len(name) > 60 or not any(ch.isalpha() for ch in name):
            continue
        names.append(name)
    return dedupe(names)


_PAREN_TAIL = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")
_WITH_AGENCY = re.compile(r"^(.+?)\s+(?:mit|with|avec|con|med)\s+(.+)$", re.IGNORECASE)


def _is_full_name(text: str) -> bool:
    """ "Jane Doe", "Jean-Luc O'Neil": two to four capitalized name words."""
    tokens = text.split()
    return 2 <= len(tokens) <= 4 and all(_NAME_WORD.match(t) and t[0].isupper() for t in tokens)


def _agency_split(part: str) -> list[str]:
    """A person and an agency in one piece: "Jane Doe (dpa)", "Jane Doe/AFP", "Jane Doe mit dpa".

    Any other bracketed tail ("(Berlin)", "(Text)") is dropped; slashes split names too.
    """
    paren = _PAREN_TAIL.match(part)
    if paren:
        head, tail = paren.groups()
        return [head, tail] if is_agency(tail) else [head]
    joined = _WITH_AGENCY.match(part)
    if joined and is_agency(joined.group(2)):
        return [joined.group(1), joined.group(2)]
    if "/" in part:
        sides = [s for s in re.split(r"\s*/\s*", part) if s.strip()]
        if all(is_agency(s) or _is_full_name(s) for s in sides):
            return sides
        if any(is_agency(s) for s in sides):
            return [s for s in sides if is_agency(s) or _is_full_name(s)]  # "dpa/jd": no initials
    return [part]


_AGENCY_IN = re.compile(r"^(.+?)\s+(?:in|aus|en|à|i)\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?$")


def dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = fold(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def is_publisher(name: str, publishers: list[str]) -> bool:
    """Whether a byline name is the site or its publisher rather than a person."""
    key = fold(name)
    if not key:
        return False
    for pub in publishers:
        other = fold(pub)
        if other and (key == other or (len(other) > 3 and (key in other or other in key))):
            return True
    return False


def drop_publishers(names: list[str], publishers: list[str]) -> list[str]:
    """Names without the publisher, unless the publisher is the only byline."""
    people = [n for n in names if not is_publisher(n, publishers)]
    return people or names


def is_agency(name: str) -> bool:
    return name.lower().strip() in AGENCIES


def _in_other_story(el: HtmlElement, root: HtmlElement) -> bool:
    """Whether `el` sits in a teaser or related-stories block below `root`."""
    for anc in islice(el.iterancestors(), 12):
        if anc is root:
            return False
        if _OTHER_STORY_CLASS.search(anc.get("class", "")):
            return True
    return False


def _byline_elements(root: HtmlElement) -> list[HtmlElement]:
    found: list[HtmlElement] = []
    for el in root.xpath(
        ".//*[@rel='author' or @itemprop='author' or contains(@class,'yline') or "
        "contains(@class,'uthor') or contains(@class,'utor') or contains(@class,'writer') or "
        "contains(@class,'erfasser') or contains(@id,'yline') or contains(@id,'uthor') or "
        "contains(@class,'reporter') or contains(@data-testid,'yline') or "
        "contains(@data-testid,'uthor')]"
    ):
        cls = f"{el.get('class', '')} {el.get('id', '')} {el.get('data-testid', '')}"
        marked = el.get("rel") == "author" or el.get("itemprop") == "author"
        if not marked and (not BYLINE_CLASS.search(cls) or _BAD_CLASS.search(cls)):
            continue
        if el.tag in ("meta", "link", "script", "style", "img", "body", "html", "article"):
            continue
        if _in_other_story(el, root):
            continue
        found.append(el)
        if len(found) >= 40:
            break
    return found


def byline_blocks(
    tree: HtmlElement, scope: HtmlElement | None = None
) -> list[tuple[HtmlElement, list[str]]]:
    """Visible byline markup (rel=author, itemprop=author, byline/author classes), each element
    with the names it gives."""
    root = scope if scope is not None else tree
    elements = _byline_elements(root)
    if not elements and scope is not None:
        elements = _byline_elements(tree)
    blocks: list[tuple[HtmlElement, list[str]]] = []
    count = 0
    inside: set[HtmlElement] = set()
    for el in elements:
        if any(anc in inside for anc in islice(el.iterancestors(), 8)):
            continue
        links = el.xpath(
            ".//a[@rel='author' or contains(@href,'author') or contains(@href,'autor')"
            " or contains(@href,'profil') or contains(@href,'/people/')]"
        )
        if el.get("itemprop") == "author":
            named = el.xpath(".//*[@itemprop='name']")
            text = (named[0].get("content") or text_of(named[0])) if named else ""
            text = text or el.get("content") or text_of(el)
        elif links and el.tag != "a":
            text = ", ".join(text_of(a) for a in links[:8])
        else:
            text = text_of(el)
        if not text or len(text) > 200:
            continue
        found = split_names(text)
        if found:
            inside.add(el)
            blocks.append((el, found))
            count += len(found)
        if count >= 8:
            break
    return blocks


def dom_bylines(tree: HtmlElement, scope: HtmlElement | None = None) -> list[str]:
    """Names from visible byline markup, in page order."""
    return dedupe([n for _el, names in byline_blocks(tree, scope) for n in names])


MAX_BYLINE_BLOCK_CHARS = 400  # a byline box with two names and dates; a page section is longer


def _same_kind(a: HtmlElement, b: HtmlElement) -> bool:
    """Repeated markup: one byline element per author, with the same tag and class."""
    return bool(a.tag == b.tag and a.get("class") == b.get("class"))


def co_bylines(blocks: list[tuple[HtmlElement, list[str]]], known: list[str]) -> list[str]:
    """The known authors plus the co-authors set next to them in the visible byline.

    Structured data often names only the first of two bylines; a second one set in the same
    byline box with the same markup (not in a teaser elsewhere on the page) belongs to this
    article too. Returns [] when the markup adds no one.
    """
    keys = {fold(n) for n in known}
    for el, names in blocks:
        if not keys & {fold(n) for n in names}:
            continue
        for anc in [el, *islice(el.iterancestors(), 3)]:
            if len(text_of(anc)) > MAX_BYLINE_BLOCK_CHARS:
                break
            group = dedupe(
                [
                    n
                    for other, found in blocks
                    if other is el or (_same_kind(other, el) and anc in set(other.iterancestors()))
                    for n in found
                ]
            )
            if keys <= {fold(n) for n in group} and len(group) > len(keys):
                return group
        break
    return []


_BARE_BY = re.compile(
    r"^(?:(?:by|von|par|por|door|av|af)\s*:?|"
    r"(?:autor(?:in)?|author|verfasser(?:in)?)(?:\s*/\s*autor(?:in)?)?\s*:?)\s+\S",
    re.IGNORECASE,
)


_SECTION_AFTER = re.compile(r"\s*(?:,\s*|\s)(?:in|en|em|dans|im)\s*$", re.IGNORECASE)


def by_lines(scope: HtmlElement) -> list[str]:
    """Names from a short block of text that starts with "By ..." near the top of the article."""
    for el in islice(scope.iter("p", "div", "span", "address", "li", "dd"), 400):
        text = text_of(el) if len(el) <= 6 else ""
        if not (4 < len(text) < 120 and _BARE_BY.match(text)):
            # "By Jane Doe, in <a>Politics</a>, <a>World</a> ...": the byline is the lead text
            lead = squash(el.text or "")
            cut = _SECTION_AFTER.search(lead)
            text = lead[: cut.start()] if cut else ""
            if not (4 < len(text) < 120 and _BARE_BY.match(text)):
                continue
        names = split_names(text)
        if names:
            return names
    return []


def _bare_names(text: str) -> list[str]:
    """ "Jane Doe" or "Jane Doe/John Roe": capitalized name words and nothing else."""
    if len(text) > 80 or text[-1:] in ".!?:":
        return []
    names = [n.strip() for n in re.split(r"\s*(?:/|&|\band\b|\bund\b)\s*", text)]
    for name in names:
        tokens = name.split()
        if not 2 <= len(tokens) <= 4 or not all(
            _NAME_WORD.match(t) and t[0].isupper() for t in tokens
        ):
            return []
    return dedupe(names)


def bare_byline(scope: HtmlElement) -> list[str]:
    """A paragraph that is nothing but a name ("Jane Doe") at the top of the article text."""
    for el in islice(scope.iter("p"), 3):
        names = _bare_names(text_of(el))
        if names:
            return names
    return []
