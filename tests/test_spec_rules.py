"""Entity edges: function words and determiners off the edges, hyphenated words whole."""

import conflict_ie
from conflict_ie.alignment import spans_to_tags, tags_to_spans, tokenize
from conflict_ie.data_check import span_issues
from conflict_ie.spec_rules import entity_runs, tidy_edges
from conflict_ie.schema import Document, Span


def _tidy(tokenizer, text, model_spans):
    tokens = tokenize(text, tokenizer)
    tags = tidy_edges(tokens, spans_to_tags(tokens, model_spans))
    assert all(tags[i] is None for i in range(len(tokens)) if not tokens.word_starts[i])
    return [(span.text, span.label) for span, _ in tags_to_spans(tokens, tags)]


def _span(text, part, label):
    start = text.index(part)
    return Span(start, start + len(part), label, part)


def test_edges_follow_the_spec(corpus_tokenizer):
    text = "L'armée israélienne a tiré un drone Ababil de nuit sur des Tu-95 et des sous-munitions, selon Le Caire."
    model = [_span(text, "L'armée israélienne", "ACTOR"), _span(text, "drone Ababil de", "WEAPON"),
             _span(text, "Tu-", "WEAPON"), _span(text, "sous", "WEAPON"), _span(text, "Le Caire", "ACTOR"),
             _span(text, "un", "COUNT")]
    assert _tidy(corpus_tokenizer, text, model) == [
        ("armée israélienne", "ACTOR"), ("un", "COUNT"), ("drone Ababil", "WEAPON"), ("Tu-95", "WEAPON"),
        ("sous-munitions", "WEAPON"), ("Le Caire", "ACTOR")]


def test_an_entity_of_only_function_words_is_dropped_and_neighbours_are_kept(corpus_tokenizer):
    text = "Selon l'ONU, des frappes de l'aviation turque ont visé Zakho-Duhok."
    model = [_span(text, "l'", "LOCATION"), _span(text, "ONU", "ACTOR"), _span(text, "Zakho", "LOCATION"),
             _span(text, "Duhok", "LOCATION")]
    # "Zakho" and "Duhok" are two entities: growing one over the other is not allowed
    assert _tidy(corpus_tokenizer, text, model) == [("ONU", "ACTOR"), ("Zakho", "LOCATION"), ("Duhok", "LOCATION")]


def test_entity_runs_read_tags_like_seqeval_default_mode():
    tags = ["B-ACTOR", "I-ACTOR", "O", "I-WEAPON", "I-WEAPON", "B-WEAPON", None, "I-LOCATION"]
    assert entity_runs(tags) == [("ACTOR", 0, 2), ("WEAPON", 3, 5), ("WEAPON", 5, 6), ("LOCATION", 7, 8)]


def test_a_real_models_tidied_entities_break_no_edge_rule(tiny_model, corpus):
    raw = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir, spec_rules=False)
    tidy = conflict_ie.ConflictExtractor.from_pretrained(tiny_model.output_dir)
    texts = [d.text for d in corpus["dev"][:20]]
    broken_before = broken_after = 0
    for i, (before, after) in enumerate(zip(raw.predict(texts), tidy.predict(texts))):
        def determiner_starts(entities):
            doc = Document(str(i), texts[i], [e.to_span() for e in entities if e.label != "COUNT"])
            return [p for p in span_issues(doc) if "determiner" in p.rule]
        broken_before += len(determiner_starts(before))
        broken_after += len(determiner_starts(after))
        assert all(texts[i][e.start:e.end] == e.text for e in after)
        assert not any(texts[i][e.start:e.end].split()[-1] in ("de", "à", "et") for e in after if e.label != "COUNT")
    assert broken_after == 0


def test_an_actor_after_a_locative_preposition_becomes_a_place(corpus_tokenizer):
    from conflict_ie.spec_rules import places_after_locatives

    text = "À Moscou, le Kremlin a parlé ; des combats près de Kherson et en Belgique, selon une chercheuse " \
           "à Amnesty International. Moscou a répondu."
    model = [_span(text, "Moscou", "ACTOR"), _span(text, "Kremlin", "ACTOR"), _span(text, "Kherson", "ACTOR"),
             _span(text, "Belgique", "ACTOR"), _span(text, "Amnesty International", "ACTOR"),
             Span(text.rindex("Moscou"), text.rindex("Moscou") + 6, "ACTOR", "Moscou")]
    tokens = tokenize(text, corpus_tokenizer)
    names = [_span(text, "Amnesty International", "ORG"), _span(text, "Kherson", "ORG")]  # spaCy's mistake
    tags = places_after_locatives(tokens, spans_to_tags(tokens, model), names)
    got = [(span.text, span.label, span.start) for span, _ in tags_to_spans(tokens, tags)]
    assert got == [("Moscou", "LOCATION", 2), ("Kremlin", "ACTOR", text.index("Kremlin")),
                   ("Kherson", "LOCATION", text.index("Kherson")), ("Belgique", "LOCATION", text.index("Belgique")),
                   ("Amnesty International", "ACTOR", text.index("Amnesty")),
                   ("Moscou", "ACTOR", text.rindex("Moscou"))]  # the acting Moscou stays an ACTOR


