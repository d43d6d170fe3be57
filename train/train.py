"""Training entry point, for `python train/train.py` and `accelerate launch train/train.py`.

    python train/train.py --config configs/offline.yaml --output models/offline [--set training.epochs=3]
    accelerate launch --num_processes 4 train/train.py --config configs/camembert-base.yaml --output models/base
"""

import sys

from conflict_ie.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
