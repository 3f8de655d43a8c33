"""Figure, caption and credit rules of archive.extract, on small invented snippets."""

from __future__ import annotations

from archive.extract import extract
from archive.extract.figures.credits import split_caption
from archive.extract.figures.imgsrc import srcset_urls
from archive.model import Article

BODY = "<p>" + "The council met on Monday to discuss the harbour plans in detail. " * 6 + "</p>"


def _page(figures: str, body: str = BODY) -> Article:
    html = (
        f"<html><head><title>Harbour plans</title></head><body><article>"
        f"<h1>Harbour plans move ahead</h1>{figures}{body}</article></body></html>"
    )
    return extract(html, "https://harbour.example/news/plans")


def _pairs(article: Article) -> list[tuple[str, str]]:
    return [(i.caption, i.credit) for i in article.images if i.caption or i.credit]


def test_caption_after_the_figure_element() -> None:
    article = _page(
        '<div class="media"><figure><img src="/a.jpg" width="800"></figure>'
        '<figcaption>Boats in the bay at dawn.<span class="credit">Jane Doe/AP'
        "</span></figcaption></div>"
    )
    assert ("Boats in the bay at dawn.", "Jane Doe/AP") in _pairs(article)


def test_credit_element_with_nested_blocks_and_distributor() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption><p>Boats in the bay.</p>'
        '<span class="image-credit">Photo: <p>Jane Doe</p></span> / '
        '<span class="distributor">AFP via Getty Images</span></figcaption></figure>'
    )
    assert _pairs(article) == [("Boats in the bay.", "Jane Doe, AFP via Getty Images")]


def test_credit_in_alt_text() -> None:
    article = _page(
        '<figure><img src="/a.jpg" alt="Boats in the bay © Port Authority Foto: Jane Doe"></figure>'
    )
    assert [i.credit for i in article.images if i.credit] == ["Jane Doe"]


def test_microdata_caption_and_credit() -> None:
    article = _page(
        '<figure itemscope itemtype="http://schema.org/ImageObject">'
        '<meta itemprop="description" content="Boats in the bay">'
        '<meta itemprop="author" content="(Image: Getty Images)">'
        '<img src="/a.jpg"></figure>'
    )
    assert _pairs(article) == [("Boats in the bay", "Getty Images")]


def test_image_nested_in_unclosed_sources() -> None:
    # libxml2 nests the <img> inside every <source> before it; the caption is still found
    article = _page(
        '<div class="lead-picture"><picture><source srcset="/a.webp">'
        '<source srcset="/b.webp"><source srcset="/c.webp"><source srcset="/d.webp">'
        '<source srcset="/e.webp"><img src="/a.jpg"></picture>'
        "<p>Boats in the bay at dawn. <span>Jane Doe/AP</span></p></div>"
    )
    assert ("Boats in the bay at dawn.", "Jane Doe/AP") in _pairs(article)


def test_picture_by_tail_and_agency_overlay() -> None:
    assert split_caption("The minister in Shah Alam on May 3. — Picture by Jane Doe") == (
        "The minister in Shah Alam on May 3.",
        "Jane Doe",
    )
    article = _page(
        '<div class="pic"><picture><img src="/a.jpg" width="0" height="0"></picture>'
        '<div class="overlay">Anadolu Ajans\u0131</div></div>'
    )
    assert [i.credit for i in article.images if i.credit] == ["Anadolu Ajans\u0131"]


def test_author_class_names_the_photographer_only_inside_a_caption() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption>Boats in the bay. <strong '
        'class="author">Harbour Trust</strong></figcaption></figure>'
        '<div class="meta"><img src="/jane.jpg" width="300"><span class="author">'
        "Jane Doe</span><time>Published 12:19, 3 May 2024</time></div>"
    )
    assert _pairs(article) == [("Boats in the bay.", "Harbour Trust")]


