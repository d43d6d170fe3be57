"""French numbers, written in digits or in words, to integers.

>>> parse_number("3 500"), parse_number("10.000"), parse_number("1,5 million")
(3500, 10000, 1500000)
>>> parse_number("quatre-vingt-dix-sept"), parse_number("deux cent trente et un"), parse_number("septante")
(97, 231, 70)
"""

from __future__ import annotations

import re
import unicodedata

_UNITS = {
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}
_SCALES = {"cent": 100, "cents": 100, "mille": 1000, "milles": 1000, "million": 10**6, "millions": 10**6,
           "milliard": 10**9, "milliards": 10**9}
_SPACES = "\u00a0\u202f\u2009 "
_DIGITS = re.compile(rf"^\d{{1,3}}(?:[{_SPACES}.]\d{{3}})+$|^\d+$")
_DECIMAL_SCALE = re.compile(rf"^(\d+(?:[.,]\d+)?)[{_SPACES}]+(millions?|milliards?|mille)$")


def _words_to_int(words: list[str]) -> int | None:
    if not words or words[0] == "et" or words[-1] == "et":
        return None  # "et" only joins number words ("vingt et un")
    total, current = 0, 0
    seen = False
    for word in words:
        if word in ("et", "-"):
            continue
        if word in _UNITS:
            value = _UNITS[word]
            if word in ("vingt", "vingts") and current % 100 == 4:  # quatre-vingt(s) = 80
                current += 76
            else:
                current += value
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_number(text: str) -> int | None:
    """The integer a French number expression denotes, or None if it is not one."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    if not text:
        return None
    if _DIGITS.match(text):
        return int(re.sub(rf"[{_SPACES}.]", "", text))
    match = _DECIMAL_SCALE.match(text)
    if match:
        value = float(match.group(1).replace(",", "."))
        return round(value * _SCALES[match.group(2)])
    half = re.match(rf"^(?:un[{_SPACES}]+)?demi[{_SPACES}\-]+(million|milliard)$", text)
    if half:  # "un demi-million"
        return _SCALES[half.group(1)] // 2
    half = re.match(rf"^(.+?)[{_SPACES}]+(millions?|milliards?)[{_SPACES}]+et[{_SPACES}]+demi$", text)
    if half:  # "deux millions et demi"
        whole = parse_number(half.group(1))
        return None if whole is None else whole * _SCALES[half.group(2)] + _SCALES[half.group(2)] // 2
    words = re.split(rf"[{_SPACES}\-]+", text)
    if len(words) > 1 and words[0].isdigit() and all(w in _SCALES for w in words[1:]):
        return int(words[0]) * _words_to_int(["un", *words[1:]])  # "12 millions"
    return _words_to_int(words)
