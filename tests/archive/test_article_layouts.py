"""Real article layouts (issue 15): a photo blog, the Washington Post, AP, EPA,
Reuters and Getty captions of 2022-2025, as the web prints them and as they
come out of a copy and paste: the credit at the end of the caption, in
brackets, or on its own line (or paragraph) under it, with or without a kind
word.  The files are in tests/archive/data/articles/; each test lists every
caption the reader must find, its credit line, and how the credit reads."""

from pathlib import Path

import pytest

from archive.articles.reader import read_article

DATA = Path(__file__).parent / "data" / "articles"


def captions(name):
    article = read_article(DATA / name)
    return article, [(c.text, c.credit_line, list(c.credit.creators), c.credit.agency,
                      list(c.credit.agencies)) for c in article.captions]


def test_photo_blog_in_markdown():
    article, found = captions("photo-blog.md")
    assert article.title == "Photos: Ukraine marks a year of war"   # a headline, not a credit
    assert found == [
        ("A Ukrainian serviceman rests in a trench near Bakhmut, Donetsk region, on Thursday, Feb. 23, 2023.",
         "Photo: Evgeniy Maloletka/AP", ["Evgeniy Maloletka"], "AP", ["AP"]),
        ("People light candles at a memorial for fallen soldiers on Independence Square in Kyiv on Friday.",
         "Credit: Mette Jørgensen/Ritzau Scanpix", ["Mette Jørgensen"], "Ritzau Scanpix", ["Ritzau Scanpix"]),
        ("A woman lays flowers at the Lychakiv military cemetery in Lviv, Ukraine, on Friday.",
         "(AP Photo/Roman Chop)", ["Roman Chop"], "AP", ["AP"]),
        ("Residents walk past a school destroyed by shelling in Kharkiv on Wednesday.",
         "Photograph: Sergey Bobok/AFP via Getty Images", ["Sergey Bobok"], "AFP via Getty Images",
         ["AFP", "Getty Images"]),
    ]
    assert [c.image.rsplit("/", 1)[-1] for c in article.captions] == ["01.jpg", "02.jpg", "03.jpg", "04.jpg"]


WAPO = [
    ("Palestinians search through the rubble of a building in Rafah, in the southern Gaza Strip, on Oct. 12.",
     ["Heidi Levine"], "The Washington Post", ["The Washington Post"]),
    ("Residents carry water containers past a damaged mosque in Khan Younis on Oct. 11.",
     ["Mohammed Salem"], "Reuters", ["Reuters"]),
    ("Smoke rises over Gaza City after an airstrike on Oct. 9.",
     ["Anna Berg"], "Nordlys Bilder", ["Nordlys Bilder"]),       # an agency the table does not know
    ("A boy sits on the steps of a hospital in Khan Younis on Oct. 12.",
     ["Heidi Levine"], "The Washington Post", ["The Washington Post"]),
]


def test_washington_post_copied_as_text():
    article, found = captions("washington-post.txt")
    assert article.title == "In Rafah, families search the rubble for those still missing"
    assert [(t, c, a, m) for t, _, c, a, m in found] == [WAPO[0], WAPO[1], WAPO[3], WAPO[2]]
    assert [line for _, line, *_ in found] == [
        "Heidi Levine for The Washington Post", "(Mohammed Salem/Reuters)",
        "Heidi Levine for The Washington Post", "Photo by Anna Berg/Nordlys Bilder"]
    # a caption's paragraph holds its text; the credit that stands alone in the
    # paragraph under it (Anna Berg's) points at the caption's paragraph
    paragraphs = article.body.split("\n\n")
    for c in article.captions:
        assert c.text in paragraphs[c.paragraph - 1]
    assert paragraphs[article.captions[3].paragraph] == "Photo by Anna Berg/Nordlys Bilder"
    assert "By Jane Correspondent" not in [c.text for c in article.captions]


def test_washington_post_web_page():
    article, found = captions("washington-post.html")
    assert article.title == "In Rafah, families search the rubble for those still missing"
    assert article.date == "2023-10-13"
    assert [(t, c, a, m) for t, _, c, a, m in found] == WAPO
    assert [line for _, line, *_ in found] == [
        "(Heidi Levine for The Washington Post)", "Mohammed Salem/Reuters",
        "Anna Berg/Nordlys Bilder", "Heidi Levine for The Washington Post"]
    assert [c.image and c.image.rsplit("/", 1)[-1] for c in article.captions] == [
        "rafah-1.jpg", "khan-younis.jpg", "gaza-city.jpg", None]
    # "Photos: Inside Rafah's last hospital" is a heading, not a caption
    assert not any("Photos:" in c.credit_line for c in article.captions)


