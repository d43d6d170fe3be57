"""COUNT mentions found by rules written from the annotation spec, and their overlay on the model's tags.

A COUNT is a closed class of French number expressions (digits, number words, approximate
nouns, with "au moins"/"près de"... bounds) minus dates, durations, distances, money and
percentages. Rules read that class far better than a model trained from scratch on a few
hundred documents (docs/experiments.md, exp. 13), so a model dir may ask for them
(``count_rules`` in its ``conflict_ie`` config): the rules then give COUNT, the model the rest.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from .alignment import OUTSIDE, TokenizedText
from .normalize.counts import parse_count
from .schema import Span

_NUMBER_WORDS = (r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
                 r"vingt|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|cent|cents|mille|"
                 r"millions?|milliards?|et)")
_APPROX_NOUN = (r"(?:dizaines?|douzaines?|quinzaines?|vingtaines?|trentaines?|quarantaines?|cinquantaines?|"
                r"soixantaines?|centaines?|milliers?)")
_QUANTITY = (rf"(?:(?:une?|des|plusieurs|quelques)\s+{_APPROX_NOUN}|"
             rf"\d{{1,3}}(?:[\u00a0\u202f .]\d{{3}})+|\d+(?:,\d+)?(?:[\u00a0\u202f ]+(?:millions?|milliards?))?|"
             rf"{_NUMBER_WORDS}(?:[- ]{_NUMBER_WORDS})*)")
_BOUND = r"(?:(?:au moins|plus de|plus d'|près de|près d'|environ|quelque|jusqu'à|moins de|entre)\s+)?"
_COUNT = re.compile(rf"(?<![\w-]){_BOUND}{_QUANTITY}(?:\s+(?:et|à)\s+{_QUANTITY})?(?![\w-])", re.I)
# the spec's "not COUNT": durations, distances, money, percentages, dates, repetitions
_NOT_COUNT_AFTER = re.compile(r"^\s*(?:ans?\b|années?|mois|jours?|heures?|h\b|minutes?|semaines?|km|kilomètres?|"
                              r"mètres?|m\b|%|pour ?cent|dollars?|euros?|francs?|\$|€|janvier|février|mars|avril|"
                              r"mai|juin|juillet|août|septembre|octobre|novembre|décembre|fois|reprises?|heure)",
                              re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")


def find_counts(text: str) -> list[Span]:
    """COUNT spans of ``text`` by the spec's rules (``au moins 14``, ``une trentaine``, ``quatre``)."""
    spans = []
    for match in _COUNT.finditer(text):
        surface = match.group(0)
        if surface.lower() in ("un", "une", "et") or _YEAR.fullmatch(surface):
            continue  # the article "un", a year
        if _NOT_COUNT_AFTER.match(text[match.end():]):
            continue
        try:
            parse_count(surface)
        except ValueError:
            continue
        spans.append(Span(match.start(), match.end(), "COUNT", surface))
    return spans


def overlay_counts(tokens: TokenizedText, tags: Sequence[str | None], counts: Sequence[Span]) -> list[str | None]:
    """The model's word tags with its COUNT replaced by ``counts``.

    A rule span inside a longer entity of the model stays out ("Sept" in the ACTOR "Sept
    Frères"); a model entity inside a rule span gives way ("moins" read as a WEAPON in
    "au moins 14").
    """
    merged: list[str | None] = [OUTSIDE if tag and tag.endswith("-COUNT") else tag for tag in tags]
    word_indices = [i for i in range(len(tokens)) if tokens.word_starts[i]]
    word_starts = [tokens.offsets[i][0] for i in word_indices]
    for span in counts:
        first = bisect.bisect_left(word_starts, span.start)
        last = bisect.bisect_left(word_starts, span.end)
        covered = word_indices[first:last]
        if not covered:
            continue
        following = merged[word_indices[last]] if last < len(word_indices) else None
        starts_inside = (merged[covered[0]] or "").startswith("I-")
        runs_on = merged[covered[-1]] != OUTSIDE and (following or "").startswith("I-")
        if starts_inside or runs_on:
            continue
        for k, i in enumerate(covered):
            merged[i] = ("B-" if k == 0 else "I-") + "COUNT"
    return merged
