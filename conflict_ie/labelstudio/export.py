"""Label Studio export (full JSON or JSON_MIN) -> validated documents with spans, and back.

Which annotation of a task is used (the documented rule):
  1. annotations marked ``was_cancelled`` are never used;
  2. among the rest, a ``ground_truth`` annotation wins over the others;
  3. ties are broken by the most recent ``updated_at`` (then ``created_at``, then id).
A task with no usable annotation is skipped and reported, never silently dropped.

Results whose ``type`` is not ``labels`` (relations, choices, text areas) or that belong
to another control than the labeling config's <Labels> carry no span: they are counted
in the report and otherwise ignored. Every span is validated; a bad one raises
:class:`~conflict_ie.AnnotationError` naming the task, the span and the reason, unless
``skip_invalid=True``, in which case the whole task is skipped and reported.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import AnnotationError
from ..io import atomic_write_json
from ..schema import Document, Span
from .label_config import LabelConfig

logger = logging.getLogger("conflict_ie")


@dataclass(frozen=True)
class SkippedTask:
    task_id: object
    reason: str


@dataclass
class ExportReport:
    """What reading an export produced: the documents and everything left out, with why."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedTask] = field(default_factory=list)
    ignored_results: int = 0

    def summary(self) -> str:
        spans = sum(len(d.spans) for d in self.documents)
        text = f"{len(self.documents)} documents, {spans} spans"
        if self.skipped:
            text += f"; {len(self.skipped)} tasks skipped"
        if self.ignored_results:
            text += f"; {self.ignored_results} non-span results ignored"
        return text


def read_export(source: str | Path | Sequence[dict], label_config: LabelConfig | str | Path | None = None,
                skip_invalid: bool = False) -> ExportReport:
    """Read a Label Studio export given as a path or as already-loaded tasks."""
    config = _as_config(label_config)
    tasks = _load_tasks(source)
    report = ExportReport()
    seen_ids: dict[str, int] = {}
    for index, task in enumerate(tasks):
        if not isinstance(task, dict):
            raise AnnotationError(f"task #{index} is a {type(task).__name__}, expected an object")
        task_id = task.get("id", f"#{index}")
        try:
            doc = _read_task(task, task_id, config, report)
        except AnnotationError as err:
            if not skip_invalid:
                raise
            report.skipped.append(SkippedTask(task_id, err.reason))
            continue
        if doc is None:
            continue
        if doc.id in seen_ids:
            raise AnnotationError(f"duplicated task id (also task #{seen_ids[doc.id]} of the export)", task_id=task_id)
        seen_ids[doc.id] = index
        report.documents.append(doc)
    if report.skipped:
        reasons = "; ".join(f"task {s.task_id}: {s.reason}" for s in report.skipped[:5])
        more = f" (and {len(report.skipped) - 5} more)" if len(report.skipped) > 5 else ""
        logger.warning("skipped %d of %d tasks: %s%s", len(report.skipped), len(tasks), reasons, more)
    return report


def load_annotations(source: str | Path | Sequence[dict], label_config: LabelConfig | str | Path | None = None,
                     skip_invalid: bool = False) -> list[Document]:
    """Label Studio export -> documents with validated spans (skipped tasks are logged)."""
    return read_export(source, label_config, skip_invalid).documents


def _as_config(label_config) -> LabelConfig:
    if label_config is None:
        return LabelConfig()
    if isinstance(label_config, LabelConfig):
        return label_config
    return LabelConfig.from_xml(label_config)


