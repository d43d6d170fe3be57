"""Inline markup -> character offsets, for writing annotated text by hand.

Annotators of the bundled corpus write ``[[ACTOR|Boko Haram]] a attaqué [[LOCATION|Diffa]]``
and this module computes the offsets, so no offset is ever typed or counted by hand.

A source file holds documents, each introduced by a header line::

    ### sahel-001 | conflict=sahel | genre=wire
    Text of the document, on one or more lines...

``<nbsp>`` and ``<nnbsp>`` stand for U+00A0 and U+202F where an editor would hide them.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import AnnotationError
from .schema import LABELS, Document, Span

_MARK = re.compile(r"\[\[([A-Z]+)\|(.*?)\]\]", re.S)
_HEADER = re.compile(r"^###\s+(\S+)\s*((?:\|\s*[\w-]+\s*=\s*[^|]*)*)$")
_ESCAPES = {"<nbsp>": "\u00a0", "<nnbsp>": "\u202f"}


def _unescape(text: str) -> str:
    for code, char in _ESCAPES.items():
        text = text.replace(code, char)
    return text


def parse_marked_text(marked: str, doc_id: str = "?", labels=LABELS) -> tuple[str, list[Span]]:
    """Plain text and spans from ``marked``; raises AnnotationError on a malformed mark."""
    marked = _unescape(marked)
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for match in _MARK.finditer(marked):
        before = marked[pos:match.start()]
        if "[[" in before or "]]" in before:
            raise AnnotationError(f"unbalanced '[[' or ']]' near {before[-40:]!r}", task_id=doc_id)
        out.append(before)
        length += len(before)
        label, inner = match.group(1), match.group(2)
        if label not in labels:
            raise AnnotationError(f"unknown label {label!r} in {match.group(0)!r}; allowed: {', '.join(labels)}",
                                  task_id=doc_id)
        if "[[" in inner or "|" in inner:
            raise AnnotationError(f"nested or malformed mark {match.group(0)!r}", task_id=doc_id)
        spans.append(Span(length, length + len(inner), label, inner))
        out.append(inner)
        length += len(inner)
        pos = match.end()
    rest = marked[pos:]
    if "[[" in rest or "]]" in rest:
        raise AnnotationError(f"unbalanced '[[' or ']]' near {rest[:40]!r}", task_id=doc_id)
    out.append(rest)
    return "".join(out), spans


def read_marked_file(path: str | Path) -> list[Document]:
    """All documents of a markup source file, with their header fields in ``meta``."""
    path = Path(path)
    docs: list[Document] = []
    header: tuple[str, dict, int] | None = None
    body: list[str] = []

    def flush() -> None:
        if header is None:
            if "".join(body).strip():
                raise AnnotationError(f"{path}: text before the first '### id' header")
            return
        doc_id, meta, line_no = header
        marked = "\n".join(body).strip()
        if not marked:
            raise AnnotationError(f"{path}:{line_no}: document has no text", task_id=doc_id)
        try:
            text, spans = parse_marked_text(marked, doc_id)
        except AnnotationError as err:
            raise AnnotationError(f"{path}:{line_no}: {err}") from None
        docs.append(Document(doc_id, text, tuple(sorted(spans)), {**meta, "source": path.name}))

    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("###"):
            flush()
            match = _HEADER.match(line.strip())
            if not match:
                raise AnnotationError(f"{path}:{line_no}: bad header {line!r}; expected '### id | key=value | ...'")
            meta = {}
            for field in filter(None, (f.strip() for f in match.group(2).split("|"))):
                key, value = field.split("=", 1)
                meta[key.strip()] = value.strip()
            header, body = (match.group(1), meta, line_no), []
        else:
            body.append(line)
    flush()
    return docs
