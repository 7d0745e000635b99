"""Reading article files: captions, titles, dates, formats and bad input."""

from datetime import date
from pathlib import Path

import pytest

from archive.articles.reader import read_article
from archive.errors import UsageError

SHARED = Path(__file__).parents[2].parent / "shared"
KYIV = SHARED / "articles" / "kyiv-drone-attack.txt"


@pytest.fixture
def kyiv_article():
    if not KYIV.exists():
        pytest.skip(f"the shared article {KYIV} is not here (the repo sits beside shared/)")
    return KYIV


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


# --- the real article ---------------------------------------------------------

def test_kyiv_article_has_two_captions(kyiv_article):
    article = read_article(kyiv_article)
    assert article.format == "text"
    assert [c.credit.creators for c in article.captions] == [
        ("Brendan Hoffman",), ("Laura Boushnak",)]
    assert [c.credit.agency for c in article.captions] == ["The New York Times"] * 2
    first, second = article.captions
    assert first.index == 0 and first.paragraph == 1
    assert first.text == ("Air raid sirens were blasting off most of the night into Monday "
                          "in Kyiv and the region around it.")
    assert first.credit_line == "Photograph: Brendan Hoffman/The New York Times"
    assert second.text == "Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday."
    assert second.credit.kind == "Photograph"


def test_kyiv_caption_paragraph_numbers_point_into_the_body(kyiv_article):
    article = read_article(kyiv_article)
    paragraphs = article.body.split("\n\n")
    for caption in article.captions:
        assert paragraphs[caption.paragraph - 1].startswith(caption.text)
        assert paragraphs[caption.paragraph - 1].endswith(caption.credit_line)
    # the last paragraph ends "- Reuters": a dateline, not a caption
    assert paragraphs[-1].endswith("Reuters")
    assert len(article.captions) == 2


def test_kyiv_title_and_date_come_from_the_caller(kyiv_article):
    article = read_article(kyiv_article, title="Russia launches drone attack on Kyiv",
                           date=date(2022, 12, 19))
    assert article.title == "Russia launches drone attack on Kyiv"
    assert article.date == "2022-12-19"
    assert article.source_path == str(kyiv_article)
    # the file's first line is a caption, so it is not taken for a title
    assert read_article(kyiv_article).title is None


def test_article_to_dict_is_what_article_add_prints(kyiv_article):
    d = read_article(kyiv_article).to_dict()
    assert d["captions"][1]["credit"] == {
        "kind": "Photograph", "creators": ["Laura Boushnak"], "agency": "The New York Times",
        "agencies": ["The New York Times"], "pool": False, "handout": False, "staff": False}
    assert d["captions"][1]["credit_line"] == "Photograph: Laura Boushnak/The New York Times"


# --- plain text ----------------------------------------------------------------

TEXT = """Russia launches drone attack on Kyiv

Mon 19 Dec 2022 07.53 GMT

Firefighters work at the site of a drone strike. REUTERS/Gleb Garanich

Officials said the capital was attacked by drones.
A man walks past a destroyed building. (AP Photo/Efrem Lukatsky)
More text follows the caption line in the same block.

Smoke rises over the city.
Photograph: Sergei Supinsky/AFP via Getty Images

The talks will go on. \u2013 Reuters
"""


def test_text_captions_anywhere_and_by_line(tmp_path):
    article = read_article(write(tmp_path, "story.txt", TEXT))
    assert article.title == "Russia launches drone attack on Kyiv"
    assert article.date == "2022-12-19"
    assert [(c.text, c.credit.agency) for c in article.captions] == [
        ("Firefighters work at the site of a drone strike.", "REUTERS"),
        ("A man walks past a destroyed building.", "AP"),
        ("Smoke rises over the city.", "AFP via Getty Images"),
    ]
    assert [c.paragraph for c in article.captions] == [3, 4, 5]
    assert article.captions[2].credit.agencies == ("AFP", "Getty Images")


def test_explicit_date_string_wins_and_bad_date_is_an_error(tmp_path):
    path = write(tmp_path, "story.txt", TEXT)
    assert read_article(path, date="2022-12-20").date == "2022-12-20"
    with pytest.raises(UsageError, match="not a date"):
        read_article(path, date="next tuesday-ish")


def test_utf8_bom_and_windows_line_ends(tmp_path):
    text = "\ufeffHeadline\r\n\r\nA tree on Saturday. Photograph: Laura Boushnak/The New York Times\r\n"
    article = read_article(write(tmp_path, "bom.txt", text))
    assert article.title == "Headline"
    assert article.captions[0].credit.creators == ("Laura Boushnak",)


def test_utf16_with_bom(tmp_path):
    text = "Sirens on Monday. Photograph: Brendan Hoffman/The New York Times\r\n"
    article = read_article(write(tmp_path, "unicode.txt", text, encoding="utf-16"))
    assert article.captions[0].credit_line == "Photograph: Brendan Hoffman/The New York Times"