def test_credit_in_the_caption_tail_after_a_span() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption><span><svg></svg></span><span>Boats '
        "in the bay at dawn.</span> Photograph: Jane Doe/Reuters</figcaption></figure>"
    )
    assert _pairs(article) == [("Boats in the bay at dawn.", "Jane Doe/Reuters")]


def test_credit_placed_before_the_caption() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption><span>The Harbour Times</span><br>'
        "Leaders of seven parties debate in the town hall on Saturday.</figcaption>"
        "</figure>"
    )
    assert _pairs(article) == [
        ("Leaders of seven parties debate in the town hall on Saturday.", "The Harbour Times")
    ]


def test_timestamps_links_and_prompts_are_not_captions() -> None:
    article = _page(
        '<div class="x"><img src="/a.jpg" width="300"><span>vor 14 Minuten</span></div>'
        '<div class="y"><a href="/authors/jane"><img src="/j.jpg" width="300">'
        "<p>Jane Doe</p></a></div>"
        '<div class="z"><img src="/m.jpg" width="300"><p>I would like to be emailed '
        "about offers. Read our privacy notice.</p></div>"
    )
    assert _pairs(article) == []


def test_srcset_urls_may_hold_commas() -> None:
    value = "/img?t=crop:0:0,resize:400 1x,/img?t=crop:0:0,resize:800 2x"
    assert srcset_urls(value) == ["/img?t=crop:0:0,resize:400", "/img?t=crop:0:0,resize:800"]
    assert srcset_urls(" /a.jpg 300w , /b.jpg 800w") == ["/a.jpg", "/b.jpg"]
    article = _page(
        '<div class="pic"><img src="/small.jpg" srcset="/p?c=1,2 1x,/p?c=1,4 2x">'
        "<p>Boats in the bay at dawn.</p></div>"
    )
    assert "https://harbour.example/p?c=1,4" in [i.url for i in article.images]


def test_labelled_credit_line_is_not_the_caption() -> None:
    # utility classes ("text-sm") read like caption classes; the label tells the credit apart
    article = _page(
        '<div class="wide"><span class="text-sm">Foto: Jane Doe</span><img src="/a.jpg">'
        '<div class="text-base">Boats in the bay at dawn</div></div>'
    )
    assert _pairs(article) == [("Boats in the bay at dawn", "Jane Doe")]


def test_gallery_counters_and_player_labels_are_not_captions() -> None:
    article = _page(
        '<div class="slide"><img src="/a.jpg"><span>2</span></div>'
        '<div class="player"><img src="/b.jpg"><span>Video Loading</span></div>'
        '<figure><img src="/c.jpg"><figcaption>Boats in the bay.</figcaption></figure>'
    )
    assert [i.caption for i in article.images if i.caption] == ["Boats in the bay."]


def test_caption_beside_a_wrapped_figure() -> None:
    article = _page(
        '<div class="embed"><div class="frame"><figure><img src="/a.jpg"></figure></div>'
        '<figcaption><span class="title">Boats in the bay at dawn</span>'
        '<span class="credit">Harbour Trust/Jane Doe</span></figcaption></div>'
    )
    assert _pairs(article) == [("Boats in the bay at dawn", "Harbour Trust/Jane Doe")]


def test_lead_picture_outside_the_article_found_by_its_meta_url() -> None:
    html = (
        '<html><head><meta property="og:image" content="https://cdn.example/lead.jpg?w=1200">'
        '</head><body><div class="hero"><picture><source srcset="https://cdn.example/lead.jpg'
        '?w=600 600w"><img src="data:image/gif;base64,R0"></picture><p class="lead-caption">'
        'The harbour at dawn</p><p class="image-author">Foto: Jane Doe/AP</p></div>'
        "<article><h1>Harbour plans move ahead</h1>" + BODY + "</article></body></html>"
    )
    article = extract(html, "https://harbour.example/news/plans")
    assert _pairs(article)[:1] == [("The harbour at dawn", "Jane Doe/AP")]


