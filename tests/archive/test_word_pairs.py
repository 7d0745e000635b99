"""Phrases of common words answered from the kept pairs of words side by side
(archive/store/word_pairs.py): the same photos as FTS5's own phrase, without reading
the words' positions, before and after edits, in a fresh process and a long-lived one."""

from __future__ import annotations

import itertools
import random

import pytest

import archive.store.search as search_module
from archive.edit import edit_photo
from archive.store import word_pairs
from archive.store.bitmaps import Bitmaps, forget_memory
from archive.store.search import prepare, search

from .test_search_any_position import ON, WORDS, template, varied  # noqa: F401


def _fts(conn, phrase: str) -> set[int]:
    """The photos FTS5 itself finds for a phrase (its positions read, as the judge)."""
    return {r[0] for r in conn.execute(
        "SELECT p.id FROM photo_fts JOIN photos p ON p.sort_key = photo_fts.rowid WHERE photo_fts MATCH ?",
        (phrase,))}


def _found(conn, phrase: str) -> set[int]:
    return set(search(conn, phrase, limit=10_000, today=ON).photo_ids)


@pytest.fixture(autouse=True)
def pairs_only(monkeypatch):
    """No phrase answered by judging the few photos holding all its words (an archive
    this small has few of each): the kept pairs answer, or the index is read."""
    monkeypatch.setattr(search_module, "FEW_CANDIDATES", 0)


@pytest.fixture
def unread(monkeypatch):
    """Fail if a phrase's positions are read in full (a bitmap of the phrase made)."""
    made = Bitmaps.of

    def of(self, where, params=(), **kw):
        assert not any(isinstance(p, str) and p.startswith('"') and " " in p.strip('"') for p in params), \
            f"the positions of {params} were read"
        return made(self, where, params, **kw)

    monkeypatch.setattr(Bitmaps, "of", of)


def _phrases():
    rng = random.Random(5)
    pairs = [f'"{a} {b}"' for a, b in itertools.product(WORDS, WORDS)]
    triples = [f'"{" ".join(rng.sample(WORDS, rng.choice([3, 3, 4])))}"' for _ in range(40)]
    # Longer phrases that stand in captions: their words in a caption's own order.
    triples += ['"police protest market"', '"market river bridge"', '"snow rain police"']
    return pairs, triples


def test_every_pair_of_common_words_is_the_phrase_fts5_finds(varied, monkeypatch):
    conn = varied.conn
    prepare(conn, min_photos=2)
    kept = word_pairs.noted(conn)
    assert kept is not None and set(WORDS) <= kept.words
    pairs, triples = _phrases()
    expected = {p: _fts(conn, p) for p in pairs + triples}
    assert sum(1 for p in pairs if expected[p]) > 20          # the archive has side-by-side words
    forget_memory()
    made = Bitmaps.of

    def of(self, where, params=(), **kw):
        assert not any(p in pairs or p in triples for p in params), f"the positions of {params} were read"
        return made(self, where, params, **kw)

    monkeypatch.setattr(Bitmaps, "of", of)
    for phrase in pairs:
        assert _found(conn, phrase) == expected[phrase], phrase
    for phrase in triples:
        assert _found(conn, phrase) == expected[phrase], phrase
    assert sum(1 for p in triples if expected[p]) >= 3       # some longer phrases are found


def test_a_pair_across_two_fields_is_no_phrase(varied):
    """The caption's last word and the keyword after it are not side by side."""
    conn = varied.conn
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Crowd at the market", "keywords": ["river"]})
    prepare(conn, min_photos=2)
    forget_memory()
    assert pid not in _found(conn, '"market river"')
    assert _found(conn, '"market river"') == _fts(conn, '"market river"')


