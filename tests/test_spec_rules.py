"""The spec's rules on decoded tags: edges, lists, places, agents, generic words; a real model's output."""

from conftest import after_rule, span_of

import conflict_ie
from conflict_ie.data_check import span_issues
from conflict_ie.schema import Document, Span
from conflict_ie.spec_rules import entity_runs, tidy_edges


def test_edges_follow_the_spec(corpus_tokenizer):
    text = "L'armée israélienne a tiré un drone Ababil de nuit sur des Tu-95 et des sous-munitions, selon Le Caire."
    model = [span_of(text, "L'armée israélienne", "ACTOR"), span_of(text, "drone Ababil de", "WEAPON"),
             span_of(text, "Tu-", "WEAPON"), span_of(text, "sous", "WEAPON"), span_of(text, "Le Caire", "ACTOR"),
             span_of(text, "un", "COUNT")]
    assert after_rule(tidy_edges, corpus_tokenizer, text, model) == [
        ("armée israélienne", "ACTOR"), ("un", "COUNT"), ("drone Ababil", "WEAPON"), ("Tu-95", "WEAPON"),
        ("sous-munitions", "WEAPON"), ("Le Caire", "ACTOR")]


def test_an_entity_of_only_function_words_is_dropped_and_neighbours_are_kept(corpus_tokenizer):
    text = "Selon l'ONU, des frappes de l'aviation turque ont visé Zakho-Duhok."
    model = [span_of(text, "l'", "LOCATION"), span_of(text, "ONU", "ACTOR"), span_of(text, "Zakho", "LOCATION"),
             span_of(text, "Duhok", "LOCATION")]
    # "Zakho" and "Duhok" are two entities: growing one over the other is not allowed
    assert after_rule(tidy_edges, corpus_tokenizer, text, model) == [("ONU", "ACTOR"), ("Zakho", "LOCATION"), ("Duhok", "LOCATION")]


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
    model = [span_of(text, "Moscou", "ACTOR"), span_of(text, "Kremlin", "ACTOR"), span_of(text, "Kherson", "ACTOR"),
             span_of(text, "Belgique", "ACTOR"), span_of(text, "Amnesty International", "ACTOR"),
             Span(text.rindex("Moscou"), text.rindex("Moscou") + 6, "ACTOR", "Moscou")]
    names = [span_of(text, "Amnesty International", "ORG"), span_of(text, "Kherson", "ORG")]  # spaCy's mistake
    got = after_rule(places_after_locatives, corpus_tokenizer, text, model, names, with_start=True)
    assert got == [("Moscou", "LOCATION", 2), ("Kremlin", "ACTOR", text.index("Kremlin")),
                   ("Kherson", "LOCATION", text.index("Kherson")), ("Belgique", "LOCATION", text.index("Belgique")),
                   ("Amnesty International", "ACTOR", text.index("Amnesty")),
                   ("Moscou", "ACTOR", text.rindex("Moscou"))]  # the acting Moscou stays an ACTOR


def test_generic_people_alone_are_no_actor_but_with_a_nationality_they_are(corpus_tokenizer, corpus):
    from conflict_ie.spec_rules import GENERIC_PEOPLE, drop_generic_words

    text = "Les militaires ont riposté ; des soldats togolais et l'armée malienne ont été visés en mer Rouge, " \
           "pas en mer."
    model = [span_of(text, "militaires", "ACTOR"), span_of(text, "soldats togolais", "ACTOR"),
             span_of(text, "armée", "ACTOR"), span_of(text, "malienne", "LOCATION"), span_of(text, "mer Rouge", "LOCATION"),
             Span(text.rindex("mer"), text.rindex("mer") + 3, "LOCATION", "mer")]
    assert after_rule(drop_generic_words, corpus_tokenizer, text, model) == [
        ("soldats togolais", "ACTOR"), ("armée", "ACTOR"), ("mer Rouge", "LOCATION")]
    text = "Trois véhicules et deux véhicules blindés ont sauté."
    model = [span_of(text, "véhicules", "WEAPON"), span_of(text, "véhicules blindés", "WEAPON")]
    assert after_rule(drop_generic_words, corpus_tokenizer, text, model) == [("véhicules blindés", "WEAPON")]
    # the list holds no word the annotators ever tagged alone as an ACTOR
    alone = {s.text for doc in corpus["train"] for s in doc.spans if s.label == "ACTOR"}
    assert not alone & GENERIC_PEOPLE


