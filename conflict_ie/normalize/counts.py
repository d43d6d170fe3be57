"""COUNT spans -> numbers an analyst can sum: ``parse_count("une quarantaine")`` -> about 40.

>>> parse_count("au moins 14")
Count(value=14, low=14, high=None, qualifier='min', unit=None)
>>> parse_count("des dizaines")
Count(value=None, low=20, high=99, qualifier='range', unit=None)
>>> parse_count("entre 10 et 15").value
12.5
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from .numbers import parse_number

QUALIFIERS = ("exact", "approx", "min", "max", "range")


@dataclass(frozen=True)
class Count:
    """A parsed count. ``value`` is the best single number (None for vague magnitudes like
    ``des dizaines``); ``low``/``high`` bound it where the text does; ``unit`` is the
    counted noun that follows the span in the text (None from ``parse_count`` alone)."""

    value: int | float | None
    low: int | None
    high: int | None
    qualifier: str
    unit: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


_APPROX_NOUNS = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
    "cinquantaine": 50, "soixantaine": 60, "septantaine": 70, "huitantaine": 80, "nonantaine": 90,
    "centaine": 100, "millier": 1000,
}
_MAGNITUDES = {"dizaine": 10, "centaine": 100, "millier": 1000, "million": 10**6, "milliard": 10**9}

_APPROX_BEFORE = ("environ", "pres de", "pres d'", "quelque", "de l'ordre de", "de l'ordre d'", "approximativement",
                  "autour de", "autour d'", "presque", "a peu pres", "grosso modo", "aux alentours de",
                  "aux alentours d'", "un peu moins de", "un peu moins d'", "un peu plus de", "un peu plus d'",
                  "pas loin de", "pas loin d'", "quasiment", "pratiquement", "plus ou moins")
_APPROX_AFTER = ("environ", "a peu pres", "au total environ")
_MIN_BEFORE = ("au moins", "plus de", "plus d'", "au minimum", "pas moins de", "pas moins d'", "au bas mot",
               "minimum", "bien plus de", "bien plus d'", "davantage que", "plus que", "au-dela de", "au-dela d'",
               "a partir de", "a partir d'")
_MAX_BEFORE = ("jusqu'a", "moins de", "moins d'", "au plus", "au maximum", "pas plus de", "pas plus d'",
               "maximum", "tout au plus", "a peine", "guere plus de", "guere plus d'")
_MIN_AFTER = ("au moins", "au minimum", "et plus", "ou plus", "au bas mot")
_MAX_AFTER = ("au plus", "au maximum", "tout au plus")
_RANGE = re.compile(r"^(?:entre\s+(?P<a1>.+?)\s+et\s+(?P<b1>.+)|de\s+(?P<a2>.+?)\s+a\s+(?P<b2>.+)|"
                    r"(?P<a3>.+?)\s*(?:a|-|–|ou)\s*(?P<b3>.+))$")


def _fold(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe and space (keeps digits and separators)."""
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def _strip_prefix(text: str, prefixes) -> tuple[str, bool]:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if text.startswith(prefix + " ") or (prefix.endswith("'") and text.startswith(prefix)):
            return text[len(prefix):].strip(), True
    return text, False


def _strip_suffix(text: str, suffixes) -> tuple[str, bool]:
    for suffix in sorted(suffixes, key=len, reverse=True):
        if text.endswith(" " + suffix):
            return text[: -len(suffix)].strip(), True
    return text, False


