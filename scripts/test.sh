#!/usr/bin/env bash
# The test command: install, check the bundled corpus against the spec, run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
conflict-ie data check data/corpus/train.json data/corpus/dev.json data/corpus/test.json --show-conflicts 0
python3 -m pytest -q "$@"
