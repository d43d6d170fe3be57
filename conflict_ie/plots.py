"""Pictures for the model card: the learning curve and the label confusion matrix."""

from __future__ import annotations

from pathlib import Path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def learning_curve(history: list[dict], path: str | Path) -> None:
    """Training loss, dev loss and dev strict F1 per epoch, from the Trainer's log history."""
    plt = _pyplot()
    train = [(h["epoch"], h["loss"]) for h in history if "loss" in h and "epoch" in h]
    evals = [h for h in history if "eval_f1" in h]
    fig, left = plt.subplots(figsize=(7, 4))
    if train:
        left.plot(*zip(*train), label="train loss", color="tab:blue", alpha=0.7)
    if evals and all("eval_loss" in h for h in evals):
        left.plot([h["epoch"] for h in evals], [h["eval_loss"] for h in evals], label="dev loss", color="tab:orange")
    left.set_xlabel("epoch")
    left.set_ylabel("loss")
    right = left.twinx()
    if evals:
        right.plot([h["epoch"] for h in evals], [h["eval_f1"] for h in evals], "o-", color="tab:green",
                   label="dev F1 (strict)")
    right.set_ylabel("F1")
    right.set_ylim(0, 1)
    handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="upper center", ncol=3, fontsize="small")
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def confusion_matrix(confusion: dict[str, dict[str, int]], path: str | Path, title: str = "") -> None:
    """Word-level gold label (rows) vs predicted label (columns), counts in the cells."""
    plt = _pyplot()
    labels = sorted(set(confusion) | {p for row in confusion.values() for p in row}, key=lambda x: (x == "O", x))
    matrix = [[confusion.get(g, {}).get(p, 0) for p in labels] for g in labels]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.imshow([[v ** 0.5 for v in row] for row in matrix], cmap="Blues")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                    color="white" if value > max(map(max, matrix)) / 2 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=30)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title or "word-level confusion")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
