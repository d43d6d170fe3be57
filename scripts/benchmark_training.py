"""Training throughput: conflict-ie's batches (dynamic padding, length-grouped) vs a run_ner-style
loop that pads every batch to max_length, on the same model, data and number of steps.

    python scripts/benchmark_training.py [--config configs/offline.yaml] [--steps 40]

Tokens/s counts real (non-padding) tokens: the work that teaches the model something.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(config, features, tokenizer, model_factory, steps: int, dynamic: bool) -> dict:
    import tempfile

    from datasets import Dataset
    from transformers import DataCollatorForTokenClassification, Trainer, TrainingArguments

    t = config.training
    collator = DataCollatorForTokenClassification(tokenizer, padding=True if dynamic else "max_length",
                                                  max_length=None if dynamic else t.max_length)
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, max_steps=steps, per_device_train_batch_size=t.batch_size,
                                 learning_rate=t.learning_rate, report_to=[], save_strategy="no", logging_steps=10**6,
                                 train_sampling_strategy="group_by_length" if dynamic else "random", seed=t.seed,
                                 data_seed=t.seed, dataloader_pin_memory=False, disable_tqdm=True)
        trainer = Trainer(model=model_factory(), args=args, train_dataset=Dataset.from_list(features),
                          data_collator=collator)
        real_tokens = 0
        padded_tokens = 0
        for batch in list(trainer.get_train_dataloader())[:steps]:
            real_tokens += int(batch["attention_mask"].sum())
            padded_tokens += batch["attention_mask"].numel()
        started = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "real_tokens": real_tokens, "padded_tokens": padded_tokens}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=str(ROOT / "configs" / "offline.yaml"))
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args(argv)
    os.chdir(ROOT)

    from transformers import set_seed

    from conflict_ie.config import TrainConfig
    from conflict_ie.labelstudio.export import load_annotations
    from conflict_ie.modeling import build_model
    from conflict_ie.schema import LABELS
    from conflict_ie.training import build_features

    config = TrainConfig.from_yaml(args.config)
    t = config.training
    set_seed(t.seed)
    model, tokenizer = build_model(config.model, LABELS, t.max_length)
    state = {k: v.clone() for k, v in model.state_dict().items()}

    def fresh():
        model.load_state_dict(state)
        return model

    label2id = {label: int(i) for label, i in model.config.label2id.items()}
    features = build_features(load_annotations(config.data.train), tokenizer, label2id, t.max_length, t.stride)
    rows = {}
    for name, dynamic in (("pad to max_length (run_ner)", False), ("conflict-ie (dynamic, grouped)", True)):
        rows[name] = measure(config, features, tokenizer, fresh, args.steps, dynamic)
    print(f"\n{args.steps} steps of batch {t.batch_size}, window {t.max_length}, {os.cpu_count()} CPU cores")
    header = f"{'batches':<32}{'seconds':>9}{'real tok/s':>12}{'padding':>9}{'speed-up':>10}"
    print(header + "\n" + "-" * len(header))
    base = None
    for name, r in rows.items():
        speed = r["real_tokens"] / r["seconds"]
        base = base or speed
        print(f"{name:<32}{r['seconds']:>9.1f}{speed:>12.0f}{1 - r['real_tokens'] / r['padded_tokens']:>9.0%}"
              f"{speed / base:>9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
