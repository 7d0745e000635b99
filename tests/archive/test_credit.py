"""Credit lines: the parser against real credit lines, and finding the credit
at the end of a caption.

The table holds credit lines as newspapers and agencies print them (Guardian
captions, AP, Reuters, AFP/Getty, Shutterstock) and the by-line and credit
values in guardian/grid's cleanup tests, which come from real agency metadata.
"""

import pytest

from archive.articles.agencies import (
    agency_aliases, canonical_agency, load_agency_data, same_agency)
from archive.articles.credit import Credit, find_credit, fix_name_case, parse_credit

CREDITS = [
    # Guardian house style: 'Kind: Name/Agency', several creators, chains, staff, handouts
    ('Photograph: Brendan Hoffman/The New York Times', 'Photograph', ['Brendan Hoffman'], ['The New York Times']),
    ('Photograph: Laura Boushnak/The New York Times', 'Photograph', ['Laura Boushnak'], ['The New York Times']),
    ('Photograph: Gleb Garanich/Reuters', 'Photograph', ['Gleb Garanich'], ['Reuters']),
    ('Photograph: Sergei Supinsky/AFP/Getty Images', 'Photograph', ['Sergei Supinsky'], ['AFP', 'Getty Images']),
    ('Photograph: Sergei Supinsky/AFP via Getty Images', 'Photograph', ['Sergei Supinsky'], ['AFP', 'Getty Images']),
    ('Photograph: Efrem Lukatsky/AP', 'Photograph', ['Efrem Lukatsky'], ['AP']),
    ('Photograph: Anadolu Agency/Getty Images', 'Photograph', [], ['Anadolu', 'Getty Images']),
    ('Photograph: Ukrainian Presidential Press Service/Reuters', 'Photograph', [], ['Ukrainian Presidential Press Service', 'Reuters']),
    ('Photograph: Ukrainian Presidential Press Service/Handout via Reuters', 'Photograph', [], ['Ukrainian Presidential Press Service', 'Reuters']),
    ('Photograph: Andrew Matthews/PA', 'Photograph', ['Andrew Matthews'], ['PA']),
    ('Photograph: Stefan Rousseau/PA Wire', 'Photograph', ['Stefan Rousseau'], ['PA']),
    ('Photograph: Christopher Thomond/The Guardian', 'Photograph', ['Christopher Thomond'], ['The Guardian']),
    ('Photograph: Linda Nylind for the Guardian', 'Photograph', ['Linda Nylind'], ['The Guardian']),
    ('Photograph: Andrew Testa for the Observer', 'Photograph', ['Andrew Testa'], ['The Observer']),
    ('Photograph: Antonio Olmos/The Observer', 'Photograph', ['Antonio Olmos'], ['The Observer']),
    ('Photograph: Jeff J Mitchell/Getty Images', 'Photograph', ['Jeff J Mitchell'], ['Getty Images']),
    ("Photograph: Kirsty O'Connor/PA", 'Photograph', ["Kirsty O'Connor"], ['PA']),
    ('Composite: Guardian Design/Getty Images/Reuters', 'Composite', [], ['Guardian Design', 'Getty Images', 'Reuters']),
    ('Illustration: Guardian Design', 'Illustration', [], ['Guardian Design']),
    ('Photograph: Xinhua/Shutterstock', 'Photograph', [], ['Xinhua', 'Shutterstock']),
    ('Photograph: SOPA Images/LightRocket via Getty Images', 'Photograph', [], ['SOPA Images', 'LightRocket', 'Getty Images']),
    ('Photograph: NurPhoto/Getty Images', 'Photograph', [], ['NurPhoto', 'Getty Images']),
    ('Photograph: Alamy', 'Photograph', [], ['Alamy']),
    ('Photograph: Handout', 'Photograph', [], []),
    ('Video still: BBC', 'Video still', [], ['BBC']),
    ('Screengrab: Sky News', 'Screengrab', [], ['Sky News']),
    ('Photograph: Ministry of Defence/PA', 'Photograph', [], ['Ministry of Defence', 'PA']),
    ('Photograph: Serhii Nuzhnenko/Radio Liberty', 'Photograph', ['Serhii Nuzhnenko'], ['RFE/RL']),
    ('Photograph: Radio Liberty', 'Photograph', [], ['RFE/RL']),
    ('Photograph: Serhii Nuzhnenko/RFE/RL', 'Photograph', ['Serhii Nuzhnenko'], ['RFE/RL']),
    ('Photograph: Serhii Nuzhnenko/Radio Free Europe/Radio Liberty', 'Photograph', ['Serhii Nuzhnenko'], ['RFE/RL']),
    ('Photograph: Serhii Nuzhnenko / RFE / RL via AP', 'Photograph', ['Serhii Nuzhnenko'], ['RFE/RL', 'AP']),
    ('Photograph: Jane Doe/The Irish Times', 'Photograph', ['Jane Doe'], ['The Irish Times']),
    ('Photograph: Kim Ludbrook/Daily Maverick', 'Photograph', ['Kim Ludbrook'], ['Daily Maverick']),
    ('Photograph: Ukrinform/Shutterstock', 'Photograph', [], ['Ukrinform', 'Shutterstock']),
    ('Photograph: Sipa USA/Alamy', 'Photograph', [], ['Sipa', 'Alamy']),
    ('Photograph: Bloomberg via Getty Images', 'Photograph', [], ['Bloomberg', 'Getty Images']),
    ('Photograph: Yui Mok/PA', 'Photograph', ['Yui Mok'], ['PA']),
    ('Photograph: Tolga Akmen/EPA', 'Photograph', ['Tolga Akmen'], ['EPA']),
    ('Photograph: Andy Rain/EPA-EFE', 'Photograph', ['Andy Rain'], ['EPA']),
    ('Photograph: Lynsey Addario for The New York Times', 'Photograph', ['Lynsey Addario'], ['The New York Times']),
    ('Photograph: Alex Wong and Win McNamee/Getty Images', 'Photograph', ['Alex Wong', 'Win McNamee'], ['Getty Images']),
    ('Photograph: Dan Kitwood, Leon Neal/Getty Images', 'Photograph', ['Dan Kitwood', 'Leon Neal'], ['Getty Images']),
    ('Photograph: Sputnik/AFP via Getty Images', 'Photograph', [], ['Sputnik', 'AFP', 'Getty Images']),
    ('Photograph: Mikhail Metzel/Sputnik/AFP via Getty Images', 'Photograph', ['Mikhail Metzel'], ['Sputnik', 'AFP', 'Getty Images']),
    ('Photo: Alex Brandon/AP', 'Photo', ['Alex Brandon'], ['AP']),
    ('Picture: PA', 'Picture', [], ['PA']),
    ('Pictures: Getty', 'Picture', [], ['Getty Images']),
    ('Photograph: Murdo MacLeod/The Guardian', 'Photograph', ['Murdo MacLeod'], ['The Guardian']),
    # The agencies' own styles: AP, Reuters, AFP and Getty, Shutterstock's 'Mandatory Credit', EPA
    ('(AP Photo/Efrem Lukatsky)', 'Photo', ['Efrem Lukatsky'], ['AP']),
    ('(AP Photo/Evgeniy Maloletka, File)', 'Photo', ['Evgeniy Maloletka'], ['AP']),
    ('(AP Photo)', 'Photo', [], ['AP']),
    ('AP Photo/Andrew Kravchenko', 'Photo', ['Andrew Kravchenko'], ['AP']),
    ('REUTERS/Gleb Garanich', None, ['Gleb Garanich'], ['Reuters']),
    ('REUTERS/Valentyn Ogirenko/File Photo', None, ['Valentyn Ogirenko'], ['Reuters']),
    ('REUTERS/Stringer', None, [], ['Reuters']),
    ('Ukrainian Presidential Press Service/Handout via REUTERS', None, [], ['Ukrainian Presidential Press Service', 'Reuters']),
    ('Sputnik/Gavriil Grigorov/Kremlin via REUTERS', None, ['Gavriil Grigorov'], ['Sputnik', 'Kremlin', 'Reuters']),
    ('(Photo by Sergei Supinsky / AFP)', 'Photo', ['Sergei Supinsky'], ['AFP']),
    ('(Photo by GENYA SAVILOV/AFP via Getty Images)', 'Photo', ['Genya Savilov'], ['AFP', 'Getty Images']),
    ('(Photo by Chris McGrath/Getty Images)', 'Photo', ['Chris McGrath'], ['Getty Images']),
    ('(Photo by Leon Neal/Getty Images)', 'Photo', ['Leon Neal'], ['Getty Images']),
    ('(Photo by Dia Dipasupil/Getty Images for Tribeca Festival)', 'Photo', ['Dia Dipasupil'], ['Getty Images']),
    ('Mandatory Credit: Photo by Jose Breton/NurPhoto/Shutterstock (16507315bs)', 'Photo', ['Jose Breton'], ['NurPhoto', 'Shutterstock']),
    ('Mandatory Credit: Photo by Ken McKay/ITV/Shutterstock (16513246a)', 'Photo', ['Ken McKay'], ['ITV', 'Shutterstock']),
    ('Mandatory Credit: Photo by Action Press/Shutterstock (16512200n)', 'Photo', [], ['Action Press', 'Shutterstock']),
    ('Mandatory Credit: Photo by Anthony Harvey/Shutterstock (16501549o)', 'Photo', ['Anthony Harvey'], ['Shutterstock']),
    ('Mandatory Credit: Photo by Sachelle Babbar/ZUMA Wire/REX/Shutterstock (9011672i)', 'Photo', ['Sachelle Babbar'], ['ZUMA Press', 'Shutterstock']),
    ('Mandatory Credit: Photo by Yuri Gripas - Pool via CNP/Shutterstock (16452941i)', 'Photo', ['Yuri Gripas'], ['CNP', 'Shutterstock']),
    ('Mandatory Credit: Photo by Kobe Li/Nexpher via ZUMA Press Wire/Shutterstock (16520092w)', 'Photo', ['Kobe Li'], ['Nexpher', 'ZUMA Press', 'Shutterstock']),
    ('EPA/SERGEY DOLZHENKO', None, ['Sergey Dolzhenko'], ['EPA']),
    ('EPA-EFE/OLEG PETRASYUK', None, ['Oleg Petrasyuk'], ['EPA']),
    # guardian/grid cleanup tests (common-lib/.../cleanup/*Test.scala): separators, junk tokens,
    # copyright prefixes, capitalisation, canonical agencies
    ('Ilyas Akengin/AFP/Getty Images', None, ['Ilyas Akengin'], ['AFP', 'Getty Images']),
    ('Ella Ling/BPI/REX', None, ['Ella Ling'], ['BPI', 'Shutterstock']),
    ('Joe Newman / National Pictures', None, ['Joe Newman'], ['National Pictures']),
    ('Andy Rowland via UK Sports Pics Ltd', None, ['Andy Rowland'], ['UK Sports Pics Ltd']),
    ('Philip Glass - Barcroft Media', None, ['Philip Glass'], ['Barcroft Media']),
    ('Philip Glass#Barcroft Media', None, ['Philip Glass'], ['Barcroft Media']),
    ('Philip Glass via BaRcRoFt MEDIA', None, ['Philip Glass'], ['Barcroft Media']),
    ('John Doe /via BPI/REX', None, ['John Doe'], ['BPI', 'Shutterstock']),
    ('John Doe !via! BPI/REX', None, ['John Doe'], ['BPI', 'Shutterstock']),
    ('John Doe vIa BPI/REX', None, ['John Doe'], ['BPI', 'Shutterstock']),
    ('HANDOUT/POOL/Credit', None, [], []),
    ('Pool/Yuri Gripas - Pool/CNP/Shutterstock', None, ['Yuri Gripas'], ['CNP', 'Shutterstock']),
    ('Nexpher/ZUMA Press Wire/Shutterstock', None, [], ['Nexpher', 'ZUMA Press', 'Shutterstock']),
    ('© Acme Corporation', None, [], ['Acme Corporation']),
    ('Copyright Acme Corporation', None, [], ['Acme Corporation']),
    ('Copyright of Acme Corporation', None, [], ['Acme Corporation']),
    ('Copyright : Acme Corporation', None, [], ['Acme Corporation']),
    ('(c) Acme Corporation', None, [], ['Acme Corporation']),
    ('Copyright (c) Acme Corporation', None, [], ['Acme Corporation']),
    ('© Mike Cardew/ZUMA Press/Corbis', None, ['Mike Cardew'], ['ZUMA Press', 'Corbis']),
    ('© Corbis.  All Rights Reserved.', None, [], ['Corbis']),
    ('2008 Getty Images', None, [], ['Getty Images']),
    ('Helmut Schon for the Guardian', None, ['Helmut Schon'], ['The Guardian']),
    ('Helmut Schon for The GUARDIAN', None, ['Helmut Schon'], ['The Guardian']),
    ('Helmut Schon for the Guardian.', None, ['Helmut Schon'], ['The Guardian']),
    ('Christopher Thomond for the Gua', None, ['Christopher Thomond'], ['The Guardian']),
    ('Christopher Thomondxx for the O', None, ['Christopher Thomondxx'], ['The Observer']),
    ('JAMES GORRIE', None, ['James Gorrie'], []),
    ('james gorrie', None, ['James Gorrie'], []),
    ('SÉBASTIEN CEVEY', None, ['Sébastien Cevey'], []),
    ('PASCAL POCHARD-CASABIANCA/AFP', None, ['Pascal Pochard-Casabianca'], ['AFP']),
    ('DAVID M. BENETT/Getty Images', None, ['David M. Benett'], ['Getty Images']),
    ("STEFANIA D'ALESSANDRO/Getty", None, ["Stefania D'Alessandro"], ['Getty Images']),
    ('CATRINUS VAN DER VEEN/AFP', None, ['Catrinus van der Veen'], ['AFP']),
    ('FLEUR DE LA COUR/Reuters', None, ['Fleur de la Cour'], ['Reuters']),
    ('RICHARD WATT / HANDOUT', None, ['Richard Watt'], []),
    ('ASSOCIATED PRESS', None, [], ['AP']),
    ('Associated Press', None, [], ['AP']),
    ('Lehtikuva/ap', None, [], ['Lehtikuva', 'AP']),
    ('ABC/NYT/AP', None, [], ['ABC', 'The New York Times', 'AP']),
    ('Photographer /Invision/AP', None, [], ['Invision', 'AP']),
    ('Alamy Stock Photo', None, [], ['Alamy']),
    ('Prod.DB/Alamy Stock Photo', None, [], ['Prod.DB', 'Alamy']),
    ('Alamy Live News/Alamy Live News', None, [], ['Alamy Live News']),
    ('Allstar/UNIVERSAL', None, [], ['Allstar', 'Universal']),
    ('Sportsphoto Ltd./Allstar', None, [], ['Sportsphoto Ltd', 'Allstar']),
    ('Action images/Reuters', None, [], ['Action Images', 'Reuters']),
    ('RETUERS', None, [], ['Reuters']),
    ('John Doe/intermediary/via reuters', None, ['John Doe'], ['intermediary', 'Reuters']),
    ('John Doe/intermediary/ REUTERS', None, ['John Doe'], ['intermediary', 'Reuters']),
    ('John Doe/intermediary retuERS', None, ['John Doe'], ['intermediary', 'Reuters']),
    ('Ben Blackall/Netflix/PA wIRE/PA Photos', None, ['Ben Blackall'], ['Netflix', 'PA']),
    ('Ben Blackall/PA Archive/PA Images/Netflix', None, ['Ben Blackall'], ['PA', 'Netflix']),
    ('PA Archive/PA Images', None, [], ['PA']),
    ('Press Association Images', None, [], ['PA']),
    ('Tim Ireland/REX Shutterstock', None, ['Tim Ireland'], ['Shutterstock']),
    ('Bleddyn Butcher / Rex Features', None, ['Bleddyn Butcher'], ['Shutterstock']),
    ('AFP Contributor#AFP', None, [], ['AFP']),
    ('Getty Images Europe', None, [], ['Getty Images']),
    ('AAPIMAGE', None, [], ['AAP']),
    # Secondary credits after the picture's own (guardian/facia-tool's CAPI fixture)
    ('Photograph: Yuki Sugiura/The Guardian. Food styling: Aya Nishimura', 'Photograph', ['Yuki Sugiura'], ['The Guardian']),
    ('Photograph: Tommy Trenchard/Greenpeace', 'Photograph', ['Tommy Trenchard'], ['Greenpeace']),
    ('Photograph: ZUMA Press, Inc./Alamy', 'Photograph', [], ['ZUMA Press', 'Alamy']),
    # Misspellings and other canonical forms
    ('(Credit too long, see caption)', None, [], []),
    ('Photograph: Reutres', 'Photograph', [], ['Reuters']),
    ('Photograph: Reuter', 'Photograph', [], ['Reuters']),
    ('Photograph: Agence France-Presse', 'Photograph', [], ['AFP']),
    ('Photograph: ZUMA Press/Alamy', 'Photograph', [], ['ZUMA Press', 'Alamy']),
    ('Photograph: Redux/eyevine', 'Photograph', [], ['Redux', 'Eyevine']),
    ('Photograph: Magnum Photos', 'Photograph', [], ['Magnum']),
    ('Photograph: Panos Pictures', 'Photograph', [], ['Panos']),
    ('Photograph: Corbis via Getty Images', 'Photograph', [], ['Corbis', 'Getty Images']),
    ('Handout: Ukrainian Presidential Press Service', 'Handout', [], ['Ukrainian Presidential Press Service']),
    ('Photograph: Courtesy of the Ministry of Defence of Ukraine', 'Photograph', [], ['Ministry of Defence of Ukraine']),
]


