"""Property-based tests: strange input never crashes the library, never gives a wrong offset.

Each run generates well over 1,000 inputs (see the max_examples of each test).
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conflict_ie
from conflict_ie import AnnotationError, ConfigError
from conflict_ie.config import TrainConfig
from conflict_ie.normalize import parse_count

WORDS = ["Boko Haram", "Gao", "trois", "drones", "l’armée", "malienne", "au moins 14", "«", "»", "\u00a0", "\u202f",
         "🙂", "👨‍👩‍👧", "e\u0301", "الجيش", "שלום", "\u200f", "\x00", "\x07", "\t", "\n", "\r\n", "中文", "Ω", "ﬁ",
         "Ⅻ", "１２", "𝔘", " ", "-", "'", "...", "FAMa", "Kharkiv", "dix-sept", "2 000"]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=60).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
)

ROBUST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@pytest.fixture(scope="module")
def model(tiny_model):
    return conflict_ie.load(str(tiny_model.output_dir))


def check_entities(text, entities):
    previous_end = 0
    for e in entities:
        assert isinstance(e, conflict_ie.Entity)
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == e.text
        assert e.text == e.text.strip() and e.text
        assert e.start >= previous_end
        previous_end = e.end
        assert 0.0 <= e.score <= 1.0


@ROBUST
@given(text=texts)
def test_predict_offsets_always_match(model, text):
    check_entities(text, model.predict(text))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(texts, max_size=6))
def test_batch_equals_single(model, batch):
    together = model.predict(batch, batch_size=3)
    assert len(together) == len(batch)
    for text, entities in zip(batch, together):
        check_entities(text, entities)
        alone = model.predict(text)
        # the same entities; scores may differ in the last rounded digit (padding changes float sums)
        assert [dataclasses.replace(e, score=0.0) for e in entities] == \
            [dataclasses.replace(e, score=0.0) for e in alone]
        assert all(abs(a.score - b.score) <= 1e-3 for a, b in zip(entities, alone))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.dictionaries(st.text(), st.text()),
                       st.lists(st.integers(), min_size=1)))
def test_predict_rejects_non_text_with_type_error(model, value):
    with pytest.raises(TypeError):
        model.predict(value)


def test_lone_surrogate_is_a_value_error(model):
    with pytest.raises(ValueError, match="lone surrogate at position 4"):
        model.predict("abcd\ud800efg")


def test_one_megabyte_text(model, corpus):
    block = "\n\n".join(d.text for d in corpus["train"][:40]) + "\n\n"
    text = (block * (1_000_000 // len(block) + 1))[:1_000_000]
    assert len(text) == 1_000_000
    entities = model.predict(text)
    check_entities(text, entities)
    assert entities and entities[-1].start > 900_000


# --- Label Studio exports -------------------------------------------------------------

span_values = st.fixed_dictionaries({
    "start": st.one_of(st.integers(-5, 80), st.text(max_size=2), st.none()),
    "end": st.one_of(st.integers(-5, 80), st.none()),
    "labels": st.one_of(st.lists(st.sampled_from(["ACTOR", "WEAPON", "LOCATION", "COUNT", "PER", ""]), max_size=2),
                        st.text(max_size=5)),
}, optional={"text": st.text(max_size=10)})
results = st.one_of(
    st.fixed_dictionaries({"type": st.just("labels"), "from_name": st.just("label"), "to_name": st.just("text"),
                           "value": span_values}),
    st.fixed_dictionaries({"type": st.sampled_from(["relation", "choices", "textarea"])}),
    st.integers(), st.none(),
)
annotations = st.fixed_dictionaries({"result": st.lists(results, max_size=5)},
                                    optional={"was_cancelled": st.booleans(), "ground_truth": st.booleans(),
                                              "updated_at": st.text(max_size=5), "id": st.integers()})
tasks = st.one_of(
    st.fixed_dictionaries({"id": st.integers(0, 20), "data": st.one_of(
        st.fixed_dictionaries({"text": st.one_of(st.text(max_size=80), st.none(), st.integers())}), st.none()),
        "annotations": st.one_of(st.lists(annotations, max_size=3), st.none(), st.text(max_size=3))}),
    st.fixed_dictionaries({"id": st.integers(0, 20), "text": st.text(max_size=80),
                           "label": st.one_of(st.lists(span_values, max_size=4), st.text(max_size=3))}),
    st.integers(), st.text(max_size=5),
)


@settings(max_examples=500, deadline=None)
@given(export=st.one_of(st.lists(tasks, max_size=6), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                        st.text(max_size=10)), skip_invalid=st.booleans())
def test_exports_give_valid_documents_or_an_annotation_error(export, skip_invalid):
    try:
        report = conflict_ie.read_export(export, skip_invalid=skip_invalid)
    except AnnotationError as err:
        assert str(err)
        return
    except FileNotFoundError as err:  # a str is a path
        assert isinstance(export, str) and "no Label Studio export at" in str(err)
        return
    for doc in report.documents:
        for span in doc.spans:
            assert 0 <= span.start < span.end <= len(doc.text)
            assert doc.text[span.start:span.end] == span.text
            assert span.label in conflict_ie.LABELS
        for left, right in zip(doc.spans, doc.spans[1:]):
            assert left.end <= right.start


@settings(max_examples=50, deadline=None)
@given(raw=st.binary(max_size=200))
def test_export_file_with_any_bytes(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("exports") / "export.json"
    path.write_bytes(raw)
    try:
        conflict_ie.load_annotations(path)
    except (AnnotationError, UnicodeDecodeError) as err:
        assert str(err)


# --- Configs ---------------------------------------------------------------------------

keys = st.sampled_from(["training.epochs", "training.stride", "training.max_length", "training.batch_size",
                        "training.learning_rate", "training.bogus", "model.scratch.hidden_size", "data.train",
                        "model.name_or_path", "nonsense", "training", "model.scratch.num_attention_heads"])
values = st.one_of(st.integers(-3, 600), st.floats(allow_nan=False, allow_infinity=False, width=32),
                   st.text(max_size=6).filter(lambda s: "\n" not in s), st.booleans(), st.none())


@settings(max_examples=200, deadline=None)
@given(overrides=st.lists(st.tuples(keys, values), max_size=3))
def test_configs_load_or_raise_config_error(overrides):
    from conftest import ROOT

    override_strings = [f"{k}={json.dumps(v)}" for k, v in overrides]
    try:
        config = TrainConfig.from_yaml(ROOT / "configs" / "offline.yaml", override_strings)
    except ConfigError as err:
        assert str(err)
        return
    t = config.training
    assert 0 <= t.stride < t.max_length - 2 and t.batch_size > 0 and t.epochs > 0


# --- Counts ----------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=30), st.lists(st.sampled_from(
    ["au", "moins", "plus", "de", "d'", "une", "des", "trentaine", "dizaines", "12", "3 500", "entre", "et", "à",
     "environ", "mille", "cent", "vingt", "quatre", "milliers", "jusqu'à", "1,5", "million", "-"]), max_size=6).map(" ".join)))
def test_parse_count_reads_or_raises_value_error(text):
    try:
        count = parse_count(text)
    except ValueError as err:
        assert repr(text) in str(err)
        return
    assert count.qualifier in ("exact", "approx", "min", "max", "range")
    if count.low is not None and count.high is not None:
        assert count.low <= count.high
