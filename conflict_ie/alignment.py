"""Spans <-> sub-word tokens <-> BIO tags, and the sliding windows over long documents.

A *word* here is what the spec's span boundaries can fall between: a run of letters
and digits, or one punctuation mark. A token continues the previous token's word only
when the two touch and both sides of the seam are alphanumeric, so `l'armée` gives the
words `l`, `'`, `armée` whatever the tokenizer glued together, and a span starting at
`armée` is representable. The first token of each word carries the word's tag; the
other tokens are ignored in the loss (or, with ``label_all_tokens``, tagged I-).

Windows: a document of N content tokens is cut into windows of ``window`` tokens that
overlap by ``stride`` tokens. Each token is *owned* by exactly one window (the overlap
is split in its middle), so merging window predictions neither loses nor doubles a token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

from .schema import OUTSIDE, Span

logger = logging.getLogger("conflict_ie")

IGNORE_INDEX = -100
SPACE_PIECE = "▁"  # SentencePiece's word-boundary mark


@dataclass(frozen=True)
class TokenizedText:
    """A text's content tokens (no special tokens) with character offsets and word starts."""

    text: str
    input_ids: tuple[int, ...]
    offsets: tuple[tuple[int, int], ...]
    word_starts: tuple[bool, ...]

    def __len__(self) -> int:
        return len(self.input_ids)

    def word(self, index: int) -> str:
        """Text of the word whose first token is ``index``."""
        return self.text[self.offsets[index][0]:self.word_end(index)]

    def word_end(self, index: int) -> int:
        """Character end of the word whose first token is ``index``."""
        end = self.offsets[index][1]
        for j in range(index + 1, len(self)):
            if self.word_starts[j]:
                break
            end = self.offsets[j][1]
        return end


def tokenize(text: str, tokenizer) -> TokenizedText:
    """Tokenize ``text`` with a fast tokenizer, keeping only tokens that cover characters."""
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False,
                         verbose=False)
    pieces = tokenizer.convert_ids_to_tokens(encoding["input_ids"])
    ids, offsets, starts = [], [], []
    prev_end = -1
    for token_id, (start, end), piece in zip(encoding["input_ids"], encoding["offset_mapping"], pieces):
        while start < end and text[start].isspace():  # SentencePiece offsets may include the space before
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start or piece == SPACE_PIECE or text[start:end].isspace():
            continue  # a bare word-boundary marker: it borrows its neighbour's offsets
        # a token inside the previous one's characters comes from a character the normalizer
        # expanded ("Ⅻ" -> "XII", "ﬁ" -> "fi"): it belongs to the same word
        continues = start < prev_end or (
            start == prev_end and start > 0 and text[start - 1].isalnum() and text[start].isalnum())
        ids.append(token_id)
        offsets.append((start, end))
        starts.append(not continues)
        prev_end = end
    return TokenizedText(text, tuple(ids), tuple(offsets), tuple(starts))


def spans_to_tags(tokens: TokenizedText, spans: Sequence[Span], label_all_tokens: bool = False) -> list[str | None]:
    """One tag per token: ``B-X``/``I-X``/``O`` on word starts, None (ignored) or ``I-X`` on the rest."""
    tags: list[str | None] = [OUTSIDE if s else None for s in tokens.word_starts]
    ordered = sorted(spans)
    index = 0
    for span in ordered:
        first = True
        while index < len(tokens) and tokens.offsets[index][1] <= span.start:
            index += 1
        j = index
        while j < len(tokens) and tokens.offsets[j][0] < span.end:
            if tokens.word_starts[j]:
                tags[j] = f"{'B' if first else 'I'}-{span.label}"
                first = False
            elif label_all_tokens:
                tags[j] = f"I-{span.label}"
            j += 1
    if label_all_tokens:
        tags = [OUTSIDE if t is None else t for t in tags]
    return tags


def misaligned_spans(tokens: TokenizedText, spans: Sequence[Span]) -> list[Span]:
    """Spans whose boundaries fall inside a word as the tokenizer sees it (they cannot round-trip)."""
    starts = {tokens.offsets[i][0] for i in range(len(tokens)) if tokens.word_starts[i]}
    ends = {tokens.word_end(i) for i in range(len(tokens)) if tokens.word_starts[i]}
    return [s for s in spans if s.start not in starts or s.end not in ends]


