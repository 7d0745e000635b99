"""Name keys: how a place name is folded so that spellings of one name meet.

Every key in the gazetteer and every query goes through
:func:`normalise_place_name`, so "KYIV", "Kyïv" and "Kyiv" are the same key and
"Київ" stays Cyrillic ("киів": ї and й lose their marks like any accented
letter).  Transliterations are added as *extra* keys at build time
(:func:`name_keys`), never by rewriting the query: anyascii for every
non-ASCII name (except in abjads, see there), and the Ukrainian national
romanisation (KMU 2010, the one Ukrainian authorities and most English-language
newspapers now use) for Ukrainian Cyrillic names, so "Солом'янський район"
also yields "Solomianskyi raion" even though GeoNames only spells it
"Solomyanskyi", and its popular variant that writes "Kyyiv".
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Apostrophes in all their forms are dropped ("Solom'yanka" = "Solomyanka"), and
# so are full stops ("St. Petersburg" = "St Petersburg", "U.S." = "US").
_DROPPED = set("'\u2019\u02bc\u2018\u201b`\u00b4\u02bb\u02b9\u2032.")
# Letters that NFKD does not decompose but that readers treat as their base letter.
_LETTERS = {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
            "ı": "i", "ħ": "h", "ŧ": "t", "ĸ": "k"}


class _FoldTable(dict):
    """A ``str.translate`` table that decides (and remembers) each character once."""

    def __missing__(self, code: int):
        ch = chr(code)
        category = unicodedata.category(ch)
        if ch in _DROPPED:
            value = None
        elif ch in _LETTERS:
            value = _LETTERS[ch]
        elif 0x300 <= code <= 0x36F:           # accents on Latin, Greek and Cyrillic letters
            value = None
        elif category == "Cf":                 # zero-width joiners and the like
            value = None
        elif category[0] in "PSZ" or ch in "\t\n\r\f\v":  # hyphens, commas, slashes, spaces
            value = " "
        else:
            value = ch
        self[code] = value
        return value


_FOLD = _FoldTable()
# The same decisions for plain ASCII, which most names are, as a byte table (fast).
_ASCII_TABLE = bytes(ord(_FOLD[c] or chr(c)) for c in range(128)) + bytes(range(128, 256))
_ASCII_DELETE = bytes(c for c in range(128) if _FOLD[c] is None)


def normalise_place_name(name: str) -> str:
    """The key a place name is stored and looked up under.

    Casefolded, accents removed (é → e, ї → і), apostrophes and full stops
    dropped, hyphens and other punctuation turned into single spaces.  Scripts
    stay what they are: Cyrillic stays Cyrillic, kana stays kana.
    """
    if name.isascii():
        return " ".join(name.lower().encode().translate(_ASCII_TABLE, _ASCII_DELETE).decode().split())
    folded = unicodedata.normalize("NFKD", name.casefold()).translate(_FOLD)
    return " ".join(unicodedata.normalize("NFC", folded).split())


# ------------------------------------------------------------------ Ukrainian

# KMU 2010 (Resolution 55 of the Cabinet of Ministers of Ukraine): the official
# romanisation, used in passports, on road signs and by the press ("Kyiv",
# "Kharkiv", "Solomianskyi").  The pairs give the spelling at the start of a
# word and elsewhere.  The few Russian letters that occur in Ukrainian place
# names written in Russian are given their usual values.
_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": ("ye", "ie"),
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": ("yi", "i"), "й": ("y", "i"), "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": ("yu", "iu"),
    "я": ("ya", "ia"), "ы": "y", "э": "e", "ё": ("yo", "io"), "ъ": "",
    "'": "", "\u2019": "", "\u02bc": "",
}
_UKRAINIAN_ONLY = set("іїєґ")


_CYRILLIC = re.compile("[\u0400-\u04ff]")


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


def is_ukrainian(text: str) -> bool:
    """Cyrillic with a letter that only Ukrainian uses (і, ї, є, ґ)."""
    return any(ch in _UKRAINIAN_ONLY for ch in text.casefold())


def kmu_romanise(text: str, initial_forms_everywhere: bool = False) -> str:
    """Ukrainian Cyrillic in the KMU 2010 romanisation, lower case.

    With ``initial_forms_everywhere`` the word-initial spellings (ya, yi, y,
    ye, yu) are used in every position: the popular romanisation that writes
    "Kyyiv" and "Solomyanskyy".  Characters that are not Ukrainian letters
    pass through unchanged.
    """
    text = unicodedata.normalize("NFC", text.casefold())
    out: list[str] = []
    previous = ""
    for ch in text:
        value = _KMU.get(ch)
        if value is None:
            out.append(ch)
        else:
            if isinstance(value, tuple):
                value = value[0] if initial_forms_everywhere or not previous.isalpha() else value[1]
            if ch == "г" and previous == "з":      # зг is "zgh", not "zh"
                value = "gh"
            out.append(value)
        if ch not in "'\u2019\u02bc":               # an apostrophe does not start a word
            previous = ch
    return "".join(out)


# ------------------------------------------------------------------ keys

# Words that name the kind of an administrative district; "Shevchenkivskyi
# District", "Солом'янський район" and "Sevcsenkivszkij kerület" are also known
# without them.
GENERIC_TAILS = frozenset({
    "district", "rayon", "raion", "rajon", "район", "районы", "raioni", "kerulet", "keruelet",
    "bezirk", "stadtbezirk", "stadtteil", "ortsteil", "borough", "microdistrict", "mikrorajon",
    "okrug", "округ", "ward", "quarter", "neighborhood", "neighbourhood",
})

# Qualities of a key: how a place came by it (lower is more certain).
PREFERRED, ALTERNATE, DERIVED = 0, 1, 2


# Hebrew, Arabic, Syriac, Thaana: scripts that leave most vowels unwritten.
_ABJAD = re.compile("[\u0590-\u07bf\u08a0-\u08ff\ufb1d-\ufefc]")


def name_keys(name: str, ukrainian_place: bool = False) -> set[str]:
    """The keys one written name is found under: itself and its transliterations.

    Names in abjads get no transliteration: without their vowels it comes out
    as consonant strings ("kyf" for كييف) that collide with unrelated names.
    """
    key = normalise_place_name(name)
    keys = {key}
    if not key.isascii() and not _ABJAD.search(key):
        keys.add(normalise_place_name(anyascii(name)))
        if has_cyrillic(name) and (ukrainian_place or is_ukrainian(name)):
            keys.add(normalise_place_name(kmu_romanise(name)))
            keys.add(normalise_place_name(kmu_romanise(name, initial_forms_everywhere=True)))
    keys.discard("")
    return keys


def without_generic_tail(key: str) -> str | None:
    """"shevchenkivskyi district" → "shevchenkivskyi"; None when there is no such tail."""
    head, _, tail = key.rpartition(" ")
    if head and tail in GENERIC_TAILS:
        return head
    return None


# ------------------------------------------------------------------ countries

# GeoNames' countries file has one English name per country.  These are the
# other names a desk meets in agency metadata and captions: common English
# forms, the usual endonyms, and ISO-like abbreviations that are unambiguous
# in text.  England, Scotland, Wales and Northern Ireland resolve to the United
# Kingdom, which is the level GeoNames and IPTC's country code work at.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("United States of America", "USA", "U.S.A.", "U.S.", "America", "Estados Unidos",
           "Vereinigte Staaten", "États-Unis", "США", "Сполучені Штати"),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "Royaume-Uni", "Vereinigtes Königreich", "Reino Unido",
           "Великобритания", "Велика Британія"),
    "UA": ("Україна", "Украина", "Ukraina", "Ukrajina", "Ukrainë", "the Ukraine"),
    "RU": ("Россия", "Росія", "Rossiya", "Russian Federation", "Rosja", "Russland"),
    "BY": ("Беларусь", "Білорусь", "Belorussia", "Byelorussia", "Belarus'", "Weißrussland"),
    "DE": ("Deutschland", "Allemagne", "Alemania", "Niemcy", "Німеччина", "Германия"),
    "FR": ("Frankreich", "Francia", "Francja", "Франція", "Франция"),
    "ES": ("España", "Spanien", "Espagne", "Hiszpania"),
    "IT": ("Italia", "Italien", "Italie", "Włochy"),
    "PL": ("Polska", "Polen", "Pologne", "Польща", "Польша"),
    "DK": ("Danmark", "Dänemark", "Danemark"),
    "SE": ("Sverige", "Schweden", "Suède"),
    "NO": ("Norge", "Noreg", "Norwegen", "Norvège"),
    "FI": ("Suomi", "Finnland", "Finlande"),
    "IS": ("Ísland",),
    "NL": ("Netherlands", "Holland", "Nederland", "Niederlande", "Pays-Bas"),
    "BE": ("Belgique", "België", "Belgien"),
    "CH": ("Schweiz", "Suisse", "Svizzera", "Svizra", "Helvetia"),
    "AT": ("Österreich", "Autriche"),
    "CZ": ("Czech Republic", "Česko", "Česká republika", "Tschechien"),
    "SK": ("Slovensko", "Slowakei"),
    "HU": ("Magyarország", "Ungarn"),
    "RO": ("România", "Rumänien"),
    "BG": ("България", "Bulgarien"),
    "GR": ("Ελλάδα", "Ελλάς", "Hellas", "Griechenland"),
    "HR": ("Hrvatska", "Kroatien"),
    "RS": ("Србија", "Srbija", "Serbien"),
    "SI": ("Slovenija",),
    "MD": ("Moldavia", "Republic of Moldova"),
    "MK": ("Macedonia", "Северна Македонија", "Former Yugoslav Republic of Macedonia"),
    "BA": ("Bosnia", "Bosnia-Herzegovina", "Bosna i Hercegovina"),
    "LT": ("Lietuva", "Litauen"),
    "LV": ("Latvija", "Lettland"),
    "EE": ("Eesti", "Estland"),
    "GE": ("Sakartvelo", "საქართველო"),
    "AM": ("Hayastan", "Հայաստան"),
    "TR": ("Türkiye", "Turkiye", "Türkei", "Turquie"),
    "PT": ("Portugal",),
    "IE": ("Éire", "Eire", "Republic of Ireland"),
    "CY": ("Κύπρος",),
    "IL": ("ישראל",),
    "PS": ("Palestine", "Palestinian Territories", "State of Palestine"),
    "SY": ("Syrian Arab Republic",),
    "IR": ("Persia", "Islamic Republic of Iran"),
    "SA": ("Kingdom of Saudi Arabia",),
    "AE": ("UAE", "U.A.E.", "Emirates", "the Emirates"),
    "EG": ("Misr",),
    "CN": ("中国", "People's Republic of China", "PRC", "Mainland China"),
    "TW": ("Republic of China", "台灣", "臺灣"),
    "JP": ("日本", "Nippon", "Nihon"),
    "KR": ("Korea", "Republic of Korea", "대한민국", "한국"),
    "KP": ("DPRK", "Democratic People's Republic of Korea"),
    "IN": ("Bharat", "भारत"),
    "MM": ("Burma",),
    "VN": ("Viet Nam",),
    "LA": ("Lao People's Democratic Republic",),
    "TL": ("East Timor", "Timor-Leste"),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa", "Zaire"),
    "CG": ("Congo-Brazzaville", "Congo"),
    "CV": ("Cape Verde",),
    "SZ": ("Swaziland",),
    "VA": ("Vatican City", "Holy See"),
    "MX": ("México", "Estados Unidos Mexicanos"),
    "BR": ("Brasil",),
    "GM": ("The Gambia",),
    "BS": ("The Bahamas",),
    "FM": ("Federated States of Micronesia",),
}

# Country abbreviations that may be found in running text (others, like "IT" or
# "IN", are ordinary words there).
TEXT_CODES = frozenset({"US", "USA", "UK", "UAE", "DRC", "DPRK", "PRC"})