def test_cp1252_fallback(tmp_path):
    text = "Caf\u00e9 workers in Kyiv \u2013 on Saturday. Photograph: Laura Boushnak/The New York Times"
    article = read_article(write(tmp_path, "old.txt", text, encoding="cp1252"))
    assert article.captions[0].text == "Caf\u00e9 workers in Kyiv \u2013 on Saturday."


# --- Markdown ------------------------------------------------------------------

MARKDOWN = """---
title: "Russia launches drone attack on Kyiv"
date: 2022-12-19
---

# A heading that is not the front-matter title

![Air raid sirens](images/hoffman.jpg)
*Air raid sirens were blasting off most of the night. Photograph: Brendan Hoffman/The New York Times*

Russia's latest attacks hit **critical infrastructure** in [Kyiv](https://example.org).

![Tree](tree.jpg "A tree")

_Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday._

A paragraph that ends in a credit. Photograph: Efrem Lukatsky/AP

![Lone image](lone.jpg)

An ordinary paragraph after a lone image is not a caption.
"""


def test_markdown_images_and_their_caption_lines(tmp_path):
    article = read_article(write(tmp_path, "story.md", MARKDOWN))
    assert article.format == "markdown"
    assert article.title == "Russia launches drone attack on Kyiv"
    assert article.date == "2022-12-19"
    assert [(c.image, c.text, c.credit_line) for c in article.captions] == [
        ("images/hoffman.jpg", "Air raid sirens were blasting off most of the night.",
         "Photograph: Brendan Hoffman/The New York Times"),
        ("tree.jpg", "Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday.", ""),
        (None, "A paragraph that ends in a credit.", "Photograph: Efrem Lukatsky/AP"),
    ]
    assert "**" not in article.body and "](" not in article.body
    assert "critical infrastructure in Kyiv." in article.body


def test_markdown_title_from_heading(tmp_path):
    text = "# Drones over Kyiv\n\nSirens on Monday. Photograph: Brendan Hoffman/The New York Times\n"
    assert read_article(write(tmp_path, "s.md", text)).title == "Drones over Kyiv"


# --- HTML ----------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>Russia attacks Kyiv | Ukraine | The Guardian</title>
<meta property="og:title" content="Russia launches drone attack on Kyiv">
<meta property="article:published_time" content="2022-12-19T05:21:38.000Z">
<script>var credit = "Photograph: Nobody/Nowhere";</script>
</head><body>
<header><h1>Russia launches drone attack on Kyiv</h1></header>
<article>
<figure class="element-image"><picture><img src="hoffman.jpg" alt="Sirens"></picture>
<figcaption><span class="caption-icon"><svg><title>camera</title></svg></span>Air raid sirens
 were blasting off most of the night into Monday in Kyiv. Photograph: Brendan Hoffman/The New York Times</figcaption></figure>
<p>Russia&#8217;s latest attacks hit &ldquo;critical infrastructure&rdquo; in Kyiv on Monday.</p>
<p>An unclosed paragraph &amp; an entity.
<figure><img src="/img/tree.jpg"><figcaption>Workers install a Christmas tree on Saturday.
 <span class="credit">Photograph: Laura Boushnak/The New York Times</span></figcaption></figure>
