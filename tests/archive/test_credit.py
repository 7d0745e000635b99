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
    ('Photograph: Brendan Hoffman/The New York Times', 'Photograph', ['Brendan Hoffman'], 'The New York Times', ['The New York Times']),
    ('Photograph: Laura Boushnak/The New York Times', 'Photograph', ['Laura Boushnak'], 'The New York Times', ['The New York Times']),
    ('Photograph: Gleb Garanich/Reuters', 'Photograph', ['Gleb Garanich'], 'Reuters', ['Reuters']),
    ('Photograph: Sergei Supinsky/AFP/Getty Images', 'Photograph', ['Sergei Supinsky'], 'AFP/Getty Images', ['AFP', 'Getty Images']),
    ('Photograph: Sergei Supinsky/AFP via Getty Images', 'Photograph', ['Sergei Supinsky'], 'AFP via Getty Images', ['AFP', 'Getty Images']),
    ('Photograph: Efrem Lukatsky/AP', 'Photograph', ['Efrem Lukatsky'], 'AP', ['AP']),
    ('Photograph: Anadolu Agency/Getty Images', 'Photograph', [], 'Anadolu Agency/Getty Images', ['Anadolu', 'Getty Images']),
    ('Photograph: Ukrainian Presidential Press Service/Reuters', 'Photograph', [], 'Ukrainian Presidential Press Service/Reuters', ['Ukrainian Presidential Press Service', 'Reuters']),
    ('Photograph: Ukrainian Presidential Press Service/Handout via Reuters', 'Photograph', [], 'Ukrainian Presidential Press Service/Handout via Reuters', ['Ukrainian Presidential Press Service', 'Reuters']),
    ('Photograph: Andrew Matthews/PA', 'Photograph', ['Andrew Matthews'], 'PA', ['PA']),
    ('Photograph: Stefan Rousseau/PA Wire', 'Photograph', ['Stefan Rousseau'], 'PA Wire', ['PA']),
    ('Photograph: Christopher Thomond/The Guardian', 'Photograph', ['Christopher Thomond'], 'The Guardian', ['The Guardian']),
    ('Photograph: Linda Nylind for the Guardian', 'Photograph', ['Linda Nylind'], 'the Guardian', ['The Guardian']),
    ('Photograph: Andrew Testa for the Observer', 'Photograph', ['Andrew Testa'], 'the Observer', ['The Observer']),
    ('Photograph: Antonio Olmos/The Observer', 'Photograph', ['Antonio Olmos'], 'The Observer', ['The Observer']),
    ('Photograph: Jeff J Mitchell/Getty Images', 'Photograph', ['Jeff J Mitchell'], 'Getty Images', ['Getty Images']),
    ("Photograph: Kirsty O'Connor/PA", 'Photograph', ["Kirsty O'Connor"], 'PA', ['PA']),
    ('Composite: Guardian Design/Getty Images/Reuters', 'Composite', [], 'Guardian Design/Getty Images/Reuters', ['Guardian Design', 'Getty Images', 'Reuters']),
    ('Illustration: Guardian Design', 'Illustration', [], 'Guardian Design', ['Guardian Design']),
    ('Photograph: Xinhua/Shutterstock', 'Photograph', [], 'Xinhua/Shutterstock', ['Xinhua', 'Shutterstock']),
    ('Photograph: SOPA Images/LightRocket via Getty Images', 'Photograph', [], 'SOPA Images/LightRocket via Getty Images', ['SOPA Images', 'LightRocket', 'Getty Images']),
    ('Photograph: NurPhoto/Getty Images', 'Photograph', [], 'NurPhoto/Getty Images', ['NurPhoto', 'Getty Images']),
    ('Photograph: Alamy', 'Photograph', [], 'Alamy', ['Alamy']),
    ('Photograph: Handout', 'Photograph', [], None, []),
    ('Video still: BBC', 'Video still', [], 'BBC', ['BBC']),
    ('Screengrab: Sky News', 'Screengrab', [], 'Sky News', ['Sky News']),
    ('Photograph: Ministry of Defence/PA', 'Photograph', [], 'Ministry of Defence/PA', ['Ministry of Defence', 'PA']),
    ('Photograph: Serhii Nuzhnenko/Radio Liberty', 'Photograph', ['Serhii Nuzhnenko'], 'Radio Liberty', ['RFE/RL']),
    ('Photograph: Radio Liberty', 'Photograph', [], 'Radio Liberty', ['RFE/RL']),
    ('Photograph: Serhii Nuzhnenko/RFE/RL', 'Photograph', ['Serhii Nuzhnenko'], 'RFE/RL', ['RFE/RL']),
    ('Photograph: Serhii Nuzhnenko/Radio Free Europe/Radio Liberty', 'Photograph', ['Serhii Nuzhnenko'], 'Radio Free Europe/Radio Liberty', ['RFE/RL']),
    ('Photograph: Serhii Nuzhnenko / RFE / RL via AP', 'Photograph', ['Serhii Nuzhnenko'], 'RFE/RL via AP', ['RFE/RL', 'AP']),
    ('Photograph: Jane Doe/The Irish Times', 'Photograph', ['Jane Doe'], 'The Irish Times', ['The Irish Times']),
    ('Photograph: Kim Ludbrook/Daily Maverick', 'Photograph', ['Kim Ludbrook'], 'Daily Maverick', ['Daily Maverick']),
    ('Photograph: Ukrinform/Shutterstock', 'Photograph', [], 'Ukrinform/Shutterstock', ['Ukrinform', 'Shutterstock']),
    ('Photograph: Sipa USA/Alamy', 'Photograph', [], 'Sipa USA/Alamy', ['Sipa', 'Alamy']),
    ('Photograph: Bloomberg via Getty Images', 'Photograph', [], 'Bloomberg via Getty Images', ['Bloomberg', 'Getty Images']),
    ('Photograph: Yui Mok/PA', 'Photograph', ['Yui Mok'], 'PA', ['PA']),
    ('Photograph: Tolga Akmen/EPA', 'Photograph', ['Tolga Akmen'], 'EPA', ['EPA']),
    ('Photograph: Andy Rain/EPA-EFE', 'Photograph', ['Andy Rain'], 'EPA-EFE', ['EPA']),
    ('Photograph: Lynsey Addario for The New York Times', 'Photograph', ['Lynsey Addario'], 'The New York Times', ['The New York Times']),
    ('Photograph: Alex Wong and Win McNamee/Getty Images', 'Photograph', ['Alex Wong', 'Win McNamee'], 'Getty Images', ['Getty Images']),
    ('Photograph: Dan Kitwood, Leon Neal/Getty Images', 'Photograph', ['Dan Kitwood', 'Leon Neal'], 'Getty Images', ['Getty Images']),
    ('Photograph: Sputnik/AFP via Getty Images', 'Photograph', [], 'Sputnik/AFP via Getty Images', ['Sputnik', 'AFP', 'Getty Images']),
    ('Photograph: Mikhail Metzel/Sputnik/AFP via Getty Images', 'Photograph', ['Mikhail Metzel'], 'Sputnik/AFP via Getty Images', ['Sputnik', 'AFP', 'Getty Images']),
    ('Photo: Alex Brandon/AP', 'Photo', ['Alex Brandon'], 'AP', ['AP']),
    ('Picture: PA', 'Picture', [], 'PA', ['PA']),
    ('Pictures: Getty', 'Picture', [], 'Getty', ['Getty Images']),
    ('Photograph: Murdo MacLeod/The Guardian', 'Photograph', ['Murdo MacLeod'], 'The Guardian', ['The Guardian']),
    # The agencies' own styles: AP, Reuters, AFP and Getty, Shutterstock's 'Mandatory Credit', EPA
    ('(AP Photo/Efrem Lukatsky)', 'Photo', ['Efrem Lukatsky'], 'AP', ['AP']),
    ('(AP Photo/Evgeniy Maloletka, File)', 'Photo', ['Evgeniy Maloletka'], 'AP', ['AP']),
    ('(AP Photo)', 'Photo', [], 'AP', ['AP']),
    ('AP Photo/Andrew Kravchenko', 'Photo', ['Andrew Kravchenko'], 'AP', ['AP']),
    ('REUTERS/Gleb Garanich', None, ['Gleb Garanich'], 'REUTERS', ['Reuters']),
    ('REUTERS/Valentyn Ogirenko/File Photo', None, ['Valentyn Ogirenko'], 'REUTERS', ['Reuters']),
    ('REUTERS/Stringer', None, [], 'REUTERS', ['Reuters']),
    ('Ukrainian Presidential Press Service/Handout via REUTERS', None, [], 'Ukrainian Presidential Press Service/Handout via REUTERS', ['Ukrainian Presidential Press Service', 'Reuters']),
    ('Sputnik/Gavriil Grigorov/Kremlin via REUTERS', None, ['Gavriil Grigorov'], 'Sputnik/Kremlin via REUTERS', ['Sputnik', 'Kremlin', 'Reuters']),
    ('(Photo by Sergei Supinsky / AFP)', 'Photo', ['Sergei Supinsky'], 'AFP', ['AFP']),
    ('(Photo by GENYA SAVILOV/AFP via Getty Images)', 'Photo', ['Genya Savilov'], 'AFP via Getty Images', ['AFP', 'Getty Images']),
    ('(Photo by Chris McGrath/Getty Images)', 'Photo', ['Chris McGrath'], 'Getty Images', ['Getty Images']),
    ('(Photo by Leon Neal/Getty Images)', 'Photo', ['Leon Neal'], 'Getty Images', ['Getty Images']),
    ('(Photo by Dia Dipasupil/Getty Images for Tribeca Festival)', 'Photo', ['Dia Dipasupil'], 'Getty Images for Tribeca Festival', ['Getty Images']),
    ('Mandatory Credit: Photo by Jose Breton/NurPhoto/Shutterstock (16507315bs)', 'Photo', ['Jose Breton'], 'NurPhoto/Shutterstock', ['NurPhoto', 'Shutterstock']),
    ('Mandatory Credit: Photo by Ken McKay/ITV/Shutterstock (16513246a)', 'Photo', ['Ken McKay'], 'ITV/Shutterstock', ['ITV', 'Shutterstock']),
    ('Mandatory Credit: Photo by Action Press/Shutterstock (16512200n)', 'Photo', [], 'Action Press/Shutterstock', ['Action Press', 'Shutterstock']),
    ('Mandatory Credit: Photo by Anthony Harvey/Shutterstock (16501549o)', 'Photo', ['Anthony Harvey'], 'Shutterstock', ['Shutterstock']),
    ('Mandatory Credit: Photo by Sachelle Babbar/ZUMA Wire/REX/Shutterstock (9011672i)', 'Photo', ['Sachelle Babbar'], 'ZUMA Wire/REX/Shutterstock', ['ZUMA Press', 'Shutterstock']),
    ('Mandatory Credit: Photo by Yuri Gripas - Pool via CNP/Shutterstock (16452941i)', 'Photo', ['Yuri Gripas'], 'Pool via CNP/Shutterstock', ['CNP', 'Shutterstock']),
    ('Mandatory Credit: Photo by Kobe Li/Nexpher via ZUMA Press Wire/Shutterstock (16520092w)', 'Photo', ['Kobe Li'], 'Nexpher via ZUMA Press Wire/Shutterstock', ['Nexpher', 'ZUMA Press', 'Shutterstock']),
    ('EPA/SERGEY DOLZHENKO', None, ['Sergey Dolzhenko'], 'EPA', ['EPA']),
    ('EPA-EFE/OLEG PETRASYUK', None, ['Oleg Petrasyuk'], 'EPA-EFE', ['EPA']),
    # guardian/grid cleanup tests (common-lib/.../cleanup/*Test.scala): separators, junk tokens,
    # copyright prefixes, capitalisation, canonical agencies
    ('Ilyas Akengin/AFP/Getty Images', None, ['Ilyas Akengin'], 'AFP/Getty Images', ['AFP', 'Getty Images']),
    ('Ella Ling/BPI/REX', None, ['Ella Ling'], 'BPI/REX', ['BPI', 'Shutterstock']),
    ('Joe Newman / National Pictures', None, ['Joe Newman'], 'National Pictures', ['National Pictures']),
    ('Andy Rowland via UK Sports Pics Ltd', None, ['Andy Rowland'], 'UK Sports Pics Ltd', ['UK Sports Pics Ltd']),
    ('Philip Glass - Barcroft Media', None, ['Philip Glass'], 'Barcroft Media', ['Barcroft Media']),
    ('Philip Glass#Barcroft Media', None, ['Philip Glass'], 'Barcroft Media', ['Barcroft Media']),
    ('Philip Glass via BaRcRoFt MEDIA', None, ['Philip Glass'], 'BaRcRoFt MEDIA', ['Barcroft Media']),
    ('John Doe /via BPI/REX', None, ['John Doe'], 'BPI/REX', ['BPI', 'Shutterstock']),
    ('John Doe !via! BPI/REX', None, ['John Doe'], 'BPI/REX', ['BPI', 'Shutterstock']),
    ('John Doe vIa BPI/REX', None, ['John Doe'], 'BPI/REX', ['BPI', 'Shutterstock']),
    ('HANDOUT/POOL/Credit', None, [], None, []),
    ('Pool/Yuri Gripas - Pool/CNP/Shutterstock', None, ['Yuri Gripas'], 'Pool/CNP/Shutterstock', ['CNP', 'Shutterstock']),
    ('Nexpher/ZUMA Press Wire/Shutterstock', None, [], 'Nexpher/ZUMA Press Wire/Shutterstock', ['Nexpher', 'ZUMA Press', 'Shutterstock']),
    ('© Acme Corporation', None, [], 'Acme Corporation', ['Acme Corporation']),
    ('Copyright Acme Corporation', None, [], 'Acme Corporation', ['Acme Corporation']),
    ('Copyright of Acme Corporation', None, [], 'Acme Corporation', ['Acme Corporation']),
    ('Copyright : Acme Corporation', None, [], 'Acme Corporation', ['Acme Corporation']),
    ('(c) Acme Corporation', None, [], 'Acme Corporation', ['Acme Corporation']),
    ('Copyright (c) Acme Corporation', None, [], 'Acme Corporation', ['Acme Corporation']),
    ('© Mike Cardew/ZUMA Press/Corbis', None, ['Mike Cardew'], 'ZUMA Press/Corbis', ['ZUMA Press', 'Corbis']),
    ('© Corbis.  All Rights Reserved.', None, [], 'Corbis', ['Corbis']),
    ('2008 Getty Images', None, [], 'Getty Images', ['Getty Images']),
    ('Helmut Schon for the Guardian', None, ['Helmut Schon'], 'the Guardian', ['The Guardian']),
    ('Helmut Schon for The GUARDIAN', None, ['Helmut Schon'], 'The GUARDIAN', ['The Guardian']),
    ('Helmut Schon for the Guardian.', None, ['Helmut Schon'], 'the Guardian', ['The Guardian']),
    ('Christopher Thomond for the Gua', None, ['Christopher Thomond'], 'the Gua', ['The Guardian']),
    ('Christopher Thomondxx for the O', None, ['Christopher Thomondxx'], 'the O', ['The Observer']),
    ('JAMES GORRIE', None, ['James Gorrie'], None, []),
    ('james gorrie', None, ['James Gorrie'], None, []),
    ('SÉBASTIEN CEVEY', None, ['Sébastien Cevey'], None, []),
    ('PASCAL POCHARD-CASABIANCA/AFP', None, ['Pascal Pochard-Casabianca'], 'AFP', ['AFP']),
    ('DAVID M. BENETT/Getty Images', None, ['David M. Benett'], 'Getty Images', ['Getty Images']),
    ("STEFANIA D'ALESSANDRO/Getty", None, ["Stefania D'Alessandro"], 'Getty', ['Getty Images']),
    ('CATRINUS VAN DER VEEN/AFP', None, ['Catrinus van der Veen'], 'AFP', ['AFP']),
    ('FLEUR DE LA COUR/Reuters', None, ['Fleur de la Cour'], 'Reuters', ['Reuters']),
    ('RICHARD WATT / HANDOUT', None, ['Richard Watt'], None, []),
    ('ASSOCIATED PRESS', None, [], 'ASSOCIATED PRESS', ['AP']),
    ('Associated Press', None, [], 'Associated Press', ['AP']),
    ('Lehtikuva/ap', None, [], 'Lehtikuva/ap', ['Lehtikuva', 'AP']),
    ('ABC/NYT/AP', None, [], 'ABC/NYT/AP', ['ABC', 'The New York Times', 'AP']),
    ('Photographer /Invision/AP', None, [], 'Invision/AP', ['Invision', 'AP']),
    ('Alamy Stock Photo', None, [], 'Alamy Stock Photo', ['Alamy']),
    ('Prod.DB/Alamy Stock Photo', None, [], 'Prod.DB/Alamy Stock Photo', ['Prod.DB', 'Alamy']),
    ('Alamy Live News/Alamy Live News', None, [], 'Alamy Live News', ['Alamy Live News']),
    ('Allstar/UNIVERSAL', None, [], 'Allstar/UNIVERSAL', ['Allstar', 'Universal']),
    ('Sportsphoto Ltd./Allstar', None, [], 'Sportsphoto Ltd/Allstar', ['Sportsphoto Ltd', 'Allstar']),
    ('Action images/Reuters', None, [], 'Action images/Reuters', ['Action Images', 'Reuters']),
    ('RETUERS', None, [], 'RETUERS', ['Reuters']),
    ('John Doe/intermediary/via reuters', None, ['John Doe'], 'intermediary via reuters', ['intermediary', 'Reuters']),
    ('John Doe/intermediary/ REUTERS', None, ['John Doe'], 'intermediary/REUTERS', ['intermediary', 'Reuters']),
    ('John Doe/intermediary retuERS', None, ['John Doe'], 'intermediary retuERS', ['intermediary', 'Reuters']),
    ('Ben Blackall/Netflix/PA wIRE/PA Photos', None, ['Ben Blackall'], 'Netflix/PA wIRE/PA Photos', ['Netflix', 'PA']),
    ('Ben Blackall/PA Archive/PA Images/Netflix', None, ['Ben Blackall'], 'PA Archive/PA Images/Netflix', ['PA', 'Netflix']),
    ('PA Archive/PA Images', None, [], 'PA Archive/PA Images', ['PA']),
    ('Press Association Images', None, [], 'Press Association Images', ['PA']),
    ('Tim Ireland/REX Shutterstock', None, ['Tim Ireland'], 'REX Shutterstock', ['Shutterstock']),
    ('Bleddyn Butcher / Rex Features', None, ['Bleddyn Butcher'], 'Rex Features', ['Shutterstock']),
    ('AFP Contributor#AFP', None, [], 'AFP Contributor/AFP', ['AFP']),
    ('Getty Images Europe', None, [], 'Getty Images Europe', ['Getty Images']),
    ('AAPIMAGE', None, [], 'AAPIMAGE', ['AAP']),
    # Secondary credits after the picture's own (guardian/facia-tool's CAPI fixture)
    ('Photograph: Yuki Sugiura/The Guardian. Food styling: Aya Nishimura', 'Photograph', ['Yuki Sugiura'], 'The Guardian', ['The Guardian']),
    ('Photograph: Tommy Trenchard/Greenpeace', 'Photograph', ['Tommy Trenchard'], 'Greenpeace', ['Greenpeace']),
    ('Photograph: ZUMA Press, Inc./Alamy', 'Photograph', [], 'ZUMA Press/Alamy', ['ZUMA Press', 'Alamy']),
    # Misspellings and other canonical forms
    ('(Credit too long, see caption)', None, [], None, []),
    ('Photograph: Reutres', 'Photograph', [], 'Reutres', ['Reuters']),
    ('Photograph: Reuter', 'Photograph', [], 'Reuter', ['Reuters']),
    ('Photograph: Agence France-Presse', 'Photograph', [], 'Agence France-Presse', ['AFP']),
    ('Photograph: ZUMA Press/Alamy', 'Photograph', [], 'ZUMA Press/Alamy', ['ZUMA Press', 'Alamy']),
    ('Photograph: Redux/eyevine', 'Photograph', [], 'Redux/eyevine', ['Redux', 'Eyevine']),
    ('Photograph: Magnum Photos', 'Photograph', [], 'Magnum Photos', ['Magnum']),
    ('Photograph: Panos Pictures', 'Photograph', [], 'Panos Pictures', ['Panos']),
    ('Photograph: Corbis via Getty Images', 'Photograph', [], 'Corbis via Getty Images', ['Corbis', 'Getty Images']),
    ('Handout: Ukrainian Presidential Press Service', 'Handout', [], 'Ukrainian Presidential Press Service', ['Ukrainian Presidential Press Service']),
    ('Photograph: Courtesy of the Ministry of Defence of Ukraine', 'Photograph', [], 'Ministry of Defence of Ukraine', ['Ministry of Defence of Ukraine']),
    # The agency chain as credited (issue 15): the chain is kept whole, its members resolved;
    # after the last slash of "Name/Agency" stands the agency, known to the table or not.
    ('Photograph: Hannah McKay/Pool/AFP via Getty Images', 'Photograph', ['Hannah McKay'], 'Pool/AFP via Getty Images', ['AFP', 'Getty Images']),
    ('Photograph: Mette Jørgensen/Ritzau Scanpix', 'Photograph', ['Mette Jørgensen'], 'Ritzau Scanpix', ['Ritzau Scanpix']),
    ('Photograph: Anna Berg/Nordlys Bilder', 'Photograph', ['Anna Berg'], 'Nordlys Bilder', ['Nordlys Bilder']),
    ('Photograph: Anna Berg/Nordlys Bilder via Reuters', 'Photograph', ['Anna Berg'], 'Nordlys Bilder via Reuters', ['Nordlys Bilder', 'Reuters']),
    ('Anna Berg and Jon Lie/Fjord Foto', None, ['Anna Berg', 'Jon Lie'], 'Fjord Foto', ['Fjord Foto']),
    ('Anna Berg - Fjord Foto', None, ['Anna Berg'], 'Fjord Foto', ['Fjord Foto']),
    ('Photograph: Jakub Kamiński/East News', 'Photograph', ['Jakub Kamiński'], 'East News', ['East News']),
    ('EPA-EFE/STRINGER', None, [], 'EPA-EFE', ['EPA']),
    ('EPA-EFE/SERGEY DOLZHENKO', None, ['Sergey Dolzhenko'], 'EPA-EFE', ['EPA']),
    ('Reuters/Valentyn Ogirenko', None, ['Valentyn Ogirenko'], 'Reuters', ['Reuters']),
    ('REUTERS/Viacheslav Ratynskyi Purchase Licensing Rights', None, ['Viacheslav Ratynskyi'], 'REUTERS', ['Reuters']),
    ('Handout/Reuters', None, [], 'Handout/Reuters', ['Reuters']),
    ('Ludovic Marin/Pool via REUTERS', None, ['Ludovic Marin'], 'Pool via REUTERS', ['Reuters']),
    ('(AP Photo/LIBKOS)', 'Photo', ['Libkos'], 'AP', ['AP']),
    ('(AP Photo/Roman Chop)', 'Photo', ['Roman Chop'], 'AP', ['AP']),
    ('(Ukrainian Presidential Press Office via AP)', None, [], 'Ukrainian Presidential Press Office via AP', ['Ukrainian Presidential Press Service', 'AP']),
    ('(Kay Nietfeld/dpa via AP)', None, ['Kay Nietfeld'], 'dpa via AP', ['dpa', 'AP']),
    ('AFP PHOTO / SERGEI SUPINSKY', 'Photo', ['Sergei Supinsky'], 'AFP', ['AFP']),
    ('STRINGER/AFP via Getty Images', None, [], 'AFP via Getty Images', ['AFP', 'Getty Images']),
    ('Metin Aktas/Anadolu via Getty Images', None, ['Metin Aktas'], 'Anadolu via Getty Images', ['Anadolu', 'Getty Images']),
    ('Photo by Heidi Levine/SOPA Images/LightRocket via Getty Images', 'Photo', ['Heidi Levine'], 'SOPA Images/LightRocket via Getty Images', ['SOPA Images', 'LightRocket', 'Getty Images']),
    ('Getty Images/Getty Images for Tribeca Festival', None, [], 'Getty Images/Getty Images for Tribeca Festival', ['Getty Images']),
    ('(Photo by Kevin Mazur/Getty Images for The Recording Academy)', 'Photo', ['Kevin Mazur'], 'Getty Images for The Recording Academy', ['Getty Images']),
    ('Heidi Levine for The Washington Post', None, ['Heidi Levine'], 'The Washington Post', ['The Washington Post']),
    ('(Photos by Heidi Levine for The Washington Post)', 'Photo', ['Heidi Levine'], 'The Washington Post', ['The Washington Post']),
    ('Photograph: Ricky Carioti/The Washington Post', 'Photograph', ['Ricky Carioti'], 'The Washington Post', ['The Washington Post']),
    ('Courtesy of the White House', None, [], 'White House', ['White House']),
    ('Photo courtesy of NASA', 'Photo', [], 'NASA', ['NASA']),
    ('Courtesy of Jane Smith', None, ['Jane Smith'], None, []),
    ('Photograph: courtesy of Ukraine’s armed forces', 'Photograph', [], 'Ukraine’s armed forces', ['Ukraine’s armed forces']),
]


@pytest.mark.parametrize("line,kind,creators,chain,agencies", CREDITS, ids=[c[0] for c in CREDITS])
def test_credit_line_reads_into_kind_creators_and_agency_chain(line, kind, creators, chain, agencies):
    credit = parse_credit(line)
    assert credit.kind == kind
    assert list(credit.creators) == creators
    assert credit.agency == chain          # the chain as credited
    assert list(credit.agencies) == agencies  # its members, canonical, originator first
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
    assert credit.agency == "Ministry of Defence/PA"


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
        "agencies": ["The New York Times"], "pool": False, "handout": False, "staff": False}
    assert parse_credit("Photograph: Hannah McKay/Pool/AFP via Getty Images").to_dict() == {
        "kind": "Photograph", "creators": ["Hannah McKay"], "agency": "Pool/AFP via Getty Images",
        "agencies": ["AFP", "Getty Images"], "pool": True, "handout": False, "staff": False}


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