def test_a_place_that_acts_is_an_actor(corpus_tokenizer):
    from conflict_ie.spec_rules import actors_as_agents

    text = "Le district, bombardé par le Pakistan, a brûlé. Kiev affirme que Kherson a été visée ; " \
           "les habitants de Bajaur ont fui."
    model = [span_of(text, "Pakistan", "LOCATION"), span_of(text, "Kiev", "LOCATION"),
             span_of(text, "Kherson", "LOCATION"), span_of(text, "Bajaur", "LOCATION")]
    assert after_rule(actors_as_agents, corpus_tokenizer, text, model) == [
        ("Pakistan", "ACTOR"), ("Kiev", "ACTOR"), ("Kherson", "LOCATION"), ("Bajaur", "LOCATION")]


def test_lists_split_into_items_and_a_name_after_a_place_noun_is_a_place(corpus_tokenizer):
    from conflict_ie.spec_rules import apply_spec_rules

    text = "Sokolo, Diabaly et Macina ont été visés par des missiles Javelin et NLAW près du camp de " \
           "Rumangabo, selon le Front de libération et de salut."
    model = [span_of(text, "Sokolo, Diabaly et Macina", "LOCATION"), span_of(text, "missiles Javelin et NLAW", "WEAPON"),
             span_of(text, "Rumangabo", "ACTOR"), span_of(text, "Front de libération et de salut", "ACTOR")]
    assert after_rule(apply_spec_rules, corpus_tokenizer, text, model) == [
        ("Sokolo", "LOCATION"), ("Diabaly", "LOCATION"), ("Macina", "LOCATION"), ("missiles Javelin", "WEAPON"),
        ("NLAW", "WEAPON"), ("Rumangabo", "LOCATION"), ("Front de libération et de salut", "ACTOR")]


def test_a_place_that_is_a_person_or_organisation_name_is_an_actor(corpus_tokenizer):
    from conflict_ie.spec_rules import names_as_actors

    text = "Le colonel Alain Kiwewa et l'OFAC ont parlé. Les habitants de Lakki Marwat ont fui vers PESHAWAR."
    model = [span_of(text, "Alain Kiwewa", "LOCATION"), span_of(text, "OFAC", "LOCATION"),
             span_of(text, "Lakki Marwat", "LOCATION"), span_of(text, "PESHAWAR", "LOCATION")]
    names = [span_of(text, "Alain Kiwewa", "PER"), span_of(text, "OFAC", "ORG"),
             span_of(text, "Lakki Marwat", "PER"), span_of(text, "PESHAWAR", "ORG")]
    # after "de" a person-like name stays a place; a word in capitals is a dateline's city
    assert after_rule(names_as_actors, corpus_tokenizer, text, model, names) == [
        ("Alain Kiwewa", "ACTOR"), ("OFAC", "ACTOR"), ("Lakki Marwat", "LOCATION"), ("PESHAWAR", "LOCATION")]
    assert after_rule(names_as_actors, corpus_tokenizer, text, model, []) == [
        (s.text, s.label) for s in model]  # without spaCy's names nothing moves


def test_titles_speech_verbs_and_negated_verbs_make_a_place_an_actor(corpus_tokenizer):
    from conflict_ie.spec_rules import actors_as_agents

    text = "« Rien », raconte Yonas. Juba n'a pas réagi ; le gouverneur Hyacinth Alia est à Makurdi. " \
           "Les ONG demandent à Israël de lever le blocus, après l'attaque attribuée à Boko Haram."
    model = [span_of(text, "Yonas", "LOCATION"), span_of(text, "Juba", "LOCATION"),
             span_of(text, "Hyacinth Alia", "LOCATION"), span_of(text, "Makurdi", "LOCATION"),
             span_of(text, "Israël", "LOCATION"), span_of(text, "Boko Haram", "LOCATION")]
    assert after_rule(actors_as_agents, corpus_tokenizer, text, model) == [
        ("Yonas", "ACTOR"), ("Juba", "ACTOR"), ("Hyacinth Alia", "ACTOR"), ("Makurdi", "LOCATION"),
        ("Israël", "ACTOR"), ("Boko Haram", "ACTOR")]


