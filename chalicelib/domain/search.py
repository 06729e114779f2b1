"""Search over the catalogue: which videos and channels match a query, and how well.

Videos match by name (words resembling the query, or containing it), by an exact tag, by
their UUID, as in PeerTube, and also when every word of the query is in the description
(PeerTube leaves descriptions out; here they rank below names and tags). Channels match by
display name, handle, or their owner's display name. See docs/search.md for how this scales.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.text_match import SIMILARITY_THRESHOLD, fold, trigrams, word_similarity, words

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NAME_CONTAINS_SCORE = 0.8
TAG_SCORE = 0.5
DESCRIPTION_SCORE = 0.3
UUID_SCORE = 2.0


@dataclass(frozen=True)
class Query:
    text: str
    folded: str
    words: list[str]
    trigrams: frozenset[str]
    uuid: str | None

    @classmethod
    def of(cls, text: str) -> Query:
        query_words = words(text)
        folded = fold(text).strip()
        return cls(text, folded, query_words, trigrams(query_words), folded if UUID.match(folded) else None)


@dataclass(frozen=True)
class TextFeatures:
    """What matching needs of a video's or channel's text, computed once per version of it."""

    name: str
    name_words: list[str]
    name_trigrams: frozenset[str]
    tags: frozenset[str]
    extra_words: frozenset[str]  # description words (videos), handle (channels)


class FeatureCache:
    """Features by item id, recomputed only when the item changed (its catalogue stamp)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, int], tuple[str, TextFeatures]] = {}
        self._lock = threading.Lock()

    def video(self, video: Video) -> TextFeatures:
        return self._get("video", int(video.id), str(video.catalog_sk), lambda: _video_features(video))

    def videos(self, videos: Iterable[Video]) -> list[tuple[Video, TextFeatures]]:
        """Every video with its features, in one pass (what a search scores)."""
        entries = self._entries
        found = []
        with self._lock:
            for video in videos:
                key, stamp = ("video", int(video.id)), str(video.catalog_sk)
                cached = entries.get(key)
                if cached is None or cached[0] != stamp:
                    cached = (stamp, _video_features(video))
                    entries[key] = cached
                found.append((video, cached[1]))
        return found

    def channel(self, channel: Actor, owner: Actor | None) -> TextFeatures:
        stamp = f"{channel.catalog_sk}/{owner.catalog_sk if owner else ''}"
        return self._get("channel", int(channel.id), stamp, lambda: _channel_features(channel, owner))

    def _get(self, kind: str, item_id: int, stamp: str, build: Callable[[], TextFeatures]) -> TextFeatures:
        with self._lock:
            cached = self._entries.get((kind, item_id))
            if cached is not None and cached[0] == stamp:
                return cached[1]
        features = build()
        with self._lock:
            self._entries[(kind, item_id)] = (stamp, features)
        return features


def _video_features(video: Video) -> TextFeatures:
    name_words = words(video.name)
    return TextFeatures(
        fold(video.name),
        name_words,
        trigrams(name_words),
        frozenset(fold(tag) for tag in video.tags or ()),
        frozenset(words(video.description or "")),
    )


def _channel_features(channel: Actor, owner: Actor | None) -> TextFeatures:
    name_words = words(channel.display_name)
    owner_name = fold(owner.display_name) if owner else ""
    return TextFeatures(
        fold(channel.display_name),
        name_words,
        trigrams(name_words),
        frozenset({owner_name} if owner_name else ()),
        frozenset({fold(channel.preferred_username)}),
    )


def video_score(query: Query, video: Video, features: TextFeatures) -> float | None:
    """How well `video` matches (higher is better), or None when it does not."""
    if query.uuid is not None and video.uuid == query.uuid:
        return UUID_SCORE
    score = _name_score(query, features)
    if query.folded in features.tags:
        score += TAG_SCORE
    if query.words and all(word in features.extra_words for word in query.words):
        score += DESCRIPTION_SCORE
    return score or None


def channel_score(query: Query, features: TextFeatures) -> float | None:
    score = _name_score(query, features)
    if any(query.folded in owner for owner in features.tags):
        score = max(score, TAG_SCORE)
    if any(query.folded.lstrip("@") in handle for handle in features.extra_words):
        score = max(score, TAG_SCORE)
    return score or None


def _name_score(query: Query, features: TextFeatures) -> float:
    """A name containing the query scores high; otherwise, its best resemblance to it."""
    score = NAME_CONTAINS_SCORE if query.folded and query.folded in features.name else 0.0
    # Similarity is shared trigrams over at least the query's: a name sharing fewer than
    # the threshold's share of them cannot reach it (a cheap test that skips most names).
    shared = len(query.trigrams & features.name_trigrams)
    if shared and shared >= SIMILARITY_THRESHOLD * len(query.trigrams):
        similarity = word_similarity(query.words, features.name_words)
        if similarity >= SIMILARITY_THRESHOLD:
            score = max(score, similarity)
    return score
