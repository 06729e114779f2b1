"""Fuzzy text matching for search, after PostgreSQL's pg_trgm and unaccent as PeerTube uses
them: text is folded (case and accents dropped), words are padded and cut into trigrams, and
a query matches a name when its trigrams resemble those of some run of the name's words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"\w+")
SIMILARITY_THRESHOLD = 0.4  # PeerTube's pg_trgm.word_similarity_threshold


def fold(text: str) -> str:
    """Case and accents ignored, as lower(unaccent(...))."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


@lru_cache(maxsize=65536)
def word_trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigrams(text_words: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for word in text_words:
        found |= word_trigrams(word)
    return frozenset(found)


def word_similarity(query_words: list[str], target_words: list[str]) -> float:
    """How well the query matches the best run of consecutive words of the target (0 to 1):
    shared trigrams over all trigrams of the query and that run."""
    query = trigrams(query_words)
    if not query or not target_words:
        return 0.0
    best = 0.0
    longest = len(query_words) + 1
    for start in range(len(target_words)):
        extent: set[str] = set()
        for end in range(start, min(start + longest, len(target_words))):
            extent |= word_trigrams(target_words[end])
            shared = len(query & extent)
            if shared:
                best = max(best, shared / len(query | extent))
    return best
