"""Photo credits: telling a credit from a caption, and splitting one from the other's tail."""

from __future__ import annotations

import re

from archive.extract.rules import NONE, Off
from archive.extract.text import nfkc

# A label that introduces a credit, in the languages of the dev corpus and a few more.
LABEL = (
    r"(?:photo(?:graph)?s?|pictures?|pics?|images?|credits?|foto(?:s|grafie|graf)?|"
    r"(?:symbol|archiv|titel)(?:foto|bild)|(?:bild|foto)(?:quelle|nachweis)|"
    r"bild(?:er)?|quelle|source|crédits?|crédito|kuva|фото|写真|画像|사진|zdjęcie|fotó|"
    r"illustration|grafik|video|copyright|коллаж|collage|montage|montaż|isithombe|picha|ảnh|"
    r"fotoğraf|图片来源|圖片來源|图片|圖片|图|圖|摄影|攝影|来源|來源|供图|供圖|©)"
    r"(?:\s+(?:by|von|de|di|credits?))?"  # "Photo by", "Image credit"
)
_LABELLED = re.compile(
    rf"^\s*{LABEL}\s*[:\uff1a|/=]\s*|^\s*(?:©|\(c\)|copyright)\s*", re.IGNORECASE
)
# "... text. Photo: Jane Doe/Reuters" or "... text (Image: Jane Doe)" at the end of a caption
_TAIL_LABEL = re.compile(
    rf"(?:^|[\s.,;:!?)»\"\u201d'\u2019|\u2013\u2014-])\(?\s*(?P<label>{LABEL})\s*[:\uff1a=]\s*"
    r"(?P<credit>[^:\uff1a]{2,120}?)\s*\)?\s*\.?$",
    re.IGNORECASE,
)
# "... in Shah Alam. — Picture by Jane Doe" and "... (Photo by Jane Doe/AFP)"
_TAIL_BY = re.compile(
    r"(?:^|[\s.,;\u2013\u2014-])\(?\s*(?P<label>(?:photo(?:graph)?s?|pictures?|images?|fotos?|bild)"
    r"\s+(?:by|von|de|di|par|por))\s+(?P<credit>[^()]{2,80}?)\)?\s*\.?$",
    re.IGNORECASE,
)
# Indonesian/Malay "(Dok. Jane Doe)", documentation: a handout from the named source
_TAIL_DOC = re.compile(
    r"\(\s*(?:dokumentasi\s*:?|dok\.|doc\.)\s*(?P<credit>[^()]{2,40}?)\s*\)\s*\.?$", re.IGNORECASE
)
_TAIL_COPYRIGHT = re.compile(
    r"(?:^|\s|\()(?:©|\(c\)|copyright)\s*(?P<credit>[^©]{2,100}?)\)?\s*$", re.IGNORECASE
)
_AGENCY_WORDS = (
    r"getty(?:\s+images)?|ap|reuters|afp|dpa|epa|imago|picture[\s-]?alliance|keystone|"
    r"shutterstock|istock(?:photo)?|alamy|bloomberg|anadolu|xinhua|pa(?:\s+(?:wire|images|media))?|"
    r"aap|sipa|zuma|efe|ansa|apa|belga|anp|ntb|tt|ritzau|sda|kyodo|yonhap|nurphoto|"
    r"abaca|sopa(?:\s+images)?|handout|pool|file|archiv|archive|dapd|ddp|unsplash|pexels|"
    r"wikimedia(?:\s+commons)?|the\s+\w+(?:\s+\w+)?|[\w .'-]+\s+images|[\w .'-]+\s+photo|"
    # agencies in CJK scripts: Yonhap, Newsis, News1, Kyodo, Jiji, Xinhua, China News, CNA
    r"연합뉴스|뉴시스|뉴스1|共同通信|共同|時事通信|時事|新华社|新華社|中新社|中央社|"
    r"视觉中国|視覺中國|路透社|美联社|美聯社|法新社"
)
# "... text. Jane Doe/Getty Images" (slash credits) at the end of a caption
_TAIL_SLASH = re.compile(
    rf"(?:^|(?<=[.!?»\"\u201d)])\s+|\s+[|\u2013\u2014-]\s+)(?P<credit>(?:[\w.'\u2019 -]{{2,40}}\s*/\s*)+(?:{_AGENCY_WORDS}|[\w.'\u2019 -]{{2,40}})"
    r"(?:\s*,\s*file)?)\s*\.?$",
    re.IGNORECASE,
)
_AGENCY_ONLY = re.compile(
    rf"^(?:{_AGENCY_WORDS})(?:\s*(?:photo|images?|ajans[\u0131i]|agency|agentur|/\s*\w[\w .-]*))?$",
    re.IGNORECASE,
)
_NOT_CREDIT = re.compile(
    r"\b(?:view|show|see)\s+\d+\s+(?:images|photos|pictures)\b|"
    r"^\d+\s*(?:/|of|von)\s*\d+$|^(?:vis[ae]? mer|les mer|mehr|more|zoom|vergrößern)$|"
    r"privacy|newsletter|subscribe|"
    r"sign up|cookie|redakteur|redaktion|"
    r"^[a-z]+(?:_[a-z]+)+$",  # an icon font's ligature: "chevron_left", "zoom_in"
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(
    r"^\W*\d{1,4}[\s./-]+(?:\d{1,2}|[a-z]{3,9})[\s./-]+\d{2,4}\b|"
    r"^[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}$|"  # "Nov 18, 2019"
    r"\b\d{1,2}:\d{2}\b",
    re.IGNORECASE,
)
_BY_LABEL = re.compile(
    r"^(?:photo(?:graph)?s?|images?|pictures?|fotos?|bild(?:er)?|"
    r"illustration)\s+(?:by|von|de|di|par|por)\s+",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]\s*$")


MAX_CREDIT_WORDS = 16  # "Jane Doe / UN Photo / Harbour Trust. Courtesy of the Trust" is 11
_QUOTED = re.compile(r"^['\"\u2018\u201c\u00ab].*['\"\u2019\u201d\u00bb]$")


# "Jane Doe/Copyright 2024 The AP. All rights reserved.": the notice around the holder's name
_RESERVED = re.compile(
    r"\s*\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados|tutti i diritti riservati|alle rettigheter reservert|"
    r"alle rechten voorbehouden)\b\.?",
    re.IGNORECASE,
)
_NOTICE = re.compile(
    r"(?:©|\(c\)|\bcopyright\b)\s*(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?\b)?\s*", re.IGNORECASE
)
_LEADING_NOTICE = re.compile(r"^(?:©|\(c\)|copyright)\s*\d{4}\b\s*", re.IGNORECASE)
# Link texts next to a picture that ask the reader to do something: no credit
_CALL_TO_ACTION = re.compile(
    r"^(?:view|see|show|open|buy|order|download|share|enlarge|expand|click|tap|watch|play|"
    r"read|zoom|close|browse|license|licence)(?:\s+(?:the|this|a|an|all|full|more|larger|"
    r"original|image|images|photo|photos|picture|pictures|gallery|slideshow|video|here|to|"
    r"in|size|screen|fullscreen|caption|credits?|now|enlarge|expand|zoom|view|open|play|"
    r"\d+))*\s*$|"
    r"^(?:bild|foto|fotos|bilder)\s+(?:vergrößern|kaufen|herunterladen|teilen)$|"
    r"^(?:alle|mehr|weitere)\s+(?:bilder|fotos)\b|^zur\s+(?:galerie|bildergalerie)\b|"
    r"^(?:ver|ampliar|agrandir|voir|afficher)\s+(?:la\s+|el\s+|l')?(?:foto|imagen|image|photo|galer)",
    re.IGNORECASE,
)
# A job title alone ("Staff Photographer", "Chefredakteurin") names no one
_JOB_WORDS = re.compile(
    r"\b(?:staff|senior|chief|deputy|contributing|special|freelance|photo|photos|"
    r"photographer|photojournalist|fotograf(?:in)?|bildredakteur(?:in)?|chefredakteur(?:in)?|"
    r"redakteur(?:in)?|reporter(?:in)?|correspondent|korrespondent(?:in)?|editor|writer|"
    r"journalist(?:in)?|columnist|producer|director|manager|head|of|and|und|the|der|die)\b",
    re.IGNORECASE,
)


def clean_credit(value: str) -> str:
    """A credit without its label, © sign or brackets: "Foto: © Jane Doe" -> "Jane Doe"."""
    value = _strip_edges(nfkc(value))
    if _RESERVED.search(value):
        value = _strip_edges(_NOTICE.sub("", _RESERVED.sub("", value)).replace(" /", "/"))
    elif _LEADING_NOTICE.match(value):
        value = _strip_edges(_LEADING_NOTICE.sub("", value))  # "© 2024 Jane Doe"
    if (
        _NOT_CREDIT.search(value)
        or _DATE_LIKE.search(value)
        or value.endswith("?")
        or _CALL_TO_ACTION.match(value)
        or (value and not _JOB_WORDS.sub("", value).strip(" ,&/-"))
    ):
        return ""
    for _ in range(3):
        new = _strip_edges(_BY_LABEL.sub("", _LABELLED.sub("", value)))
        if new == value:
            break
        value = new
    if re.fullmatch(LABEL, value, re.IGNORECASE):
        return ""
    words = len(value.split())
    if words > MAX_CREDIT_WORDS or (words >= 4 and _QUOTED.match(value)):
        return ""  # a sentence or a quoted title ("'Drones spotted', expert says"), not a name
    return value if 1 < len(value) <= 200 else ""


def _strip_edges(value: str) -> str:
    value = value.strip(" \t|:;,.-\u2013\u2014")
    while (
        value and value[0] in "([" and value.count(value[:1]) > value.count(")]"[value[0] == "["])
    ):
        value = value[1:].strip()
    while (
        value
        and value[-1] in ")]"
        and value.count(value[-1:]) > value.count("(["[value[-1] == "]"])
    ):
        value = value[:-1].strip()
    if value and value[0] == "(" and value[-1] == ")" and value.count("(") == 1:
        value = value[1:-1].strip()
    return value.strip(" \t|:;,.-\u2013\u2014")


# agencies and stock libraries that name themselves in a credit ("Jane Doe - stock.adobe.com")
_STOCK = re.compile(
    r"\b(?:via|getty|reuters|afp|dpa|imago|shutterstock|istock(?:photo)?|alamy|dreamstime|"
    r"depositphotos|123rf|unsplash|pexels|pixabay|adobe\s*stock)\b|\bstock\.adobe\.com\b",
    re.IGNORECASE,
)


def is_labelled_credit(text: str) -> bool:
    """Whether a text is a credit with its label: "Foto: Jane Doe", "© Harbour Trust"."""
    return len(text) <= 120 and bool(_LABELLED.match(text)) and bool(clean_credit(text))


def looks_like_credit(text: str) -> bool:
    """Whether a short free-standing text is a credit rather than a caption sentence."""
    text = nfkc(text)
    if not text or len(text) > 120:
        return False
    if _LABELLED.match(text) or _AGENCY_ONLY.match(text.strip(" ()[]")):
        return True
    tokens = text.split()
    if len(tokens) > 8 or (_SENTENCE_END.search(text) and len(tokens) > 3):
        return False
    return "/" in text or bool(_STOCK.search(text))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
# Japanese: "…国民(ソウルで、3日)=AP" and "…霞ケ関で(潟沼義樹撮影)"
_JA_EQUALS = re.compile(r"=\s*(?P<credit>[^=、。()\d]{1,14})$")
_JA_TAKEN = re.compile(r"\s*\((?P<credit>[^()]{1,20}?)\s*(?:撮影|摄|攝)\)$")
# Korean: "…하고 있다. 연합뉴스" and "…하고 있다. 고영권 기자"
_KO_TAIL = re.compile(r"(?<=[.!?])\s+(?P<credit>[^\s.!?\d][^.!?\d]{0,20}?\d?)(?:\s*기자)?\s*$")
_JA_NOT_CREDIT = re.compile(r"[でにをがはのへと]$")


def _cjk_tail(caption: str) -> tuple[str, str]:
    """(caption, credit) for the credit conventions of Japanese and Korean captions."""
    if not _CJK.search(caption):
        return caption, ""
    match = _JA_TAKEN.search(caption)
    if match:
        return caption[: match.start()].strip(), match.group("credit").strip()
    match = _JA_EQUALS.search(caption)
    if match and not _HANGUL.search(caption):
        credit = match.group("credit").strip()
        if credit and not _JA_NOT_CREDIT.search(credit) and len(credit.split()) <= 3:
            return caption[: match.start()].strip(), credit
    if _HANGUL.search(caption):
        match = _KO_TAIL.search(caption)
        if (
            match
            and len(match.group("credit").split()) <= 3
            and not match.group("credit").rstrip().endswith(("다", "요", "까"))
        ):
            return caption[: match.start()].strip().rstrip("."), match.group("credit").strip()
    return caption, ""


# "The islands he owned. (Christie's)": a short bracketed source after the last sentence
_TAIL_BRACKET = re.compile(r"(?<=[.!?\u201d\"])\s*\((?P<credit>[^()\d]{2,40})\)\s*$")
# bracketed notes that describe the picture rather than credit it
_PICTURE_NOTE = re.compile(
    r"archiv|symbol|file|stock|illustrat|foto|photo|bild|image|picture|video|grafik|graphic|"
    r"screenshot|montage|collage|handout|left|right|centre|center|links|rechts|mitte|"
    r"\b(?:l|r|m|v\.?\s*l)\.",
    re.IGNORECASE,
)


# "AP Photo/Jane Doe", "Reuters/Jane Doe", "AFP PHOTO / Jane Doe": an agency, then the photographer
_AGENCY_PHOTO = re.compile(
    rf"^(?:{_AGENCY_WORDS})(?:\s+(?:photo|foto|images?|pictures?))?\s*/\s*[^\W\d][\w.' -]{{1,40}}$",
    re.IGNORECASE,
)
_NOTE_ONLY = re.compile(
    r"^(?:archiv|archive|file|handout|pool|symbol)(?:\s*(?:photo|foto|bild|image|picture))?$",
    re.IGNORECASE,
)
# "WikiLeaks founder Julian Assange (AFP)": an agency in brackets needs no full stop before it
_TAIL_AGENCY = re.compile(r"\s*\((?P<credit>[^()]{2,40})\)\s*$")


def _bracket_tail(caption: str) -> tuple[str, str]:
    match = _TAIL_BRACKET.search(caption)
    if not match:
        match = _TAIL_AGENCY.search(caption)
        credit = match.group("credit").strip() if match else ""
        head = caption[: match.start()].strip() if match else ""
        if (
            _AGENCY_ONLY.match(credit)
            and not _NOTE_ONLY.match(credit)
            and not (credit[:4].lower() == "the " and credit[:1].islower())
            and len(head.split()) >= 2
        ):
            return head, credit
        return caption, ""
    credit = match.group("credit").strip()
    head = caption[: match.start()].strip()
    if _AGENCY_PHOTO.match(credit) and len(head.split()) >= 2:
        return head, credit  # "(AP Photo/Jane Doe)", "(Reuters/Jane Doe)": IPTC-style lines
    if (
        len(credit.split()) > 5
        or not credit[:1].isupper()
        or _PICTURE_NOTE.search(credit)
        or len(head.split()) < 3
    ):
        return caption, ""
    return head, credit


_TAIL_RULES = {
    _TAIL_LABEL: "credit.tail_label",
    _TAIL_BY: "credit.tail_label",
    _TAIL_COPYRIGHT: "credit.tail_label",
    _TAIL_DOC: "credit.tail_label",
    _TAIL_SLASH: "credit.tail_slash",
}


def split_caption(caption: str, *, labelled_only: bool = False, off: Off = NONE) -> tuple[str, str]:
    """(caption, credit) from a caption that may end with its credit; credit may be "".

    With `labelled_only`, only credits with an explicit marker count ("Photo:", "©", "=AP"),
    not a bare "Name/Agency" tail: for alt texts, which rarely carry credits.
    """
    caption = nfkc(caption)
    if not caption:
        return "", ""
    head, credit = _cjk_tail(caption) if "credit.cjk" not in off else (caption, "")
    if credit:
        return head, clean_credit(credit) or credit
    if not labelled_only and "credit.tail_bracket" not in off:
        head, credit = _bracket_tail(caption)
        if credit and not _TAIL_LABEL.search(caption):
            return head, clean_credit(credit) or credit
    patterns = (
        (_TAIL_LABEL, _TAIL_BY, _TAIL_COPYRIGHT, _TAIL_DOC)
        if labelled_only
        else (_TAIL_LABEL, _TAIL_BY, _TAIL_COPYRIGHT, _TAIL_DOC, _TAIL_SLASH)
    )
    for pattern in patterns:
        if _TAIL_RULES[pattern] in off:
            continue
        match = pattern.search(caption)
        if match:
            start = match.start("credit")
            inner = list(re.finditer(r"[.!?]\s+(?=\S)", match.group("credit")))
            if (
                pattern is _TAIL_SLASH
                and inner
                and len(match.group("credit")[: inner[-1].start()].split()) > 2
            ):
                start += inner[-1].end()  # "Sentence. Jane Doe/AP": only the tail is the credit
            credit = clean_credit(caption[start : match.end()])
            if credit and len(credit.split()) <= 12:
                cut = min(match.start(), start)
                if cut < start and pattern is _TAIL_SLASH:
                    cut = start
                cut += caption[cut] in '.!?…»\u201d"'
                if pattern is _TAIL_SLASH:
                    cut = start
                head = caption[:cut].strip(" \t|\u2013\u2014-(")
                if (
                    head
                    and head[-1] not in '.!?…»\u201d")'
                    and caption[len(head) : cut + 1][:1] in ".!?"
                ):
                    head += caption[len(head)]
                return head, credit
    return caption, ""