@pytest.mark.parametrize("line,kind,creators,agencies", CREDITS, ids=[c[0] for c in CREDITS])
def test_credit_line_reads_into_kind_creators_and_agency_chain(line, kind, creators, agencies):
    credit = parse_credit(line)
    assert credit.kind == kind
    assert list(credit.creators) == creators
    assert list(credit.agencies) == agencies
    assert credit.agency == (agencies[-1] if agencies else None)
    assert credit.raw == line


def test_the_table_holds_at_least_80_real_forms():
    assert len({c[0] for c in CREDITS}) >= 80


@pytest.mark.parametrize("line", [
    "Photograph: Christopher Thomond/The Guardian",
    "Photograph: Linda Nylind for the Guardian",
    "Photograph: Andrew Testa for the Observer",
    "Helmut Schon for The GUARDIAN",
    "Christopher Thomond for the Gua",
])
def test_the_papers_own_pictures_are_staff(line):
    assert parse_credit(line).staff


@pytest.mark.parametrize("line", [
    "Photograph: Laura Boushnak/The New York Times",
    "Photograph: Sergei Supinsky/AFP/Getty Images",
    "Christopher Thom for the Garden",
])
def test_other_pictures_are_not_staff(line):
    assert not parse_credit(line).staff


def test_for_an_unknown_name_is_not_split():
    # grid: "for the Garden" is not a truncated Guardian
    assert parse_credit("Christopher Thom for the Garden").creators == ()
    assert parse_credit("Christopher Thom for the Garden").agencies == (
        "Christopher Thom for the Garden",)


