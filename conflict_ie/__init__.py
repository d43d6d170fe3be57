"""conflict-ie: ACTOR, WEAPON, LOCATION and COUNT entities from French conflict news.

>>> import conflict_ie
>>> model = conflict_ie.load("models/offline")                  # doctest: +SKIP
>>> model.predict("Daech a frappé Raqqa avec trois drones.")    # doctest: +SKIP
"""

from __future__ import annotations

import logging

from .errors import AnnotationError, ConfigError
from .inference import ConflictExtractor, load, predict
from .labelstudio.export import ExportReport, load_annotations, read_export
from .labelstudio.label_config import LabelConfig
from .normalize import Count, Place, parse_count
from .schema import LABELS, Document, Entity, Span

__version__ = "0.1.0"

__all__ = [
    "AnnotationError", "ConfigError", "ConflictExtractor", "Count", "Document", "Entity", "ExportReport", "LABELS",
    "LabelConfig", "Place", "Span", "load", "load_annotations", "parse_count", "predict", "read_export",
    "__version__",
]

logging.getLogger("conflict_ie").addHandler(logging.NullHandler())