def test_a_city_in_a_dateline_or_a_breadcrumb_is_a_place(corpus_tokenizer):
    from conflict_ie.spec_rules import places_in_datelines

    text = "Accueil > Monde > Syrie > Politique\nCARACAS, 26 octobre (Reuters) - Amnesty International, " \
           "novembre 2023. Moscou a démenti."
    model = [span_of(text, "Syrie", "ACTOR"), span_of(text, "CARACAS", "ACTOR"),
             span_of(text, "Amnesty International", "ACTOR"), span_of(text, "Moscou", "ACTOR")]
    names = [span_of(text, "Amnesty International", "ORG")]
    assert after_rule(places_in_datelines, corpus_tokenizer, text, model, names) == [
        ("Syrie", "LOCATION"), ("CARACAS", "LOCATION"), ("Amnesty International", "ACTOR"), ("Moscou", "ACTOR")]


def test_items_of_one_list_share_the_label_most_of_them_have(corpus_tokenizer):
    from conflict_ie.spec_rules import agree_in_lists

    text = "Tsahal a frappé Yaroun, Marwahin et Aitaroun. À Peshawar, l'armée a riposté. Kiev et Moscou se parlent."
    model = [span_of(text, "Tsahal", "ACTOR"), span_of(text, "Yaroun", "LOCATION"), span_of(text, "Marwahin", "ACTOR"),
             span_of(text, "Aitaroun", "LOCATION"), span_of(text, "Peshawar", "LOCATION"), span_of(text, "armée", "ACTOR"),
             span_of(text, "Kiev", "ACTOR"), span_of(text, "Moscou", "LOCATION")]
    # "Peshawar, l'armée" is no list (no "et" closes it); "Kiev et Moscou" is a tie and stays
    assert after_rule(agree_in_lists, corpus_tokenizer, text, model) == [
        ("Tsahal", "ACTOR"), ("Yaroun", "LOCATION"), ("Marwahin", "LOCATION"), ("Aitaroun", "LOCATION"),
        ("Peshawar", "LOCATION"), ("armée", "ACTOR"), ("Kiev", "ACTOR"), ("Moscou", "LOCATION")]
    text = "Formés en Roumanie, au Danemark et aux États-Unis."
    model = [span_of(text, "Roumanie", "LOCATION"), span_of(text, "Danemark", "ACTOR"),
             span_of(text, "États-Unis", "ACTOR")]
    assert after_rule(agree_in_lists, corpus_tokenizer, text, model) == [
        ("Roumanie", "LOCATION"), ("Danemark", "LOCATION"), ("États-Unis", "LOCATION")]


def test_an_institution_and_the_place_that_makes_it_specific_are_one_actor(corpus_tokenizer):
    from conflict_ie.spec_rules import institutions_with_places

    text = "La police d'Istanbul et le gouvernement de Tripoli accusent les soldats de Kiev."
    model = [span_of(text, "police", "ACTOR"), span_of(text, "Istanbul", "LOCATION"),
             span_of(text, "gouvernement", "ACTOR"), span_of(text, "Tripoli", "LOCATION"),
             span_of(text, "soldats", "ACTOR"), span_of(text, "Kiev", "LOCATION")]
    assert after_rule(institutions_with_places, corpus_tokenizer, text, model) == [
        ("police d'Istanbul", "ACTOR"), ("gouvernement de Tripoli", "ACTOR"), ("soldats", "ACTOR"),
        ("Kiev", "LOCATION")]


def test_verbs_adjectives_and_remains_alone_are_no_entities(corpus_tokenizer):
    from conflict_ie.spec_rules import drop_generic_words

    text = "L'armée a proclamé la trêve ; les restes et des drones stratégiques, selon la junte."
    model = [span_of(text, "armée", "ACTOR"), span_of(text, "proclamé", "ACTOR"), span_of(text, "restes", "WEAPON"),
             span_of(text, "drones", "WEAPON"), span_of(text, "stratégiques", "WEAPON"), span_of(text, "junte", "ACTOR")]
    assert after_rule(drop_generic_words, corpus_tokenizer, text, model) == [
        ("armée", "ACTOR"), ("drones", "WEAPON"), ("junte", "ACTOR")]


def test_armed_people_with_a_nationality_are_an_actor_but_civilians_are_not(corpus_tokenizer):
    from conflict_ie.spec_rules import apply_spec_rules

    text = "Les talibans ont tué 58 soldats pakistanais et des civils tchadiens ; des soldats sont morts."
    model = [span_of(text, "talibans", "ACTOR"), span_of(text, "58", "COUNT")]
    assert after_rule(apply_spec_rules, corpus_tokenizer, text, model) == [
        ("talibans", "ACTOR"), ("58", "COUNT"), ("soldats pakistanais", "ACTOR")]