def test_generic_people_alone_are_no_actor_but_with_a_nationality_they_are(corpus_tokenizer, corpus):
    from conflict_ie.spec_rules import GENERIC_PEOPLE, drop_generic_words

    text = "Les militaires ont riposté ; des soldats togolais et l'armée malienne ont été visés en mer Rouge, " \
           "pas en mer."
    model = [_span(text, "militaires", "ACTOR"), _span(text, "soldats togolais", "ACTOR"),
             _span(text, "armée", "ACTOR"), _span(text, "malienne", "LOCATION"), _span(text, "mer Rouge", "LOCATION"),
             Span(text.rindex("mer"), text.rindex("mer") + 3, "LOCATION", "mer")]
    tokens = tokenize(text, corpus_tokenizer)
    tags = drop_generic_words(tokens, spans_to_tags(tokens, model))
    assert [(s.text, s.label) for s, _ in tags_to_spans(tokens, tags)] == [
        ("soldats togolais", "ACTOR"), ("armée", "ACTOR"), ("mer Rouge", "LOCATION")]
    text = "Trois véhicules et deux véhicules blindés ont sauté."
    model = [_span(text, "véhicules", "WEAPON"), _span(text, "véhicules blindés", "WEAPON")]
    tokens = tokenize(text, corpus_tokenizer)
    tags = drop_generic_words(tokens, spans_to_tags(tokens, model))
    assert [(s.text, s.label) for s, _ in tags_to_spans(tokens, tags)] == [("véhicules blindés", "WEAPON")]
    # the list holds no word the annotators ever tagged alone as an ACTOR
    alone = {s.text for doc in corpus["train"] for s in doc.spans if s.label == "ACTOR"}
    assert not alone & GENERIC_PEOPLE


def test_a_place_that_acts_is_an_actor(corpus_tokenizer):
    from conflict_ie.spec_rules import actors_as_agents

    text = "Le district, bombardé par le Pakistan, a brûlé. Kiev affirme que Kherson a été visée ; " \
           "les habitants de Bajaur ont fui."
    model = [_span(text, "Pakistan", "LOCATION"), _span(text, "Kiev", "LOCATION"),
             _span(text, "Kherson", "LOCATION"), _span(text, "Bajaur", "LOCATION")]
    tokens = tokenize(text, corpus_tokenizer)
    tags = actors_as_agents(tokens, spans_to_tags(tokens, model))
    assert [(s.text, s.label) for s, _ in tags_to_spans(tokens, tags)] == [
        ("Pakistan", "ACTOR"), ("Kiev", "ACTOR"), ("Kherson", "LOCATION"), ("Bajaur", "LOCATION")]


def test_lists_split_into_items_and_a_name_after_a_place_noun_is_a_place(corpus_tokenizer):
    from conflict_ie.spec_rules import apply_spec_rules

    text = "Sokolo, Diabaly et Macina ont été visés par des missiles Javelin et NLAW près du camp de " \
           "Rumangabo, selon le Front de libération et de salut."
    model = [_span(text, "Sokolo, Diabaly et Macina", "LOCATION"), _span(text, "missiles Javelin et NLAW", "WEAPON"),
             _span(text, "Rumangabo", "ACTOR"), _span(text, "Front de libération et de salut", "ACTOR")]
    tokens = tokenize(text, corpus_tokenizer)
    tags = apply_spec_rules(tokens, spans_to_tags(tokens, model))
    assert [(s.text, s.label) for s, _ in tags_to_spans(tokens, tags)] == [
        ("Sokolo", "LOCATION"), ("Diabaly", "LOCATION"), ("Macina", "LOCATION"), ("missiles Javelin", "WEAPON"),
        ("NLAW", "WEAPON"), ("Rumangabo", "LOCATION"), ("Front de libération et de salut", "ACTOR")]
