"""Weekdays, dates and people named in captions."""

from datetime import date

import pytest

from archive.articles.mentions import (
    people_mentions, resolve_weekday, weekday_and_date_mentions)

MONDAY = date(2022, 12, 19)  # the Kyiv article's date


def only(text, article_date=MONDAY):
    found = weekday_and_date_mentions(text, article_date)
    assert len(found) == 1, found
    return found[0]


# --- weekdays ------------------------------------------------------------------

@pytest.mark.parametrize("text,phrase,weekday,modifier,on", [
    ("Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday.",
     "on Saturday", 5, None, date(2022, 12, 17)),
    ("Air raid sirens were blasting off most of the night into Monday in Kyiv.",
     "into Monday", 0, "into", date(2022, 12, 19)),
    ("Drones struck the capital early on Monday.", "early on Monday", 0, "early", MONDAY),
    ("Crowds gathered on Saturday night in Lviv.", "on Saturday night", 5, "night",
     date(2022, 12, 17)),
    ("Putin visited his operation's HQ on Friday.", "on Friday", 4, None, date(2022, 12, 16)),
    ("Sunday's vigil in Kharkiv.", "Sunday's", 6, None, date(2022, 12, 18)),
    ("The talks resume next Tuesday.", "next Tuesday", 1, "next", date(2022, 12, 20)),
    ("The strike last Monday destroyed the plant.", "last Monday", 0, "last", date(2022, 12, 12)),
    ("late on Wednesday evening", "late on Wednesday evening", 2, "late evening",
     date(2022, 12, 14)),
])
def test_weekdays(text, phrase, weekday, modifier, on):
    mention = only(text)
    assert mention.kind == "weekday"
    assert mention.text == phrase
    assert text[mention.start:mention.end] == phrase
    assert mention.span == (mention.start, mention.end)
    assert mention.value == weekday
    assert mention.modifier == modifier
    assert mention.on == on


def test_weekday_without_article_date_has_no_calendar_date():
    mention = only("on Saturday", None)
    assert mention.value == 5 and mention.on is None


def test_resolve_weekday_on_the_day_itself():
    assert resolve_weekday(0, MONDAY) == MONDAY
    assert resolve_weekday(0, MONDAY, "last") == date(2022, 12, 12)
    assert resolve_weekday(0, MONDAY, "next") == date(2022, 12, 26)


# --- dates ---------------------------------------------------------------------

@pytest.mark.parametrize("text,phrase,value", [
    ("Protesters on 17 December in Kyiv.", "17 December", date(2022, 12, 17)),
    ("Protesters on December 17 in Kyiv.", "December 17", date(2022, 12, 17)),
    ("Protesters, 17 Dec 2022.", "17 Dec 2022", date(2022, 12, 17)),
    ("Protesters, Dec. 17, 2022.", "Dec. 17, 2022", date(2022, 12, 17)),
    ("Protesters on the 3rd of March, 2021.", "3rd of March, 2021", date(2021, 3, 3)),
    ("Taken 2022-12-01 in Kyiv.", "2022-12-01", date(2022, 12, 1)),
    ("Taken on 5 January in Kyiv.", "5 January", date(2022, 1, 5)),
    ("A vigil on 24 February, a year on.", "24 February", date(2022, 2, 24)),
])
def test_dates(text, phrase, value):
    mention = only(text)
    assert mention.kind == "date"
    assert mention.text == phrase
    assert mention.value == value


def test_a_date_in_december_read_in_january_is_last_year():
    mention = only("on 17 December", date(2023, 1, 5))
    assert mention.value == date(2022, 12, 17)


def test_a_date_without_year_or_article_date_keeps_month_and_day():
    mention = only("on 17 December", None)
    assert mention.value is None
    assert mention.month_day == (12, 17)


def test_a_month_and_year_is_a_range():
    mention = only("Soldiers in Bakhmut in February 2023.")
    assert mention.value == (date(2023, 2, 1), date(2023, 2, 28))


def test_impossible_dates_and_times_are_not_dates():
    assert weekday_and_date_mentions("on 31 February", MONDAY) == []
    assert weekday_and_date_mentions("at 5.50am local time (7.50am GMT)", MONDAY) == []
    assert weekday_and_date_mentions("Theresa May said", MONDAY) == []


# --- relative ------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("told The Economist last week that", (date(2022, 12, 12), date(2022, 12, 18))),
    ("deployed to Belarus earlier this week", (date(2022, 12, 19), date(2022, 12, 19))),
    ("the strike yesterday", (date(2022, 12, 18), date(2022, 12, 18))),
    ("sirens last night", (date(2022, 12, 18), date(2022, 12, 19))),
    ("protests at the weekend", (date(2022, 12, 17), date(2022, 12, 18))),
    ("the attacks last month", (date(2022, 11, 1), date(2022, 11, 30))),
    ("a vigil this morning", (MONDAY, MONDAY)),
])
def test_relative_times(text, value):
    mention = only(text)
    assert mention.kind == "relative"
    assert mention.value == value


def test_relative_without_article_date_has_no_value():
    assert only("last week", None).value is None


def test_several_mentions_in_order_without_overlaps():
    text = ("Air raid sirens into Monday, after strikes on Saturday night and on "
            "17 December 2022, and last week.")
    found = weekday_and_date_mentions(text, MONDAY)
    assert [m.text for m in found] == [
        "into Monday", "on Saturday night", "17 December 2022", "last week"]
    assert [m.kind for m in found] == ["weekday", "weekday", "date", "relative"]


# --- people --------------------------------------------------------------------

class FakeGazetteer:
    """Finds the place names listed, as Gazetteer.find_in_text does."""

    def __init__(self, *names):
        self.names = names

    def find_in_text(self, text):
        hits = []
        for name in self.names:
            start = text.find(name)
            while start >= 0:
                hits.append((start, start + len(name), {"name": name}))
                start = text.find(name, start + 1)
        return sorted(hits)


def test_people_in_a_caption():
    text = ("Kyiv\u2019s mayor Vitali Klitschko and President Volodymyr Zelenskiy meet "
            "Oleskiy Kuleba on Saturday in central Kyiv.")
    assert people_mentions(text) == ["Vitali Klitschko", "Volodymyr Zelenskiy", "Oleskiy Kuleba"]


def test_people_with_particles_initials_and_possessives():
    text = "Catrinus van der Veen and David M. Benett watch Vladimir Putin's motorcade."
    assert people_mentions(text) == ["Catrinus van der Veen", "David M. Benett", "Vladimir Putin"]


def test_weekdays_months_titles_and_common_words_are_not_people():
    text = ("The Economist said on Monday 17 December that Kremlin leader Vladimir Putin "
            "and Ukrainian joint forces commander Serhiy Naev met. Workers install a "
            "Christmas Tree.")
    assert people_mentions(text) == ["Vladimir Putin", "Serhiy Naev"]


def test_places_from_the_gazetteer_are_not_people():
    text = "Residents of Kryvyi Rih greet Oleksandr Vilkul in Kryvyi Rih."
    assert "Kryvyi Rih" in people_mentions(text)  # without a gazetteer it looks like a name
    assert people_mentions(text, FakeGazetteer("Kryvyi Rih")) == ["Oleksandr Vilkul"]


def test_places_can_come_from_a_plain_function():
    text = "Volunteers in Bila Tserkva with Anna Petrenko."
    finder = FakeGazetteer("Bila Tserkva").find_in_text
    assert people_mentions(text, finder) == ["Anna Petrenko"]


def test_no_people():
    assert people_mentions("Air raid sirens were blasting off most of the night.") == []
    assert people_mentions("") == []