def test_show_more_toggle_is_not_the_credit() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption>BOATS: The bay at dawn. Foto: Harbour Trust'
        '<span class="toggle" role="button">Vis mer</span></figcaption></figure>'
        '<figure><img src="/b.jpg"><figcaption><p>The pier at noon.</p><p>Vis mer</p>'
        "</figcaption></figure>"
    )
    assert _pairs(article) == [
        ("BOATS: The bay at dawn.", "Harbour Trust"),
        ("The pier at noon.", ""),
    ]


def test_stock_library_caption_is_a_credit() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption>janedoe - stock.adobe.com</figcaption></figure>'
    )
    assert _pairs(article) == [("", "janedoe - stock.adobe.com")]


def test_caption_inside_the_picture_element() -> None:
    article = _page(
        '<figure><picture><source srcset="/a.webp"></source><img src="/a.jpg"><figcaption>'
        "<p><span>Boats in the bay at dawn.</span><span>Credit: Harbour Trust</span></p>"
        "</figcaption></picture></figure>"
    )
    assert _pairs(article) == [("Boats in the bay at dawn.", "Harbour Trust")]


def test_labelled_alt_credit_keeps_a_credit_shaped_caption() -> None:
    article = _page(
        '<div class="main-pic"><img src="/a.jpg" alt="Traders at the new quay market on '
        'Monday. (Photo: Harbour Images / Jane Doe)"><em class="image-caption">Quay/ Traders/ '
        "Harbour City</em></div>"
        '<div class="pic"><img src="/b.jpg" alt="The pier"><em>Jane Doe/AP</em></div>'
    )
    assert _pairs(article) == [
        ("Quay/ Traders/ Harbour City", "Harbour Images / Jane Doe"),
        ("", "Jane Doe/AP"),
    ]


def test_bare_hero_picture_outside_the_article_gives_its_alt_credit() -> None:
    html = (
        '<html><head><meta property="og:image" content="/img/pier_v-xl.jpg"></head><body>'
        '<div class="hero"><picture><source srcset="/img/pier_v-s.jpg 300w,/img/pier_v-xl.jpg'
        ' 1200w"><img src="/img/pier_v-s.jpg" alt="The old pier © Harbour TV Foto: Jane Doe">'
        "</picture></div><article><h1>Harbour plans move ahead</h1>" + BODY + "</article>"
        "</body></html>"
    )
    article = extract(html, "https://harbour.example/news/plans")
    assert _pairs(article)[:1] == [("", "Jane Doe")]


def test_web_component_image_with_data_src() -> None:
    article = _page(
        '<div class="image-wrap"><zoom-box><lazy-picture data-src="/pier.jpg" data-width="1600">'
        '</lazy-picture></zoom-box><div class="caption-wrap"><span>PIER: The old pier at dawn.'
        '</span><span class="image-photographer">Foto: Jane Doe (Harbour News)</span></div></div>'
    )
    assert ("https://harbour.example/pier.jpg", "PIER: The old pier at dawn.") in [
        (i.url, i.caption) for i in article.images
    ]
    assert _pairs(article) == [("PIER: The old pier at dawn.", "Jane Doe (Harbour News)")]


def test_image_object_json_ld_inside_the_figure() -> None:
    article = _page(
        '<div class="media"><script type="application/ld+json">{"@type": "ImageObject", '
        '"contentUrl": "/a-full.jpg", "author": {"@type": "Person", "name": "Harbour TV / '
        'Jane Doe"}, "description": "Boats in the bay"}</script><picture><img src="/a.jpg">'
        "</picture><p>Boats in the bay at dawn</p></div>"
    )
    assert _pairs(article) == [("Boats in the bay at dawn", "Harbour TV / Jane Doe")]


