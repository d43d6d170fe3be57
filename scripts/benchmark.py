"""Inference speed and memory, side by side with the Hugging Face pipeline, on the same documents.

    python scripts/benchmark.py --model models/offline --data data/corpus/test.json
    python scripts/benchmark.py --model models/offline --size base     # a camembert-base-sized model
                                                                       # (random weights: same speed)

Systems: transformers.pipeline("token-classification", aggregation_strategy="first",
stride=...) on the same model dir; conflict-ie with torch fp32; ONNX Runtime fp32; ONNX
Runtime int8 (and, for a model dir that takes name edges from spaCy, int8 without them: the
cost of spaCy's NER). Each runs in its own child process (so peak RSS is its own) on the test
documents plus long documents (10 test documents joined, ~2,000 words each). The table
gives documents/s, tokens/s, peak RSS, and span F1 against the conflict-ie fp32 output
(agreement) and against the gold spans. A second table streams 100 and 10,000 documents
through predict_stream and compares peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def documents(data: Path):
    from conflict_ie import load_annotations
    from conflict_ie.schema import Document, Span

    docs = load_annotations(data)
    long_docs = []
    for start in range(0, min(len(docs), 50), 10):
        group = docs[start:start + 10]
        parts, spans, offset = [], [], 0
        for doc in group:
            parts.append(doc.text)
            spans += [Span(s.start + offset, s.end + offset, s.label, s.text) for s in doc.spans]
            offset += len(doc.text) + 2
        long_docs.append(Document(f"long-{start}", "\n\n".join(parts), tuple(spans)))
    return list(docs) + long_docs


def peak_rss_mb() -> float:
    """This process's own peak RSS. (ru_maxrss is kept across exec on Linux, so a child would
    report its parent's peak; VmHWM belongs to the new address space.)"""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_system(system: str, model: str, data: Path, stride: int, batch_size: int) -> dict:
    """Runs in a child process: predict every document, report time, memory and spans."""
    import torch

    docs = documents(data)
    texts = [d.text for d in docs]
    if system == "pipeline":
        from transformers import pipeline

        ner = pipeline("token-classification", model=model, aggregation_strategy="first", stride=stride,
                       device=-1)
        ner(texts[0])  # warm-up, as for the others
        started = time.perf_counter()
        with torch.inference_mode():
            raw = [ner(text) for text in texts]
        seconds = time.perf_counter() - started
        spans = [[(r["start"], r["end"], r["entity_group"]) for r in doc] for doc in raw]
        # the pipeline keeps the leading space in "▁word" tokens' offsets: trim to compare fairly
        spans = [[_trim(text, s, e, label) for s, e, label in doc] for text, doc in zip(texts, spans)]
    else:
        from conflict_ie import ConflictExtractor

        backend = {"conflict-ie fp32": "torch", "conflict-ie onnx": "onnx", "conflict-ie int8": "int8",
                   "int8, no spaCy names": "int8"}[system]
        extra = {"name_boundaries": False} if "no spaCy" in system else {}
        extractor = ConflictExtractor.from_pretrained(model, backend=backend, normalize=False, **extra)
        extractor.predict(texts[:2])
        started = time.perf_counter()
        predictions = extractor.predict(texts, batch_size=batch_size)
        seconds = time.perf_counter() - started
        spans = [[(e.start, e.end, e.label) for e in doc] for doc in predictions]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    tokens = sum(len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)
    return {"system": system, "seconds": seconds, "documents": len(texts), "tokens": tokens,
            "peak_rss_mb": peak_rss_mb(), "spans": spans}


def _trim(text: str, start: int, end: int, label: str):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end, label


