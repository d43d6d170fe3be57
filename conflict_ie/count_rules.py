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
                 r"millions?|milliards?)")
_APPROX_NOUN = (r"(?:dizaines?|douzaines?|quinzaines?|vingtaines?|trentaines?|quarantaines?|cinquantaines?|"
                r"soixantaines?|centaines?|milliers?)")
_QUANTITY = (rf"(?:(?:une?|des|ces|plusieurs|quelques)\s+{_APPROX_NOUN}(?:\s+de\s+(?:milliers|millions|milliards))?|"
             rf"\d{{1,3}}(?:[\u00a0\u202f .]\d{{3}})+|\d+(?:,\d+)?(?:[\u00a0\u202f ]+(?:millions?|milliards?))?|"
             # "vingt et un", "soixante-dix": "et" only joins two number words, never starts one
             rf"{_NUMBER_WORDS}(?:(?:[- ]|\s+et\s+){_NUMBER_WORDS})*)")
_BOUND = r"(?:(?:au moins|plus de|près de|environ|quelque|jusqu['’]à|moins de|entre)\s+|(?:plus|près|moins) d['’]\s*)?"
_COUNT = re.compile(rf"(?<![\w-]){_BOUND}{_QUANTITY}(?:\s+(?:et|à|ou)\s+{_QUANTITY})?(?![\w-])", re.I)
# the spec's "not COUNT" (data/guidelines.md adds weights, volumes, populations, ranks, ratios, fixed phrases):
# durations, distances, calibres, weights, money, percentages, dates, times
_UNITS = (r"ans?\b|années?|mois\b|jours?|heures?|h\b|minutes?|min\b|semaines?|décennies|siècles?|"
          r"km\b|km²|kilomètres?|mètres?|m\b|mm\b|cm\b|hectares?|étages?|kilogrammes?|kilos?\b|kg\b|tonnes?|"
          r"litres?|degrés?|mégawatts?|MW\b|pages?|%|pour ?cent|dollars?|euros?|francs?|CFA\b|shekels?|roubles?|"
          r"hryvnias?|livres?|dinars?|yuans?|rials?|rands?|nairas?|roupies?|pesos?|afghanis?|bolivars?|\$|€|£|"
          r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
          r"(?:janv|févr|avr|juil|sept|oct|nov|déc)\b\.?|heure|tiers\b|quarts?\b|"
          r"(?:dernier|derni[eè]re|premier|premi[eè]re|prochain)e?s?\s+(?:mois|jours|semaines|années|heures)|"
          r"fois\s+(?:plus|moins|le|la|les|autant|supérieure?s?|inférieure?s?)")
_FIXED_PHRASE = r"pays|parties|armées|camps|côtés|délégations|dirigeants|régions|rives|gouvernements|belligérants|voisins"
# a unit is a whole word: "mai" is no "maisons", "jour" no "journalistes"
_NOT_COUNT_AFTER = re.compile(rf"^(?:\s*(?:de\s+|d['’])?(?:{_UNITS})(?![a-zà-ÿ])|[/:]\d|\s*h\s*\d)", re.I)
_POPULATION = re.compile(r"^\s*habitants")  # "une ville de 40 000 habitants" (people affected are COUNT)
_PLACE_BEFORE = re.compile(r"\b(?:ville|village|localité|commune|cité|agglomération|population|comptait|compte|"
                           r"comptant|peuplée)\s+(?:de\s+|d['’])?$", re.I)
# numbers that name, rank or divide rather than count: "numéro deux", "une famille sur trois", "les deux camps"
_NOT_COUNT_BEFORE = re.compile(r"(?:\b(?:numéro|n°|divisée?s?\s+par|multipliée?s?\s+par)|\b(?:un|une)\s+\w+\s+sur)\s+$",
                               re.I)
