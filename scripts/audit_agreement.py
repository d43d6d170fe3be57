"""Inter-annotator agreement: span F1 per label between two annotation passes of the same texts.

    python scripts/audit_agreement.py data/audit/second_pass.txt [--first data/sources] [--show 40]

The first pass is read from the corpus sources (documents with the same id); F1 is
symmetric, so which pass is "gold" does not matter. Exact and overlap matches are
reported, then the disagreements, which are what the guidelines must settle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conflict_ie.evaluation import span_errors, span_scores  # noqa: E402
from conflict_ie.markup import read_marked_file  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("second", type=Path)
    parser.add_argument("--first", type=Path, default=ROOT / "data" / "sources")
    parser.add_argument("--show", type=int, default=40)
    args = parser.parse_args(argv)
    second = read_marked_file(args.second)
    first = {d.id: d for path in sorted(args.first.glob("*.txt")) for d in read_marked_file(path)}
    pairs, differing = [], []
    for doc in second:
        if doc.id not in first:
            raise SystemExit(f"{doc.id}: not in the first pass")
        if first[doc.id].text != doc.text:
            differing.append(doc.id)  # the first pass was edited after the audit texts were taken
            continue
        pairs.append((first[doc.id], doc))
    if differing:
        print(f"left out, text edited since the audit copy: {', '.join(differing)}")
    gold = [a.spans for a, _ in pairs]
    other = [b.spans for _, b in pairs]
    print(f"{len(pairs)} documents, {sum(map(len, gold))} spans in the first pass, {sum(map(len, other))} in the second")
    for title, overlap in (("exact match", False), ("overlap match", True)):
        scores = span_scores(gold, other, overlap=overlap)
        print(f"\nspan F1, {title}")
        print(f"{'':<10}{'F1':>8}{'first':>8}{'second':>8}")
        for label, s in scores.items():
            print(f"{label:<10}{s['f1']:>8.3f}{s['gold']:>8}{s['pred']:>8}")
    errors = [e for a, b in pairs for e in span_errors(a, b.spans)]
    print(f"\n{len(errors)} disagreements (gold = first pass, predicted = second pass):")
    for error in errors[: args.show]:
        print(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