@pytest.mark.parametrize("line", [
    "Photograph: Handout",
    "Photograph: Ministry of Defence/PA",
    "Photograph: Ukrainian Presidential Press Service/Handout via Reuters",
    "Ukrainian Presidential Press Service/Handout via REUTERS",
    "RICHARD WATT / HANDOUT",
    "Handout: Ukrainian Presidential Press Service",
    "Photograph: Courtesy of the Ministry of Defence of Ukraine",
    "HO/AFP",
])
def test_handouts_are_flagged(line):
    assert parse_credit(line).handout


def test_an_organisation_that_made_the_picture_is_not_a_creator():
    credit = parse_credit("Photograph: Ministry of Defence/PA")
    assert credit.creators == ()
    assert credit.agencies == ("Ministry of Defence", "PA")
    assert credit.agency == "PA"


@pytest.mark.parametrize("line", ["Pool/Yuri Gripas - Pool/CNP/Shutterstock", "POOL/Reuters",
                                  "Photograph: Pool/Getty Images"])
def test_pool_pictures_are_flagged_and_pool_is_not_an_agency(line):
    credit = parse_credit(line)
    assert credit.pool
    assert "Pool" not in credit.agencies


def test_shutterstock_reference_is_kept():
    credit = parse_credit(
        "Mandatory Credit: Photo by Jose Breton/NurPhoto/Shutterstock (16507315bs)")
    assert credit.reference == "16507315bs"