def test_titles_and_generic_forces_are_no_actor(corpus_tokenizer):
    from conflict_ie.spec_rules import drop_titles_and_generic_phrases

    text = "Le chef d'état-major, Eyal Zamir, et les forces de sécurité pakistanaises visent les forces de sécurité."
    model = [span_of(text, "état-major", "ACTOR"), span_of(text, "Eyal Zamir", "ACTOR"),
             span_of(text, "forces de sécurité pakistanaises", "ACTOR"),
             Span(text.rindex("forces"), len(text) - 1, "ACTOR", "forces de sécurité")]
    assert after_rule(drop_titles_and_generic_phrases, corpus_tokenizer, text, model) == [
        ("Eyal Zamir", "ACTOR"), ("forces de sécurité pakistanaises", "ACTOR")]


def test_no_entity_ends_on_a_conjugated_verb(corpus_tokenizer):
    text = "Selon lui, Israël commettait des crimes et les combattants de l'Iswap harcèlent le gouvernement."
    model = [span_of(text, "Israël commettait", "ACTOR"), span_of(text, "Iswap harcèlent", "ACTOR"),
             span_of(text, "gouvernement", "ACTOR")]
    assert after_rule(tidy_edges, corpus_tokenizer, text, model) == [
        ("Israël", "ACTOR"), ("Iswap", "ACTOR"), ("gouvernement", "ACTOR")]


def test_a_weapon_keeps_its_model_number_and_a_letter_is_no_entity(corpus_tokenizer):
    from conflict_ie.spec_rules import apply_spec_rules

    text = "Des chars Leopard 2 et le système Arrow 3, a lancé M. Soylu ; J'ai vu 2 drones."
    model = [span_of(text, "chars Leopard", "WEAPON"), span_of(text, "système Arrow", "WEAPON"),
             span_of(text, "M", "ACTOR"), span_of(text, "J", "ACTOR"), span_of(text, "drones", "WEAPON")]
    assert after_rule(apply_spec_rules, corpus_tokenizer, text, model) == [
        ("chars Leopard 2", "WEAPON"), ("système Arrow 3", "WEAPON"), ("drones", "WEAPON")]


def test_an_untagged_name_after_a_or_pres_de_is_a_place(corpus_tokenizer):
    from conflict_ie.spec_rules import places_the_network_missed

    text = "Un taximan a été abattu à Ntarinkon, près de Bint Jbeil. Une chercheuse à Amnesty International parle."
    model = []
    names = [span_of(text, "Amnesty International", "ORG")]
    assert after_rule(places_the_network_missed, corpus_tokenizer, text, model, names) == [
        ("Ntarinkon", "LOCATION"), ("Bint Jbeil", "LOCATION")]


def test_institutions_keep_their_adjectives_and_units_their_complement(corpus_tokenizer):
    from conflict_ie.spec_rules import whole_institutions

    text = "Le gouvernement malaisien et la police locale ; la 95e brigade d'assaut aérien de l'armée ; le Hamas palestinien."
    model = [span_of(text, "gouvernement", "ACTOR"), span_of(text, "police", "ACTOR"),
             span_of(text, "95e brigade", "ACTOR"), span_of(text, "Hamas", "ACTOR")]
    # a proper name keeps no trailing adjective (the spec's "le Hamas palestinien" -> "Hamas")
    assert after_rule(whole_institutions, corpus_tokenizer, text, model) == [
        ("gouvernement malaisien", "ACTOR"), ("police locale", "ACTOR"), ("95e brigade d'assaut aérien", "ACTOR"),
        ("Hamas", "ACTOR")]


def test_no_entity_starts_with_a_preposition_or_a_generic_word_before_a_name(corpus_tokenizer):
    text = "Par Fatoumata Coulibaly, selon l'agence Interfax et le président Touadéra, avec les Forces armées."
    model = [span_of(text, "Par Fatoumata Coulibaly", "ACTOR"), span_of(text, "agence Interfax", "ACTOR"),
             span_of(text, "président Touadéra", "ACTOR"), span_of(text, "Forces armées", "ACTOR")]
    assert after_rule(tidy_edges, corpus_tokenizer, text, model) == [
        ("Fatoumata Coulibaly", "ACTOR"), ("Interfax", "ACTOR"), ("Touadéra", "ACTOR"), ("Forces armées", "ACTOR")]
