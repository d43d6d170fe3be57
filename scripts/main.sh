#!/usr/bin/env bash
# The main job: install, train the offline default on the bundled corpus, evaluate it on
# the test split, and tag a sample text. No network needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
conflict-ie train --config configs/offline.yaml --output models/offline
conflict-ie evaluate --model models/offline --data data/corpus/test.json --output models/offline/test_report.json --plot
conflict-ie predict --model models/offline --text "L'armée malienne affirme avoir tué au moins 14 combattants du JNIM près de Tombouctou, où des drones turcs Bayraktar TB2 ont frappé une trentaine de motos."
