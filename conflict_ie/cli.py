"""The ``conflict-ie`` command: train, evaluate, predict, data check."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

logger = logging.getLogger("conflict_ie")


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def cmd_train(args) -> int:
    from .config import TrainConfig
    from .training import train

    config = TrainConfig.from_yaml(args.config, args.set)
    result = train(config, args.output, resume=args.resume)
    for name, report in (("dev", result.dev), ("test", result.test)):
        if report is not None:
            print(f"\n=== {name} split ===")
            print(report.format(max_errors=0))
    print(f"\nmodel saved to {result.output_dir} (trained in {result.train_seconds / 60:.1f} min)")
    return 0


def cmd_evaluate(args) -> int:
    from .evaluation import evaluate
    from .inference import ConflictExtractor
    from .io import atomic_write_json
    from .labelstudio.export import read_export

    report = read_export(args.data, args.label_config, skip_invalid=args.skip_invalid)
    logger.info("%s: %s", args.data, report.summary())
    extractor = ConflictExtractor.from_pretrained(args.model)
    result = evaluate(extractor, report.documents, batch_size=args.batch_size)
    print(result.format(max_errors=args.show_errors))
    if args.output:
        atomic_write_json(args.output, result.to_dict())
        logger.info("wrote %s", args.output)
        if args.plot:
            from .plots import confusion_matrix

            confusion_matrix(result.confusion, Path(args.output).with_suffix(".confusion.png"), Path(args.data).name)
    return 0


def _read_inputs(source: str) -> list[str]:
    """Texts to tag: JSON lines with a "text" field, or one text per line."""
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")
    texts = []
    with stream:
        for number, line in enumerate(stream, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.lstrip().startswith("{"):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{source}:{number}: invalid JSON line: {err}") from None
                if not isinstance(record.get("text"), str):
                    raise ValueError(f"{source}:{number}: a JSON line needs a \"text\" string")
                texts.append(record["text"])
            else:
                texts.append(line)
    return texts


def cmd_predict(args) -> int:
    from .inference import ConflictExtractor

    texts = [args.text] if args.text is not None else _read_inputs(args.input)
    extractor = ConflictExtractor.from_pretrained(args.model)
    for text, entities in zip(texts, extractor.predict(texts, batch_size=args.batch_size)):
        print(json.dumps({"text": text, "entities": [e.to_dict() for e in entities]}, ensure_ascii=False))
    return 0


def cmd_data_check(args) -> int:
    from .data_check import label_conflicts, label_statistics, span_issues
    from .labelstudio.export import read_export

    splits, problems = {}, 0
    for path in args.paths:
        report = read_export(path, args.label_config)
        for skipped in report.skipped:
            print(f"SKIPPED {path} task {skipped.task_id}: {skipped.reason}")
        for doc in report.documents:
            for issue in span_issues(doc):
                print(f"SPAN {path} task {issue}")
                problems += 1
        splits[Path(path).stem] = report.documents
    print(label_statistics(splits))
    conflicts = label_conflicts([d for docs in splits.values() for d in docs])
    if conflicts:
        print(f"\n{len(conflicts)} surface strings carry more than one label (review; metonymy is legitimate):")
        for surface, counts in list(conflicts.items())[: args.show_conflicts]:
            print(f"  {surface!r}: " + ", ".join(f"{label} {n}" for label, n in counts.most_common()))
    print(f"\n{problems} span problem(s)")
    return 1 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conflict-ie", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train a model from a YAML config")
    p.add_argument("--config", required=True, help="e.g. configs/offline.yaml")
    p.add_argument("--output", required=True, help="model dir to write")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value, e.g. --set training.epochs=3")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score a model on a Label Studio export")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True, help="Label Studio export (JSON or JSON_MIN)")
    p.add_argument("--output", help="write the full report (scores and errors) as JSON")
    p.add_argument("--plot", action="store_true", help="with --output, also draw the confusion matrix PNG")
    p.add_argument("--label-config", help="labeling config XML (default: the four labels of the spec)")
    p.add_argument("--skip-invalid", action="store_true", help="skip tasks with invalid spans (counted)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--show-errors", type=int, default=20, metavar="N")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="tag texts; one JSON line out per text")
    p.add_argument("--model", required=True)
    p.add_argument("input", nargs="?", default="-", help="file with one text per line or JSON lines; - for stdin")
    p.add_argument("--text", help="tag this text instead of reading input")
    p.add_argument("--batch-size", type=int, default=16)
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("data", help="corpus tools")
    data_sub = p.add_subparsers(dest="data_command", required=True)
    q = data_sub.add_parser("check", help="validate exports against the annotation spec, print statistics")
    q.add_argument("paths", nargs="+")
    q.add_argument("--label-config")
    q.add_argument("--show-conflicts", type=int, default=30, metavar="N")
    q.set_defaults(func=cmd_data_check)
    return parser


def main(argv=None) -> int:
    from .errors import AnnotationError, ConfigError

    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return args.func(args)
    except (AnnotationError, ConfigError, FileNotFoundError, ValueError) as err:
        print(f"conflict-ie {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
