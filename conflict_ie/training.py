"""Training: documents -> windowed BIO features -> a thin ``transformers.Trainer`` -> a model dir.

The Trainer does the loop, the checkpoints, multi-GPU through ``accelerate launch``, and
keeps the best epoch on the dev split; conflict-ie adds document-level seqeval scores to
every evaluation and writes a complete Hugging Face model dir at the end.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

from .alignment import IGNORE_INDEX, add_special_tokens, misaligned_spans, spans_to_tags, tokenize, windows
from .config import TrainConfig
from .evaluation import EvaluationReport, evaluate, score_tagged
from .inference import CONFIG_KEY, ConflictExtractor
from .labelstudio.export import read_export
from .labelstudio.label_config import LabelConfig
from .modelcard import write_model_card
from .schema import Document

logger = logging.getLogger("conflict_ie")


def build_features(documents: Sequence[Document], tokenizer, label2id: dict[str, int], max_length: int,
                   stride: int, label_all_tokens: bool = False) -> list[dict]:
    """One feature (input_ids, attention_mask, labels) per window of each document."""
    features, misaligned = [], []
    for doc in documents:
        tokens = tokenize(doc.text, tokenizer)
        misaligned += [(doc.id, s) for s in misaligned_spans(tokens, doc.spans)]
        tags = spans_to_tags(tokens, doc.spans, label_all_tokens=label_all_tokens)
        label_ids = [IGNORE_INDEX if t is None else label2id[t] for t in tags]
        for w in windows(len(tokens), max_length - 2, stride):
            ids = add_special_tokens(tokens.input_ids[w.start:w.end], tokenizer)
            features.append({"input_ids": ids, "attention_mask": [1] * len(ids),
                             "labels": [IGNORE_INDEX, *label_ids[w.start:w.end], IGNORE_INDEX]})
    if misaligned:
        examples = "; ".join(f"{doc_id} {s.label} {s.text!r}" for doc_id, s in misaligned[:5])
        logger.warning("%d gold spans do not start/end on a word boundary of this tokenizer and are widened to "
                       "whole words in training (e.g. %s)", len(misaligned), examples)
    return features


@dataclass
class TrainResult:
    output_dir: Path
    dev: EvaluationReport | None
    test: EvaluationReport | None
    train_seconds: float


def _make_trainer_class():
    import torch
    from transformers import Trainer, TrainerCallback
    from transformers.trainer_pt_utils import LengthGroupedSampler, get_length_grouped_indices

    class EpochSeededLengthGroupedSampler(LengthGroupedSampler):
        """Length-grouped batches whose order depends only on (seed, epoch).

        The Trainer's own sampler draws from the global RNG when an epoch starts, so a run resumed
        mid-epoch saw other batches than the run it continues (dev F1 0.521 against 0.556).
        """

        def __init__(self, batch_size: int, lengths: list[int], seed: int):
            super().__init__(batch_size, lengths=lengths)
            self.seed, self.epoch = seed, 0

        def set_epoch(self, epoch: int) -> None:  # called by accelerate's DataLoaderShard, before iterating
            self.epoch = epoch

        def __iter__(self):
            generator = torch.Generator().manual_seed(self.seed + self.epoch)
            return iter(get_length_grouped_indices(self.lengths, self.batch_size, generator=generator))

    class EpochTable(TrainerCallback):
        """A fixed-width row per evaluation, like spaCy's training table."""

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            if not metrics or "eval_f1" not in metrics:
                return
            losses = [h["loss"] for h in state.log_history if "loss" in h]
            if state.global_step and len([h for h in state.log_history if "eval_f1" in h]) <= 1:
                logger.info("%6s %7s %9s %9s %7s %7s %7s %9s", "epoch", "step", "loss", "dev_loss", "f1", "p", "r",
                            "f1_dflt")
            logger.info("%6.1f %7d %9.4f %9.4f %7.4f %7.4f %7.4f %9.4f", metrics.get("epoch", state.epoch or 0),
                        state.global_step, losses[-1] if losses else float("nan"), metrics.get("eval_loss", float("nan")),
                        metrics["eval_f1"], metrics["eval_precision"], metrics["eval_recall"], metrics["eval_f1_default"])

    class ConflictTrainer(Trainer):
        """A Trainer whose every evaluation also scores whole dev documents with seqeval."""

        def __init__(self, *args, eval_documents: Sequence[Document] = (), max_length: int = 256, stride: int = 64,
                     **kwargs):
            super().__init__(*args, **kwargs)
            self.eval_documents = list(eval_documents)
            self.window_max_length, self.window_stride = max_length, stride
            self.add_callback(EpochTable())

        def _get_train_sampler(self, train_dataset=None):
            dataset = train_dataset if train_dataset is not None else self.train_dataset
            if self.args.train_sampling_strategy != "group_by_length":
                return super()._get_train_sampler(train_dataset)
            seed = self.args.data_seed if self.args.data_seed is not None else self.args.seed
            return EpochSeededLengthGroupedSampler(
                self.args.train_batch_size * self.args.gradient_accumulation_steps,
                [len(ids) for ids in dataset["input_ids"]], seed)

        def evaluation_loop(self, dataloader, description, prediction_loss_only=None, ignore_keys=None,
                            metric_key_prefix="eval"):
            output = super().evaluation_loop(dataloader, description, prediction_loss_only, ignore_keys,
                                             metric_key_prefix)
            if self.eval_documents:
                extractor = ConflictExtractor(self.model, self.processing_class, self.window_max_length,
                                              self.window_stride, device=str(self.args.device))
                summary = evaluate(extractor, self.eval_documents, self.args.per_device_eval_batch_size).summary()
                output.metrics.update({f"{metric_key_prefix}_{k}": v for k, v in summary.items()})
            return output

    return ConflictTrainer


