"""The training config: overrides and every kind of mistake, reported before any work."""

import pytest

from conflict_ie import ConfigError
from conflict_ie.config import TrainConfig
from conftest import ROOT


def load(*overrides):
    return TrainConfig.from_yaml(ROOT / "configs" / "offline.yaml", list(overrides))


def test_offline_config_loads_and_overrides_apply(monkeypatch):
    monkeypatch.chdir(ROOT)
    config = load("training.epochs=3", "training.learning_rate=1e-4", "model.scratch.hidden_size=128")
    assert config.training.epochs == 3.0 and config.training.learning_rate == 1e-4
    assert config.model.scratch.hidden_size == 128 and config.model.name_or_path is None


def test_production_config_points_at_camembert_base():
    config = TrainConfig.from_yaml(ROOT / "configs" / "camembert-base.yaml")
    assert config.model.name_or_path == "almanach/camembert-base"


@pytest.mark.parametrize("override, message", [
    ("training.stride=300", r"training.stride must be >= 0 and < training.max_length - 2 \(254\)"),
    ("training.bogus=1", "unknown key training.bogus; allowed keys here: batch_size"),
    ("training.epochs=many", "training.epochs must be float, got 'many'"),
    ("training.batch_size=0", "training.batch_size must be positive"),
    ("data.train=nowhere.json", "data.train: file not found: nowhere.json"),
    ("model.scratch.num_attention_heads=3", "must be divisible by"),
    ("training.max_length=1024", "must be <= model.scratch.max_position_embeddings - 2"),
    ("epochs", "must look like section.key=value"),
    ("data.augment_source=wikipedia", "data.augment_source must be 'corpus' or 'gazetteer', got 'wikipedia'"),
])
def test_config_errors_name_the_key(monkeypatch, override, message):
    monkeypatch.chdir(ROOT)
    with pytest.raises(ConfigError, match=message):
        load(override)


def test_missing_config_file():
    with pytest.raises(ConfigError, match="config file not found"):
        TrainConfig.from_yaml("configs/nope.yaml")
