"""Mention replacement: extra training copies of documents with other names in the same slots.

A model trained from scratch on a few hundred documents learns the names it saw; swapping
each ACTOR, WEAPON and LOCATION mention for another mention of the same label (Dai & Adel,
2020) teaches it the contexts instead. Replacements come only from the documents given
(the training split), never from dev or test, and COUNT spans are left as they are
(their grammar depends on the noun that follows).
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Sequence

from .schema import Document, Span

REPLACEABLE = ("ACTOR", "WEAPON", "LOCATION")


def mention_pools(documents: Sequence[Document]) -> dict[str, list[str]]:
    pools: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        for span in doc.spans:
            if span.label in REPLACEABLE:
                pools[span.label].add(span.text)
    return {label: sorted(texts) for label, texts in pools.items()}


def replace_mentions(doc: Document, pools: dict[str, list[str]], rng: random.Random, probability: float,
                     suffix: str) -> Document:
    parts, spans, cursor, shift = [], [], 0, 0
    for span in doc.spans:
        parts.append(doc.text[cursor:span.start])
        text = span.text
        if span.label in pools and rng.random() < probability:
            text = rng.choice(pools[span.label])
        start = span.start + shift
        spans.append(Span(start, start + len(text), span.label, text))
        parts.append(text)
        shift += len(text) - (span.end - span.start)
        cursor = span.end
    parts.append(doc.text[cursor:])
    return Document(f"{doc.id}{suffix}", "".join(parts), tuple(spans), {**doc.meta, "augmented_from": doc.id})


def augment(documents: Sequence[Document], copies: int, probability: float = 0.5, seed: int = 0) -> list[Document]:
    """``copies`` mention-replaced variants of each document (the originals are not included)."""
    if copies <= 0:
        return []
    pools = mention_pools(documents)
    rng = random.Random(seed)
    return [replace_mentions(doc, pools, rng, probability, f"~aug{k}") for k in range(copies) for doc in documents]
