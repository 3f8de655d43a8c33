"""Body precision and recall rules, each on invented markup."""

from __future__ import annotations

import pytest
from lxml import etree

from archive.extract import extract
from archive.extract.body.cleanup import head_junk, tail_junk, trim
from archive.extract.body.scope import without_boilerplate
from archive.extract.parse import parse_html
from archive.extract.text import fold

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
    (
        "Local traders said they worried about the loss of visitors, but most agreed that the "
        "pier had become unsafe after the storms of the last two years had battered it."
    ),
]


def page(body: str, head: str = "") -> str:
    return f"""<html lang="en"><head><title>Pier to close | The Bay Times</title>{head}</head>
<body><nav><a href="/">Home</a></nav><article>
<h1>Old ferry pier to close for winter repairs</h1>{body}</article>
<footer><p>The Bay Times, 1 Quay Street</p></footer></body></html>"""


def paragraphs(extra: str = "") -> str:
    return (
        "".join(f"<p>{p}</p>" for p in STORY[:2])
        + extra
        + "".join(f"<p>{p}</p>" for p in STORY[2:])
    )


def test_teaser_paragraphs_made_of_links_are_dropped() -> None:
    teaser = (
        '<p>Read more: <a href="/news/other-story">Council approves new budget for the '
        "coastal road</a></p>"
        '<p><strong><a href="/news/third">FISHING FLEET RETURNS EARLY AFTER STORM '
        "WARNING</a></strong></p>"
    )
    body = extract(page(paragraphs(teaser)), "https://bay.example/pier").body
    assert "Council approves" not in body
    assert "FISHING FLEET" not in body
    assert STORY[3][:40] in body


def test_prose_with_a_linked_phrase_and_anchor_lists_stay() -> None:
    prose = (
        '<p>The board published <a href="/docs/report">its full engineering report</a> on '
        "the town website, including photographs of the damaged piles and cost estimates.</p>"
        '<ul><li><a href="#costs">What the repairs will cost the town</a></li>'
        '<li><a href="#dates">When the ferry pier reopens again</a></li></ul>'
    )
    body = extract(page(paragraphs(prose)), "https://bay.example/pier").body
    assert "full engineering report" in body


def test_head_furniture_lines() -> None:
    titles = [fold("Old ferry pier to close for winter repairs")]
    authors = [fold("Jane Doe")]
    assert head_junk("30. Januar 2024", titles, authors)
    assert head_junk("Stand: 22.04.2024, 06:00 Uhr", titles, authors)
    assert head_junk("17:41 JST, October 13, 2024", titles, authors)
    assert head_junk("Lesedauer: 4 Minuten", titles, authors)
    assert head_junk("Von Jane Doe", titles, authors)
    assert head_junk("Harbour: Old ferry pier to close for winter repairs", titles, authors)
    assert not head_junk("When will the pier open in 2025?", titles, authors)
    assert not head_junk(STORY[0], titles, authors)


def test_tail_furniture_lines() -> None:
    for line in [
        "Reporting by Jane Doe; Editing by John Roe",
        "—Associated Press writer Ann Poe contributed to this report.",
        "Have a tip? Jane Doe may be reached at jdoe@bay.example.",
        "Follow us on Twitter @baytimes",
        "© Bay Times 2024",
        "Copyright 2024 Bay Media. All rights reserved.",
        "Sign up for our morning newsletter",
        "You may also like",
        "More on this topic:",
        "Tags",
        "Quelle: dpa",
        "First published in The Harbour Review.",
    ]:
        assert tail_junk(line), line
    for line in [*STORY, "It was over.", "%6 votes", "___"]:
        assert not tail_junk(line), line


def test_trim_stops_at_the_story() -> None:
    lines = ["30. Januar 2024", *STORY, "Sign up for our newsletter", "Tags"]
    assert trim(lines, [], []) == STORY
    # furniture-looking lines inside the story are not touched
    middle = [STORY[0], "Tags", STORY[1]]
    assert trim(middle, [], []) == middle


def test_body_without_head_and_tail_furniture() -> None:
    body = (
        "<p>Updated 14:05, 3 March 2024</p>"
        + paragraphs()
        + "<p>Reporting by Jane Doe; Editing by John Roe</p>"
        + "<p>Subscribe to our daily newsletter for more stories like this.</p>"
    )
    text = extract(page(body), "https://bay.example/pier").body
    assert text.startswith(STORY[0][:30])
    assert text.endswith(STORY[3][-30:])


