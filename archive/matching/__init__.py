"""Pairing an article's captions with photos in the archive.

One module per stage, as in beets' autotag (whether a credited photographer is
the one in the metadata is archive/name_match.py, which the house-style rules
ask too):

    facts.py       what a caption says and what a photo's metadata says, read once
    candidates.py  which photos could fit a caption (a bounded, indexed prefilter)
    score.py       how well a photo fits: named, weighted parts with their reasons
    assign.py      one photo per caption across the article; auto / suggested / none
    match.py       the above for an article, stored as proposals
    pairs.py       a person's word: accept, confirm, reject, re-pair, reset
    articles.py    adding, listing and showing the articles that are matched
"""

from archive.matching.articles import add_article, article_detail, list_articles, resolve_article
from archive.matching.assign import Thresholds
from archive.matching.candidates import Limits
from archive.matching.match import ArticleMatch, MatchSettings, PairResult, match_article, match_captions
from archive.matching.pairs import accept, confirm, reject, repair, reset

__all__ = [
    "ArticleMatch", "Limits", "MatchSettings", "PairResult", "Thresholds", "accept",
    "add_article", "article_detail", "confirm", "list_articles", "match_article",
    "match_captions", "reject", "repair", "reset", "resolve_article",
]
