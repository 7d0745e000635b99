"""Articles and their captions: reading an article file, the credit line at the
end of each caption, and what a caption says about when and who.

    credit.py    parse_credit, find_credit: credit lines into kind, creators, agencies
    agencies.py  canonical agency names from resources/agencies.toml
    reader.py    read_article: captions, title, date and text of .txt, .md, .html
    mentions.py  weekdays, dates and people named in a caption
"""

from archive.articles.agencies import agency_aliases, canonical_agency, same_agency
from archive.articles.credit import Credit, find_credit, parse_credit
from archive.articles.mentions import Mention, people_mentions, weekday_and_date_mentions
from archive.articles.reader import Article, CaptionFound, read_article

__all__ = [
    "Article", "CaptionFound", "Credit", "Mention", "agency_aliases", "canonical_agency",
    "find_credit", "parse_credit", "people_mentions", "read_article", "same_agency",
    "weekday_and_date_mentions",
]