def run_stream(model: str, data: Path, n: int, batch_size: int, backend: str) -> dict:
    from conflict_ie import ConflictExtractor

    docs = documents(data)
    extractor = ConflictExtractor.from_pretrained(model, normalize=False, backend=backend)

    def texts():
        for i in range(n):
            yield docs[i % len(docs)].text

    started = time.perf_counter()
    count = sum(1 for _ in extractor.predict_stream(texts(), batch_size=batch_size))
    return {"n": count, "seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}


def base_sized_model(offline: str, folder: Path) -> str:
    """A camembert-base-sized model (12 layers, 768) with random weights and the offline tokenizer."""
    from transformers import AutoTokenizer, CamembertConfig, CamembertForTokenClassification

    tokenizer = AutoTokenizer.from_pretrained(offline)
    small = json.loads((Path(offline) / "config.json").read_text())
    config = CamembertConfig(vocab_size=len(tokenizer), id2label={int(k): v for k, v in small["id2label"].items()},
                             label2id=small["label2id"], pad_token_id=tokenizer.pad_token_id,
                             conflict_ie=small.get("conflict_ie"))
    CamembertForTokenClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def child(args, *extra) -> dict:
    out = subprocess.run([sys.executable, __file__, "--model", args.model, "--data", str(args.data),
                          "--batch-size", str(args.batch_size), *extra], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"child {extra} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models/offline")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "corpus" / "test.json")
    parser.add_argument("--size", choices=["offline", "base"], default="offline")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--stream", type=int, nargs=2, default=(100, 10_000), metavar=("SMALL", "LARGE"))
    parser.add_argument("--no-stream", action="store_true")
    parser.add_argument("--stream-backend", choices=["torch", "onnx", "int8"], default="int8",
                        help="backend for the streaming memory test (memory, not speed, is measured there)")
    parser.add_argument("--output", type=Path, help="write the results as JSON")
    parser.add_argument("--_system", help=argparse.SUPPRESS)
    parser.add_argument("--_stream", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._system:
        settings = json.loads((Path(args.model) / "config.json").read_text()).get("conflict_ie") or {}
        print(json.dumps(run_system(args._system, args.model, args.data, settings.get("stride", 64), args.batch_size)))
        return 0
    if args._stream:
        print(json.dumps(run_stream(args.model, args.data, args._stream, args.batch_size, args.stream_backend)))
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="conflict-ie-bench-"))
    try:
        model = Path(args.model)
        if args.size == "base":
            model = Path(base_sized_model(args.model, workdir / "base"))
        else:
            shutil.copytree(model, workdir / model.name)  # the ONNX export goes into the copy
            model = workdir / model.name
        args.model = str(model)
        from conflict_ie.backends import export_onnx
        from conflict_ie import ConflictExtractor

        export_onnx(ConflictExtractor.from_pretrained(model).model, model)
        systems = ["pipeline", "conflict-ie fp32", "conflict-ie onnx", "conflict-ie int8"]
        if ConflictExtractor.from_pretrained(model).find_names is not None:
            systems.append("int8, no spaCy names")  # what spaCy's NER costs (and brings)
        results = [child(args, "--_system", system) for system in systems]
        from conflict_ie.evaluation import span_scores
        from conflict_ie.schema import Span

        docs = documents(args.data)
        gold = [[(s.start, s.end, s.label) for s in d.spans] for d in docs]
        reference = next(r for r in results if r["system"] == "conflict-ie fp32")["spans"]

        def f1(a, b):
            as_spans = lambda doc: [Span(s, e, label, "") for s, e, label in doc]  # noqa: E731
            return span_scores([as_spans(d) for d in a], [as_spans(d) for d in b])["micro"]["f1"]

        pipeline_speed = results[0]["documents"] / results[0]["seconds"]
        print(f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, "
              f"torch {__import__('torch').__version__}; model: {args.size} "
              f"({'random weights' if args.size == 'base' else args.model}); "
              f"{len(docs)} documents ({len(docs) - 5} test + 5 long)")
        header = f"{'system':<22}{'docs/s':>9}{'tokens/s':>10}{'speed-up':>10}{'peak RSS MB':>13}" \
                 f"{'F1 vs fp32':>12}{'F1 vs gold':>12}"
        print(header + "\n" + "-" * len(header))
        for r in results:
            speed = r["documents"] / r["seconds"]
            print(f"{r['system']:<22}{speed:>9.1f}{r['tokens'] / r['seconds']:>10.0f}{speed / pipeline_speed:>9.2f}x"
                  f"{r['peak_rss_mb']:>13.0f}{f1(reference, r['spans']):>12.4f}{f1(gold, r['spans']):>12.4f}")
        stream = []
        if not args.no_stream:
            stream = [child(args, "--_stream", str(n), "--stream-backend", args.stream_backend) for n in args.stream]
            print(f"\npredict_stream, backend {args.stream_backend}:\n{'documents':>10}{'seconds':>10}{'peak RSS MB':>13}")
            for s in stream:
                print(f"{s['n']:>10}{s['seconds']:>10.1f}{s['peak_rss_mb']:>13.0f}")
            print(f"peak RSS ratio {stream[1]['n']} / {stream[0]['n']} documents: "
                  f"{stream[1]['peak_rss_mb'] / stream[0]['peak_rss_mb']:.3f}")
        if args.output:
            args.output.write_text(json.dumps({"size": args.size, "results": [
                {k: v for k, v in r.items() if k != "spans"} for r in results], "stream": stream}, indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
