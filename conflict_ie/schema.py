"""The label contract (../shared/annotation-spec.md) and the records that flow through the package.

Everything downstream (alignment, training, inference, evaluation) takes its label set
and its span/entity types from here, so the contract lives in exactly one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from .normalize.counts import Count
    from .normalize.places import Place

LABELS: tuple[str, ...] = ("ACTOR", "WEAPON", "LOCATION", "COUNT")
"""The four entity types of the annotation spec, in a fixed order."""

OUTSIDE = "O"


def bio_tags(labels: Sequence[str] = LABELS) -> list[str]:
    """The IOB2 tag set for ``labels``: ``O`` first, then ``B-X``/``I-X`` per label."""
    tags = [OUTSIDE]
    for label in labels:
        tags += [f"B-{label}", f"I-{label}"]
    return tags


@dataclass(frozen=True, order=True)
class Span:
    """A labelled character range ``[start, end)`` of a document's text (Python code points)."""

    start: int
    end: int
    label: str
    text: str = field(compare=False)

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Document:
    """One annotated text: what a Label Studio task becomes once its annotation is chosen."""

    id: str
    text: str
    spans: tuple[Span, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def with_spans(self, spans: Iterable[Span]) -> "Document":
        return Document(self.id, self.text, tuple(sorted(spans)), self.meta)


@dataclass(frozen=True)
class Entity:
    """An extracted entity, as returned by ``predict()``.

    ``text == input[start:end]`` always holds: offsets are Python code points into the
    original string, as Label Studio stores them. ``count`` (COUNT), ``canonical`` (ACTOR)
    and ``place`` (LOCATION) carry the normalised value when there is one.
    """

    start: int
    end: int
    text: str
    label: str
    score: float
    count: "Count | None" = None
    canonical: str | None = None
    place: "Place | None" = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_span(self) -> Span:
        return Span(self.start, self.end, self.label, self.text)