def _quantity(text: str) -> tuple[int | None, int | None, int | None, bool]:
    """(value, low, high, approximate) of a bare quantity: a number, an approximate noun or a magnitude."""
    number = parse_number(text)
    if number is not None:
        return number, number, number, False
    words = text.split()
    if not words:
        return None, None, None, False
    noun = words[-1].rstrip("s") if words[-1] not in ("dizaines", "centaines") else words[-1][:-1]
    noun = {"milliers": "millier", "millions": "million", "milliards": "milliard"}.get(words[-1], noun)
    head = " ".join(words[:-1])
    plural = words[-1].endswith("s")
    # "une quarantaine", "un millier", "deux centaines", "quelques centaines", "des dizaines"
    if noun in _APPROX_NOUNS or noun in _MAGNITUDES:
        base = _APPROX_NOUNS.get(noun) or _MAGNITUDES[noun]
        if head in ("un", "une", "") and not plural:
            return base, base, base, True
        factor = parse_number(head) if head else None
        if factor is not None:
            return factor * base, factor * base, factor * base, True
        if plural and head in ("des", "plusieurs", "quelques", "de nombreuses", "de nombreux", "nombre de", "d'"):
            magnitude = _MAGNITUDES.get(noun, base)
            return None, 2 * magnitude, 10 * magnitude - 1, True
        if plural and head.endswith(("des dizaines de", "plusieurs dizaines de", "des centaines de")):
            inner = _quantity(head.rsplit(" ", 1)[0])
            magnitude = _MAGNITUDES.get(noun, base)
            if inner[1] is not None:
                return None, inner[1] * magnitude, (inner[2] + 1) * magnitude - 1, True
    # "des dizaines de milliers"
    match = re.match(r"^(.+) de (milliers|millions|milliards)$", text)
    if match:
        inner = _quantity(match.group(1))
        magnitude = _MAGNITUDES[match.group(2)[:-1]]
        if inner[1] is not None and inner[2] is not None:
            value = inner[0] * magnitude if inner[0] is not None else None
            return value, inner[1] * magnitude, (inner[2] + 1) * magnitude - 1 if inner[0] is None else \
                inner[2] * magnitude, inner[3]
    return None, None, None, False


def parse_count(expression: str) -> Count:
    """Parse a French count expression; raise ValueError (quoting it) when it cannot be read."""
    if not isinstance(expression, str):
        raise TypeError(f"parse_count() takes a str, got {type(expression).__name__}")
    text = _fold(expression).strip(" .,;:")
    if not text:
        raise ValueError(f"cannot read a count in {expression!r}: it is empty")

    rest, approx_before = _strip_prefix(text, _APPROX_BEFORE)
    rest, min_before = _strip_prefix(rest, _MIN_BEFORE) if not approx_before else (rest, False)
    rest, max_before = _strip_prefix(rest, _MAX_BEFORE) if not (approx_before or min_before) else (rest, False)
    rest, approx_after = _strip_suffix(rest, _APPROX_AFTER)
    rest, min_after = _strip_suffix(rest, _MIN_AFTER)
    rest, max_after = _strip_suffix(rest, _MAX_AFTER)
    if (approx_before or min_before) and rest.startswith(("plus de ", "plus d'", "au moins ")):
        rest, min_before = _strip_prefix(rest, _MIN_BEFORE)  # "près de plus de" is still a minimum

    value, low, high, approximate = _quantity(rest)
    if low is None:
        match = _RANGE.match(rest)
        if match:
            a = next(g for g in (match.group("a1"), match.group("a2"), match.group("a3")) if g)
            b = next(g for g in (match.group("b1"), match.group("b2"), match.group("b3")) if g)
            va, vb = _quantity(a)[0], _quantity(b)[0]
            if va is None and vb is not None and _quantity(a + " " + b.split(" ", 1)[-1])[0] is not None \
                    and " " in b:
                va = _quantity(a + " " + b.split(" ", 1)[-1])[0]  # "deux à trois mille"
            if va is not None and vb is not None and va <= vb:
                midpoint = (va + vb) / 2
                return Count(int(midpoint) if midpoint == int(midpoint) else midpoint, va, vb, "range")
        raise ValueError(f"cannot read a count in {expression!r}")
    if min_before or min_after:
        if value is None:
            return Count(None, low, None, "min")
        return Count(value, value if not approximate else low, None, "min")
    if max_before or max_after:
        if value is None:
            return Count(None, None, high, "max")
        return Count(value, None, value if not approximate else high, "max")
    if value is None:
        return Count(None, low, high, "range")
    if approximate or approx_before or approx_after:
        return Count(value, None, None, "approx")
    return Count(value, value, value, "exact")


_NOT_A_UNIT = {"et", "ou", "a", "au", "aux", "dans", "ont", "sont", "selon", "dont", "le", "la", "les", "des", "du",
               "en", "sur", "par", "pour", "qui", "que", "se", "ne", "y", "avaient", "avait", "etaient", "seraient",
               "auraient", "ont-ils", "sont-ils", "l", "d", "de", "entre", "pres", "environ", "heures", "fois"}


def counted_noun(text: str, end: int) -> str | None:
    """The noun counted by a COUNT span ending at ``end`` (``au moins 14 civils`` -> ``civils``)."""
    match = re.match(r"\s*(?:(?:de|d['’])\s*)?([^\W\d_][\w’'-]*)", text[end:end + 60])
    if not match:
        return None
    word = match.group(1)
    if _fold(word) in _NOT_A_UNIT or word[0].isupper():
        return None
    return word.lower()