def _load_tasks(source) -> list:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no Label Studio export at {path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise AnnotationError(f"{path} is not valid JSON: {err}") from None
    else:
        data = source
    if isinstance(data, dict):
        raise AnnotationError("an export is a JSON list of tasks, got one object; "
                              "wrap a single task in [...] or export the project as JSON")
    if not isinstance(data, list):
        raise AnnotationError(f"an export is a JSON list of tasks, got {type(data).__name__}")
    return data


def _read_task(task: dict, task_id, config: LabelConfig, report: ExportReport) -> Document | None:
    if "annotations" in task or "data" in task:  # full JSON export
        data = task.get("data")
        if not isinstance(data, dict):
            raise AnnotationError("task has no 'data' object", task_id=task_id)
        text = data.get(config.text_key)
        annotation = _choose_annotation(task.get("annotations") or [], task_id)
        if annotation is None:
            report.skipped.append(SkippedTask(task_id, "no annotation that is not cancelled"))
            return None
        results = annotation.get("result") or []
        values = []
        for result in results:
            if not isinstance(result, dict):
                raise AnnotationError(f"result {result!r} is not an object", task_id=task_id)
            if result.get("type", "labels") != "labels" or result.get("from_name", config.from_name) != config.from_name:
                report.ignored_results += 1
                continue
            values.append(result.get("value"))
        meta = {k: v for k, v in data.items() if k != config.text_key}
    else:  # JSON_MIN: the data fields and the spans side by side
        text = task.get(config.text_key)
        values = task.get(config.from_name, [])
        if not isinstance(values, list):
            raise AnnotationError(f"'{config.from_name}' must be a list of spans", task_id=task_id)
        meta = {k: v for k, v in task.items() if k not in (config.text_key, config.from_name, "id")}
    if not isinstance(text, str):
        raise AnnotationError(f"task has no text under data key '{config.text_key}'", task_id=task_id)
    spans = sorted(_read_span(value, text, task_id, config) for value in values)
    for left, right in zip(spans, spans[1:]):
        if left.overlaps(right):
            raise AnnotationError(f"spans overlap: {_describe(left)} and {_describe(right)}", task_id=task_id,
                                  span=right)
    return Document(str(task_id), text, tuple(spans), meta)


def _choose_annotation(annotations: list, task_id) -> dict | None:
    if not isinstance(annotations, list):
        raise AnnotationError("'annotations' must be a list", task_id=task_id)
    usable = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if not usable:
        return None

    def rank(annotation: dict):
        return (bool(annotation.get("ground_truth")), str(annotation.get("updated_at") or ""),
                str(annotation.get("created_at") or ""), annotation.get("id") or 0)

    return max(usable, key=rank)


def _read_span(value, text: str, task_id, config: LabelConfig) -> Span:
    if not isinstance(value, dict):
        raise AnnotationError(f"span value {value!r} is not an object", task_id=task_id)
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    where = f"span {start}-{end} {value.get('text')!r}"
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise AnnotationError(f"{where}: start and end must be integers", task_id=task_id, span=value)
    if not 0 <= start < end <= len(text):
        raise AnnotationError(f"{where}: offsets outside the text (length {len(text)}) or empty",
                              task_id=task_id, span=value)
    if not isinstance(labels, list) or len(labels) != 1:
        raise AnnotationError(f"{where}: needs exactly one label, got {labels!r}", task_id=task_id, span=value)
    label = labels[0]
    if label not in config.labels:
        raise AnnotationError(f"{where}: unknown label {label!r}; allowed: {', '.join(config.labels)}",
                              task_id=task_id, span=value)
    if "text" in value and value["text"] != text[start:end]:
        raise AnnotationError(f"{where}: text disagrees with the offsets, which give {text[start:end]!r}",
                              task_id=task_id, span=value)
    return Span(start, end, label, text[start:end])


def _describe(span: Span) -> str:
    return f"{span.label} {span.start}-{span.end} {span.text!r}"


def documents_to_tasks(docs: Iterable[Document], config: LabelConfig | None = None) -> list[dict]:
    """Documents -> a Label Studio full JSON export (what a project export looks like)."""
    config = config or LabelConfig()
    tasks = []
    for number, doc in enumerate(docs, 1):
        result = [{
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"{doc.id}/{s.start}/{s.end}/{s.label}").hex[:10],
            "from_name": config.from_name, "to_name": config.to_name, "type": "labels", "origin": "manual",
            "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]},
        } for s in doc.spans]
        task_id = int(doc.id) if doc.id.isdigit() else number
        tasks.append({
            "id": task_id,
            "data": {config.text_key: doc.text, "doc_id": doc.id, **doc.meta},
            "annotations": [{"id": task_id, "completed_by": 1, "result": result, "was_cancelled": False,
                             "ground_truth": False}],
            "predictions": [],
        })
    return tasks


def write_export(docs: Iterable[Document], path: str | Path, config: LabelConfig | None = None) -> None:
    """Write documents as a Label Studio full JSON export, atomically."""
    atomic_write_json(path, documents_to_tasks(docs, config))
