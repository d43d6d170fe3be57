"""ONNX Runtime (fp32, int8) backends give the same entities as torch; predict_stream is lazy."""

import shutil

import pytest

import conflict_ie
from conflict_ie.evaluation import span_scores


@pytest.fixture(scope="module")
def model_copy(tiny_model, tmp_path_factory):
    target = tmp_path_factory.mktemp("onnx") / "tiny"
    shutil.copytree(tiny_model.output_dir, target)
    return target


def test_onnx_backends_match_torch(model_copy, corpus):
    texts = [d.text for d in corpus["train"][:12]] + ["", "Rien.", "\n\n".join(d.text for d in corpus["train"][:6])]
    reference = conflict_ie.ConflictExtractor.from_pretrained(model_copy).predict(texts)
    onnx = conflict_ie.ConflictExtractor.from_pretrained(model_copy, backend="onnx")  # exports on first use
    assert (model_copy / "onnx" / "model.onnx").is_file() and (model_copy / "onnx" / "model.int8.onnx").is_file()
    got = onnx.predict(texts, batch_size=5)
    assert [[(e.start, e.end, e.label) for e in doc] for doc in got] == \
        [[(e.start, e.end, e.label) for e in doc] for doc in reference]
    int8 = conflict_ie.ConflictExtractor.from_pretrained(model_copy, backend="int8").predict(texts)
    for text, entities in zip(texts, int8):
        assert all(text[e.start:e.end] == e.text for e in entities)
    agreement = span_scores([[e.to_span() for e in d] for d in reference], [[e.to_span() for e in d] for d in int8])
    assert agreement["micro"]["f1"] > 0.9


def test_unknown_backend_is_refused(model_copy):
    with pytest.raises(ValueError, match="backend must be one of torch, onnx, int8"):
        conflict_ie.ConflictExtractor.from_pretrained(model_copy, backend="tensorrt")


def test_predict_stream_is_lazy_and_equal_to_predict(tiny_model, corpus):
    model = conflict_ie.load(str(tiny_model.output_dir))
    texts = [d.text for d in corpus["dev"][:10]]
    consumed = []

    def source():
        for text in texts:
            consumed.append(text)
            yield text

    stream = model.predict_stream(source(), batch_size=2, chunk_size=4)
    first = next(stream)
    assert len(consumed) == 4  # read one chunk, not everything
    assert [first, *stream] == model.predict(texts)
