"""Scores: seqeval in strict IOB2 and default mode, span-level exact/overlap, readable errors.

seqeval sees one tag per word (the first token of each word, as the model is trained);
the two modes differ on ill-formed sequences: the default mode counts an ``I-X`` with no
``B-X`` as an entity, strict IOB2 does not. Span scores compare decoded character spans,
so they do not depend on the tokenizer and compare any two systems.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Sequence

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from .alignment import spans_to_tags
from .schema import LABELS, OUTSIDE, Document, Span

logger = logging.getLogger("conflict_ie")


@dataclass
class SpanError:
    doc_id: str
    kind: str  # missed | spurious | wrong_label | wrong_boundary
    gold: Span | None
    predicted: Span | None
    context: str

    def __str__(self) -> str:
        def show(span):
            return f"{span.label} {span.text!r} [{span.start}:{span.end}]" if span else "-"
        return f"{self.doc_id:>8} {self.kind:<15} gold: {show(self.gold):<45} predicted: {show(self.predicted):<45} …{self.context}…"


@dataclass
class EvaluationReport:
    strict: dict = field(default_factory=dict)      # seqeval, mode="strict", scheme=IOB2
    default: dict = field(default_factory=dict)     # seqeval, default (conlleval-like) mode
    span_exact: dict = field(default_factory=dict)
    span_overlap: dict = field(default_factory=dict)
    confusion: dict = field(default_factory=dict)   # gold label -> predicted label -> words
    errors: list[SpanError] = field(default_factory=list)
    documents: int = 0

    def summary(self) -> dict[str, float]:
        """The headline numbers (micro averages) used for model selection and logs."""
        return {
            "f1": self.strict["micro avg"]["f1-score"], "precision": self.strict["micro avg"]["precision"],
            "recall": self.strict["micro avg"]["recall"], "f1_default": self.default["micro avg"]["f1-score"],
            "span_exact_f1": self.span_exact["micro"]["f1"], "span_overlap_f1": self.span_overlap["micro"]["f1"],
        }

    def to_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [{"doc_id": e.doc_id, "kind": e.kind, "context": e.context,
                           "gold": _span_dict(e.gold), "predicted": _span_dict(e.predicted)} for e in self.errors]
        data["summary"] = self.summary()
        return data

    def format(self, max_errors: int = 20) -> str:
        out = [f"Evaluated {self.documents} documents.", ""]
        for title, report in (("seqeval, strict IOB2 mode", self.strict), ("seqeval, default mode", self.default)):
            out += [title, _table_seqeval(report), ""]
        for title, scores in (("spans, exact match", self.span_exact), ("spans, overlap match", self.span_overlap)):
            out += [title, _table_spans(scores), ""]
        counts = Counter(e.kind for e in self.errors)
        out.append("errors: " + ", ".join(f"{k} {counts[k]}" for k in ("missed", "spurious", "wrong_label",
                                                                         "wrong_boundary")))
        out += [str(e) for e in self.errors[:max_errors]]
        if len(self.errors) > max_errors:
            out.append(f"... {len(self.errors) - max_errors} more in the JSON report")
        return "\n".join(out)


def _span_dict(span: Span | None):
    return None if span is None else {"start": span.start, "end": span.end, "label": span.label, "text": span.text}


def _table_seqeval(report: dict) -> str:
    rows = [f"{'':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
    for name, scores in report.items():
        rows.append(f"{name:<14}{scores['precision']:>10.4f}{scores['recall']:>10.4f}{scores['f1-score']:>10.4f}"
                    f"{int(scores['support']):>9}")
    return "\n".join(rows)


def _table_spans(scores: dict) -> str:
    rows = [f"{'':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'gold':>7}{'pred':>7}"]
    for name, s in scores.items():
        rows.append(f"{name:<14}{s['precision']:>10.4f}{s['recall']:>10.4f}{s['f1']:>10.4f}{s['gold']:>7}{s['pred']:>7}")
    return "\n".join(rows)


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "gold": n_gold, "pred": n_pred}


def span_scores(gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]], labels: Sequence[str] = LABELS,
                overlap: bool = False) -> dict:
    """Per-label and micro P/R/F1 over documents; ``overlap`` matches same-label spans that overlap (1:1)."""
    tp, n_gold, n_pred = Counter(), Counter(), Counter()
    for gold_spans, pred_spans in zip(gold, predicted):
        n_gold.update(s.label for s in gold_spans)
        n_pred.update(s.label for s in pred_spans)
        if overlap:
            used: set[int] = set()
            for g in gold_spans:
                for k, p in enumerate(pred_spans):
                    if k not in used and p.label == g.label and p.overlaps(g):
                        used.add(k)
                        tp[g.label] += 1
                        break
        else:
            keys = {(p.start, p.end, p.label) for p in pred_spans}
            tp.update(g.label for g in gold_spans if (g.start, g.end, g.label) in keys)
    result = {label: _prf(tp[label], n_pred[label], n_gold[label]) for label in labels}
    result["micro"] = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return result


def span_errors(doc: Document, predicted: Sequence[Span], context: int = 30) -> list[SpanError]:
    """Every disagreement between gold and predicted spans of one document, classified."""
    errors = []
    exact = {(s.start, s.end, s.label) for s in doc.spans} & {(s.start, s.end, s.label) for s in predicted}

    def ctx(span: Span) -> str:
        return doc.text[max(0, span.start - context):span.end + context].replace("\n", " ")

    matched_pred = set()
    for g in doc.spans:
        if (g.start, g.end, g.label) in exact:
            matched_pred.add((g.start, g.end, g.label))
            continue
        partners = [p for p in predicted if p.overlaps(g) and (p.start, p.end, p.label) not in exact]
        if not partners:
            errors.append(SpanError(doc.id, "missed", g, None, ctx(g)))
            continue
        p = partners[0]
        matched_pred.update((q.start, q.end, q.label) for q in partners)
        kind = "wrong_label" if (p.start, p.end) == (g.start, g.end) else (
            "wrong_boundary" if p.label == g.label else "wrong_label")
        errors.append(SpanError(doc.id, kind, g, p, ctx(g)))
    for p in predicted:
        if (p.start, p.end, p.label) not in matched_pred:
            errors.append(SpanError(doc.id, "spurious", None, p, ctx(p)))
    return errors


def evaluate(extractor, documents: Sequence[Document], batch_size: int = 16) -> EvaluationReport:
    """Score ``extractor`` (a :class:`~conflict_ie.ConflictExtractor`) on annotated documents."""
    return score_tagged(documents, extractor.tag([doc.text for doc in documents], batch_size=batch_size))


def score_tagged(documents: Sequence[Document], tagged) -> EvaluationReport:
    """Score the word tags of each document (``ConflictExtractor.tag``'s output) against its gold spans."""
    y_true, y_pred, predicted = [], [], []
    confusion: dict[str, Counter] = {}
    for doc, result in zip(documents, tagged):
        gold_tags = spans_to_tags(result.tokens, doc.spans)
        pairs = [(g, p or OUTSIDE) for g, p in zip(gold_tags, result.tags) if g is not None]
        y_true.append([g for g, _ in pairs])
        y_pred.append([p for _, p in pairs])
        for g, p in pairs:
            confusion.setdefault(_entity_type(g), Counter())[_entity_type(p)] += 1
        predicted.append([entity.to_span() for entity in result.entities()])
    labels = sorted({s.label for doc in documents for s in doc.spans} | set(LABELS))
    report = EvaluationReport(documents=len(documents))
    report.strict = _plain(classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True,
                                                 zero_division=0))
    report.default = _plain(classification_report(y_true, y_pred, output_dict=True, zero_division=0))
    gold = [doc.spans for doc in documents]
    report.span_exact = span_scores(gold, predicted, labels)
    report.span_overlap = span_scores(gold, predicted, labels, overlap=True)
    report.confusion = {g: dict(c) for g, c in sorted(confusion.items())}
    report.errors = [e for doc, spans in zip(documents, predicted) for e in span_errors(doc, spans)]
    return report


def _plain(report: dict) -> dict:
    """seqeval's report with numpy numbers turned into floats (for JSON)."""
    return {name: {k: float(v) for k, v in scores.items()} for name, scores in report.items()}


def _entity_type(tag: str) -> str:
    return tag.split("-", 1)[1] if "-" in tag else tag
