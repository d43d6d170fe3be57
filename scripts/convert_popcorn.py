"""Convert POPCORN's train.json (MIT, AIRBUS/EMVISTA/LIG 2024) into a Label Studio export
with the four labels of the annotation spec, as an auxiliary training source.

    python scripts/convert_popcorn.py ../shared/data/popcorn/train.json data/popcorn/train.json

POPCORN's test.json is a benchmark: this script refuses to convert it for training.
The mapping and the filters are written in data/popcorn/README.md; every mention that
is dropped is counted by reason and printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conflict_ie.data_check import span_issues  # noqa: E402
from conflict_ie.labelstudio.export import write_export  # noqa: E402
from conflict_ie.normalize import parse_count  # noqa: E402
from conflict_ie.schema import Document, Span  # noqa: E402

PERSON_TYPES = {"CIVILIAN", "MILITARY", "TERRORIST_OR_CRIMINAL"}
ORGANISATION_TYPES = {"NON_GOVERNMENTAL_ORGANISATION", "NON_MILITARY_GOVERNMENT_ORGANISATION",
                      "MILITARY_ORGANISATION", "INTERGOVERNMENTAL_ORGANISATION"}
INSTITUTION_HEADS = ("armée", "forces", "garde", "police", "gendarmerie", "ministère", "marine", "aviation",
                     "gouvernement", "état-major", "commandement")
WEAPON_HEADS = re.compile(
    r"^(armes?|fusils?|pistolets?|revolvers?|bombes?|missiles?|grenades?|mitraillettes?|mitrailleuses?|"
    r"kalachnikovs?|roquettes?|lance-roquettes|obus|mortiers?|explosifs?|engins? explosifs?|drones?|chars?|"
    r"munitions?|ceintures? d'explosifs|ceintures? explosives?|bazookas?|lance-grenades|canons?|"
    r"hélicoptères? de combat|avions? de chasse|mines?)\b", re.I)
NUMBER = r"(?:\d[\d\u00a0\u202f .,]*\d|\d|[a-zéèêûôîç]+(?:[- ](?:et[- ])?[a-zéèêûôîç]+)*)"
COUNT_BEFORE = re.compile(
    rf"(?P<count>(?:(?:au moins|plus de|plus d'|près de|environ|quelque|jusqu'à|moins de|au plus|au maximum|"
    rf"au minimum|pas moins de)\s+)?{NUMBER})\s+(?:de\s+|d'|d’)?$", re.I)



def is_proper_name(value: str, lowercase_words: set[str]) -> bool:
    """Capitalised and never seen in lower case in the corpus ('Police' at a sentence start is not a name)."""
    words = [w for w in re.split(r"[\s\-’']+", value) if w]
    if not words or not value[0].isupper():
        return False
    return value.lower() not in lowercase_words and words[0].lower() not in lowercase_words


def count_span(text: str, mention_start: int, entity: dict) -> tuple[int, int] | None:
    """The number expression right before a quantified mention, if it agrees with the entity's value."""
    window_start = max(0, mention_start - 40)
    match = COUNT_BEFORE.search(text[window_start:mention_start])
    if not match:
        return None
    start = window_start + match.start("count")
    expression = match.group("count")
    words = expression.split()
    value = str(entity.get("value", "")).strip()
    # peel words off the front until the rest reads as a count ("ont vingt" -> "vingt")
    for k in range(len(words)):
        candidate = " ".join(words[k:])
        try:
            count = parse_count(candidate)
        except ValueError:
            continue
        if candidate.lower() in ("un", "une"):
            return None  # an article, not a count
        if entity["type"] == "QUANTITY_EXACT" and str(count.value) != value:
            continue
        offset = expression.find(candidate)
        return start + offset, start + offset + len(candidate)
    return None


def convert(items: dict) -> tuple[list[Document], Counter]:
    lowercase_words = set()
    for item in items.values():
        lowercase_words.update(w for w in re.findall(r"[\w’'-]+", item["text"]) if w.islower())
    stats: Counter = Counter()
    docs = []
    for key, item in items.items():
        text = item["text"]
        candidates: list[Span] = []
        for entity in item["entities"]:
            etype = entity["type"]
            for mention in entity["mentions"]:
                value, start, end = mention["value"], mention["start"], mention["end"]
                if text[start:end] != value:
                    stats["dropped: offsets disagree with the mention text"] += 1
                    continue
                label = None
                if etype == "PLACE":
                    label = "LOCATION" if is_proper_name(value, lowercase_words) else None
                elif etype in PERSON_TYPES:
                    label = "ACTOR" if is_proper_name(value, lowercase_words) else None
                elif etype in ORGANISATION_TYPES:
                    if is_proper_name(value, lowercase_words):
                        label = "ACTOR"
                    elif (etype == "MILITARY_ORGANISATION" and " " in value
                          and value.lower().startswith(INSTITUTION_HEADS)):
                        label = "ACTOR"
                elif etype == "MATERIEL":
                    label = "WEAPON" if WEAPON_HEADS.match(value) else None
                elif etype.startswith("QUANTITY_"):
                    found = count_span(text, start, entity)
                    if found:
                        candidates.append(Span(found[0], found[1], "COUNT", text[found[0]:found[1]]))
                        stats["COUNT located next to a quantified mention"] += 1
                    else:
                        stats["dropped: QUANTITY with no matching number before its mention"] += 1
                    continue
                else:
                    continue  # events, times, attributes: not one of the four labels
                if label is None:
                    stats[f"dropped: {etype} not a name / not a weapon"] += 1
                    continue
                candidates.append(Span(start, end, label, value))
        spans: list[Span] = []
        for span in sorted(set(candidates), key=lambda s: (-(s.end - s.start), s.start)):
            if any(span.overlaps(other) for other in spans):
                stats["dropped: overlaps a longer span"] += 1
                continue
            spans.append(span)
        doc = Document(f"popcorn-{key}", text, tuple(sorted(spans)), {"conflict": "popcorn", "source": "POPCORN"})
        bad = {issue.span for issue in span_issues(doc)}
        if bad:
            stats["dropped: breaks a span rule of the spec (determiner, punctuation, cut word)"] += len(bad)
            doc = doc.with_spans(s for s in doc.spans if s not in bad)
        for span in doc.spans:
            stats[f"kept {span.label}"] += 1
        docs.append(doc)
    return docs, stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="POPCORN train.json")
    parser.add_argument("output", type=Path, help="Label Studio export to write")
    args = parser.parse_args(argv)
    if args.source.name == "test.json":
        parser.error("POPCORN's test.json is a benchmark; it is never converted for training")
    items = json.loads(args.source.read_text(encoding="utf-8"))
    docs, stats = convert(items)
    write_export(docs, args.output)
    print(f"{len(docs)} documents written to {args.output}")
    for reason, n in sorted(stats.items()):
        if n:
            print(f"  {n:>6}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
