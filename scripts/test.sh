#!/usr/bin/env bash
# The test command: install, check the bundled corpus against the spec, run the test suite
# (the Label Studio tests start a real server, installed into its own virtualenv so that
# its pinned dependencies never meet ours).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [ -z "${LABEL_STUDIO_BIN:-}" ]; then
  if [ ! -x .venv-labelstudio/bin/label-studio ]; then
    python3 -m venv .venv-labelstudio
    .venv-labelstudio/bin/pip install --quiet label-studio
  fi
  export LABEL_STUDIO_BIN="$PWD/.venv-labelstudio/bin/label-studio"
fi
export CONFLICT_IE_REQUIRE_LABEL_STUDIO=1
conflict-ie data check data/corpus/train.json data/corpus/dev.json data/corpus/test.json --show-conflicts 0
python3 -m pytest -q "$@"
