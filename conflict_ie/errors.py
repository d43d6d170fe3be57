"""Exceptions users catch. Each message names what was wrong and where."""

from __future__ import annotations


class AnnotationError(ValueError):
    """A Label Studio export (or one of its spans) breaks the annotation contract.

    ``task_id`` names the task; ``span`` holds the offending span's offsets and text
    when the problem is one span.
    """

    def __init__(self, message: str, *, task_id: object = None, span: object = None):
        self.task_id = task_id
        self.span = span
        self.reason = message
        where = f"task {task_id}: " if task_id is not None else ""
        super().__init__(where + message)


class ConfigError(ValueError):
    """A training config is invalid; raised before any work starts."""
