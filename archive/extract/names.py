"""Byline strings: the names of people and agencies in them, roles, dates and labels dropped."""

from __future__ import annotations

import re
import unicodedata

from archive.extract.text import fold, nfkc

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
    "pti",
    "press trust of india",
    "ians",
    "ani",
    "lusa",
    "jiji press",
    "kyodo news",
    "yonhap news agency",
    "united press international",
    "agence france presse",
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
_DATEISH = re.compile(
    r"\d{1,2}[:.]\d{2}|\b\d{4}\b|\d{1,2}\.\s*\d{1,2}\.|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
# "Jane Doe on Monday, November 18": the date glued to the name, cut off
_WEEKDAY_TAIL = re.compile(
    r"\s+(?:(?:on|am)\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b.*$",
    re.IGNORECASE,
)
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "del",
        "della",
        "du",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
        "zu",
    ]
)
# degrees and licences after a name ("Jane Doe, MS, RD"): not bylines
_CREDENTIALS = frozenset(
    [
        "md",
        "phd",
        "ms",
        "msc",
        "ma",
        "ba",
        "bsc",
        "rd",
        "rdn",
        "rn",
        "mba",
        "mph",
        "jd",
        "cpa",
        "dds",
        "dvm",
        "lcsw",
        "np",
        "mfa",
        "llm",
    ]
)
# "신현주 기자", "山田太郎記者": a CJK name written without spaces before its role
_CJK_NAME = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,5}$")
NAME_WORD = re.compile(r"^[^\W\d_][\w'\u2019.-]*$")


def _clean_name(part: str) -> str:
    part = nfkc(part).strip(" \t.,;:|-\u2013\u2014•·()[]\"'«»")
    for _ in range(2):
        part = _LABEL.sub("", part)
        part = _PREFIX.sub("", part).strip(" .,;:|-\u2013\u2014")
    return part


