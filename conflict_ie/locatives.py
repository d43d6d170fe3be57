"""A name right after a locative preposition is a place: "à Moscou", "en Belgique", "près de Gao".

The spec makes a country or a city an ACTOR only when it acts; after "en", "près de",
"dans", "depuis", "vers" the training split has no ACTOR at all, and after "à" 93% of the
names are places (the rest are organisations: "chercheuse à Amnesty International"). The
offline network still reads well-known capitals as ACTOR wherever they stand ("À Moscou,
le vice-président..." -> ACTOR 0.65), so decoding turns such an ACTOR into a LOCATION, unless
spaCy reads it as a person or an organisation (docs/experiments.md, exp. 28).
"""

from __future__ import annotations

import re
from typing import Sequence

from .alignment import TokenizedText
from .edges import entity_runs
from .schema import Span

LOCATIVE_BEFORE = re.compile(r"(?:^|[\s(«\"'’])(?:à|À|en|En|près de|Près de|près d['’]|Près d['’]|dans|Dans|"
                             r"depuis|Depuis|vers|Vers)\s*$")
"""Text just before an entity that makes it a place."""


def places_after_locatives(tokens: TokenizedText, tags: Sequence[str | None], names: Sequence[Span] = ()
                           ) -> list[str | None]:
    """Word tags in which an ACTOR right after a locative preposition becomes a LOCATION.

    ``names``: spans spaCy reads as persons or organisations; an ACTOR that overlaps one stays.
    """
    words = [i for i in range(len(tokens)) if tokens.word_starts[i] and tags[i] is not None]
    word_tags = [tags[i] for i in words]
    merged = list(tags)
    for label, first, last in entity_runs(word_tags):
        if label != "ACTOR":
            continue
        start, end = tokens.offsets[words[first]][0], tokens.word_end(words[last - 1])
        if not LOCATIVE_BEFORE.search(tokens.text[max(0, start - 12):start]):
            continue
        if any(name.start < end and start < name.end for name in names):
            continue
        for k in range(first, last):
            merged[words[k]] = ("B-" if k == first else "I-") + "LOCATION"
    return merged
