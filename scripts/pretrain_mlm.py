"""Domain-adaptive pretraining (ConfliBERT's method): masked-language-model training of a CamemBERT
on unlabelled French text, before fine-tuning it for the four labels.

    # offline: a new CamemBERT (sized and tokenized as in the config) pretrained from scratch
    python scripts/pretrain_mlm.py --config configs/offline.yaml --output models/mlm-offline \
        --texts data/corpus/train.json data/popcorn/train.json --epochs 20
    # with network: adapt almanach/camembert-base to conflict news
    python scripts/pretrain_mlm.py --base almanach/camembert-base --output models/mlm-base --texts news.txt

The result is a model dir that a training config uses as `model.name_or_path`. Only the
training split and POPCORN's training texts are used by default: dev and test texts stay
unseen, even unlabelled.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

logger = logging.getLogger("conflict_ie")


def pretrain(texts: list[str], output: Path, config=None, base: str | None = None, epochs: float = 20,
             batch_size: int = 16, learning_rate: float = 5e-4, max_length: int = 256, seed: int = 42) -> Path:
    import shutil

    from datasets import Dataset
    from transformers import (AutoModelForMaskedLM, AutoTokenizer, CamembertForMaskedLM,
                              DataCollatorForLanguageModeling, Trainer, TrainingArguments, set_seed)

    from conflict_ie.modeling import init_embeddings_from_vectors, scratch_config, scratch_tokenizer

    set_seed(seed)
    if base:
        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForMaskedLM.from_pretrained(base, use_safetensors=True)
    else:
        scratch = config.model.scratch
        tokenizer = scratch_tokenizer(scratch, max_length, texts)
        model = CamembertForMaskedLM(scratch_config(scratch, tokenizer))
        if scratch.init_vectors:
            init_embeddings_from_vectors(model, tokenizer, scratch.init_vectors)
    encoded = tokenizer(texts, truncation=True, max_length=max_length, stride=max_length // 4,
                        return_overflowing_tokens=True)
    dataset = Dataset.from_dict({"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]})
    logger.info("MLM on %d texts -> %d windows of up to %d tokens", len(texts), len(dataset), max_length)
    checkpoints = output.parent / f"{output.name}.checkpoints"
    args = TrainingArguments(output_dir=str(checkpoints), num_train_epochs=epochs, per_device_train_batch_size=batch_size,
                             learning_rate=learning_rate, warmup_steps=0.06, weight_decay=0.01, seed=seed,
                             save_strategy="epoch", save_total_limit=1, logging_steps=50, report_to=[],
                             train_sampling_strategy="group_by_length", dataloader_pin_memory=False)
    trainer = Trainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer,
                      data_collator=DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15))
    trainer.train()
    tmp = output.parent / f".{output.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    trainer.save_model(str(tmp))
    tokenizer.save_pretrained(tmp)
    if output.exists():
        shutil.rmtree(output)
    tmp.rename(output)
    shutil.rmtree(checkpoints, ignore_errors=True)
    return output


def main(argv=None) -> int:
    from conflict_ie.config import TrainConfig
    from conflict_ie.modeling import iter_texts

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=str(ROOT / "configs" / "offline.yaml"),
                        help="sizes and tokenizer of the new model (model.scratch)")
    parser.add_argument("--base", help="continue from this model (hub id or dir) instead of building one")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--texts", nargs="+", default=[str(ROOT / "data" / "corpus" / "train.json"),
                                                      str(ROOT / "data" / "popcorn" / "train.json")])
    parser.add_argument("--epochs", type=float, default=20)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in args.texts:
        if Path(path).name == "test.json" or Path(path).name == "dev.json":
            parser.error(f"{path}: dev and test texts are kept unseen, even for unlabelled pretraining")
    texts = [text for path in args.texts for text in iter_texts(path)]
    config = None if args.base else TrainConfig.from_yaml(args.config)
    out = pretrain(texts, args.output, config, args.base, args.epochs, args.batch_size, args.learning_rate,
                   args.max_length)
    print(f"pretrained encoder saved to {out}; fine-tune it with --set model.name_or_path={out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
