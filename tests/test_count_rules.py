"""COUNT by rules: the spec's examples, and the overlay on a real model's tags."""

import pytest

import conflict_ie
from conflict_ie.alignment import OUTSIDE, spans_to_tags, tokenize
from conflict_ie.count_rules import find_counts, overlay_counts
from conflict_ie.evaluation import span_scores
from conflict_ie.schema import Span

NNBSP = "\u202f"


@pytest.mark.parametrize("text, expected", [
    ("Au moins 14 civils ont été tués.", ["Au moins 14"]),
    ("une trentaine de véhicules", ["une trentaine"]),
    ("près de 2 000 déplacés", ["près de 2 000"]),
    (f"près de 2{NNBSP}000 déplacés", [f"près de 2{NNBSP}000"]),
    ("plusieurs centaines de combattants", ["plusieurs centaines"]),
    ("des dizaines de morts", ["des dizaines"]),
    ("quatre drones et plus de 1.500 obus", ["quatre", "plus de 1.500"]),
    ("entre 10 et 15 soldats", ["entre 10 et 15"]),
    ("vingt-deux blessés", ["vingt-deux"]),
    # data/guidelines.md: repetitions are counted; "et" joins number words but never opens a count
    ("visée à trois reprises", ["trois"]),
    ("huit patients et deux infirmières", ["huit", "deux"]),
    ("vingt et un soldats", ["vingt et un"]),
    ("plus d’une centaine de bandes", ["plus d’une centaine"]),
    ("des dizaines de milliers d'orpailleurs", ["des dizaines de milliers"]),
    ("les assaillants, deux ou trois selon", ["deux ou trois"]),
    ("au moins 400 000 habitants de Kobané privés d'eau", ["au moins 400 000"]),
    ("au moins un soldat tué", ["au moins un"]),
    # a unit is a whole word ("mai" is no "maisons"); "entre" without its "et" bounds nothing
    ("une dizaine de maisons incendiées", ["une dizaine"]),
    ("au moins six journalistes", ["au moins six"]),
    ("entre une quarantaine de mouvements armés", ["une quarantaine"]),
])
def test_spec_examples_are_counts(text, expected):
    spans = find_counts(text)
    assert [s.text for s in spans] == expected
    assert all(text[s.start:s.end] == s.text and s.label == "COUNT" for s in spans)


@pytest.mark.parametrize("text", [
    "le 12 mars 2019", "pendant 48 heures", "à 30 kilomètres de Gao", "âgé de 20 ans", "la deuxième attaque",
    "plusieurs soldats", "quelques blessés", "de nombreux civils", "un soldat", "une rançon de 5 000 dollars",
    "12 % des votants",
    # dates, times, names, ranks, ratios, calibres, weights, populations, money (data/guidelines.md)
    "Publié le 28/06/2025 - 14:12", "il est 6 h 30 à Lomé", "DAKAR, 27 sept. (AFP)", "la nuit du 19 au 20",
    "Lecture : 4 min", "la résolution 1701", "sur France 24.", "la Brigade 111 assure", "numéro deux du Hamas",
    "une famille sur trois", "des obus de 155 mm", "un fusil de calibre .50", "600 kilogrammes de drogue",
    "une ville de 150 000 habitants", "5 millions de dollars", "à une quinzaine de kilomètres",
    "les deux camps", "des deux côtés", "entre 2014 et 2016", "\n62. Le Groupe a inspecté",
    "au cours des trois derniers mois", "un immeuble de neuf étages", "trois fois plus",
    "un sac abandonné près d'un banc", "jusqu'à une heure", "le 3 mai 2024", "pendant six jours",
])
def test_spec_non_counts_are_not_found(text):
    assert find_counts(text) == []


def test_overlay_puts_rule_counts_on_word_tags_and_keeps_other_labels(corpus_tokenizer):
    text = "Au moins 14 soldats du groupe Sept Frères ont tué trois civils à Gao."
    tokens = tokenize(text, corpus_tokenizer)
    # a model that read "Sept Frères" as an ACTOR, "Gao" as a LOCATION, "soldats" as a COUNT and
    # "moins" as a WEAPON (both wrongly)
    model_spans = [Span(30, 41, "ACTOR", "Sept Frères"), Span(65, 68, "LOCATION", "Gao"),
                   Span(12, 19, "COUNT", "soldats"), Span(3, 8, "WEAPON", "moins")]
    tags = spans_to_tags(tokens, model_spans)
    merged = overlay_counts(tokens, tags, find_counts(text))
    got = {(s.text, s.label) for s in _spans(tokens, merged)}
    # "Sept" is a number word inside the model's longer ACTOR, which stays; the WEAPON inside
    # "Au moins 14" gives way; the model's own COUNT is dropped
    assert got == {("Au moins 14", "COUNT"), ("Sept Frères", "ACTOR"), ("trois", "COUNT"), ("Gao", "LOCATION")}
    assert [t for t in merged if t is not None and t != OUTSIDE]  # tags only on word starts
    assert all(merged[i] is None for i in range(len(tokens)) if not tokens.word_starts[i])


def test_a_weapon_gives_its_leading_count_to_the_rules(corpus_tokenizer):
    text = "Trois C-130 ont atterri ; le gang Sept Frères a fui."
    tokens = tokenize(text, corpus_tokenizer)
    model_spans = [Span(0, 11, "WEAPON", "Trois C-130"), Span(34, 45, "ACTOR", "Sept Frères")]
    merged = overlay_counts(tokens, spans_to_tags(tokens, model_spans), find_counts(text))
    assert {(s.text, s.label) for s in _spans(tokens, merged)} == {
        ("Trois", "COUNT"), ("C-130", "WEAPON"), ("Sept Frères", "ACTOR")}


def _spans(tokens, tags):
    from conflict_ie.alignment import tags_to_spans

    return [span for span, _ in tags_to_spans(tokens, tags)]


def test_extractor_with_count_rules_gives_the_rules_counts(tiny_model, corpus):
    plain = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir, count_rules=False)
    ruled = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir, count_rules=True)
    docs = corpus["dev"][:10]
    texts = [d.text for d in docs]
    plain_out, ruled_out = plain.predict(texts), ruled.predict(texts)
    for text, before, after in zip(texts, plain_out, ruled_out):
        assert all(text[e.start:e.end] == e.text for e in after)
        rules = find_counts(text)
        assert {(e.start, e.end) for e in after if e.label == "COUNT"} <= {(s.start, s.end) for s in rules}
        # other labels are the model's, except those inside a rule's COUNT
        kept = [e for e in before if e.label != "COUNT"
                and not any(s.start <= e.start and e.end <= s.end for s in rules)]
        assert kept == [e for e in after if e.label != "COUNT"]
    gold = [d.spans for d in docs]
    as_spans = [[e.to_span() for e in doc] for doc in ruled_out]
    # the rules read COUNT as the spec does, which a tiny model does not
    assert span_scores(gold, as_spans)["COUNT"]["f1"] > 0.7


def test_count_rules_setting_travels_with_the_model_dir(tiny_model, tmp_path):
    model = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir)
    assert model.count_rules is False  # the tiny model was trained without
    config = model.model.config
    config.conflict_ie = {**config.conflict_ie, "count_rules": True}
    model.model.save_pretrained(tmp_path)
    model.tokenizer.save_pretrained(tmp_path)
    assert conflict_ie.ConflictExtractor.from_pretrained(tmp_path).count_rules is True
    assert conflict_ie.ConflictExtractor.from_pretrained(tmp_path, count_rules=False).count_rules is False
