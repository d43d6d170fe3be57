"""How a model does on names it never saw: the two measures of docs/experiments.md, exps. 17-23.

    python scripts/unseen_names.py --model models/offline                 # dev recall, seen vs unseen names
    python scripts/unseen_names.py --model models/offline --conflicts cameroon,chad   # F1 on those conflicts

Seen/unseen recall: each gold mention of the evaluation split is "seen" when its text is the
text of a mention in the training split the model learned from (``--train``), "unseen"
otherwise; exact-span recall is reported for both, per label. With ``--conflicts``, strict span
F1 over every document (train, dev and test) of those conflicts: meaningful for a model
trained before the conflicts were added to the corpus.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conflict_ie.schema import LABELS  # noqa: E402

CORPUS = ROOT / "data" / "corpus"


def seen_unseen_recall(documents, predictions, train_documents) -> str:
    seen_texts = {span.text for doc in train_documents for span in doc.spans}
    found, total = Counter(), Counter()
    for doc, entities in zip(documents, predictions):
        predicted = {(e.start, e.end, e.label) for e in entities}
        for span in doc.spans:
            key = (span.label, "seen" if span.text in seen_texts else "unseen")
            total[key] += 1
            found[key] += (span.start, span.end, span.label) in predicted
    lines = [f"{'label':10} {'seen recall':>20} {'unseen recall':>20}"]
    for label in (*LABELS, "all"):
        cells = []
        for kind in ("seen", "unseen"):
            keys = [k for k in total if k[1] == kind and label in ("all", k[0])]
            hit, n = sum(found[k] for k in keys), sum(total[k] for k in keys)
            cells.append(f"{hit / n if n else 0:.3f} ({hit}/{n})")
        lines.append(f"{label:10} {cells[0]:>20} {cells[1]:>20}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "offline"))
    parser.add_argument("--data", type=Path, default=CORPUS / "dev.json", help="split to score (seen/unseen recall)")
    parser.add_argument("--train", type=Path, default=CORPUS / "train.json", help="the split the model was trained on")
    parser.add_argument("--conflicts", help="comma-separated conflict names: score all their documents instead")
    args = parser.parse_args(argv)

    from conflict_ie import ConflictExtractor, load_annotations
    from conflict_ie.evaluation import span_scores

    extractor = ConflictExtractor.from_pretrained(args.model)
    if args.conflicts:
        wanted = set(args.conflicts.split(","))
        docs = [d for split in ("train", "dev", "test") for d in load_annotations(CORPUS / f"{split}.json")
                if d.meta.get("conflict") in wanted]
        if not docs:
            parser.error(f"no document of the corpus belongs to {sorted(wanted)}")
        predictions = extractor.predict([d.text for d in docs])
        scores = span_scores([list(d.spans) for d in docs], [[e.to_span() for e in p] for p in predictions])
        print(f"{len(docs)} documents of {', '.join(sorted(wanted))}, strict span F1:")
        print("  ".join(f"{label} {scores[label]['f1']:.3f}" for label in (*LABELS, "micro")))
        return 0
    docs = load_annotations(args.data)
    predictions = extractor.predict([d.text for d in docs])
    print(seen_unseen_recall(docs, predictions, load_annotations(args.train)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
