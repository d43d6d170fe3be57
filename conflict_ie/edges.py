"""Entity edges the spec allows, enforced on decoded word tags.

The spec's spans never end on a preposition or an article and never start with a
determiner ("l'armée" -> "armée"), and no annotated span cuts a hyphenated word in two.
The network still ends entities on "de" ("drone Ababil de") or stops inside "Tu-95"; these
edges are wrong by the spec's definition whatever the context, so decoding moves them
(docs/experiments.md, exp. 27). COUNT is left alone: its openers ("une dizaine") are allowed.
"""

from __future__ import annotations

from typing import Sequence

from .alignment import TokenizedText
from .data_check import determiner_length
from .schema import OUTSIDE

TRAILING_WORDS = frozenset({"de", "du", "des", "d", "à", "au", "aux", "et", "ou", "non", "le", "la", "les", "l",
                            "en", "par", "pour", "sur", "avec", "dans", "qui", "que", "dont", "'", "’", "-", ","})
"""Words (as split by :mod:`conflict_ie.alignment`, case-sensitive) that never end an entity."""

EDGE_MARKS = frozenset({"'", "’", "-", ","})
"""Marks that never start an entity either."""


def entity_runs(tags: Sequence[str | None]) -> list[tuple[str, int, int]]:
    """(label, first, last) of each entity in a word tag sequence, read as seqeval's default mode."""
    runs: list[tuple[str, int, int]] = []
    current: list | None = None
    for k, tag in enumerate(tags):
        if tag == OUTSIDE or tag is None:
            current = None
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "I" and current is not None and current[0] == label and current[2] == k:
            current[2] = k + 1
        else:
            current = [label, k, k + 1]
            runs.append(tuple(current))
            continue
        runs[-1] = tuple(current)
    return runs


def tidy_edges(tokens: TokenizedText, tags: Sequence[str | None], skip: Sequence[str] = ("COUNT",)
               ) -> list[str | None]:
    """Word tags whose entities lose edge function words and determiners and keep hyphenated words whole."""
    words = [i for i in range(len(tokens)) if tokens.word_starts[i] and tags[i] is not None]
    if not words:
        return list(tags)
    text = tokens.text
    starts = [tokens.offsets[i][0] for i in words]
    ends = [tokens.word_end(i) for i in words]
    word_tags = [tags[i] for i in words]
    taken = [tag != OUTSIDE for tag in word_tags]

    def glued(k: int) -> bool:
        """Words k and k + 1 touch and a hyphen joins them ("Tu" "-" "95", "sous" "-" "munition")."""
        return ends[k] == starts[k + 1] and (text[ends[k] - 1] == "-" or text[starts[k + 1]] == "-")

    new_tags = [OUTSIDE if tag != OUTSIDE else tag for tag in word_tags]
    for label, first, last in entity_runs(word_tags):
        if label in skip:
            for k in range(first, last):
                new_tags[k] = word_tags[k]
            continue
        # a hyphenated word stays whole: grow over glued words that no other entity holds
        while last < len(words) and glued(last - 1) and not taken[last]:
            last += 1
        while first > 0 and glued(first - 1) and not taken[first - 1]:
            first -= 1
        while last > first and text[starts[last - 1]:ends[last - 1]] in TRAILING_WORDS:
            last -= 1
        while first < last and text[starts[first]:ends[first]] in EDGE_MARKS:
            first += 1
        if last > first:  # "L'armée israélienne" -> "armée israélienne", but "Le Caire" stays whole
            cut_at = starts[first] + determiner_length(text[starts[first]:ends[last - 1]], label)
            while first < last and starts[first] < cut_at:
                first += 1
        for k in range(first, last):
            new_tags[k] = ("B-" if k == first else "I-") + label
    merged = list(tags)
    for i, tag in zip(words, new_tags):
        merged[i] = tag
    return merged