def split_names(
    raw: str, *, last_first: bool = False, org: bool = False, trusted: bool = False
) -> list[str]:
    """The people in a byline string: split on and/und/commas, roles and dates dropped.

    With `last_first`, a lone "Last, First" pair (as Dublin Core writes it) becomes "First Last".
    With `org`, the string names an organisation, which may be a domain ("news.example").
    With `trusted` (a site's own selector), single words and affiliations are kept.
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
        if not name or (_NOT_NAME.search(name) and not org):
            continue
        name = _name_head(name)  # after the check: "Jane Doe for news.example" stays out
        if _DATEISH.search(name):
            continue
        if name.replace(".", "").lower() in _CREDENTIALS and not is_agency(name):
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
        if not (trusted or org) and (
            _INSTITUTION.search(name)
            or (len(tokens) == 1 and not _one_word_name(name))
            # "Jane Doe, Berlin": a place or a desk after a full name, not a co-author
            or (
                len(tokens) == 1 and not is_agency(name) and any(len(n.split()) >= 2 for n in names)
            )
        ):
            continue
        names.append(name)
    return dedupe(names)


# Words that stand alone in bylines but name no one: labels, links beside the name, desks
# ("By", "Twitter", "Nachrichten"). Lower-case single words are not names either ("red", short
# for Redaktion), except agencies written so ("dpa").
NOT_A_NAME = frozenset(
    [
        "by",
        "von",
        "par",
        "por",
        "door",
        "av",
        "af",
        "di",
        "de",
        "da",
        "und",
        "and",
        "et",
        "y",
        "e",
        "mit",
        "with",
        "from",
        "for",
        "twitter",
        "facebook",
        "instagram",
        "linkedin",
        "youtube",
        "tiktok",
        "threads",
        "mastodon",
        "bluesky",
        "whatsapp",
        "telegram",
        "x",
        "email",
        "e-mail",
        "mail",
        "rss",
        "more",
        "profile",
        "bio",
        "follow",
        "share",
        "contact",
        "kontakt",
        "homepage",
        "website",
        "nachrichten",
        "news",
        "newsroom",
        "redaktion",
        "redaccion",
        "redacción",
        "rédaction",
        "redazione",
        "redactie",
        "staff",
        "admin",
        "administrator",
        "editor",
        "editors",
        "editorial",
        "author",
        "autor",
        "autorin",
        "authors",
        "writer",
        "foto",
        "photo",
        "fotos",
        "photos",
        "video",
        "videos",
        "bild",
        "bilder",
        "image",
        "images",
        "grafik",
        "graphic",
        "updated",
        "published",
        "aktualisiert",
        "veröffentlicht",
        "home",
        "startseite",
        "politik",
        "politics",
        "wirtschaft",
        "business",
        "sport",
        "sports",
        "kultur",
        "culture",
        "meinung",
        "opinion",
        "local",
        "lokales",
        "world",
        "welt",
    ]
)
# "Jane Doe, University of Oxford", "Institut für …": an affiliation, not a second author
_INSTITUTION = re.compile(
    r"\b(?:university|universit[äa]t|universit[ée]|universidad|universit[àa]|college|"
    r"institut[eo]?|hospital|klinik|ministry|ministerium|department|foundation|stiftung|"
    r"school|academy|akademie|centre|center|council|association|verband|society|"
    r"gesellschaft|laboratory|labor)\b",
    re.IGNORECASE,
)


def _one_word_name(word: str) -> bool:
    """Whether a byline of one word can be a name: an agency, a capitalized pen name or a CJK
    name; not a label, a link text or a desk."""
    if is_agency(word):
        return True
    if word.casefold() in NOT_A_NAME:
        return False
    # a domain ("news.example") stands for the site, which may be the only byline there is
    return word[:1].isupper() or "." in word.strip(".") or bool(_CJK_NAME.match(word))


_PAREN_TAIL = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")
_WITH_AGENCY = re.compile(r"^(.+?)\s+(?:mit|with|avec|con|med)\s+(.+)$", re.IGNORECASE)


def _name_head(name: str) -> str:
    """A name without what follows it in a sentence: "Jane Doe is a ...", "Jane Doe in Rome",
    "Jane Doe on Monday". Particles ("van", "de") belong to the name."""
    if len(name.split()) >= 3:
        head = _WEEKDAY_TAIL.sub("", name)
        if len(head.split()) >= 2:
            name = head
    tokens = name.split()
    for i in range(2, len(tokens)):
        tok = tokens[i]
        if tok[:1].islower() and tok.lower() not in _PARTICLES:
            if all(t[:1].isupper() or t.lower() in _PARTICLES for t in tokens[:i]):
                return " ".join(tokens[:i])
            break
    return name


def _agency_word(text: str) -> bool:
    """An agency name set apart from a person's: "AP", "dpa", "Associated Press"; a one-word
    agency in title case could be a given name ("Ansa"), so it does not count."""
    return is_agency(text) and (len(text.split()) > 1 or text.isupper() or text.islower())


def _is_full_name(text: str) -> bool:
    """ "Jane Doe", "Jean-Luc O'Neil": two to four capitalized name words."""
    tokens = text.split()
    return 2 <= len(tokens) <= 4 and all(NAME_WORD.match(t) and t[0].isupper() for t in tokens)


def _agency_split(part: str) -> list[str]:
    """A person and an agency in one piece: "Jane Doe (dpa)", "Jane Doe/AFP", "Jane Doe mit dpa".

    Any other bracketed tail ("(Berlin)", "(Text)") is dropped; slashes split names too.
    """
    tokens = part.split()
    if len(tokens) >= 2 and not is_agency(part):
        for n in (3, 2, 1):
            if n < len(tokens) and _agency_word(" ".join(tokens[:n])):
                return [" ".join(tokens[:n])]  # "AP Sports", "dpa Hamburg": the agency's desk
            if n < len(tokens) and _agency_word(" ".join(tokens[-n:])):
                head = " ".join(tokens[:-n])
                if _is_full_name(head):  # "Jane Doe Associated Press"
                    return [head, " ".join(tokens[-n:])]
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


def _name_key(name: str) -> str:
    """A comparison key for names: case, spacing, punctuation and accents ignored."""
    decomposed = unicodedata.normalize("NFKD", fold(name))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def dedupe(names: list[str]) -> list[str]:
    """Names in order, each once ("Jose Diaz" is "José Díaz", "JANE DOE" is "Jane Doe")."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = _name_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def is_agency(name: str) -> bool:
    return name.lower().strip() in AGENCIES