def load_split(path: str | None, config: TrainConfig, label_config: LabelConfig) -> list[Document]:
    if path is None:
        return []
    report = read_export(path, label_config, skip_invalid=config.data.skip_invalid)
    logger.info("%s: %s", path, report.summary())
    return report.documents


def train(config: TrainConfig, output_dir: str | Path, resume: bool = False,
          train_documents: Sequence[Document] | None = None) -> TrainResult:
    """Train a model from ``config`` and save it to ``output_dir`` (a Hugging Face model dir)."""
    import torch
    from datasets import Dataset
    from transformers import DataCollatorForTokenClassification, TrainingArguments, set_seed

    from .modeling import build_model

    t = config.training
    output_dir = Path(output_dir)
    checkpoint_dir = output_dir.parent / f"{output_dir.name}.checkpoints"
    set_seed(t.seed)
    label_config = LabelConfig.from_xml(config.data.label_config) if config.data.label_config else LabelConfig()
    if train_documents is None:
        train_documents = load_split(config.data.train, config, label_config)
        for extra in config.data.extra_train:
            train_documents += load_split(extra, config, label_config)
    dev_documents = load_split(config.data.dev, config, label_config)
    test_documents = load_split(config.data.test, config, label_config)
    if not train_documents:
        raise ValueError("no training documents: the training export has no usable annotated task")

    last_checkpoint = None
    if resume:
        # a checkpoint is complete once trainer_state.json is written (the Trainer writes it last);
        # a process killed while saving leaves an incomplete one behind, which must be skipped
        found = sorted((p for p in checkpoint_dir.glob("checkpoint-*") if (p / "trainer_state.json").is_file()),
                       key=lambda p: int(p.name.split("-")[1]))
        last_checkpoint = found[-1] if found else None
    if config.data.augment_copies:
        from .augmentation import augment

        extra = augment(train_documents, config.data.augment_copies, config.data.augment_probability, t.seed,
                        config.data.augment_source)
        logger.info("mention replacement (%s): %d augmented copies added to %d training documents",
                    config.data.augment_source, len(extra), len(train_documents))
        train_documents = [*train_documents, *extra]
    model, tokenizer = build_model(config.model, label_config.labels, t.max_length,
                                   tokenizer_dir=last_checkpoint)
    setattr(model.config, CONFIG_KEY, {"max_length": t.max_length, "stride": t.stride,
                                       "labels": list(label_config.labels), "count_rules": t.count_rules,
                                       "label_all_tokens": t.label_all_tokens,
                                       "name_boundaries": t.name_boundaries})
    label2id = {label: int(i) for label, i in model.config.label2id.items()}
    train_features = build_features(train_documents, tokenizer, label2id, t.max_length, t.stride, t.label_all_tokens)
    dev_features = build_features(dev_documents, tokenizer, label2id, t.max_length, t.stride, t.label_all_tokens)
    logger.info("training on %d documents (%d windows), evaluating on %d dev documents", len(train_documents),
                len(train_features), len(dev_documents))

    has_dev = bool(dev_documents)
    args = TrainingArguments(
        output_dir=str(checkpoint_dir), num_train_epochs=t.epochs, learning_rate=t.learning_rate,
        per_device_train_batch_size=t.batch_size, per_device_eval_batch_size=t.eval_batch_size,
        weight_decay=t.weight_decay, warmup_steps=t.warmup_ratio, lr_scheduler_type=t.lr_scheduler_type,
        seed=t.seed, data_seed=t.seed, eval_strategy=("steps" if t.save_steps else "epoch") if has_dev else "no",
        eval_steps=t.save_steps, save_strategy="steps" if t.save_steps else "epoch", save_steps=t.save_steps,
        save_total_limit=t.save_total_limit, load_best_model_at_end=has_dev,
        metric_for_best_model="f1" if has_dev else None, greater_is_better=True,
        logging_steps=t.logging_steps, report_to=[], train_sampling_strategy="group_by_length", dataloader_num_workers=0,
        disable_tqdm=False, dataloader_pin_memory=torch.cuda.is_available())
    trainer = _make_trainer_class()(
        model=model, args=args, train_dataset=Dataset.from_list(train_features),
        eval_dataset=Dataset.from_list(dev_features) if has_dev else None,
        data_collator=DataCollatorForTokenClassification(tokenizer), processing_class=tokenizer,
        eval_documents=dev_documents, max_length=t.max_length, stride=t.stride)
    started = time.perf_counter()
    if resume and last_checkpoint is None:
        logger.warning("--resume: no checkpoint in %s, starting from scratch", checkpoint_dir)
    elif last_checkpoint is not None:
        logger.info("resuming from %s", last_checkpoint)
    trainer.train(resume_from_checkpoint=str(last_checkpoint) if last_checkpoint else None)
    train_seconds = time.perf_counter() - started

    model = trainer.model
    extractor = ConflictExtractor(model, tokenizer, t.max_length, t.stride, device=str(trainer.args.device))
    tuning, dev_report, name_effect = None, None, None
    if dev_documents:  # the network reads dev once, for the tuning and for the report
        dev_read = extractor.read([doc.text for doc in dev_documents], t.eval_batch_size)
        if extractor.find_names is not None:  # spaCy reads dev once; the tuning decodes it again and again
            extractor.find_names.prefetch([doc.text for doc in dev_documents])
        if t.tune_continuation_bonus:
            tuning = tune_continuation_bonus(extractor, dev_documents, dev_read)
            getattr(model.config, CONFIG_KEY)["continuation_bonus"] = extractor.continuation_bonus
        dev_report = score_tagged(dev_documents, [extractor.decode(*reading) for reading in dev_read])
        if extractor.find_names is not None:  # what the name edges bring, for the log and metrics.json
            find_names, extractor.find_names = extractor.find_names, None
            without = score_tagged(dev_documents, [extractor.decode(*reading) for reading in dev_read])
            extractor.find_names = find_names
            name_effect = {"dev_strict_f1_without": round(without.summary()["f1"], 4),
                           "dev_strict_f1_with": round(dev_report.summary()["f1"], 4)}
            logger.info("name boundaries from %s: dev strict F1 %.4f -> %.4f", extractor.name_boundaries,
                        without.summary()["f1"], dev_report.summary()["f1"])
    test_report = evaluate(extractor, test_documents) if test_documents else None
    save_model_dir(output_dir, model, tokenizer, config, trainer.state.log_history, dev_report, test_report,
                   train_seconds, n_train=len(train_documents), tuning=tuning, name_effect=name_effect)
    if trainer.is_world_process_zero():
        shutil.rmtree(checkpoint_dir, ignore_errors=True)
    return TrainResult(output_dir, dev_report, test_report, train_seconds)