def test_credit_too_long_see_caption():
    credit = parse_credit("(Credit too long, see caption)")
    assert credit.see_caption
    assert credit.agency is None and credit.creators == ()


def test_empty_and_missing_credit():
    assert parse_credit("") == Credit(raw="")
    assert parse_credit(None).agency is None
    assert parse_credit("   ").creators == ()


def test_to_dict_has_the_keys_article_add_prints():
    credit = parse_credit("Photograph: Laura Boushnak/The New York Times")
    assert credit.to_dict() == {
        "kind": "Photograph", "creators": ["Laura Boushnak"], "agency": "The New York Times",
        "agencies": ["The New York Times"], "staff": False, "handout": False}


# --- names --------------------------------------------------------------------

@pytest.mark.parametrize("name,cleaned", [
    ("JAMES GORRIE", "James Gorrie"),
    ("james gorrie", "James Gorrie"),
    ("James Gorrie", "James Gorrie"),
    ("Sébastien Cevey", "Sébastien Cevey"),
    ("SÉBASTIEN CEVEY", "Sébastien Cevey"),
    ("PASCAL POCHARD-CASABIANCA", "Pascal Pochard-Casabianca"),
    ("DAVID M. BENETT", "David M. Benett"),
    ("STEFANIA D'ALESSANDRO", "Stefania D'Alessandro"),
    ("KIRSTY O\u2019CONNOR", "Kirsty O\u2019Connor"),
    ("CATRINUS VAN DER VEEN", "Catrinus van der Veen"),
    ("FLEUR DE LA COUR", "Fleur de la Cour"),
    ("WIN MCNAMEE", "Win McNamee"),
    ("Murdo MacLeod", "Murdo MacLeod"),
    ("Sam O'neill", "Sam O'neill"),  # mixed case is the photographer's own: left alone
])
def test_person_names_are_cased(name, cleaned):
    assert fix_name_case(name) == cleaned