def test_ap_gallery_with_getty_and_reuters_captions():
    article, found = captions("ap-gallery.html")
    assert article.title == "Photos: Ukraine's winter of blackouts"
    assert found == [
        ("Ukrainian servicemen fire a mortar toward Russian positions near Bakhmut, Ukraine, Thursday, "
         "Dec. 15, 2022.", "(AP Photo/LIBKOS)", ["Libkos"], "AP", ["AP"]),
        ("In this photo provided by the Ukrainian Presidential Press Office, President Volodymyr Zelenskyy "
         "visits the front line in Bakhmut, Tuesday, Dec. 20, 2022.",
         "(Ukrainian Presidential Press Office via AP)", [], "Ukrainian Presidential Press Office via AP",
         ["Ukrainian Presidential Press Service", "AP"]),
        ("A woman walks past a destroyed building in Kyiv, Ukraine, Monday, Dec. 19, 2022.",
         "(AP Photo/Efrem Lukatsky, File)", ["Efrem Lukatsky"], "AP", ["AP"]),
        # Getty keeps AFP's own credit before its own: the caption is the text before both
        ("Smoke rises over Kyiv after a drone attack on Dec. 19, 2022.",
         "(Photo by SERGEI SUPINSKY/AFP via Getty Images)", ["Sergei Supinsky"], "AFP via Getty Images",
         ["AFP", "Getty Images"]),
        # reuters.com's "Purchase Licensing Rights" link is not part of the credit
        ("Ukrainian servicemen ride an armoured vehicle near Bakhmut, July 8, 2023.",
         "REUTERS/Viacheslav Ratynskyi", ["Viacheslav Ratynskyi"], "REUTERS", ["Reuters"]),
    ]
    assert article.captions[1].credit.handout


def test_epa_captions():
    article, found = captions("epa-captions.txt")
    assert [(c, a, m) for _, _, c, a, m in found] == [
        (["Oleg Petrasyuk"], "EPA-EFE", ["EPA"]),
        ([], "EPA-EFE", ["EPA"]),            # STRINGER: no person named
        ([], "EPA-EFE/UKRAINIAN PRESIDENTIAL PRESS SERVICE", ["Ukrainian Presidential Press Service", "EPA"]),
    ]
    assert found[1][0] == ("epa10370602 A view of a damaged energy facility after a drone strike in Kyiv, "
                           "Ukraine, 19 December 2022.")
    assert found[0][0].endswith("provoked destruction and a humanitarian crisis.")
    assert article.captions[2].credit.handout


# --- layouts generated here ---------------------------------------------------------

def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("credit", [
    "Photograph: Mette Jørgensen/Ritzau Scanpix", "Photo: Mette Jørgensen/Ritzau Scanpix",
    "Credit: Mette Jørgensen/Ritzau Scanpix", "Mette Jørgensen/Ritzau Scanpix",
    "(Mette Jørgensen/Ritzau Scanpix)", "Mette Jørgensen for The Washington Post",
    "(AP Photo/Mette Jørgensen)", "REUTERS/Mette Jørgensen", "EPA-EFE/METTE JØRGENSEN",
])
@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_a_credit_on_its_own_line_or_paragraph_under_the_caption(tmp_path, credit, gap):
    caption = "Cyclists ride through the snow in Copenhagen, Denmark, on Friday."
    text = f"Snow in Copenhagen\n\nThe city woke to snow.\n\n{caption}{gap}{credit}\n\nTraffic was slow.\n"
    article = read_article(write(tmp_path, "story.txt", text))
    (found,) = article.captions
    assert (found.text, found.credit_line) == (caption, credit)
    assert found.credit.creators == ("Mette Jørgensen",)
    assert article.title == "Snow in Copenhagen"


def test_one_paragraph_per_line_with_several_captions(tmp_path):
    text = ("Headline\n\n"
            "The city woke to snow.\n"
            "Cyclists ride through the snow in Copenhagen on Friday.\n"
            "Photograph: Anna Berg/Nordlys Bilder\n"
            "Traffic was slow all morning.\n"
            "A bus stuck in a drift on Saturday.\n"
            "Heidi Levine for The Washington Post\n")
    article = read_article(write(tmp_path, "story.txt", text))
    assert [(c.text, c.credit_line) for c in article.captions] == [
        ("Cyclists ride through the snow in Copenhagen on Friday.", "Photograph: Anna Berg/Nordlys Bilder"),
        ("A bus stuck in a drift on Saturday.", "Heidi Levine for The Washington Post"),
    ]


def test_a_credit_under_a_headline_has_no_caption_text(tmp_path):
    text = "Snow in Copenhagen\n\nPhotograph: Anna Berg/Nordlys Bilder\n\nThe city woke to snow.\n"
    article = read_article(write(tmp_path, "story.txt", text))
    (found,) = article.captions
    assert found.text == "" and found.credit.agency == "Nordlys Bilder"


@pytest.mark.parametrize("headline", [
    "Photos: Ukraine marks a year of war", "In pictures: a winter of blackouts in Kyiv",
    "Photos: Kyiv Under Fire",
])
def test_a_gallery_headline_is_not_a_caption(tmp_path, headline):
    text = f"{headline}\n\nSirens on Monday. Photograph: Brendan Hoffman/The New York Times\n"
    article = read_article(write(tmp_path, "story.txt", text))
    assert article.title == headline
    assert [c.credit_line for c in article.captions] == ["Photograph: Brendan Hoffman/The New York Times"]
    md = read_article(write(tmp_path, "story.md", f"# {headline}\n\n{text.split(chr(10), 2)[2]}"))
    assert [c.credit_line for c in md.captions] == ["Photograph: Brendan Hoffman/The New York Times"]


def test_a_byline_is_not_a_credit(tmp_path):
    text = ("Headline\n\nBy Heidi Levine for The Washington Post\n\n"
            "Sirens on Monday. Photograph: Brendan Hoffman/The New York Times\n")
    article = read_article(write(tmp_path, "story.txt", text))
    assert [c.credit_line for c in article.captions] == ["Photograph: Brendan Hoffman/The New York Times"]
