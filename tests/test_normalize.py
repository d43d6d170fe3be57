"""French numbers in digits and in words."""

import pytest

from conflict_ie.normalize import parse_number


@pytest.mark.parametrize("text, value", [
    ("trois", 3), ("3 500", 3500), ("3\u00a0500", 3500), ("3\u202f500", 3500), ("3.500", 3500), ("10.000", 10000),
    ("1,5 million", 1500000), ("quarante-deux", 42), ("quatre-vingt-dix-sept", 97), ("deux cent trente et un", 231),
    ("mille deux cents", 1200), ("vingt et un", 21), ("septante", 70), ("nonante-neuf", 99), ("quatre-vingts", 80),
    ("12 millions", 12000000), ("Deux", 2), ("soixante-dix", 70), ("cent", 100), ("deux mille", 2000),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "et deux", "deux et", "12 mars", "trois drones"])
def test_not_a_number(text):
    assert parse_number(text) is None