# --- finding the credit at the end of a caption ------------------------------

@pytest.mark.parametrize("paragraph,caption,credit_line", [
    ("Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday. "
     "Photograph: Laura Boushnak/The New York Times",
     "Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday.",
     "Photograph: Laura Boushnak/The New York Times"),
    ("A man walks past a destroyed building in Kyiv. (AP Photo/Efrem Lukatsky)",
     "A man walks past a destroyed building in Kyiv.", "(AP Photo/Efrem Lukatsky)"),
    ("A man walks past a destroyed building in Kyiv. (AP Photo/Evgeniy Maloletka, File)",
     "A man walks past a destroyed building in Kyiv.", "(AP Photo/Evgeniy Maloletka, File)"),
    ("Firefighters work at the site of a drone strike in Kyiv. REUTERS/Gleb Garanich",
     "Firefighters work at the site of a drone strike in Kyiv.", "REUTERS/Gleb Garanich"),
    ("Firefighters work at the site in Kyiv, Ukraine December 19, 2022. "
     "REUTERS/Valentyn Ogirenko/File Photo",
     "Firefighters work at the site in Kyiv, Ukraine December 19, 2022.",
     "REUTERS/Valentyn Ogirenko/File Photo"),
    ("Firefighters work at the site of a drone strike in Kyiv. Gleb Garanich/Reuters",
     "Firefighters work at the site of a drone strike in Kyiv.", "Gleb Garanich/Reuters"),
    ("Smoke rises over the city. (Photo by Sergei Supinsky/AFP via Getty Images)",
     "Smoke rises over the city.", "(Photo by Sergei Supinsky/AFP via Getty Images)"),
    ("Smoke rises over the city (Photo by Chris McGrath/Getty Images)",
     "Smoke rises over the city", "(Photo by Chris McGrath/Getty Images)"),
    ("Mandatory Credit: Photo by Ken McKay/ITV/Shutterstock (16513246a)\nKatie Piper",
     None, None),
    ("Katie Piper on Loose Women. "
     "Mandatory Credit: Photo by Ken McKay/ITV/Shutterstock (16513246a)",
     "Katie Piper on Loose Women.",
     "Mandatory Credit: Photo by Ken McKay/ITV/Shutterstock (16513246a)"),
    ("Volodymyr Zelenskiy visits troops in Bakhmut. "
     "Photograph: Ukrainian Presidential Press Service/Reuters",
     "Volodymyr Zelenskiy visits troops in Bakhmut.",
     "Photograph: Ukrainian Presidential Press Service/Reuters"),
    ("Air raid sirens into Monday in Kyiv.\nPhotograph: Brendan Hoffman/The New York Times",
     "Air raid sirens into Monday in Kyiv.", "Photograph: Brendan Hoffman/The New York Times"),
    ("Photograph: Brendan Hoffman/The New York Times",
     "", "Photograph: Brendan Hoffman/The New York Times"),
    ("An illustration of the front line. Illustration: Guardian Design",
     "An illustration of the front line.", "Illustration: Guardian Design"),
    ("The minister in a video address. Video still: Ukrainian Presidential Press Service",
     "The minister in a video address.", "Video still: Ukrainian Presidential Press Service"),
    ("Tamal Ray\u2019s tahini and date brioche. "
     "Photograph: Yuki Sugiura/The Guardian. Food styling: Aya Nishimura",
     "Tamal Ray\u2019s tahini and date brioche.",
     "Photograph: Yuki Sugiura/The Guardian. Food styling: Aya Nishimura"),
    ("Protesters in Tbilisi. Photograph: Alex Wong and Win McNamee/Getty Images.",
     "Protesters in Tbilisi.", "Photograph: Alex Wong and Win McNamee/Getty Images."),
])
def test_find_credit_splits_a_caption(paragraph, caption, credit_line):
    found = find_credit(paragraph)
    if caption is None:
        assert found is None
    else:
        assert found == (caption, credit_line)