def test_edits_after_the_pairs_were_read_are_judged_again(varied):
    conn = varied.conn
    prepare(conn, min_photos=2)
    ids = [r[0] for r in conn.execute("SELECT id FROM photos WHERE coalesce(caption, '') <> '' ORDER BY id LIMIT 3")]
    made, unmade = ids[0], None
    # One photo gets a phrase it did not have; one that had a phrase loses it.
    edit_photo(varied, made, {"caption": "Snow concert by the river"})
    for phrase in ('"police protest"', '"museum festival"', '"rain snow"', '"bridge market"'):
        have = _fts(conn, phrase)
        if have - {made}:
            unmade = min(have - {made})
            edit_photo(varied, unmade, {"caption": "Nothing to see", "keywords": []})
            phrase_lost = phrase
            break
    assert unmade is not None
    for fresh in (False, True):
        if fresh:
            forget_memory()
        for a, b in itertools.product(WORDS, WORDS):
            phrase = f'"{a} {b}"'
            assert _found(conn, phrase) == _fts(conn, phrase), phrase
    assert made in _found(conn, '"snow concert"') and unmade not in _found(conn, phrase_lost)


def test_pairs_are_noted_again_and_unknown_words_fall_back_to_the_index(varied, monkeypatch):
    conn = varied.conn
    prepare(conn, min_photos=2)
    first = word_pairs.noted(conn)
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Zanzibar police protest"})
    monkeypatch.setattr(search_module, "RENOTE_AFTER", 0)     # as after an import of many
    prepare(conn, min_photos=2)
    again = word_pairs.noted(conn)
    assert again.generation > first.generation
    # A phrase with a word too rare to be kept is read from the index, and right.
    assert _found(conn, '"zanzibar police"') == {pid} == _fts(conn, '"zanzibar police"')
    # No pair of another generation is left behind.
    gens = {r[0] for r in conn.execute("SELECT generation FROM bitmap_cache WHERE key >= 'pair:' AND key < 'pair;'")}
    assert gens == {again.generation}


def test_a_longer_phrase_is_read_from_its_pairs_places_even_where_many_photos_hold_its_words(varied, monkeypatch):
    conn = varied.conn
    prepare(conn, min_photos=2)
    monkeypatch.setattr(search_module, "FEW_CANDIDATES", 10_000)
    forget_memory()
    made = Bitmaps.of

    def of(self, where, params=(), **kw):
        assert not any(isinstance(p, str) and p.count(" ") == 2 for p in params), f"{params} read in full"
        return made(self, where, params, **kw)

    _, triples = _phrases()
    expected = {p: _fts(conn, p) for p in triples}
    monkeypatch.setattr(Bitmaps, "of", of)
    for phrase in triples:
        assert _found(conn, phrase) == expected[phrase], phrase


def test_a_few_changed_photos_are_judged_by_the_phrase_not_by_noting_every_pair_again(varied):
    conn = varied.conn
    prepare(conn, min_photos=2)
    first = word_pairs.noted(conn)
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Museum festival"})
    prepare(conn, min_photos=2)
    # The pairs stay as they were read; the edited photo is judged by the phrase itself.
    assert word_pairs.noted(conn).generation == first.generation
    forget_memory()
    assert pid in _found(conn, '"museum festival"')
    assert _found(conn, '"museum festival"') == _fts(conn, '"museum festival"')


def test_a_phrase_with_punctuation_is_read_from_the_pairs_of_its_tokens(varied, unread):
    """FTS5 reads "market-river" as the tokens market, river: so do the pairs."""
    conn = varied.conn
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Snow-rain over the market, river police's boats"})
    prepare(conn, min_photos=2)
    forget_memory()
    for phrase in ('"snow-rain"', '"snow rain"', '"market, river"', '"MARKET/river"', "snow-rain", "market/river",
                   '"police-protest market"'):
        # An unquoted word with a hyphen is what FTS5 reads as that word quoted.
        assert _found(conn, phrase) == _fts(conn, '"' + phrase.strip('"') + '"'), phrase
    assert pid in _found(conn, '"snow-rain"') and pid in _found(conn, '"market, river"')


