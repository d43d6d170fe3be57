"""A live Label Studio project: pull annotations, push pre-annotations, pick the next tasks.

The connection comes from ``LABEL_STUDIO_URL`` and ``LABEL_STUDIO_API_KEY`` (or explicit
arguments). The key is never printed, logged or written anywhere: errors name the URL
and the project, not the key.
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..io import atomic_write_text
from .label_config import LabelConfig

logger = logging.getLogger("conflict_ie")


class LabelStudioError(RuntimeError):
    """The server could not be reached, refused the key, or has no such project."""


@dataclass(frozen=True)
class Connection:
    url: str
    api_key: str

    def __repr__(self) -> str:  # never show the key
        return f"Connection(url={self.url!r}, api_key=***)"

    @classmethod
    def from_env(cls, url: str | None = None, api_key: str | None = None) -> "Connection":
        url = url or os.environ.get("LABEL_STUDIO_URL")
        api_key = api_key or os.environ.get("LABEL_STUDIO_API_KEY")
        if not url:
            raise LabelStudioError("no Label Studio URL: set LABEL_STUDIO_URL or pass --url")
        if not api_key:
            raise LabelStudioError("no Label Studio API key: set LABEL_STUDIO_API_KEY")
        return cls(url.rstrip("/"), api_key)


def connect(connection: Connection):
    """An SDK client, checked against the server (reachable, key accepted)."""
    from label_studio_sdk import LabelStudio

    client = LabelStudio(base_url=connection.url, api_key=connection.api_key, timeout=60)
    try:
        client.projects.list(page_size=1)
    except Exception as err:  # the SDK raises httpx errors or ApiError
        raise LabelStudioError(_describe(err, connection.url)) from None
    return client


def _describe(err: Exception, url: str, project: int | None = None) -> str:
    status = getattr(err, "status_code", None)
    if status in (401, 403):
        return f"Label Studio at {url} refused the API key (HTTP {status}); check LABEL_STUDIO_API_KEY"
    if status == 404 and project is not None:
        return f"Label Studio at {url} has no project {project} (HTTP 404)"
    if status is not None:
        return f"Label Studio at {url} answered HTTP {status}"
    return f"cannot reach Label Studio at {url}: {type(err).__name__}"


def _project(client, connection: Connection, project: int):
    try:
        return client.projects.get(id=project)
    except Exception as err:
        raise LabelStudioError(_describe(err, connection.url, project)) from None


def pull(connection: Connection, project: int, output: str | Path) -> int:
    """Download the project's annotated tasks as a full JSON export; returns the task count."""
    client = connect(connection)
    _project(client, connection, project)
    try:
        raw = b"".join(client.projects.exports.download_sync(id=project, export_type="JSON",
                                                             download_all_tasks=False))
    except Exception as err:
        raise LabelStudioError(_describe(err, connection.url, project)) from None
    tasks = json.loads(raw.decode("utf-8"))
    atomic_write_text(output, json.dumps(tasks, ensure_ascii=False, indent=2) + "\n")
    logger.info("pulled %d annotated tasks of project %d into %s", len(tasks), project, output)
    return len(tasks)


def iter_tasks(client, project: int, only_unlabeled: bool = False) -> Iterator[dict]:
    for task in client.tasks.list(project=project, fields="all", page_size=100):
        data = task.model_dump() if hasattr(task, "model_dump") else dict(task)
        if only_unlabeled and (data.get("total_annotations") or data.get("is_labeled")):
            continue
        yield data


def prediction_result(entities, config: LabelConfig) -> list[dict]:
    """Entities -> Label Studio ``result`` items, each with its own score."""
    return [{
        "from_name": config.from_name, "to_name": config.to_name, "type": "labels", "score": e.score,
        "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]},
    } for e in entities]


def model_version(model_dir: str | Path) -> str:
    """The model dir's name and the hash of its weights: a new training gives a new version."""
    import hashlib

    path = Path(model_dir)
    weights = path / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:10] if weights.is_file() else "unknown"
    return f"{path.name}-{digest}"


def push(connection: Connection, project: int, extractor, version: str, only_unlabeled: bool = False,
         batch_size: int = 32, config: LabelConfig | None = None) -> tuple[int, int]:
    """Send one prediction per task for ``version``; tasks that already have it are skipped.

    Returns (predictions created, tasks skipped).
    """
    client = connect(connection)
    _project(client, connection, project)
    config = config or LabelConfig()
    created = skipped = 0
    batch: list[dict] = []

    def flush() -> None:
        nonlocal created
        predictions = extractor.predict([t["data"][config.text_key] for t in batch], batch_size=batch_size)
        for task, entities in zip(batch, predictions):
            score = sum(e.score for e in entities) / len(entities) if entities else 1.0
            client.predictions.create(task=task["id"], result=prediction_result(entities, config), score=score,
                                      model_version=version)
            created += 1
        batch.clear()

    for task in iter_tasks(client, project, only_unlabeled):
        if any(p.get("model_version") == version for p in task.get("predictions") or []):
            skipped += 1
            continue
        if not isinstance(task.get("data", {}).get(config.text_key), str):
            raise LabelStudioError(f"task {task['id']} has no text under data key '{config.text_key}'")
        batch.append(task)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    logger.info("project %d: %d predictions created for model version %s, %d tasks already had one",
                project, created, version, skipped)
    return created, skipped


def sequence_confidence(tagged) -> float:
    """Mean log-probability of the decoded tag of each word (MNLP, Shen et al. 2018).

    Lower is less certain. Normalising by length keeps long texts from looking uncertain
    only because they are long, which a plain sequence probability would do.
    """
    scores = [s for s, start in zip(tagged.scores, tagged.tokens.word_starts) if start]
    if not scores:
        return 0.0
    return sum(math.log(max(s, 1e-12)) for s in scores) / len(scores)


def select(connection: Connection, project: int, extractor, k: int, batch_size: int = 32,
           config: LabelConfig | None = None) -> list[tuple[int, float]]:
    """The ``k`` unlabeled tasks the model is least sure about: (task id, confidence), least sure first."""
    client = connect(connection)
    _project(client, connection, project)
    config = config or LabelConfig()
    tasks = list(iter_tasks(client, project, only_unlabeled=True))
    ranked: list[tuple[int, float]] = []
    for first in range(0, len(tasks), batch_size):
        chunk = tasks[first:first + batch_size]
        tagged = extractor.tag([t["data"][config.text_key] for t in chunk], batch_size=batch_size)
        ranked += [(t["id"], sequence_confidence(tg)) for t, tg in zip(chunk, tagged)]
    ranked.sort(key=lambda item: item[1])
    return ranked[:k]