<div id="attachment_1" class="wp-caption aligncenter"><img src="wp.jpg">
<p class="wp-caption-text">A WordPress caption on Sunday. Photo: Efrem Lukatsky/AP</p></div>
<figure><img data-src="lazy.jpg"><figcaption>Credit in a sibling element</figcaption>
<small>Gleb Garanich/Reuters</small></figure>
<div class="image-block"><img src="cms.jpg"><div class="image-caption">A CMS caption</div>
<div class="image-credit">Credit: Sergei Supinsky/AFP via Getty Images</div></div>
<p>Firefighters at the site. REUTERS/Valentyn Ogirenko</p>
<p>The talks will go on. &ndash; Reuters</p>
</article><footer>Photograph: In The Footer/AP</footer></body></html>
"""


def test_html_figures_and_cms_captions(tmp_path):
    article = read_article(write(tmp_path, "story.html", HTML))
    assert article.format == "html"
    assert article.title == "Russia launches drone attack on Kyiv"
    assert article.date == "2022-12-19"
    assert [(c.image, c.text, c.credit_line) for c in article.captions] == [
        ("hoffman.jpg", "Air raid sirens were blasting off most of the night into Monday in Kyiv.",
         "Photograph: Brendan Hoffman/The New York Times"),
        ("/img/tree.jpg", "Workers install a Christmas tree on Saturday.",
         "Photograph: Laura Boushnak/The New York Times"),
        ("wp.jpg", "A WordPress caption on Sunday.", "Photo: Efrem Lukatsky/AP"),
        ("lazy.jpg", "Credit in a sibling element", "Gleb Garanich/Reuters"),
        ("cms.jpg", "A CMS caption", "Credit: Sergei Supinsky/AFP via Getty Images"),
        (None, "Firefighters at the site.", "REUTERS/Valentyn Ogirenko"),
    ]
    assert [c.credit.agency for c in article.captions] == [
        "The New York Times", "The New York Times", "AP", "Reuters", "AFP via Getty Images", "REUTERS"]
    assert [c.credit.agencies[-1] for c in article.captions] == [
        "The New York Times", "The New York Times", "AP", "Reuters", "Getty Images", "Reuters"]


def test_html_body_is_plain_text_without_scripts_or_footer(tmp_path):
    article = read_article(write(tmp_path, "story.html", HTML))
    assert "Russia\u2019s latest attacks hit \u201ccritical infrastructure\u201d" in article.body
    assert "An unclosed paragraph & an entity." in article.body.split("\n\n")
    assert "Nobody" not in article.body and "In The Footer" not in article.body
    assert "<" not in article.body
    paragraphs = article.body.split("\n\n")
    for caption in article.captions:
        assert caption.text in paragraphs[caption.paragraph - 1]


# The main-media markup of a Guardian photo essay (guardian/dotcom-rendering's
# fixtures/articles/PhotoEssay.ts): caption and credit in their own spans.
GUARDIAN_FIGURE = (
    '<figure class="element element-image" data-media-id="87ae80fa40c8ceab7ba864e69d921c6588b2ca45">'
    ' <img src="https://media.guim.co.uk/87ae80fa40c8ceab7ba864e69d921c6588b2ca45/297_213_2203_1321/1000.jpg"'
    ' alt="A shark is hauled into the hold of a longliner." width="1000" height="600" class="gu-image" />'
    ' <figcaption> <span class="element-image__caption">Every year 100 million sharks are killed.</span>'
    ' <span class="element-image__credit">Photograph: Tommy Trenchard/Greenpeace</span> </figcaption> </figure>')


def test_guardian_figure_with_caption_and_credit_spans(tmp_path):
    html = f"<html><body><article>{GUARDIAN_FIGURE}<p>Body text.</p></article></body></html>"
    article = read_article(write(tmp_path, "essay.html", html))
    (caption,) = article.captions
    assert caption.text == "Every year 100 million sharks are killed."
    assert caption.credit_line == "Photograph: Tommy Trenchard/Greenpeace"
    assert caption.credit.creators == ("Tommy Trenchard",)
    assert caption.image.endswith("/1000.jpg")
    assert article.body.split("\n\n") == [
        "Every year 100 million sharks are killed. Photograph: Tommy Trenchard/Greenpeace",
        "Body text."]


def test_deeply_nested_html_does_not_overflow(tmp_path):
    html = ("<html><body>" + "<span>" * 5000 + "Sirens. Photograph: Brendan Hoffman/The New York Times"
            + "</body></html>")
    article = read_article(write(tmp_path, "deep.html", html))
    assert article.captions[0].credit.creators == ("Brendan Hoffman",)


def test_html_title_and_date_fallbacks(tmp_path):
    html = ("<html><head><title>Drones over Kyiv | The Paper</title></head><body>"
            "<p><time datetime=\"2022-12-18T22:00:00+02:00\">Sunday</time></p>"
            "<figure><img src=a.jpg><figcaption>Sirens. Photograph: Brendan Hoffman/The New York Times"
            "</figcaption></figure></body></html>")
    article = read_article(write(tmp_path, "page.htm", html))
    assert article.title == "Drones over Kyiv"
    assert article.date == "2022-12-18"


def test_html_without_extension_is_sniffed(tmp_path):
    html = "<!doctype html><html><body><figure><figcaption>Sirens. Photograph: A Person/AP</figcaption></figure></body></html>"
    article = read_article(write(tmp_path, "download", html))
    assert article.format == "html"
    assert article.captions[0].credit.creators == ("A Person",)


# --- bad input -----------------------------------------------------------------

def test_no_captions_is_a_usage_error_naming_the_file(tmp_path):
    path = write(tmp_path, "kyiv.txt", "Headline\n\nA paragraph. \u2013 Reuters\n")
    with pytest.raises(UsageError) as error:
        read_article(path)
    message = str(error.value)
    assert "kyiv.txt: no captions found" in message
    assert "Photograph: Name/Agency" in message


def test_empty_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r"empty\.txt: the article is empty"):
        read_article(write(tmp_path, "empty.txt", "  \n\n "))


def test_binary_file_is_a_usage_error(tmp_path):
    path = write(tmp_path, "photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" * 20)
    with pytest.raises(UsageError, match=r"photo\.txt: not a text file"):
        read_article(path)


def test_undecodable_file_is_a_usage_error(tmp_path):
    path = write(tmp_path, "odd.txt", b"caption \x81\x8d\x8f\x90\x9d Photograph: A B/AP")
    with pytest.raises(UsageError, match=r"odd\.txt: not readable text"):
        read_article(path)


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r"gone\.txt: cannot read"):
        read_article(tmp_path / "gone.txt")
