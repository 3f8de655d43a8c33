"""What the test web holds, before any markup: its sites and articles, per revision.

`plan(seed, articles, sites, revision)` is a pure function. Revision 2 is the same web a day
later: a few stories edited (title prefixed "Updated: ", a paragraph added, a new modified
time), a few removed (410) and a few added. Everything not edited is the same in both.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from archive.demo.web import text

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)  # "now" of revision 1; fixed, so builds repeat
SPAN_DAYS = 120
FRESH = 8  # the newest stories of the web, published within the last two days (news sitemap)
SITE_NAMES = ("Greyhaven Courier", "Merrow Sound Dispatch", "Port Alder Evening Star")
SECTIONS = [
    "politics",
    "business",
    "local",
    "sport",
    "culture",
    "science",
    "opinion",
    "environment",
    "schools",
    "weather",
]
TAGS = [
    "ferries",
    "housing",
    "budget",
    "fisheries",
    "schools",
    "elections",
    "transport",
    "energy",
    "health",
    "weather",
    "tourism",
    "harbor",
    "courts",
    "arts",
    "rowing",
    "parks",
    "taxes",
    "history",
    "climate",
    "jobs",
]
URL_STYLES = ("dated", "story", "dir")
TEMPLATES = (("jsonld", "graph", "legacy"), ("graph", "legacy"), ("legacy", "jsonld"))
SYNDICATED = 12  # originals of the first site copied to the second and third
AMP_PAGES = 10  # articles of the first site with an AMP version
TRAP_TARGETS = 36  # traps redirect to or copy the newest 36 stories of each site
COPY_MODES = ("canonical_to_original", "self_canonical", "edited_near_duplicate")


@dataclass(frozen=True)
class SiteInfo:
    key: str  # "site-a"
    index: int
    name: str
    style: str
    sections: tuple[str, ...]
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    templates: tuple[str, ...]

    @property
    def gz_sitemaps(self) -> bool:
        return self.index % 3 == 1

    @property
    def utm_feed(self) -> bool:
        """This site's RSS links carry utm_* parameters."""
        return self.index % 3 == 1


@dataclass
class WebArticle:
    id: str
    number: int  # in URLs: unique in the web
    site: str
    section: str
    title: str
    slug: str
    authors: list[str]
    published: datetime
    modified: datetime
    tags: list[str]
    dek: str
    paragraphs: list[str]
    markers: tuple[str, str]
    caption: str
    photo_credit: str  # "Name/Agency"
    template: str
    path: str = ""
    kind: str = "article"  # article | syndicated_copy
    has_canonical: bool = True
    canonical_to: str = ""  # id of the article this page names as canonical (copies)
    duplicate_of: str | None = None
    dup_type: str | None = None
    added_in: int = 1
    revised: bool = False
    removed: bool = False
    amp: bool = False
    first_title: str = ""  # the revision-1 title: what links in other pages show
    variants: list[str] = field(default_factory=list)


@dataclass
class Plan:
    seed: int
    revision: int
    now: datetime
    sites: dict[str, SiteInfo]
    articles: list[WebArticle]  # originals and copies; removed ones too (status 410)
    changes: dict[str, list[str]] | None

    def live(self, site: str) -> list[WebArticle]:
        """The site's served articles (copies included), newest first."""
        arts = [a for a in self.articles if a.site == site and not a.removed]
        return sorted(arts, key=lambda a: (a.published, a.id), reverse=True)

    def stable(self, site: str) -> list[WebArticle]:
        """The site's revision-1 originals, newest first: what traps and related links use, so
        that pages nobody edited are the same bytes in both revisions."""
        arts = [a for a in self.articles if a.site == site and a.added_in == 1]
        arts = [a for a in arts if a.kind == "article"]
        return sorted(arts, key=lambda a: (a.published, a.id), reverse=True)

    def by_id(self) -> dict[str, WebArticle]:
        return {a.id: a for a in self.articles}


def slugify(words: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in words.lower())
    return "-".join(p for p in out.split("-") if p)[:70].strip("-")


def url_path(site: SiteInfo, section: str, when: datetime, slug: str, number: int) -> str:
    if site.style == "dated":
        return f"/news/{section}/{when:%Y/%m/%d}/{slug}-{number}.html"
    if site.style == "story":
        return f"/story/{number}/{slug}"
    return f"/{section}/{slug}-{number}/"


def make_sites(seed: int, count: int) -> dict[str, SiteInfo]:
    sites = {}
    for i in range(count):
        rng = text.rng(f"{seed}:site:{i}")
        key = f"site-{chr(ord('a') + i)}"
        sites[key] = SiteInfo(
            key=key,
            index=i,
            name=SITE_NAMES[i % len(SITE_NAMES)] + ("" if i < len(SITE_NAMES) else f" {i}"),
            style=URL_STYLES[i % len(URL_STYLES)],
            sections=tuple(rng.sample(SECTIONS, 5)),
            authors=tuple(dict.fromkeys(text.person(rng) for _ in range(14)))[:10],
            tags=tuple(rng.sample(TAGS, 12)),
            templates=TEMPLATES[i % len(TEMPLATES)],
        )
    return sites


def _published(k: int, total: int, rng: random.Random) -> datetime:
    if k < FRESH:
        return NOW - timedelta(hours=1 + k * 5, minutes=rng.randrange(60))
    share = (k - FRESH) / max(1, total - FRESH)
    return NOW - timedelta(hours=41 + share * SPAN_DAYS * 24, minutes=rng.randrange(60))