def test_one_picture_in_two_figures_keeps_both_captions() -> None:
    article = _page(
        '<figure><img src="/pier.jpg"><figcaption>How the pier was built, in pictures</figcaption>'
        '</figure><figure><img src="/pier.jpg"><figcaption>The pier at dawn.</figcaption>'
        "</figure>"
    )
    assert [i.caption for i in article.images] == [
        "How the pier was built, in pictures",
        "The pier at dawn.",
    ]


def test_lead_picture_named_by_og_image_in_a_sidebar_classed_wrapper() -> None:
    html = (
        '<html><head><meta property="og:image" content="/img/pier-lead.jpg?size=1200"></head>'
        "<body><article><h1>Harbour plans move ahead</h1>"
        '<div class="media-block ps-sidebar"><div class="image"><img src="/img/pier-lead.jpg'
        '?size=630" width="630"><div class="caption"><span class="source">Harbour Trust</span>'
        '<span class="caption">The old pier at dawn on Monday.</span></div></div></div>'
        + BODY
        + "</article></body></html>"
    )
    article = extract(html, "https://harbour.example/news/plans")
    assert _pairs(article)[:1] == [("The old pier at dawn on Monday.", "Harbour Trust")]


def test_credit_text_read_in_reading_order() -> None:
    # "(" + "<div>Image:</div>" + "Jane Doe/Harbour Live)": a tail after a nested label
    article = _page(
        '<figure><img src="/a.jpg"><figcaption><span class="caption">Boats in the bay'
        '</span><span class="credit"> (<div class="camera"><span></span>Image:</div>'
        "Jane Doe/Harbour Live)</span></figcaption></figure>"
    )
    assert _pairs(article) == [("Boats in the bay", "Jane Doe/Harbour Live")]


def test_caption_with_nested_inline_markup_keeps_its_word_order() -> None:
    article = _page(
        "<figure><img src='/a.jpg'><figcaption>Boats <em>at <b>dawn</b></em> in the bay. "
        "Photo: Jane Doe</figcaption></figure>"
    )
    assert [(" ".join(c.split()), r) for c, r in _pairs(article)] == [
        ("Boats at dawn in the bay.", "Jane Doe")
    ]


def test_visible_credit_wins_over_the_json_ld_one() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"Harbour plans move ahead", "image": {"@type": "ImageObject", "url": '
        '"https://harbour.example/pier.jpg", "author": "STR"}}</script></head><body><article>'
        "<h1>Harbour plans move ahead</h1><figure><img src='/pier.jpg'><figcaption>The pier. "
        "Foto: Harbour News/AFP</figcaption></figure>" + BODY + "</article></body></html>"
    )
    article = extract(html, "https://harbour.example/news/plans")
    assert [i.credit for i in article.images] == ["Harbour News/AFP"]


def test_caption_credit_wrapper_is_not_itself_the_credit() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption class="image__caption-credit"><div class='
        '"image__caption">Boats in the bay.</div><div class="image__credit">Photo by Jane Doe'
        "</div></figcaption></figure>"
    )
    assert _pairs(article) == [("Boats in the bay.", "Jane Doe")]


def test_off_screen_label_is_not_caption_text() -> None:
    article = _page(
        '<figure><img src="/a.jpg"><figcaption><span class="off-screen">Media caption</span>'
        "Boats in the bay at dawn</figcaption></figure>"
    )
    assert [i.caption for i in article.images if i.caption] == ["Boats in the bay at dawn"]


def test_file_names_and_clock_times_are_not_captions() -> None:
    article = _page(
        '<div class="x"><img src="/a.jpg" width="300"><span>harbour_pic_01</span></div>'
        '<div class="y"><img src="/j.jpg" width="300"><span>Today 12:01 AM</span>'
        "<span>By Jane Doe</span></div>"
        '<figure><img src="/c.jpg"><figcaption>Boats in the bay.</figcaption></figure>'
    )
    assert [i.caption for i in article.images if i.caption] == ["Boats in the bay."]
    assert "https://harbour.example/j.jpg" not in [i.url for i in article.images]
