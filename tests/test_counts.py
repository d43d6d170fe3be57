"""parse_count on a table of French count expressions, the hard ones included."""

import pytest

from conflict_ie.normalize.counts import Count, counted_noun, parse_count

NBSP, NNBSP = "\u00a0", "\u202f"

EXACT = [
    ("trois", 3), ("un", 1), ("une", 1), ("deux", 2), ("Quatre", 4), ("dix-sept", 17), ("dix-neuf", 19),
    ("vingt et un", 21), ("vingt-deux", 22), ("trente et un", 31), ("quarante-deux", 42), ("cinquante-cinq", 55),
    ("soixante-dix", 70), ("soixante et onze", 71), ("soixante-dix-neuf", 79), ("quatre-vingts", 80),
    ("quatre-vingt-un", 81), ("quatre-vingt-dix-sept", 97), ("cent", 100), ("cent un", 101), ("deux cents", 200),
    ("deux cent trente et un", 231), ("trois cent quarante", 340), ("mille", 1000), ("mille deux cents", 1200),
    ("deux mille", 2000), ("deux mille cinq cents", 2500), ("dix mille", 10000), ("cent mille", 100000),
    ("un million", 1000000), ("deux millions", 2000000), ("septante", 70), ("septante-cinq", 75), ("nonante", 90),
    ("nonante-neuf", 99), ("huitante", 80), ("octante", 80), ("14", 14), ("0", 0), ("276", 276),
    ("3 500", 3500), (f"3{NBSP}500", 3500), (f"3{NNBSP}500", 3500), ("3.500", 3500), ("10.000", 10000),
    ("10 000", 10000), (f"1{NBSP}200{NBSP}000", 1200000), ("1.200.000", 1200000), ("1,5 million", 1500000),
    (f"1,5{NBSP}million", 1500000), ("2,3 millions", 2300000), ("1.5 million", 1500000), ("12 millions", 12000000),
    ("3 millions", 3000000), ("1 milliard", 10**9), ("quinze", 15), ("seize", 16), ("onze", 11), ("douze", 12),
    ("treize", 13), ("quatorze", 14), ("six", 6), ("sept", 7), ("huit", 8), ("neuf", 9), ("cinq", 5),
    ("un demi-million", 500000), ("deux millions et demi", 2500000), ("un million et demi", 1500000),
]

APPROX = [
    ("une quarantaine", 40), ("une dizaine", 10), ("une douzaine", 12), ("une quinzaine", 15), ("une vingtaine", 20),
    ("une trentaine", 30), ("une cinquantaine", 50), ("une soixantaine", 60), ("une centaine", 100),
    ("un millier", 1000), ("environ 40", 40), ("près de 40", 40), ("quelque 40", 40), ("une quarantaine environ", 40),
    ("de l'ordre de 40", 40), ("de l’ordre de 40", 40), ("approximativement 40", 40), ("Près de 2 000", 2000),
    (f"près de 2{NBSP}000", 2000), ("environ 3.500", 3500), ("quelque 300", 300), ("près d'un millier", 1000),
    ("près d’une centaine", 100), ("environ une trentaine", 30), ("autour de 50", 50), ("presque 200", 200),
    ("quasiment 100", 100), ("deux centaines", 200), ("trois milliers", 3000), ("environ 1,5 million", 1500000),
    ("une vingtaine environ", 20), ("40 environ", 40), ("à peu près 60", 60), ("pas loin de 500", 500),
    ("Environ quatre-vingts", 80), ("près de quarante", 40),
]

MINIMUM = [
    ("au moins 12", 12), ("plus de 12", 12), ("au minimum 12", 12), ("pas moins de 12", 12), ("Au moins 14", 14),
    ("plus de 1.500", 1500), ("plus de 1 500", 1500), (f"plus de 1{NBSP}500", 1500), ("au moins trois", 3),
    ("plus d'une centaine", 100), ("plus d’un millier", 1000), ("au moins une dizaine", 10), ("plus de deux cents", 200),
    ("12 au moins", 12), ("au bas mot 30", 30), ("bien plus de 100", 100), ("plus de 2 millions", 2000000),
    ("au moins vingt et un", 21), ("pas moins d'une trentaine", 30), ("plus de quarante", 40),
]

