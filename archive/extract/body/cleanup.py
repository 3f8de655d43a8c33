"""A precision pass over the body's lines: page furniture at the start and end of the text.

trafilatura keeps what sits in the article container, and publishers put more there than the
story: the headline again, a dateline with the time, "Von Jane Doe", a reading time before it;
contact lines, agency and editing credits, copyright notes, newsletter prompts and the label of
a teaser list after it. These rules only look at the first and the last few lines, and only
at lines short enough to be furniture, so a story's own paragraphs are never judged by them.
"""

from __future__ import annotations

import re

from archive.extract.rules import NONE, Off
from archive.extract.text import fold, words

HEAD_LINES = 5  # how far into the body head furniture is looked for
TAIL_LINES = 8  # how many lines from the end tail furniture may take

_FULL_DATE = re.compile(
    r"\b\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2,4}\b|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|"
    r"\b\d{1,2}:\d{2}\b"
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DAY = re.compile(r"(?<![\d.,])\b\d{1,2}\b(?![.,]?\d)")
_READING_TIME = re.compile(
    r"^(?:lesedauer|lesezeit|reading time|read time|tempo de leitura|tiempo de lectura|"
    r"temps de lecture|tempo di lettura|lästid|lesetid|leestijd)\b|"
    r"^\d+\s*(?:min(?:ute)?s?|minuten|minutos|minuti)\.?\s*"
    r"(?:read|lesezeit|lesedauer|de lectura|de leitura|di lettura|lecture)?\W*$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_CONTACT = re.compile(
    r"(?:^|\s)@\w{2,}|twitter\.com/|\bfollow (?:him|her|them|us|me)\b|"
    r"\b(?:on|auf) (?:twitter|x|facebook|instagram)\b",
    re.IGNORECASE,
)
_CREDITS = re.compile(
    r"^\W{0,3}(?:(?:additional |with |writing and )?(?:reporting|writing|editing|"
    r"compiled|produced|translated) by\b|"
    r"(?:quelle|quellen|source|sources|fuente|fonte|kilde|källa|lähde|redaktion|"
    r"übersetzung|schlussredaktion|faktencheck|mitarbeit)\s*:)|"
    r"\bcontributed (?:reporting )?to this (?:report|article|story)\b|"
    r"^(?:this (?:article|story) (?:was )?(?:originally|first) (?:published|appeared)|"
    r"(?:first|originally) (?:published|appeared) (?:in|on|by)\b|"
    r"dieser (?:artikel|beitrag|text) (?:ist|erschien) (?:zuerst|zuvor|ursprünglich))",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"^\W{0,3}(?:©|\(c\)|ⓒ|copyright\b)|all rights reserved|alle rechte vorbehalten|"
    r"무단\s?전재|無断転載|転載禁止",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"\b(?:subscribe|subscription|sign up|newsletters?|bookmark|abonnier\w*|abonnement|"
    r"abonne[rz]?|suscr[ií]b\w*|assine|prenumerera|whatsapp|push-?mitteilung\w*)\b",
    re.IGNORECASE,
)
_TEASER_LABEL = re.compile(
    r"^(?:popular|most (?:read|popular|viewed|shared)|you (?:may|might) also like|"
    r"more (?:from|on|in|about|stories|news)|mehr (?:themen|zum|aus|von|zu)|related|"
    r"recommended|trending|weitere|ähnliche|lees ook|les også|läs också|læs også|"
    r"czytaj (?:też|także|więcej)|leia (?:também|mais)|lee (?:también|más)|"
    r"à lire aussi|lire aussi|leggi anche)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(
    '[.!?)"\u201d\u3002\uff01\uff1f]\\s*$|\\d'
)  # "Tags", "comments", not "%6 votes"
_FURNITURE_MAX = 300  # longer lines are text, whatever they mention


def _is_date_line(line: str) -> bool:
    """ "30. Januar 2024", "Stand: 22.04.2024, 06:00 Uhr", "17:41 JST, October 13, 2024"."""
    if len(line) > 60 or len(words(line)) > 6:
        return False
    # a full date or a clock time; a year alone only beside a day ("30. Januar 2024")
    return bool(_FULL_DATE.search(line) or (_YEAR.search(line) and _DAY.search(line)))


def _repeats_title(key: str, title_keys: list[str]) -> bool:
    for title in title_keys:
        if len(title) < 12:
            continue
        if title in key and len(key) <= 1.5 * len(title) + 30:
            return True  # "Kicker Headline", "Headline | Site"
        if key in title and len(key) >= 0.6 * len(title):
            return True
    return False


def _names_author(key: str, line: str, author_keys: list[str]) -> bool:
    """ "Von Jane Doe", "By JANE DOE, Staff Writer": a byline line, not a sentence."""
    return len(line) <= 80 and any(len(a) >= 6 and a in key for a in author_keys)


def head_junk(line: str, title_keys: list[str], author_keys: list[str], off: Off = NONE) -> bool:
    key = fold(line)
    return (
        ("trim.head_date" not in off and _is_date_line(line))
        or ("trim.head_reading_time" not in off and bool(_READING_TIME.search(line)))
        or ("trim.head_title" not in off and _repeats_title(key, title_keys))
        or ("trim.head_author" not in off and _names_author(key, line, author_keys))
    )


def tail_junk(line: str, off: Off = NONE) -> bool:
    if len(line) > _FURNITURE_MAX:
        return False
    n_words = len(words(line))
    return bool(
        ("trim.tail_contact" not in off and (_EMAIL.search(line) or _CONTACT.search(line)))
        or ("trim.tail_credits" not in off and _CREDITS.search(line))
        or ("trim.tail_copyright" not in off and _COPYRIGHT.search(line))
        or ("trim.tail_promo" not in off and _PROMO.search(line))
        or (
            "trim.tail_labels" not in off
            and (
                (_TEASER_LABEL.search(line) and n_words <= 8)
                or (n_words <= 8 and line.rstrip().endswith((":", "…", "...")))  # "Mehr Themen:"
                or (1 <= n_words <= 2 and len(line) <= 25 and not _SENTENCE_END.search(line))
            )
        )
    )


def trim(
    lines: list[str], title_keys: list[str], author_keys: list[str], off: Off = NONE
) -> list[str]:
    """The lines without head and tail furniture.

    Furniture is short by definition: when what these rules would take is most of a short
    body's running text, they are wrong about this page and nothing is taken.
    """
    kept = [
        line
        for i, line in enumerate(lines)
        if i >= HEAD_LINES or not head_junk(line, title_keys, author_keys, off)
    ]
    end = len(kept)
    while end > max(len(kept) - TAIL_LINES, 1) and tail_junk(kept[end - 1], off):
        end -= 1
    kept = kept[:end]
    if "body.guards" not in off and prose_chars(kept) < MIN_KEPT_SHARE * prose_chars(lines):
        return lines
    return kept


MIN_KEPT_SHARE = 0.5  # see body.FALLBACK_SHARE: on dev pages no rule that is right keeps less
PROSE_MIN_CHARS = 50  # a line this long, or of this many words, is running text, not furniture
PROSE_MIN_WORDS = 8


def is_prose(line: str) -> bool:
    """Whether a line reads as running text rather than a label, a link or a menu entry."""
    return len(line) >= PROSE_MIN_CHARS or len(words(line)) >= PROSE_MIN_WORDS


def prose_chars(lines: list[str]) -> int:
    """The characters of a text's running-text lines: what a body must not lose."""
    return sum(len(line) for line in lines if is_prose(line))
