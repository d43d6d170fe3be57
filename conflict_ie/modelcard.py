"""The model card (README.md) written into every saved model dir."""

from __future__ import annotations

from pathlib import Path


def _score_rows(report, labels) -> list[str]:
    rows = []
    for name in [*labels, "micro avg", "macro avg"]:
        strict = report.strict.get(name)
        default = report.default.get(name, {})
        if strict is None:
            continue
        rows.append(f"| {name} | {strict['precision']:.3f} | {strict['recall']:.3f} | {strict['f1-score']:.3f} | "
                    f"{default.get('f1-score', 0):.3f} | {int(strict['support'])} |")
    return rows


def render_model_card(config, labels, dev, test, train_seconds: float, n_train: int,
                      continuation_bonus: float | None = None) -> str:
    model = config.model
    if model.name_or_path:
        base = f"fine-tuned from `{model.name_or_path}`"
    else:
        s = model.scratch
        base = (f"a CamemBERT-architecture encoder trained from scratch ({s.num_hidden_layers} layers, hidden size "
                f"{s.hidden_size}, {s.num_attention_heads} heads, SentencePiece vocabulary of {s.vocab_size} pieces "
                f"learned from bundled text)")
    # a model trained with every piece of a word labelled reads a word from all its pieces
    aggregation = "average" if config.training.label_all_tokens else "first"
    lines = [
        "---",
        "language: fr",
        "library_name: transformers",
        "pipeline_tag: token-classification",
        "tags: [token-classification, ner, conflict-ie, camembert]",
        "---",
        "",
        "# conflict-ie token classifier",
        "",
        f"Extracts {', '.join(labels)} from French conflict news (see the annotation spec of conflict-ie). "
        f"This model is {base}, trained on {n_train} documents in {train_seconds / 60:.1f} minutes.",
        "",
        "## Use",
        "",
        "```python",
        "import conflict_ie",
        "model = conflict_ie.load(\"path/to/this/dir\")",
        "model.predict(\"Daech a frappé Raqqa avec trois drones.\")",
        "",
        "from transformers import pipeline  # plain transformers works too",
        f"ner = pipeline(\"token-classification\", model=\"path/to/this/dir\", aggregation_strategy=\"{aggregation}\", "
        f"stride={config.training.stride})",
        "```",
        "",
    ]
    if config.training.count_rules:
        lines += ["COUNT comes from conflict-ie's rules (`conflict_ie.count_rules`, written from the annotation "
                  "spec), laid over the model's tags; the scores below include them. `transformers.pipeline` "
                  "runs the network alone, so its COUNT is the network's own.", ""]
    if config.training.name_boundaries:
        lines += [f"ACTOR and LOCATION entities take the edges of the person, organisation and place names that "
                  f"`{config.training.name_boundaries}` finds (`conflict_ie.names`; needs spaCy and that pipeline "
                  "installed, e.g. `conflict-ie[vectors]`); the scores below include it. `transformers.pipeline` "
                  "gives the network's own edges.", ""]
    lines += ["`conflict_ie` reads the decoded entities with the annotation spec's rules (`conflict_ie.spec_rules`: "
              "edges, places after \"à\" or \"en\", places that act, lists, generic words); the scores below "
              "include them, `spec_rules=False` turns them off.", ""]
    for title, report in (("dev split", dev), ("test split", test)):
        if report is None:
            continue
        lines += [f"## Scores on the {title} ({report.documents} documents)", "",
                  "seqeval, strict IOB2 mode (P/R/F1) and default-mode F1, one tag per word:", "",
                  "| label | precision | recall | F1 (strict) | F1 (default) | support |",
                  "|---|---|---|---|---|---|", *_score_rows(report, labels), "",
                  f"Span-level micro F1: exact {report.span_exact['micro']['f1']:.3f}, "
                  f"overlap {report.span_overlap['micro']['f1']:.3f}.", ""]
    if dev is not None:
        lines += ["The best epoch was chosen on the dev split (strict micro F1); the test split was not used to "
                  "choose anything.", ""]
    if continuation_bonus is not None:
        lines += [f"Decoding: constrained IOB2 (Viterbi) with an entity-continuation weight of "
                  f"{continuation_bonus:g}, chosen on the dev split (`conflict_ie.continuation_bonus` in "
                  f"`config.json`), so the dev scores above are slightly optimistic.", ""]
    lines += ["## Training", "", "![learning curve](learning_curve.png)", ""]
    if dev is not None:
        lines += ["![confusion matrix](confusion_matrix.png)", ""]
    t = config.training
    lines += [f"Window {t.max_length} tokens, stride {t.stride}, learning rate {t.learning_rate}, {t.epochs:g} epochs, "
              f"batch size {t.batch_size}, seed {t.seed}. The full resolved config is `training_config.yaml`; all "
              f"scores and the training log are in `metrics.json`.", ""]
    return "\n".join(lines)


def write_model_card(directory: Path, config, labels, dev, test, train_seconds: float, n_train: int,
                     continuation_bonus: float | None = None) -> None:
    card = render_model_card(config, labels, dev, test, train_seconds, n_train, continuation_bonus)
    (Path(directory) / "README.md").write_text(card, encoding="utf-8")