@pytest.mark.parametrize("paragraph", [
    "In advance of the talks, Kremlin spokesman Dmitry Peskov told journalists the two "
    "leaders would discuss integration, bilateral issues and regional and international "
    "problems. \u2013 Reuters",
    "Reuters was not able to independently verify the information.",
    "A Reuters witness reported that there was a fire as a result of the attack.",
    "The photograph: a man on a bench, which went round the world.",
    "Photograph: Laura Boushnak/The New York Times. The picture was taken on Saturday and "
    "shows workers installing a tree in the square.",
    "He flew to Minsk via Moscow/St Petersburg, officials said.",
    "The caption on the wall read Photo: none.",
    "",
    "The agency said the picture was taken by Gleb Garanich of Reuters.",
])
def test_find_credit_leaves_ordinary_paragraphs_alone(paragraph):
    assert find_credit(paragraph) is None


# --- agency names -------------------------------------------------------------

@pytest.mark.parametrize("name,canonical", [
    ("ASSOCIATED PRESS", "AP"), ("Associated Press", "AP"), ("AP", "AP"),
    ("REUTERS", "Reuters"), ("Reuter", "Reuters"), ("Reutres", "Reuters"),
    ("RETUERS", "Reuters"), ("Alamy Stock Photo", "Alamy"), ("GETTY", "Getty Images"),
    ("Getty", "Getty Images"), ("Getty Images", "Getty Images"),
    ("Agence France-Presse", "AFP"), ("Agence France Presse", "AFP"), ("EPA-EFE", "EPA"),
    ("PA Wire", "PA"), ("PA Images", "PA"), ("Press Association", "PA"),
    ("REX/Shutterstock", "Shutterstock"), ("REX", "Shutterstock"),
    ("ZUMA Wire", "ZUMA Press"), ("Zuma", "ZUMA Press"), ("NURPHOTO", "NurPhoto"),
    ("Anadolu Agency", "Anadolu"), ("the Guardian", "The Guardian"),
    ("New York Times", "The New York Times"), ("AFP via Getty Images", "Getty Images"),
    ("Some Local Agency", "Some Local Agency"), ("SOME LOCAL AGENCY", "Some Local Agency"),
])
def test_canonical_agency(name, canonical):
    assert canonical_agency(name) == canonical


