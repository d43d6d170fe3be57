"""Shared fixtures: the bundled corpus, a tokenizer learned from it, a tiny trained model."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus():
    from conflict_ie import load_annotations

    return {split: load_annotations(CORPUS / f"{split}.json") for split in ("train", "dev", "test")}


@pytest.fixture(scope="session")
def corpus_tokenizer(corpus):
    from conflict_ie.modeling import train_tokenizer

    return train_tokenizer((d.text for d in corpus["train"]), vocab_size=4000)


TINY_CONFIG = {
    "model": {"name_or_path": None, "scratch": {
        "vocab_size": 1500, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
        "intermediate_size": 128, "max_position_embeddings": 130, "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "tokenizer_texts": []}},
    "data": {"train": None, "dev": None, "label_config": str(ROOT / "data" / "label_config.xml")},
    "training": {"max_length": 128, "stride": 32, "learning_rate": 0.003, "epochs": 40, "batch_size": 8,
                 "warmup_ratio": 0.05, "seed": 7, "logging_steps": 50},
}


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory, corpus):
    """A few real corpus documents written as Label Studio exports."""
    from conflict_ie.labelstudio.export import write_export

    folder = tmp_path_factory.mktemp("tiny-data")
    write_export(corpus["train"][:16], folder / "train.json")
    write_export(corpus["train"][:4], folder / "dev.json")
    return folder


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_data):
    """A tiny CamemBERT trained end to end (it overfits its 16 documents, which is the point)."""
    from conflict_ie.config import TrainConfig
    from conflict_ie.training import train

    raw = {**TINY_CONFIG}
    raw["model"] = {**raw["model"], "scratch": {**raw["model"]["scratch"],
                                                "tokenizer_texts": [str(tiny_data / "train.json")]}}
    raw["data"] = {**raw["data"], "train": str(tiny_data / "train.json"), "dev": str(tiny_data / "dev.json")}
    config = TrainConfig.from_dict(raw)
    out = tmp_path_factory.mktemp("models") / "tiny"
    result = train(config, out)
    return result


def span_of(text, part, label):
    """The span of the first occurrence of ``part`` in ``text``."""
    from conflict_ie.schema import Span

    start = text.index(part)
    return Span(start, start + len(part), label, part)


def after_rule(rule, tokenizer, text, model_spans, *args, with_start=False):
    """The entities left when a decoding rule reads the word tags of ``model_spans``."""
    from conflict_ie.alignment import spans_to_tags, tags_to_spans, tokenize

    tokens = tokenize(text, tokenizer)
    tags = rule(tokens, spans_to_tags(tokens, model_spans), *args)
    assert all(tags[i] is None for i in range(len(tokens)) if not tokens.word_starts[i])
    return [(s.text, s.label, s.start) if with_start else (s.text, s.label) for s, _ in tags_to_spans(tokens, tags)]
