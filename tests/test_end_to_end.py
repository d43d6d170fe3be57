"""A tiny CamemBERT trained end to end, saved, reloaded, predicting, evaluated; the CLI around it."""

import json
import subprocess
import sys

import pytest

import conflict_ie
from conflict_ie.evaluation import evaluate, span_scores
from conftest import ROOT


def test_model_dir_is_a_complete_hugging_face_dir(tiny_model):
    out = tiny_model.output_dir
    for name in ("config.json", "model.safetensors", "tokenizer.json", "training_config.yaml", "metrics.json",
                 "README.md", "learning_curve.png", "confusion_matrix.png"):
        assert (out / name).is_file(), name
    assert not list(out.glob("*.bin"))
    config = json.loads((out / "config.json").read_text())
    assert config["model_type"] == "camembert"
    assert config["id2label"]["0"] == "O" and config["label2id"]["B-ACTOR"] == 1
    card = (out / "README.md").read_text()
    assert "pipeline_tag: token-classification" in card
    assert "| ACTOR |" in card and "learning_curve.png" in card and "conflict_ie.spec_rules" in card
    metrics = json.loads((out / "metrics.json").read_text())
    assert "micro avg" in metrics["dev"]["strict"] and "micro avg" in metrics["dev"]["default"]
    assert not (out.parent / f"{out.name}.checkpoints").exists()


def test_trained_model_predicts_spans_whose_offsets_match(tiny_model, corpus):
    model = conflict_ie.load(str(tiny_model.output_dir))
    docs = corpus["train"][:16]
    predictions = model.predict([d.text for d in docs], batch_size=4)
    assert sum(map(len, predictions)) > 100
    for doc, entities in zip(docs, predictions):
        for e in entities:
            assert isinstance(e, conflict_ie.Entity)
            assert doc.text[e.start:e.end] == e.text and e.label in conflict_ie.LABELS and 0 < e.score <= 1
    # it learned its training documents: real predictions, not noise
    scores = span_scores([d.spans for d in docs], [[e.to_span() for e in p] for p in predictions])
    assert scores["micro"]["f1"] > 0.6
    single = model.predict(docs[0].text)
    assert single == predictions[0]
    assert conflict_ie.predict(docs[0].text, model=str(tiny_model.output_dir)) == single
    assert conflict_ie.load(str(tiny_model.output_dir)) is model  # cached


def test_predict_rejects_what_is_not_text(tiny_model):
    model = conflict_ie.load(str(tiny_model.output_dir))
    with pytest.raises(TypeError, match="str or a list of str"):
        model.predict(b"bytes")
    with pytest.raises(TypeError, match=r"texts\[1\] is a NoneType"):
        model.predict(["ok", None])
    assert model.predict("") == [] and model.predict("   \n") == []


def test_long_document_predictions_cover_the_whole_text(tiny_model, corpus):
    model = conflict_ie.load(str(tiny_model.output_dir))
    docs = corpus["train"][:16]
    text = "\n\n".join(d.text for d in docs * 4)
    assert len(text.split()) > 5000
    entities = model.predict(text)
    assert all(text[e.start:e.end] == e.text for e in entities)
    assert entities == sorted(entities, key=lambda e: e.start)
    assert all(a.end <= b.start for a, b in zip(entities, entities[1:]))  # nothing doubled
    assert entities[-1].start > len(text) * 0.9  # the end of the document is read too
    short = model.predict(docs[0].text)
    assert [(e.start, e.end, e.label) for e in entities[:3]] == [(e.start, e.end, e.label) for e in short[:3]]


def test_transformers_pipeline_loads_the_dir_as_is(tiny_model, corpus):
    from transformers import pipeline

    ner = pipeline("token-classification", model=str(tiny_model.output_dir), aggregation_strategy="first", stride=32)
    text = "\n\n".join(d.text for d in corpus["train"][:3])  # longer than one window
    found = ner(text)
    assert found and all(text[f["start"]:f["end"]].strip() for f in found)
    assert {f["entity_group"] for f in found} <= set(conflict_ie.LABELS)


def test_evaluation_reports_both_seqeval_modes(tiny_model, corpus):
    model = conflict_ie.load(str(tiny_model.output_dir))
    report = evaluate(model, corpus["train"][:8])
    text = report.format()
    assert "seqeval, strict IOB2 mode" in text and "seqeval, default mode" in text
    assert "spans, exact match" in text and "spans, overlap match" in text
    assert report.strict["micro avg"]["f1-score"] > 0.5
    assert set(report.summary()) >= {"f1", "f1_default", "span_exact_f1", "span_overlap_f1"}


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "conflict_ie.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT)


def test_cli_predict_and_evaluate(tiny_model, tiny_data, tmp_path):
    model_dir = str(tiny_model.output_dir)
    texts = ["Les FAMa ont tué au moins 14 jihadistes près de Gao.", "Rien à signaler."]
    done = run_cli("predict", "--model", model_dir, "-", stdin="\n".join(texts) + "\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["text"] for line in lines] == texts
    for line in lines:
        assert all(line["text"][e["start"]:e["end"]] == e["text"] for e in line["entities"])
    done = run_cli("predict", "--model", model_dir, "--count-rules", "--text", texts[0])
    assert done.returncode == 0, done.stderr
    counts = [e for e in json.loads(done.stdout)["entities"] if e["label"] == "COUNT"]
    assert [(e["text"], e["start"]) for e in counts] == [("au moins 14", 17)]
    # spaCy's names and the spec's rules can be switched from the command line
    text = "Selon l'armée, Emmanuel Macron et Friedrich Merz sont arrivés à Gao."
    for flags in (["--name-boundaries"], ["--no-name-boundaries", "--no-spec-rules"]):
        done = run_cli("predict", "--model", model_dir, *flags, "--text", text)
        assert done.returncode == 0, done.stderr
        assert all(text[e["start"]:e["end"]] == e["text"] for e in json.loads(done.stdout)["entities"])

    report_path = tmp_path / "report.json"
    done = run_cli("evaluate", "--model", model_dir, "--data", str(tiny_data / "dev.json"), "--output",
                   str(report_path), "--plot")
    assert done.returncode == 0, done.stderr
    assert "seqeval, strict IOB2 mode" in done.stdout and "seqeval, default mode" in done.stdout
    report = json.loads(report_path.read_text())
    assert {"strict", "default", "span_exact", "span_overlap", "errors", "summary"} <= set(report)
    assert report_path.with_suffix(".confusion.png").is_file()


def test_cli_reports_bad_input_in_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 4, "data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", '
                   '"value": {"start": 0, "end": 9, "labels": ["ACTOR"]}}]}]}]')
    done = run_cli("data", "check", str(bad))
    assert done.returncode == 2
    assert "error: task 4: span 0-9 None: offsets outside the text" in done.stderr
    done = run_cli("train", "--config", "configs/offline.yaml", "--output", str(tmp_path / "m"),
                   "--set", "training.stride=999")
    assert done.returncode == 2 and "training.stride must be" in done.stderr


def test_refuses_a_model_dir_with_only_a_pickle(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(ValueError, match="pickle checkpoints are refused"):
        conflict_ie.ConflictExtractor.from_pretrained(tmp_path)
