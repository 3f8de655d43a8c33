"""Which pictures are the story's figures: teaser cards, other stories, icons, video stills
and fallbacks are not. Captions and credits of figures are in tests/test_extract_figures.py."""

from __future__ import annotations

from archive.extract import extract
from tests.test_extract_figures import BODY, _page, _pairs


def test_teaser_cards_and_author_boxes_are_not_figures() -> None:
    article = _page(
        '<div class="card"><img src="/t.jpg" width="300"><h3><a href="/other">'
        "Another story about something else entirely</a></h3></div>"
        '<div class="box"><img src="/face.jpg" width="300">'
        "<span>Von Jane Doe, Redakteurin</span></div>"
    )
    assert _pairs(article) == []


def test_button_text_does_not_make_a_container() -> None:
    article = _page(
        '<div class="img-wrap"><div class="img-box"><img src="/a.jpg">'
        '<button>Zoom image</button></div><div class="caption"><p>Boats in the '
        "bay at dawn. Jane Doe/AP</p></div></div>"
    )
    assert ("Boats in the bay at dawn.", "Jane Doe/AP") in _pairs(article)


def test_zoom_links_are_not_teasers() -> None:
    article = _page(
        '<a href="#gallery-2"><figure><img src="/a.jpg"><figcaption>Boats in the bay.'
        " (Quelle: Jane Doe/dpa)</figcaption></figure></a>"
        '<a href="/other-story"><figure><img src="/b.jpg"><figcaption>Another story '
        "entirely</figcaption></figure></a>"
    )
    assert _pairs(article) == [("Boats in the bay.", "Jane Doe/dpa")]


def test_figures_of_other_stories_are_left_out() -> None:
    html = (
        "<html><body><main><article><h1>Harbour plans move ahead</h1>"
        '<figure><img src="/a.jpg"><figcaption>Boats in the bay.<span class="credit">'
        "Jane Doe/AP</span></figcaption></figure>" + BODY + "</article>"
        '<article><h2>Next story</h2><figure><img src="/n.jpg"><figcaption>A new bridge.'
        '<span class="credit">John Roe/AP</span></figcaption></figure>' + BODY + "</article>"
        '<ul><li><article><figure><img src="/c.jpg"><figcaption><span class="credit">'
        "Max Muster/dpa</span></figcaption></figure><h3>Card</h3></article></li></ul>"
        "</main></body></html>"
    )
    article = extract(html, "https://harbour.example/news/plans")
    assert _pairs(article) == [("Boats in the bay.", "Jane Doe/AP")]


def test_layout_wrapper_with_an_ad_class_is_not_a_sidebar() -> None:
    html = (
        '<html><body><div class="container page-ad-con"><h1>Harbour plans move ahead</h1>'
        '<div class="lead"><img src="/a.jpg"><div class="image-caption">Boats in the bay. '
        "— Picture by Jane Doe</div></div>" + BODY + '<img src="/loader.gif"><p>Loading '
        "more themes</p></div></body></html>"
    )
    article = extract(html, "https://harbour.example/news/plans")
    assert _pairs(article) == [("Boats in the bay.", "Jane Doe")]


def test_a_story_with_its_own_headline_is_another_story() -> None:
    html = (
        "<html><body><main><article><h1>Harbour plans move ahead</h1>"
        + BODY
        + "</article><div><article><h1>Next story</h1><figure><img src='/n.jpg'><figcaption>"
        "A new bridge. Foto: John Roe/AP</figcaption></figure>" + BODY + "</article></div>"
        "</main></body></html>"
    )
    article = extract(html, "https://harbour.example/news/plans")
    assert _pairs(article) == []


def test_teaser_card_linking_image_and_headline_to_one_story() -> None:
    article = _page(
        '<div class="box"><a href="/other-story"><img src="/t.jpg" width="300"></a>'
        '<a href="/other-story">Another story</a><p class="summary">A long summary of '
        "another story about the bridge and what the council said about it...</p></div>"
    )
    assert _pairs(article) == []


def test_list_cards_with_linked_headings_are_not_figures() -> None:
    article = _page(
        '<ul class="offers"><li class="item"><div><h4><a href="/jobs/42">Harbour master '
        "wanted</a></h4><p>Join the port team this spring and help plan the new quay.</p>"
        '<p>Harbour Trust</p></div><div><img src="/logo-trust.jpg" alt=""></div></li></ul>'
    )
    assert _pairs(article) == []


def test_small_declared_size_with_wide_renditions_is_not_an_icon() -> None:
    article = _page(
        '<div class="lead-element"><div class="image"><img src="/a-160.jpg" width="160" '
        'height="90" srcset="/a-250.jpg 250w, /a-1000.jpg 1000w"></div><figcaption>Boats '
        'in the bay <span class="credit">(Image: Harbour Trust)</span></figcaption></div>'
        '<div class="meta"><img src="/face.jpg" width="40" height="40" srcset="/face2.jpg 2x">'
        "<span>Jane Doe/AP</span></div>"
    )
    assert _pairs(article) == [("Boats in the bay", "Harbour Trust")]


def test_video_player_stills_are_not_photos() -> None:
    article = _page(
        '<span class="c-video__placeholder"><img src="/clip.jpg"><span>Mayor opens the new '
        "quay</span></span>"
        '<figure><img src="/a.jpg"><figcaption>Boats in the bay.</figcaption></figure>'
    )
    assert [i.caption for i in article.images if i.caption] == ["Boats in the bay."]


def test_short_linked_kicker_does_not_make_a_card() -> None:
    article = _page(
        '<div class="top"><h2><a href="/harbour">Harbour</a></h2><img src="/a.jpg">'
        "<p>Boats in the bay at dawn. Jane Doe/AP</p></div>"
        '<div class="fetch"><x-fetch data-src="/more-stories.html"></x-fetch><p>More</p></div>'
    )
    assert _pairs(article) == [("Boats in the bay at dawn.", "Jane Doe/AP")]
    assert all(not i.url.endswith(".html") for i in article.images)


def test_teaser_classed_wrapper_of_the_running_text_is_the_story() -> None:
    para = "<p>" + "The council met on Monday to discuss the harbour plans. " * 3 + "</p>"
    article = _page(
        '<div class="article__teaser">' + para * 3 + '<figure><img src="/chart.png">'
        "<figcaption><span>Source: Harbour Trust</span></figcaption></figure></div>"
        '<div class="teaser"><figure><img src="/other.jpg"><figcaption>Another story. '
        "Photo: John Roe</figcaption></figure><p>A short card.</p></div>"
    )
    assert _pairs(article) == [("", "Harbour Trust")]


def test_image_and_credit_linking_to_the_source_is_no_teaser() -> None:
    article = _page(
        '<p><span class="wf_caption"><a href="https://space.example/pia123"><img '
        'src="/map.jpg"></a><span>The first map of the moon. (<a href="https://space.example/'
        'pia123">Space Agency/JPL</a>)</span></span></p>'
    )
    assert _pairs(article) == [("The first map of the moon.", "Space Agency/JPL")]


def test_noscript_fallback_images_are_not_figures() -> None:
    article = _page(
        '<center><noscript><a href="https://ads.example/click"><img src="https://ads.example/'
        'view.php?zone=9"></a></noscript><p>Advert</p></center>'
    )
    assert _pairs(article) == []
