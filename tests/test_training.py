"""Training survives a killed process (resume) and never leaves a half-written model dir."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch
import yaml
from safetensors.torch import load_file

import conflict_ie
from conftest import ROOT, TINY_CONFIG


def write_config(folder, tiny_data, **training):
    raw = json.loads(json.dumps(TINY_CONFIG))
    raw["model"]["scratch"]["tokenizer_texts"] = [str(tiny_data / "train.json")]
    raw["data"].update(train=str(tiny_data / "train.json"), dev=str(tiny_data / "dev.json"))
    raw["training"].update(training)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def train_cli(config, output, *extra, **kwargs):
    # one thread: multithreaded CPU kernels sum in varying order, and a tiny model's F1 then
    # wanders by a few points between two identical runs, resumed or not
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "conflict_ie.cli", "train", "--config", str(config), "--output",
                             str(output), *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env, **kwargs)


@pytest.mark.slow
def test_killed_training_resumes_from_its_last_checkpoint(tmp_path, tiny_data):
    config = write_config(tmp_path, tiny_data, epochs=6, save_steps=4, save_total_limit=3)
    reference = train_cli(config, tmp_path / "reference")
    assert reference.wait(timeout=600) == 0, reference.stdout.read()
    expected = json.loads((tmp_path / "reference" / "metrics.json").read_text())["dev"]["summary"]

    output = tmp_path / "killed"
    checkpoints = tmp_path / "killed.checkpoints"
    process = train_cli(config, output)
    deadline = time.time() + 600
    while time.time() < deadline and len(list(checkpoints.glob("checkpoint-*/trainer_state.json"))) < 2:
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not output.exists()  # nothing half-written where the model goes
    last = max(int(p.name.split("-")[1]) for p in checkpoints.glob("checkpoint-*")
               if (p / "trainer_state.json").exists())
    assert last >= 8

    resumed = train_cli(config, output, "--resume")
    log = resumed.communicate(timeout=600)[0]
    assert resumed.returncode == 0, log
    assert f"resuming from {checkpoints / f'checkpoint-{last}'}" in log  # lost at most one interval (4 steps)
    got = json.loads((output / "metrics.json").read_text())["dev"]["summary"]
    # same batches in the same order, same RNG: the resumed run is the uninterrupted one
    assert got["f1"] == pytest.approx(expected["f1"], abs=1e-9)
    reference_weights = load_file(tmp_path / "reference" / "model.safetensors")
    for name, tensor in load_file(output / "model.safetensors").items():
        assert torch.allclose(tensor, reference_weights[name], atol=1e-5), name
    assert conflict_ie.ConflictExtractor.from_pretrained(output).predict("Les FAMa à Gao.") is not None
    assert not checkpoints.exists()  # cleaned up after success


def test_a_crash_while_saving_keeps_the_previous_model(tiny_model, monkeypatch):
    from conflict_ie import plots
    from conflict_ie.training import save_model_dir

    out = tiny_model.output_dir
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    model = conflict_ie.load(str(out))

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(plots, "learning_curve", crash)
    from conflict_ie.config import TrainConfig

    config = TrainConfig.from_dict(yaml.safe_load((out / "training_config.yaml").read_text()))
    with pytest.raises(OSError, match="disk full"):
        save_model_dir(out, model.model, model.tokenizer, config, [], None, None, 1.0, 1)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]


def test_train_cli_skip_invalid_counts_what_it_skipped(tmp_path, tiny_data):
    from conflict_ie.labelstudio.export import documents_to_tasks, load_annotations

    tasks = documents_to_tasks(load_annotations(tiny_data / "train.json")[:6])
    tasks[2]["annotations"][0]["result"][0]["value"]["labels"] = ["PERSON"]
    bad = tmp_path / "train.json"
    bad.write_text(json.dumps(tasks))
    config = write_config(tmp_path, tiny_data, epochs=1)
    done = train_cli(config, tmp_path / "m", "--set", f"data.train={bad}")
    log = done.communicate(timeout=600)[0]
    assert done.returncode == 2 and "task 3: span" in log and "unknown label 'PERSON'" in log
    done = train_cli(config, tmp_path / "m", "--set", f"data.train={bad}", "--skip-invalid")
    log = done.communicate(timeout=600)[0]
    assert done.returncode == 0, log
    assert "skipped 1 of 6 tasks: task 3: span" in log


def test_mlm_pretraining_then_fine_tuning(tmp_path, tiny_data):
    """scripts/pretrain_mlm.py builds an encoder that a training config then starts from."""
    config = write_config(tmp_path, tiny_data, epochs=1)
    encoder = tmp_path / "mlm"
    done = subprocess.run([sys.executable, "scripts/pretrain_mlm.py", "--config", str(config), "--output", str(encoder),
                           "--texts", str(tiny_data / "train.json"), "--epochs", "2", "--max-length", "64"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (encoder / "model.safetensors").is_file() and (encoder / "tokenizer.json").is_file()
    refused = subprocess.run([sys.executable, "scripts/pretrain_mlm.py", "--output", str(tmp_path / "x"),
                              "--texts", "data/corpus/test.json"], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2 and "kept unseen" in refused.stderr
    tuned = train_cli(config, tmp_path / "tuned", "--set", f"model.name_or_path={encoder}")
    log = tuned.communicate(timeout=600)[0]
    assert tuned.returncode == 0, log
    assert conflict_ie.ConflictExtractor.from_pretrained(tmp_path / "tuned").predict("Les FAMa à Gao.") is not None
