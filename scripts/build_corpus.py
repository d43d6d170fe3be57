"""Build the bundled corpus (Label Studio JSON exports) from the hand-written markup sources.

    python scripts/build_corpus.py --check data/sources/sahel.txt   # lint one source file
    python scripts/build_corpus.py                                  # rebuild data/corpus/{train,dev,test}.json

The split is by document, deterministic (a hash of the document id) and stratified by
conflict: within each conflict, documents sorted by hash go 70/15/15 to train/dev/test.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conflict_ie.data_check import label_statistics, span_issues  # noqa: E402
from conflict_ie.errors import AnnotationError  # noqa: E402
from conflict_ie.markup import read_marked_file  # noqa: E402

SPLIT_SHARES = (("train", 0.70), ("dev", 0.15), ("test", 0.15))
MIN_WORDS, MAX_WORDS = 60, 250


def split_of(docs):
    """Assign each document to a split, stratified by its ``conflict`` field."""
    by_conflict = defaultdict(list)
    for doc in docs:
        by_conflict[doc.meta.get("conflict", "unknown")].append(doc)
    splits = {name: [] for name, _ in SPLIT_SHARES}
    for conflict in sorted(by_conflict):
        group = sorted(by_conflict[conflict], key=lambda d: hashlib.sha1(d.id.encode()).hexdigest())
        n = len(group)
        shares = dict(SPLIT_SHARES)
        n_dev = max(1, round(n * shares["dev"])) if n >= 3 else 0
        n_test = max(1, round(n * shares["test"])) if n >= 3 else 0
        splits["test"] += group[:n_test]
        splits["dev"] += group[n_test:n_test + n_dev]
        splits["train"] += group[n_test + n_dev:]
    return splits


def check(paths) -> int:
    docs, problems = [], 0
    for path in paths:
        try:
            file_docs = read_marked_file(path)
        except AnnotationError as err:
            print(f"ERROR {err}")
            problems += 1
            continue
        for doc in file_docs:
            words = len(doc.text.split())
            if not MIN_WORDS <= words <= MAX_WORDS:
                print(f"LENGTH {doc.id}: {words} words (want {MIN_WORDS}-{MAX_WORDS})")
                problems += 1
            for issue in span_issues(doc):
                print(f"SPAN {issue}")
                problems += 1
        docs += file_docs
    ids = Counter(doc.id for doc in docs)
    for doc_id, n in ids.items():
        if n > 1:
            print(f"DUPLICATE id {doc_id} ({n} times)")
            problems += 1
    print(label_statistics({"sources": docs}))
    print(f"{problems} problem(s)")
    return problems


def build(source_dir: Path, out_dir: Path) -> None:
    from conflict_ie.labelstudio.export import write_export

    docs = [doc for path in sorted(source_dir.glob("*.txt")) for doc in read_marked_file(path)]
    splits = split_of(docs)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, split_docs in splits.items():
        write_export(split_docs, out_dir / f"{name}.json")
    print(label_statistics(splits))
    conflicts = sorted({d.meta.get("conflict") for d in docs})
    print(f"{len(conflicts)} conflicts: {', '.join(map(str, conflicts))}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", nargs="+", metavar="SOURCE", help="lint markup source files and exit")
    parser.add_argument("--sources", type=Path, default=ROOT / "data" / "sources")
    parser.add_argument("--output", type=Path, default=ROOT / "data" / "corpus")
    args = parser.parse_args(argv)
    if args.check:
        return 1 if check(args.check) else 0
    if check(sorted(args.sources.glob("*.txt"))):
        print("fix the problems above before building", file=sys.stderr)
        return 1
    build(args.sources, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
