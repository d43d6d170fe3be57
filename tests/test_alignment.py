"""Spans <-> tokens <-> BIO, and windows over long documents."""

import pytest

from conflict_ie.alignment import misaligned_spans, spans_to_tags, tags_to_spans, tokenize, windows
from conflict_ie.schema import Span


def test_round_trip_is_lossless_on_every_corpus_document(corpus, corpus_tokenizer):
    checked = 0
    for split, docs in corpus.items():
        for doc in docs:
            tokens = tokenize(doc.text, corpus_tokenizer)
            assert misaligned_spans(tokens, doc.spans) == [], (split, doc.id)
            back = [s for s, _ in tags_to_spans(tokens, spans_to_tags(tokens, doc.spans))]
            assert back == list(doc.spans), (split, doc.id)
            checked += len(doc.spans)
    assert checked > 1000


def test_label_all_tokens_tags_continuations(corpus_tokenizer):
    text = "Les Tshisekedistes et Kinshasa"
    tokens = tokenize(text, corpus_tokenizer)
    spans = [Span(22, 30, "LOCATION", "Kinshasa")]
    first_only = spans_to_tags(tokens, spans)
    every = spans_to_tags(tokens, spans, label_all_tokens=True)
    assert None not in every
    inside = [i for i, (a, b) in enumerate(tokens.offsets) if a >= 22]
    assert first_only[inside[0]] == every[inside[0]] == "B-LOCATION"
    assert all(first_only[i] is None and every[i] == "I-LOCATION" for i in inside[1:])
    assert [s for s, _ in tags_to_spans(tokens, every)] == spans


def test_words_split_at_apostrophes_and_offsets_skip_spaces(corpus_tokenizer):
    text = "Selon l’armée malienne,\u00a0les FAMa 😀 ont riposté."
    tokens = tokenize(text, corpus_tokenizer)
    starts = {tokens.offsets[i][0] for i in range(len(tokens)) if tokens.word_starts[i]}
    assert text.index("armée") in starts and text.index("FAMa") in starts
    for start, end in tokens.offsets:
        assert not text[start].isspace() and not text[end - 1].isspace()


def test_seqeval_default_decoding_keeps_orphan_inside_tags(corpus_tokenizer):
    text = "Boko Haram frappe Diffa"
    tokens = tokenize(text, corpus_tokenizer)
    tags = [("I-ACTOR" if tokens.offsets[i][0] < 10 else "O") if s else None for i, s in enumerate(tokens.word_starts)]
    (span, score), = tags_to_spans(tokens, tags)
    assert (span.text, span.label, score) == ("Boko Haram", "ACTOR", 1.0)


@pytest.mark.parametrize("n, window, stride", [(0, 10, 2), (5, 10, 2), (10, 10, 3), (11, 10, 3), (1000, 126, 32),
                                               (257, 64, 0), (300, 64, 63)])
def test_windows_own_every_token_exactly_once(n, window, stride):
    result = windows(n, window, stride)
    owned = [t for w in result for t in range(w.own_start, w.own_end)]
    assert owned == list(range(n))
    for w in result:
        assert 0 <= w.start <= w.own_start <= w.own_end <= w.end <= n and w.end - w.start <= window
    for left, right in zip(result, result[1:]):
        assert left.end - right.start >= stride  # consecutive windows overlap by at least the stride


def test_windows_reject_impossible_stride():
    with pytest.raises(ValueError, match="stride"):
        windows(100, 10, 10)


def test_long_document_training_features_cover_every_token(corpus, corpus_tokenizer):
    from conflict_ie.training import build_features
    from conflict_ie.schema import Document, bio_tags

    docs = corpus["train"]
    parts, spans, offset = [], [], 0
    for doc in docs:
        parts.append(doc.text)
        spans += [Span(s.start + offset, s.end + offset, s.label, s.text) for s in doc.spans]
        offset += len(doc.text) + 2
        if sum(len(p.split()) for p in parts) > 5000:
            break
    long_doc = Document("long", "\n\n".join(parts), tuple(spans))
    assert len(long_doc.text.split()) > 5000
    label2id = {t: i for i, t in enumerate(bio_tags())}
    features = build_features([long_doc], corpus_tokenizer, label2id, max_length=128, stride=32)
    tokens = tokenize(long_doc.text, corpus_tokenizer)
    assert len(features) == len(windows(len(tokens), 126, 32)) > 50
    assert all(len(f["input_ids"]) <= 128 for f in features)
    b_tags = sum(1 for f in features for lab in f["labels"] if lab >= 0 and bio_tags()[lab].startswith("B-"))
    assert b_tags >= len(spans)  # every entity start appears in at least one window


def test_constrained_decode_is_the_best_valid_sequence():
    import itertools
    import math
    import random

    from conflict_ie.alignment import constrained_decode

    tags = ["O", "B-ACTOR", "I-ACTOR", "B-COUNT", "I-COUNT"]

    def valid(path):
        previous = "O"
        for k in path:
            tag = tags[k]
            if tag.startswith("I-") and previous[2:] != tag[2:]:
                return False
            previous = tag
        return True

    rng = random.Random(0)
    for _ in range(60):
        n = rng.randint(1, 5)
        probs = [[rng.random() for _ in tags] for _ in range(n)]
        best = max((p for p in itertools.product(range(len(tags)), repeat=n) if valid(p)),
                   key=lambda p: sum(math.log(probs[i][k]) for i, k in enumerate(p)))
        assert constrained_decode(probs, tags) == list(best)
        # with a weight on continuing an entity: every valid I- tag continues one
        bonus = rng.choice([0.5, 2.0, 8.0])
        best = max((p for p in itertools.product(range(len(tags)), repeat=n) if valid(p)),
                   key=lambda p: sum(math.log(probs[i][k]) + math.log(bonus) * tags[k].startswith("I-")
                                     for i, k in enumerate(p)))
        assert constrained_decode(probs, tags, continuation_bonus=bonus) == list(best)


def test_continuation_bonus_keeps_a_name_whole():
    from conflict_ie.alignment import constrained_decode

    tags = ["O", "B-ACTOR", "I-ACTOR"]
    # "Khawaja Asif": the second word leans O (0.6) over I-ACTOR (0.4)
    probs = [[0.1, 0.9, 0.0], [0.6, 0.0, 0.4]]
    assert constrained_decode(probs, tags) == [1, 0]
    assert constrained_decode(probs, tags, continuation_bonus=2.0) == [1, 2]
    # a large weight may open an entity to continue it, but never puts an I- after O
    path = constrained_decode([[0.9, 0.05, 0.05], [0.6, 0.0, 0.4]], tags, continuation_bonus=100.0)
    assert path == [1, 2]