MAXIMUM = [
    ("jusqu'à 30", 30), ("jusqu’à 30", 30), ("moins de 30", 30), ("au plus 30", 30), ("au maximum 30", 30),
    ("pas plus de 30", 30), ("moins d'une dizaine", 10), ("jusqu'à 5 000", 5000), ("tout au plus trois", 3),
    ("30 au maximum", 30), ("moins de cent", 100), ("jusqu'à deux mille", 2000),
]

RANGES = [
    ("entre 10 et 15", 10, 15), ("de 10 à 15", 10, 15), ("10 à 15", 10, 15), ("10-15", 10, 15),
    ("entre dix et quinze", 10, 15), ("de trois à cinq", 3, 5), ("entre 200 et 300", 200, 300),
    ("entre 1 000 et 1 500", 1000, 1500), ("deux ou trois", 2, 3), ("trois à quatre", 3, 4),
    ("entre 5.000 et 7.000", 5000, 7000), (f"entre 1{NBSP}500 et 2{NBSP}000", 1500, 2000), ("de 40 à 50", 40, 50),
    ("entre vingt et trente", 20, 30), ("15 ou 20", 15, 20),
]

VAGUE = [
    ("des dizaines", 20, 99), ("plusieurs dizaines", 20, 99), ("des centaines", 200, 999),
    ("plusieurs centaines", 200, 999), ("des milliers", 2000, 9999), ("plusieurs milliers", 2000, 9999),
    ("quelques dizaines", 20, 99), ("quelques centaines", 200, 999), ("des millions", 2000000, 9999999),
    ("Des dizaines", 20, 99), ("de nombreuses dizaines", 20, 99), ("des dizaines de milliers", 20000, 99999),
    ("plusieurs dizaines de milliers", 20000, 99999), ("des centaines de milliers", 200000, 999999),
]

UNREADABLE = ["", "   ", "plusieurs", "quelques", "nombreux", "beaucoup", "drones", "la moitié", "trois drones",
              "12 mars", "entre et", "de 15 à 10", "xyz 12", "moins de plusieurs"]


@pytest.mark.parametrize("text, value", EXACT)
def test_exact(text, value):
    assert parse_count(text) == Count(value, value, value, "exact")


@pytest.mark.parametrize("text, value", APPROX)
def test_approx(text, value):
    assert parse_count(text) == Count(value, None, None, "approx")


@pytest.mark.parametrize("text, value", MINIMUM)
def test_minimum(text, value):
    count = parse_count(text)
    assert (count.value, count.low, count.high, count.qualifier) == (value, value, None, "min")


@pytest.mark.parametrize("text, value", MAXIMUM)
def test_maximum(text, value):
    count = parse_count(text)
    assert (count.value, count.low, count.high, count.qualifier) == (value, None, value, "max")


@pytest.mark.parametrize("text, low, high", RANGES)
def test_range(text, low, high):
    assert parse_count(text) == Count((low + high) / 2 if (low + high) % 2 else (low + high) // 2, low, high, "range")


@pytest.mark.parametrize("text, low, high", VAGUE)
def test_vague_magnitudes(text, low, high):
    assert parse_count(text) == Count(None, low, high, "range")


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_raises_value_error_quoting_the_expression(text):
    with pytest.raises(ValueError, match="cannot read a count in " + repr(text).replace("(", r"\(").replace(")", r"\)")):
        parse_count(text)


def test_table_size():
    assert len(EXACT) + len(APPROX) + len(MINIMUM) + len(MAXIMUM) + len(RANGES) + len(VAGUE) + len(UNREADABLE) >= 150


@pytest.mark.parametrize("text, span_end, unit", [
    ("au moins 14 civils tués", 11, "civils"), ("une trentaine de véhicules", 13, "véhicules"),
    ("quatre drones", 6, "drones"), ("des dizaines d'hommes armés", 12, "hommes"), ("des dizaines d’hommes", 12, "hommes"),
    ("12 ont été tués", 2, None), ("trois à Gao", 5, None), ("deux Casques bleus", 4, None), ("cinq.", 4, None),
])
def test_counted_noun(text, span_end, unit):
    assert counted_noun(text, span_end) == unit
