"""How word tags are read from piece probabilities: pooling over a word's pieces."""

from conflict_ie.alignment import tokenize
from conflict_ie.inference import _pool_pieces

LABELS = ["O", "B-ACTOR", "I-ACTOR", "B-LOCATION", "I-LOCATION"]


def test_pooling_reads_a_word_from_all_its_pieces(corpus_tokenizer):
    text = "Le chef Zorglubiatkov a parlé."
    tokens = tokenize(text, corpus_tokenizer)
    word = next(i for i in range(len(tokens)) if tokens.offsets[i][0] == text.index("Zorglubiatkov"))
    rest = [j for j in range(word + 1, len(tokens)) if not tokens.word_starts[j]]
    rest = rest[:next((k for k, j in enumerate(rest) if j != word + 1 + k), len(rest))]
    assert rest, "the test needs a word cut into several pieces"
    # the first piece alone says O (as a pronoun-like piece would); the others say ACTOR
    probs = [[1.0, 0.0, 0.0, 0.0, 0.0] if tokens.word_starts[i] else None for i in range(len(tokens))]
    probs[word] = [0.55, 0.3, 0.05, 0.1, 0.0]
    for j in rest:
        probs[j] = [0.05, 0.0, 0.9, 0.0, 0.05]
    pooled = _pool_pieces(tokens, probs, LABELS)
    vector = pooled[word]
    n = 1 + len(rest)
    assert abs(sum(vector) - 1.0) < 1e-9
    assert abs(vector[0] - (0.55 + 0.05 * len(rest)) / n) < 1e-9
    actor = (0.35 + 0.9 * len(rest)) / n
    assert abs(vector[1] - actor * 0.3 / 0.35) < 1e-9 and abs(vector[2] - actor * 0.05 / 0.35) < 1e-9
    assert max(range(len(LABELS)), key=vector.__getitem__) == 1  # B-ACTOR: type from all pieces, B from the first
    # words of one piece keep their own distribution
    assert all(pooled[i] == probs[i] for i in range(len(tokens)) if i != word)


def test_a_model_trained_on_all_pieces_is_read_from_all_pieces(tmp_path, tiny_data, corpus):
    import json

    import conflict_ie
    from conflict_ie.config import TrainConfig
    from conflict_ie.evaluation import span_scores
    from conflict_ie.training import train
    from conftest import TINY_CONFIG

    raw = json.loads(json.dumps(TINY_CONFIG))
    raw["model"]["scratch"]["tokenizer_texts"] = [str(tiny_data / "train.json")]
    raw["data"].update(train=str(tiny_data / "train.json"))
    raw["training"].update(label_all_tokens=True, epochs=30)
    train(TrainConfig.from_dict(raw), tmp_path / "all-pieces")
    saved = json.loads((tmp_path / "all-pieces" / "config.json").read_text())["conflict_ie"]
    assert saved["label_all_tokens"] is True
    model = conflict_ie.ConflictExtractor.from_pretrained(tmp_path / "all-pieces")
    assert model.pool_pieces is True
    docs = corpus["train"][:16]
    predictions = model.predict([d.text for d in docs])
    for doc, entities in zip(docs, predictions):
        assert all(doc.text[e.start:e.end] == e.text and 0 < e.score <= 1 for e in entities)
    scores = span_scores([d.spans for d in docs], [[e.to_span() for e in p] for p in predictions])
    assert scores["micro"]["f1"] > 0.6  # it learned its training documents


def test_training_tunes_the_continuation_weight_on_dev(tiny_model):
    import json

    import conflict_ie
    from conflict_ie.training import CONTINUATION_BONUSES

    out = tiny_model.output_dir
    tuning = json.loads((out / "metrics.json").read_text())["continuation_bonus_tuning"]
    scores = {float(b): f for b, f in tuning["dev_strict_f1"].items()}
    assert set(scores) == set(CONTINUATION_BONUSES)
    assert scores[tuning["chosen"]] == max(scores.values())
    saved = json.loads((out / "config.json").read_text())["conflict_ie"]["continuation_bonus"]
    assert saved == tuning["chosen"]
    model = conflict_ie.ConflictExtractor.from_pretrained(out)
    assert model.continuation_bonus == saved
    # the dev report saved beside the model is the one of the chosen weight
    dev = json.loads((out / "metrics.json").read_text())["dev"]["strict"]["micro avg"]["f1-score"]
    assert round(dev, 4) == scores[tuning["chosen"]]
    assert f"entity-continuation weight of {saved:g}" in (out / "README.md").read_text()
