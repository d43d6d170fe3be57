"""Mechanical checks of annotated spans against the annotation spec.

The export parser (``labelstudio.export``) already enforces what makes a span
unusable (offsets, text match, overlap, unknown label). This module adds the
spec's *style* rules that a machine can check: no surrounding whitespace or
punctuation, no leading determiner, no span cutting a word; and the corpus-level
report (label statistics, the same string labelled differently).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from .schema import LABELS, Document, Span

# Punctuation that may end a span because it belongs to the name ("S.A.", "1.500" never ends with '.').
_EDGE_PUNCT = set("«»\"“”‘’'.,;:!?()[]{}-–—/…")

# Determiners the spec keeps out of spans. COUNT spans may start with "un/une/des/au..."
# because they belong to the number ("une trentaine", "des dizaines", "au moins 14").
_DETERMINERS = ("le", "la", "les", "l'", "l’", "des", "du", "de", "d'", "d’", "au", "aux", "un", "une",
                "ce", "cet", "cette", "ces", "son", "sa", "ses", "leur", "leurs")
_COUNT_OPENERS = ("un", "une", "des", "de", "d'", "d’", "du", "au", "aux")

# Toponyms whose article is part of the conventional name (data/guidelines.md lists them).
PLACE_NAMES_WITH_ARTICLE = frozenset({
    "Le Caire", "La Mecque", "La Haye", "Le Cap", "La Paz", "Le Havre", "Les Cayes", "La Havane",
    "La Nouvelle-Orléans", "Le Mans", "La Réunion", "La Goulette", "Las Vegas", "Los Angeles",
    "La Rochelle", "Le Bourget", "La Gabarra",
})
# Named organisations and persons whose article is part of the name.
ACTOR_NAMES_WITH_ARTICLE = frozenset({"La Repubblica", "Le Monde", "Le Figaro", "Le Parisien", "La Croix",
                                       "Les Échos", "L'Express", "L’Express", "Le Point", "La Tribune",
                                       "Le Temps", "La Libre Belgique", "Le Soir", "L'Orient-Le Jour",
                                       "L’Orient-Le Jour", "Le Journal du Dimanche", "L'Essor", "L’Essor",
                                       "Le Nouvelliste"})
# datelines write places in capitals ("LA HAYE (AFP)"): the lists are matched case-insensitively
_PLACES_WITH_ARTICLE = frozenset(name.casefold() for name in PLACE_NAMES_WITH_ARTICLE)
_ACTORS_WITH_ARTICLE = frozenset(name.casefold() for name in ACTOR_NAMES_WITH_ARTICLE)


@dataclass(frozen=True)
class SpanIssue:
    """One rule a span breaks; ``where`` names the document and the span."""

    doc_id: str
    span: Span
    rule: str

    def __str__(self) -> str:
        return f"{self.doc_id} [{self.span.start}:{self.span.end}] {self.span.label} {self.span.text!r}: {self.rule}"


def _first_word(text: str) -> str:
    match = re.match(r"[^\s'’]+['’]?", text)
    return match.group(0).lower() if match else ""


def determiner_length(text: str, label: str) -> int:
    """How many leading characters of a span are a determiner the spec leaves out (0: none).

    "l'ONU" -> 2, "le Hamas" -> 3; names whose article belongs to them ("Le Caire", "Le
    Monde") and the openers a COUNT may keep ("une dizaine") -> 0.
    """
    first = _first_word(text)
    if first not in _DETERMINERS or len(text) <= len(first):
        return 0
    if label == "COUNT" and first in _COUNT_OPENERS:
        return 0
    key = text.casefold()
    if key in _PLACES_WITH_ARTICLE or (label == "ACTOR" and key in _ACTORS_WITH_ARTICLE):
        return 0
    return len(text) - len(text[len(first):].lstrip())


def span_issues(doc: Document) -> list[SpanIssue]:
    """Style rules of the spec that ``doc``'s spans break (empty list when clean)."""
    issues = []
    text = doc.text
    for span in doc.spans:
        def flag(rule: str) -> None:
            issues.append(SpanIssue(doc.id, span, rule))

        s = span.text
        if not s or s != s.strip():
            flag("starts or ends with whitespace")
            continue
        if s[0] in _EDGE_PUNCT and not (span.label == "COUNT" and s[0] in "-"):
            flag(f"starts with punctuation {s[0]!r}")
        if s[-1] in _EDGE_PUNCT and not re.search(r"\b[A-Z]\.$", s):
            flag(f"ends with punctuation {s[-1]!r}")
        if span.start > 0 and text[span.start - 1].isalnum():
            flag(f"cuts a word: preceded by {text[span.start - 1]!r}")
        if span.end < len(text) and text[span.end].isalnum():
            flag(f"cuts a word: followed by {text[span.end]!r}")
        if "\n" in s:
            flag("crosses a line break")
        if determiner_length(s, span.label):
            flag(f"starts with the determiner {_first_word(s)!r}")
        if span.label not in LABELS:
            flag(f"unknown label {span.label!r}")
    return issues


def normalise_surface(text: str) -> str:
    """Case-, accent- and space-insensitive key for comparing surface strings."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def label_conflicts(docs: Iterable[Document], min_count: int = 1) -> dict[str, Counter]:
    """Surface strings annotated with more than one label across ``docs``.

    Some are legitimate (metonymy: ``Moscou`` is ACTOR or LOCATION by context), so this
    is a report for a person to read, not an error.
    """
    by_surface: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        for span in doc.spans:
            by_surface[normalise_surface(span.text)][span.label] += 1
    return {s: c for s, c in sorted(by_surface.items()) if len(c) > 1 and sum(c.values()) >= min_count}


def unlabelled_occurrences(docs: Sequence[Document], min_labelled: int = 2) -> dict[str, list[tuple[str, int]]]:
    """Occurrences, outside any span, of strings annotated at least ``min_labelled`` times elsewhere.

    A name annotated in one document and left bare in another is the commonest
    annotation slip; some are legitimate (``Facebook`` in a share button), so this too
    is a list to review.
    """
    labelled: Counter = Counter(span.text for doc in docs for span in doc.spans if len(span.text) > 2)
    names = sorted((t for t, n in labelled.items() if n >= min_labelled and (t[0].isupper() or t[0].isdigit())),
                   key=len, reverse=True)
    if not names:
        return {}
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for doc in docs:
        covered = [(span.start, span.end) for span in doc.spans]
        for match in pattern.finditer(doc.text):
            if not any(a <= match.start() < b or a < match.end() <= b for a, b in covered):
                found[match.group(0)].append((doc.id, match.start()))
    return dict(sorted(found.items(), key=lambda kv: -len(kv[1])))


def label_statistics(splits: dict[str, Sequence[Document]], labels: Sequence[str] = LABELS) -> str:
    """A fixed-width table of documents, words and spans per label for each split."""
    header = f"{'split':<10}{'docs':>7}{'words':>9}" + "".join(f"{label:>10}" for label in labels) + f"{'spans':>9}"
    rows = [header, "-" * len(header)]
    totals = Counter()
    for name, docs in splits.items():
        counts = Counter(span.label for doc in docs for span in doc.spans)
        words = sum(len(doc.text.split()) for doc in docs)
        spans = sum(counts.values())
        totals.update(counts)
        totals["__docs"] += len(docs)
        totals["__words"] += words
        rows.append(f"{name:<10}{len(docs):>7}{words:>9}" + "".join(f"{counts[label]:>10}" for label in labels)
                    + f"{spans:>9}")
    if len(splits) > 1:
        rows.append("-" * len(header))
        rows.append(f"{'total':<10}{totals['__docs']:>7}{totals['__words']:>9}"
                    + "".join(f"{totals[label]:>10}" for label in labels)
                    + f"{sum(totals[label] for label in labels):>9}")
    return "\n".join(rows)