def test_changed_photos_too_slow_to_judge_one_by_one_have_the_phrase_read_whole(varied, monkeypatch):
    """Judging a phrase photo by photo stops at its time budget (some phrases cost FTS5
    5-10 ms a photo): the phrase is then read whole, and the answer is the same."""
    conn = varied.conn
    prepare(conn, min_photos=2)
    ids = [r[0] for r in conn.execute("SELECT id FROM photos ORDER BY id LIMIT 4")]
    for pid in ids:
        edit_photo(varied, pid, {"caption": "Snow concert by the river"})
    monkeypatch.setattr(search_module, "AMONG_BUDGET_S", 0.0)
    forget_memory()
    for phrase in ('"snow concert"', '"police protest"', '"concert river"'):
        assert _found(conn, phrase) == _fts(conn, phrase), phrase
    assert set(ids) <= _found(conn, '"snow concert"')


def test_credit_of_several_words_is_each_word_in_the_credit_field(varied):
    """credit:"new york" is every word in the credit field, as FTS5's column filter says,
    made of one bitmap a word (the common ones kept by prepare)."""
    conn = varied.conn
    prepare(conn, min_photos=2)
    forget_memory()
    for value in ("getty images", "new york times", "images getty", "reuters", "times afp", "york"):
        expected = {r[0] for r in conn.execute(
            "SELECT p.id FROM photo_fts JOIN photos p ON p.sort_key = photo_fts.rowid WHERE photo_fts MATCH ?",
            ("credit : (" + " AND ".join(f'"{w}"' for w in value.split()) + ")",))}
        assert set(search(conn, f'credit:"{value}"', limit=10_000, today=ON).photo_ids) == expected, value
    assert search(conn, 'credit:"getty images"', today=ON).total > 0


def test_photos_changed_since_are_judged_on_their_kept_text_not_one_by_one_in_the_index(varied, monkeypatch, unread):
    """FTS5 judges a phrase at one photo by first finding its first photo anywhere (a whole
    read for a rare phrase); the text of photos written since the pairs were read is kept
    (fts_recent) and judged in a small table with the same tokenizer."""
    conn = varied.conn
    prepare(conn, min_photos=2)
    ids = [r[0] for r in conn.execute("SELECT id FROM photos ORDER BY id LIMIT 3")]
    edit_photo(varied, ids[0], {"caption": "Snow concert by the river"})
    edit_photo(varied, ids[1], {"caption": "A concert in the snow"})
    assert {r[0] for r in conn.execute("SELECT photo_id FROM fts_recent")} == set(ids[:2])

    def one_by_one(self, expr, photos):
        raise AssertionError(f"{expr} judged photo by photo in the index")

    monkeypatch.setattr(search_module._Evaluator, "_among", one_by_one)
    forget_memory()
    for a, b in itertools.product(WORDS, WORDS):
        phrase = f'"{a} {b}"'
        assert _found(conn, phrase) == _fts(conn, phrase), phrase
    assert ids[0] in _found(conn, '"snow concert"') and ids[1] not in _found(conn, '"snow concert"')


def test_text_not_kept_of_a_changed_photo_falls_back_to_the_index(varied):
    conn = varied.conn
    prepare(conn, min_photos=2)
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Snow concert by the river"})
    conn.execute("DELETE FROM fts_recent")          # as for a photo written while the pairs were read
    forget_memory()
    assert pid in _found(conn, '"snow concert"')
    assert _found(conn, '"snow concert"') == _fts(conn, '"snow concert"')


def test_the_kept_text_goes_when_the_pairs_are_read_again(varied, monkeypatch):
    conn = varied.conn
    assert conn.execute("SELECT count(*) FROM fts_recent").fetchone()[0] == 0   # no pairs kept yet: none
    prepare(conn, min_photos=2)
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Snow concert by the river"})
    assert conn.execute("SELECT count(*) FROM fts_recent").fetchone()[0] == 1
    monkeypatch.setattr(search_module, "RENOTE_AFTER", 0)
    prepare(conn, min_photos=2)
    assert conn.execute("SELECT count(*) FROM fts_recent").fetchone()[0] == 0