def test_same_agency():
    assert same_agency("ASSOCIATED PRESS", "AP")
    assert same_agency("Reutres", "REUTERS")
    assert same_agency("REX/Shutterstock", "Shutterstock")
    assert same_agency("Sputnik/AFP via Getty Images", "GETTY")
    assert not same_agency("AFP", "Getty Images")
    assert not same_agency("AP", None)


def test_agency_aliases_map_every_spelling_to_a_canonical_name():
    aliases = agency_aliases()
    assert aliases["Associated Press"] == "AP"
    assert aliases["Alamy Stock Photo"] == "Alamy"
    assert aliases["Reuters"] == "Reuters"
    assert set(aliases.values()) <= set(aliases)  # canonical names are their own alias


def test_a_desk_can_use_its_own_agency_table(tmp_path):
    table = tmp_path / "agencies.toml"
    table.write_text('[agencies]\n"Kyiv Independent" = ["KI"]\n'
                     '[house]\npublications = ["Kyiv Independent"]\n', encoding="utf-8")
    data = load_agency_data(str(table))
    assert data.aliases["ki"] == "Kyiv Independent"
    assert data.house == ("Kyiv Independent",)


def test_a_broken_agency_table_is_a_clear_error(tmp_path):
    from archive.errors import UsageError
    table = tmp_path / "agencies.toml"
    table.write_text("[agencies\n", encoding="utf-8")
    with pytest.raises(UsageError, match="agencies.toml"):
        load_agency_data(str(table))
