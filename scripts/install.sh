#!/usr/bin/env bash
# Install conflict-ie and its dependencies on a fresh machine, CPU torch first
# (a plain `torch` requirement would pull gigabytes of CUDA packages).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet "torch==2.13.0"
python3 -m pip install --quiet -e ".[dev,vectors,augment]"
