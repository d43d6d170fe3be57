"""The bundled corpus passes the data check; the markup helper and the span lint work."""

import pytest

from conflict_ie import AnnotationError
from conflict_ie.data_check import label_conflicts, span_issues
from conflict_ie.markup import parse_marked_text
from conflict_ie.schema import LABELS, Document, Span


def test_bundled_corpus_passes_the_data_check(corpus):
    issues = [str(i) for docs in corpus.values() for d in docs for i in span_issues(d)]
    assert issues == []


def test_corpus_splits_are_disjoint_and_cover_every_label(corpus):
    ids = {split: {d.meta["doc_id"] for d in docs} for split, docs in corpus.items()}
    assert not ids["train"] & ids["dev"] and not ids["train"] & ids["test"] and not ids["dev"] & ids["test"]
    for docs in corpus.values():
        assert {s.label for d in docs for s in d.spans} == set(LABELS)


def test_markup_gives_offsets():
    text, spans = parse_marked_text("[[COUNT|Au moins 14]] morts à [[LOCATION|Gao]]<nbsp>!")
    assert text == "Au moins 14 morts à Gao\u00a0!"
    assert [(text[s.start:s.end], s.label) for s in spans] == [("Au moins 14", "COUNT"), ("Gao", "LOCATION")]


@pytest.mark.parametrize("marked, message", [
    ("[[PERSON|Ali]]", "unknown label 'PERSON'"),
    ("[[ACTOR|Ali] a dit", "unbalanced"),
    ("[[ACTOR|[[LOCATION|Gao]]]]", "nested or malformed"),
])
def test_markup_rejects_mistakes(marked, message):
    with pytest.raises(AnnotationError, match=message):
        parse_marked_text(marked, "doc-1")


@pytest.mark.parametrize("text, start, end, label, rule", [
    ("selon l'armée malienne", 6, 22, "ACTOR", "determiner \"l'\""),
    ("le groupe Boko Haram", 0, 20, "ACTOR", "determiner 'le'"),
    ("vers Gao.", 5, 9, "LOCATION", "ends with punctuation '.'"),
    ("« Wagner »", 0, 8, "ACTOR", "starts with punctuation '«'"),
    ("des drones", 5, 9, "WEAPON", "cuts a word: followed by 's'"),
    ("vers  Gao", 4, 9, "LOCATION", "whitespace"),
])
def test_span_lint_flags_spec_violations(text, start, end, label, rule):
    doc = Document("d", text, (Span(start, end, label, text[start:end]),))
    assert any(rule in issue.rule for issue in span_issues(doc))


@pytest.mark.parametrize("text, label", [("une trentaine", "COUNT"), ("des dizaines", "COUNT"), ("au moins 14", "COUNT"),
                                         ("Le Caire", "LOCATION"), ("LA HAYE", "LOCATION"), ("L'Essor", "ACTOR"),
                                         ("Forces armées maliennes", "ACTOR")])
def test_span_lint_accepts_what_the_spec_allows(text, label):
    assert span_issues(Document("d", text, (Span(0, len(text), label, text),))) == []


def test_label_conflicts_lists_metonymy():
    docs = [Document("a", "Moscou", (Span(0, 6, "ACTOR", "Moscou"),)),
            Document("b", "moscou", (Span(0, 6, "LOCATION", "moscou"),))]
    assert dict(label_conflicts(docs)["moscou"]) == {"ACTOR": 1, "LOCATION": 1}


def test_unlabelled_occurrences_find_a_name_left_bare():
    from conflict_ie.data_check import unlabelled_occurrences

    docs = [Document("a", "Bamako et Gao", (Span(0, 6, "LOCATION", "Bamako"), Span(10, 13, "LOCATION", "Gao"))),
            Document("b", "Vers Bamako.", (Span(5, 11, "LOCATION", "Bamako"),)),
            Document("c", "Bamako a dit, Bamakois", ())]
    assert unlabelled_occurrences(docs) == {"Bamako": [("c", 0)]}