# ... and digits that are a date, a time, a calibre or part of a name: "le 24", "du 19 au 20", "6 h 30",
# "résolution 1701", "jour 12", "France 24", "Brigade 111", "calibre .50"
_NOT_DIGITS_BEFORE = re.compile(r"(?:(?i:\b(?:le|du|au|jour|no\.|niveau|résolution|route|nationale|aérienne|"
                                r"chapitre|article|paragraphe|point|page|lecture\s*:?|phase|tome)\s+)|[/:(.]|\d\s*h\s*|"
                                r"[a-zà-ÿ,]\s+[A-ZÀ-Ý][\w-]*\s+)$")
_LINE_START = re.compile(r"(?:^|\n)[ \t]*$")
_ARTICLE_AFTER_BOUND = re.compile(r"(?:(?:près|plus|moins) d['’]\s*|(?:environ|jusqu['’]à)\s+)une?", re.I)
_DIGITS = re.compile(r"\d+")
_DIGITS_BEFORE = re.compile(r"\d\s+$")
_DEFINITE_BEFORE = re.compile(r"\b(?:les|des|aux)\s+$", re.I)
_FIXED_PHRASE_AFTER = re.compile(rf"\s+(?:{_FIXED_PHRASE})\b")
_YEAR = re.compile(r"(?:19|20)\d\d")
_LONE_ENTRE = re.compile(r"entre\s+(?!.*\s(?:et|à|ou)\s)", re.I | re.S)


def find_counts(text: str) -> list[Span]:
    """COUNT spans of ``text`` by the spec's rules (``au moins 14``, ``une trentaine``, ``quatre``)."""
    spans = []
    for match in _COUNT.finditer(text):
        start, surface = match.start(), match.group(0)
        lone_entre = _LONE_ENTRE.match(surface)
        if lone_entre:  # "entre une quarantaine de mouvements": "entre" bounds nothing without its "et"
            start, surface = start + lone_entre.end(), surface[lone_entre.end():]
        if surface.lower() in ("un", "une") or _YEAR.fullmatch(surface):
            continue  # the article "un", a year
        # the text around the match, in windows: a long text is not copied once per number
        after, before = text[match.end():match.end() + 80], text[max(0, start - 40):start]
        if _ARTICLE_AFTER_BOUND.fullmatch(surface):
            continue  # "près d'un banc": an article after a bound (but "au moins un" counts)
        if surface.lower() == "sept" and (after.startswith(".") or _DIGITS_BEFORE.search(before)):
            continue  # "27 sept." is a date
        digits = _DIGITS.findall(surface)
        if digits and all(_YEAR.fullmatch(d) for d in digits):
            continue  # "entre 2014 et 2016"
        if _NOT_COUNT_AFTER.match(after) or _NOT_COUNT_BEFORE.search(before):
            continue
        if _POPULATION.match(after) and _PLACE_BEFORE.search(before):
            continue
        if _DEFINITE_BEFORE.search(before) and _FIXED_PHRASE_AFTER.match(after):
            continue
        if surface[0].isdigit() and (_NOT_DIGITS_BEFORE.search(before) or
                                     (_LINE_START.search(before) and after.startswith("."))):
            continue  # a date, a time, a number that names something, a numbered paragraph
        try:
            parse_count(surface)
        except ValueError:
            continue
        spans.append(Span(start, match.end(), "COUNT", surface))
    return spans


def overlay_counts(tokens: TokenizedText, tags: Sequence[str | None], counts: Sequence[Span]) -> list[str | None]:
    """The model's word tags with its COUNT replaced by ``counts``.

    A rule span inside a longer entity of the model stays out ("Sept" in the ACTOR "Sept
    Frères"), except at the start of a weapon, which never holds its count ("Trois C-130");
    a model entity inside a rule span gives way ("moins" read as a WEAPON in "au moins 14").
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
        # a weapon never starts with its count ("Trois C-130": COUNT "Trois", WEAPON "C-130")
        opens_weapon = runs_on and merged[covered[0]] == "B-WEAPON" and following == "I-WEAPON"
        if starts_inside or (runs_on and not opens_weapon):
            continue
        for k, i in enumerate(covered):
            merged[i] = ("B-" if k == 0 else "I-") + "COUNT"
        if opens_weapon:
            merged[word_indices[last]] = "B-WEAPON"
    return merged