def test_teaser_card_lists_are_dropped() -> None:
    cards = "".join(
        f'<li><a href="/s/{i}"><img src="/i/{i}.jpg"></a><div><h3><a href="/s/{i}">{head}</a>'
        f"</h3><p>{blurb}</p></div></li>"
        for i, (head, blurb) in enumerate(
            [
                ("Lighthouse keeper retires after forty years", "A farewell on the rocks."),
                ("Storm season ends early this year", "Forecasters explain the calm."),
            ]
        )
    )
    body = extract(page(paragraphs(f"<ul>{cards}</ul>")), "https://bay.example/pier").body
    assert "Lighthouse keeper" not in body
    assert "Forecasters" not in body
    assert STORY[2][:40] in body


def test_ordinary_lists_stay() -> None:
    items = (
        "<ul><li>The landing opens at six in the morning on weekdays.</li>"
        "<li>Tickets bought for the old pier stay valid all winter.</li>"
        "<li>Cyclists must use the ramp at the north end.</li></ul>"
    )
    body = extract(page(paragraphs(items)), "https://bay.example/pier").body
    assert "Tickets bought for the old pier" in body


SECOND_HALF = [
    (
        "The board will meet again in the spring to choose a contractor, and it has asked three "
        "yards along the coast to send in their tenders before the end of February."
    ),
    (
        "Until then the fish market landing will stay open from six in the morning, and the old "
        "ticket office will move into a cabin beside the market hall for the season."
    ),
]


def split_page(second_wrapper: str) -> str:
    first = "".join(f"<p>{p}</p>" for p in STORY)
    second = "".join(f"<p>{p}</p>" for p in SECOND_HALF)
    return page(
        f'<div class="article__body">{first}</div>'
        '<div class="ad-row"><div class="ad-slot"></div></div>'
        + second_wrapper.format(f'<div class="article__body">{second}</div>')
    )


def test_story_split_over_containers_is_joined() -> None:
    body = extract(split_page("{}"), "https://bay.example/pier").body
    assert STORY[0][:40] in body
    assert SECOND_HALF[1][:40] in body
    assert body.index(STORY[3][:40]) < body.index(SECOND_HALF[0][:40])


def test_next_story_in_its_own_article_is_not_joined() -> None:
    html = split_page("</article><article><h1>Another story</h1>{}")
    body = extract(html, "https://bay.example/pier").body
    assert STORY[0][:40] in body
    assert SECOND_HALF[0][:40] not in body


def test_lines_of_a_multi_link_teaser_box_are_dropped() -> None:
    box = (
        "<p>DON'T MISS<br>"
        '<a href="/s/1">Lighthouse keeper retires after forty years on the rock</a> [VIDEO]<br>'
        '<a href="/s/2">Storm season ends early as forecasters explain the calm</a> [INSIGHT]</p>'
    )
    body = extract(page(paragraphs(box)), "https://bay.example/pier").body
    assert "Lighthouse keeper" not in body
    assert "Storm season" not in body
    assert STORY[2][:40] in body


def test_live_blog_heading_also_linked_from_a_key_events_box_stays() -> None:
    entries = (
        '<div class="key-events"><a href="#e1">Ferry timetable changes from Monday</a>'
        "<time>10:15</time></div>"
        "<h2>Ferry timetable changes from Monday</h2>"
    )
    body = extract(page(paragraphs(entries)), "https://bay.example/pier").body
    assert "Ferry timetable changes from Monday" in body


def test_boilerplate_is_taken_out_for_the_block_and_put_back_after() -> None:
    html = page(
        paragraphs('<div class="share-bar">Share</div> text after the bar <figure>x</figure>')
        + '<aside>Related</aside><ul class="tags"><li><a href="/a">A</a></li></ul>'
    )
    tree = parse_html(html)
    assert tree is not None
    before = etree.tostring(tree)
    with without_boilerplate(tree) as cleaned:
        text = cleaned.text_content()
        assert "Share" not in text
        assert "Related" not in text
        assert "text after the bar" in text, "the text after a removed block stays"
    assert etree.tostring(tree) == before, "the page must come back as it was"
    with pytest.raises(ValueError, match="inside"), without_boilerplate(tree):
        raise ValueError("inside")
    assert etree.tostring(tree) == before, "the page must come back after an error too"