def tags_to_spans(tokens: TokenizedText, tags: Sequence[str | None],
                  scores: Sequence[float] | None = None) -> list[tuple[Span, float]]:
    """Decode word-start tags into character spans, each with the mean score of its words.

    Decoding follows seqeval's default mode: an ``I-X`` that does not continue an entity
    of type X starts a new one, so no predicted word is thrown away.
    """
    found: list[tuple[Span, float]] = []
    current: list | None = None  # [label, start, end, score_sum, n]

    def close() -> None:
        if current is not None:
            label, start, end, total, n = current
            found.append((Span(start, end, label, tokens.text[start:end]), total / n))

    for i, tag in enumerate(tags):
        if not tokens.word_starts[i] or tag is None:
            continue
        score = 1.0 if scores is None else float(scores[i])
        if tag == OUTSIDE:
            close()
            current = None
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "I" and current is not None and current[0] == label:
            current[2] = tokens.word_end(i)
            current[3] += score
            current[4] += 1
        else:
            close()
            current = [label, tokens.offsets[i][0], tokens.word_end(i), score, 1]
    close()
    return found


@dataclass(frozen=True)
class Window:
    """Tokens ``[start, end)`` of a document fed to the model; it owns ``[own_start, own_end)``."""

    start: int
    end: int
    own_start: int
    own_end: int


def windows(n_tokens: int, window: int, stride: int) -> list[Window]:
    """Overlapping windows covering ``n_tokens`` tokens; every token is owned exactly once."""
    if window <= 0:
        raise ValueError(f"window must be positive, got {window}")
    if not 0 <= stride < window:
        raise ValueError(f"stride must be in [0, window={window}), got {stride}")
    if n_tokens <= window:
        return [Window(0, n_tokens, 0, n_tokens)]
    step = window - stride
    starts = list(range(0, n_tokens - window, step)) + [n_tokens - window]
    result = []
    for k, start in enumerate(starts):
        end = start + window
        own_start = 0 if k == 0 else result[-1].own_end
        own_end = n_tokens if k == len(starts) - 1 else (starts[k + 1] + (end - starts[k + 1]) // 2)
        result.append(Window(start, end, own_start, own_end))
    return result


def add_special_tokens(ids: Sequence[int], tokenizer) -> list[int]:
    """``<s> ids </s>`` (CLS/SEP for BERT-style tokenizers)."""
    cls = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
    sep = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    return [cls, *ids, sep]


def constrained_decode(probabilities: Sequence[Sequence[float]], tags: Sequence[str],
                       continuation_bonus: float = 1.0) -> list[int]:
    """The most probable tag sequence that is valid IOB2 (no ``I-X`` unless after ``B-X``/``I-X``).

    Viterbi over log-probabilities, one row per word; ``tags[k]`` names column ``k``.
    ``continuation_bonus`` multiplies the probability of each word that continues an entity: a
    small model trained from scratch cuts multi-word names after their first word ("Khawaja"
    for "Khawaja Asif"), and a weight tuned on the dev split (like a CRF's transition score)
    corrects that bias.
    """
    import numpy as np

    if len(probabilities) == 0:
        return []
    n_tags = len(tags)
    inside_of = [t[2:] if t.startswith("I-") else None for t in tags]
    entity_of = [t[2:] if t[:2] in ("B-", "I-") else None for t in tags]
    # transition[i, j] = 0 if tag j may follow tag i, else -inf
    bonus = float(np.log(continuation_bonus))
    transition = np.array([[0.0 if inside_of[j] is None else bonus if entity_of[i] == inside_of[j] else -np.inf
                            for j in range(n_tags)] for i in range(n_tags)])
    start = np.array([0.0 if inside is None else -np.inf for inside in inside_of])
    log = np.log(np.maximum(np.asarray(probabilities, dtype=np.float64), 1e-12))
    score = start + log[0]
    back = np.empty((len(log) - 1, n_tags), dtype=np.int64)
    for step in range(1, len(log)):
        candidates = score[:, None] + transition  # from i (rows) to j (columns)
        back[step - 1] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log[step]
    path = [int(score.argmax())]
    for pointers in back[::-1]:
        path.append(int(pointers[path[-1]]))
    return path[::-1]