CONTINUATION_BONUSES = (1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0)


def tune_continuation_bonus(extractor: ConflictExtractor, documents: Sequence[Document], read: Sequence,
                            grid: Sequence[float] = CONTINUATION_BONUSES) -> dict:
    """Set ``extractor.continuation_bonus`` to the grid value with the best strict dev F1.

    ``read`` is ``extractor.read`` of the documents: the network runs once, only the Viterbi
    decoding is repeated. The dev scores reported afterwards include this choice (so they are
    slightly optimistic); the test split is not used.
    """
    scores = {}
    for bonus in grid:
        extractor.continuation_bonus = bonus
        report = score_tagged(documents, [extractor.decode(tokens, probs) for tokens, probs in read])
        scores[bonus] = report.strict["micro avg"]["f1-score"]
    best = max(grid, key=lambda b: (round(scores[b], 6), -abs(b - 1.0)))
    extractor.continuation_bonus = best
    logger.info("entity-continuation weight on dev: %s -> %s (strict F1 %.4f, was %.4f at 1.0)",
                "  ".join(f"{b:g}: {f:.4f}" for b, f in scores.items()), f"{best:g}", scores[best],
                scores.get(1.0, float("nan")))
    return {"chosen": best, "dev_strict_f1": {f"{b:g}": round(f, 4) for b, f in scores.items()}}


def save_model_dir(output_dir: Path, model, tokenizer, config: TrainConfig, history: list[dict],
                   dev: EvaluationReport | None, test: EvaluationReport | None, train_seconds: float,
                   n_train: int, tuning: dict | None = None, name_effect: dict | None = None) -> None:
    """Write the whole model dir beside, then swap it in: a crash never leaves a half-written one."""
    from . import plots

    output_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=output_dir.parent, prefix=f".{output_dir.name}.tmp-"))
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        (tmp / "training_config.yaml").write_text(yaml.safe_dump(config.to_dict(), sort_keys=False,
                                                                 allow_unicode=True), encoding="utf-8")
        metrics = {"train_seconds": round(train_seconds, 1), "train_documents": n_train,
                   "dev": dev.to_dict() if dev else None, "test": test.to_dict() if test else None,
                   "continuation_bonus_tuning": tuning, "name_boundaries": name_effect, "log_history": history}
        (tmp / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
        plots.learning_curve(history, tmp / "learning_curve.png")
        if dev:
            plots.confusion_matrix(dev.confusion, tmp / "confusion_matrix.png", "dev split, word-level")
        write_model_card(tmp, config, getattr(model.config, CONFIG_KEY)["labels"], dev, test, train_seconds, n_train,
                         continuation_bonus=getattr(model.config, CONFIG_KEY).get("continuation_bonus"))
        old = None
        if output_dir.exists():
            old = output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"
            os.replace(output_dir, old)
        os.replace(tmp, output_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("saved the model to %s", output_dir)

