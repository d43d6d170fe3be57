"""Check Label Studio exports against the annotation spec and print label statistics per split.

    python scripts/check_data.py data/corpus/*.json
"""

import sys

from conflict_ie.cli import main

if __name__ == "__main__":
    sys.exit(main(["data", "check", *sys.argv[1:]]))