def _article(seed: int, k: int, total: int, site: SiteInfo, added_in: int) -> WebArticle:
    rng = text.rng(f"{seed}:article:{k}")
    number = 100000 + k
    place, tail = text.invented_word("Vel", k), text.invented_word("Dun", k)
    paras = [text.paragraph(rng, rng.randrange(3, 6)) for _ in range(rng.randrange(6, 10))]
    paras[0] = f"{place.upper()} — {paras[0]} Much of it concerns the harbor of {place}."
    paras[-1] = f"{paras[-1]} The next meeting is at the {tail} community hall."
    title = text.headline(rng, place)
    if added_in == 1:
        published = _published(k, total, rng)
    else:  # stories of a later revision: between the two "now"s
        published = NOW + timedelta(minutes=30 + 97 * (k - total))
    nauthors = 1 + (rng.random() < 0.3)
    return WebArticle(
        id=f"{site.key[-1]}{number}",
        number=number,
        site=site.key,
        section=rng.choice(site.sections),
        title=title,
        slug=slugify(title),
        authors=rng.sample(site.authors, nauthors),
        published=published,
        modified=published + timedelta(minutes=rng.randrange(5, 240)),
        tags=rng.sample(site.tags, 2),
        dek=text.dek(rng),
        paragraphs=paras,
        markers=(place, tail),
        caption=f"{text.person(rng)} at {rng.choice(text.PLACES)} {rng.choice(text.TIMES)}.",
        photo_credit=f"{text.person(rng)}/{rng.choice(text.AGENCIES)}",
        template=site.templates[(k // 3) % len(site.templates)],
        has_canonical=rng.random() >= 0.03,
        added_in=added_in,
        first_title=title,
    )


def _copies(plan_sites: dict[str, SiteInfo], originals: list[WebArticle]) -> list[WebArticle]:
    keys = list(plan_sites)
    out = []
    for j, art in enumerate(originals):
        for target in keys[1:3]:
            site = plan_sites[target]
            mode = COPY_MODES[(j + site.index) % 3]
            rng = text.rng(f"copy:{art.id}:{target}")
            paras = list(art.paragraphs)
            if mode == "edited_near_duplicate":
                middle = len(paras) // 2
                paras[middle] = text.reword(paras[middle], rng)
                paras[-1] += f" This story first appeared in the {plan_sites[art.site].name}."
            number = 900000 + j * 10 + site.index
            section = site.sections[j % len(site.sections)]
            copy = replace(
                art,
                id=f"{target[-1]}s{j:04d}",
                number=number,
                site=target,
                section=section,
                tags=list(site.tags[:2]),
                paragraphs=paras,
                template=site.templates[j % len(site.templates)],
                kind="syndicated_copy",
                has_canonical=True,
                canonical_to=art.id if mode == "canonical_to_original" else "",
                duplicate_of=art.id,
                dup_type=mode,
                amp=False,
                variants=[],
            )
            copy.path = url_path(site, section, art.published, art.slug, number)
            out.append(copy)
    return out


def _revise(
    plan: Plan, seed: int, total: int, keep: set[str], linked: set[str]
) -> dict[str, list[str]]:
    """Edit about 5% and remove about 1% of the originals (at least one each): never the
    originals of copies or AMP pages (`keep`), and never remove what a trap links to."""
    originals = [a for a in plan.articles if a.kind == "article" and a.id not in keep]
    draw = {a.id: text.rng(f"{seed}:rev2:{a.id}").random() for a in originals}
    ranked = sorted(originals, key=lambda a: draw[a.id])
    edited = [a for a in ranked if draw[a.id] < 0.05] or ranked[:1]
    removable = [a for a in ranked if a.id not in linked and a not in edited]
    removed = [a for a in removable if draw[a.id] < 0.065] or removable[-1:]
    for art in edited:
        rng = text.rng(f"{seed}:edit:{art.id}")
        art.title = "Updated: " + art.title
        art.paragraphs = [
            *art.paragraphs,
            f"Update ({plan.now:%d %B %Y}): {text.sentence(rng)}",
        ]
        art.modified = plan.now - timedelta(hours=rng.randrange(1, 20))
        art.revised = True
    for art in removed:
        art.removed = True
    added = []
    for n in range(max(1, round(total * 0.02))):
        k = total + n
        site = list(plan.sites.values())[k % len(plan.sites)]
        art = _article(seed, k, total, site, added_in=2)
        art.path = url_path(site, art.section, art.published, art.slug, art.number)
        plan.articles.append(art)
        added.append(art.id)
    return {
        "changed": [a.id for a in edited],
        "removed": [a.id for a in removed],
        "added": added,
    }


def plan(seed: int = 1, articles: int = 120, sites: int = 3, revision: int = 1) -> Plan:
    if not 1 <= sites <= 26 or articles < 10 * sites:
        raise ValueError(f"A test web needs 1-26 sites and 10 articles per site, not {articles}")
    infos = make_sites(seed, sites)
    keys = list(infos)
    arts = []
    for k in range(articles):
        site = infos[keys[k % sites]]
        art = _article(seed, k, articles, site, added_in=1)
        art.path = url_path(site, art.section, art.published, art.slug, art.number)
        arts.append(art)
    result = Plan(seed, revision, NOW + timedelta(days=revision - 1), infos, arts, None)
    first = result.stable(keys[0])
    originals = first[3 : 3 + SYNDICATED] if sites > 1 else []
    for art in first[20 : 20 + AMP_PAGES]:
        art.amp = True
    copies = _copies(infos, originals)
    keep = {a.id for a in originals} | {a.id for a in first if a.amp}
    linked = {a.id for key in keys for a in result.stable(key)[: TRAP_TARGETS + 1]}
    result.articles.extend(copies)
    if revision >= 2:
        result.changes = _revise(result, seed, articles, keep, linked)
    return result
