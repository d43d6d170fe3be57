"""Score a model on a Label Studio export: seqeval (strict and default), span scores, errors.

    python scripts/evaluate.py --model models/offline --data data/corpus/test.json --output report.json
"""

import sys

from conflict_ie.cli import main

if __name__ == "__main__":
    sys.exit(main(["evaluate", *sys.argv[1:]]))
