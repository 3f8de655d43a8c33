"""The body never ends up much worse than trafilatura's own text, on invented markup: no clean-up
rule empties a body alone, and a body our layers lost falls back to trafilatura's text."""

from __future__ import annotations

from archive.extract import extract, is_article
from archive.extract.body.cleanup import trim
from archive.extract.body.compose import FALLBACK_LAYER, drop_dek
from archive.extract.parse import parse_html

STORY = [
    (
        "The harbour board voted on Tuesday to close the old ferry pier for repairs that are "
        "expected to take most of the coming winter, officials said after the meeting."
    ),
    (
        "Engineers found that several of the wooden piles had rotted through at the waterline, "
        "and the board decided that patching them again would only delay a larger bill."
    ),
    (
        "Ferry passengers will use a temporary landing at the fish market from next month, with "
        "an extra bus to the town centre every half hour during the morning rush."
    ),
]
DEK = "The pier will reopen in spring after the wooden piles are replaced"


def page(article: str, head: str = "") -> str:
    return f"""<html lang="en"><head><title>Pier to close | The Bay Times</title>{head}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>
<h1>Old ferry pier to close for winter repairs</h1>{article}</article>
<footer><p>The Bay Times, 1 Quay Street</p></footer></body></html>"""


ARTICLE = '<meta property="og:type" content="article">'


def test_a_short_story_in_a_furniture_classed_container_falls_back() -> None:
    # "print-friendly" names furniture to the block rule; the story is short enough for it
    story = "".join(f"<p>{p}</p>" for p in STORY)
    html = page(f'<div class="story print-friendly">{story}</div>', head=ARTICLE)
    article = extract(html, "https://b.example/a")
    assert STORY[0][:50] in article.body, "the block rule emptied the body: see body.FALLBACK_SHARE"
    assert STORY[2][:50] in article.body
    assert article.provenance["body"] == FALLBACK_LAYER
    assert is_article(article), "a story whose body our clean-up emptied is still an article"


def test_fallback_can_be_switched_off() -> None:
    story = "".join(f"<p>{p}</p>" for p in STORY)
    html = page(f'<div class="story print-friendly">{story}</div>', head=ARTICLE)
    article = extract(html, "https://b.example/a", off=frozenset({"body.fallback"}))
    assert STORY[0][:50] not in article.body


def test_a_page_that_does_not_claim_to_be_an_article_does_not_fall_back() -> None:
    # a section page: teaser cards with blurbs, which our clean-up removes as teasers
    cards = "".join(
        f'<li class="teaser"><h3><a href="/news/{i}">Story number {i} about the harbour'
        f"</a></h3><p>{STORY[i % 3]}</p></li>"
        for i in range(8)
    )
    html = page(f"<ul>{cards}</ul>", head='<meta property="og:type" content="website">')
    article = extract(html, "https://b.example/news/")
    assert article.provenance.get("body") != FALLBACK_LAYER
    assert not is_article(article), "a section page stays no article"


def test_a_story_of_linked_paragraphs_keeps_its_text() -> None:
    # each paragraph is mostly link text: the link-density rule alone would take all of it
    long = [f"{p} {STORY[(i + 1) % 3]}" for i, p in enumerate(STORY)]
    linked = "".join(
        f'<p><a href="/t/{i}">{p}</a> Officials agreed.</p>' for i, p in enumerate(long)
    )
    article = extract(page(linked), "https://b.example/a")
    for paragraph in long:
        assert paragraph[:50] in article.body


def test_a_page_of_teaser_headlines_keeps_no_body() -> None:
    teasers = "".join(
        f'<p><a href="/news/{i}">Council approves new budget number {i} for the coastal road'
        "</a></p>"
        for i in range(12)
    )
    article = extract(page(teasers), "https://b.example/")
    assert "Council approves" not in article.body
    assert not is_article(article)


def test_trim_cannot_empty_a_short_body() -> None:
    # three short lines that all mention a newsletter: a story about one, not a sign-up prompt
    lines = [
        "The town newsletter will be printed on recycled paper from March, the council said.",
        "Readers who subscribe by post will get it a day later than before, officials added.",
        "The newsletter costs the town about 4,000 euros a year to print and deliver today.",
    ]
    assert trim(lines, [], []) == lines


def test_trim_still_takes_furniture_from_a_long_body() -> None:
    lines = [*STORY, "Subscribe to our newsletter"]
    assert trim(lines, [], []) == STORY


def test_dek_is_not_repeated_as_the_first_paragraph() -> None:
    story = "".join(f"<p>{p}</p>" for p in STORY)
    html = page(f'<p class="standfirst">{DEK}</p><div class="body">{story}</div>')
    article = extract(html, "https://b.example/a")
    assert article.subtitle == DEK
    assert not article.body.startswith(DEK), "the dek is shown above the text: not in the body"
    assert article.body.startswith(STORY[0][:40])


def test_a_description_copying_the_first_paragraph_keeps_it() -> None:
    # no visible dek: the page's description is its first paragraph, which stays in the body
    story = "".join(f"<p>{p}</p>" for p in STORY)
    html = page(story, head=f'<meta name="description" content="{STORY[0]}">')
    assert extract(html, "https://b.example/a").body.startswith(STORY[0][:40])


def test_drop_dek_needs_a_match_of_the_whole_first_line() -> None:
    tree = parse_html(page(f'<p class="standfirst">{DEK}</p>'))
    assert tree is not None
    assert drop_dek([DEK, STORY[0]], DEK.upper() + ".", tree) == [STORY[0]]
    assert drop_dek([DEK + " More words.", STORY[0]], DEK, tree)[0].endswith("More words.")
    assert drop_dek([DEK], DEK, tree) == [DEK], "a body that is only the dek keeps it"


def test_story_split_over_containers_is_joined_once_in_reading_order() -> None:
    part = '<div class="article-body">{}</div>'
    first = part.format("".join(f"<p>{p}</p>" for p in STORY[:2]))
    linked = (
        '<p>The ferry company said the <a href="/topics/ferries">new landing</a> would be '
        "ready in time, and that the timetable would not change during the works at all.</p>"
    )
    second = part.format(f"<p>{STORY[2]}</p>{linked}")
    ad = '<div class="ad-row"><span>Advertisement</span></div>'
    body = extract(page(first + ad + second), "https://b.example/a").body
    for paragraph in STORY:
        assert body.count(paragraph[:60]) == 1, "each part of the story once"
    assert "the new landing would be ready in time" in body, "link text in its place"
    assert body.index(STORY[0][:40]) < body.index(STORY[2][:40])
