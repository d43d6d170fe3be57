"""From spans to facts: COUNT values, canonical actors, resolved places."""

from __future__ import annotations

import dataclasses
import logging
from typing import Sequence

from ..schema import Entity
from .actors import ActorTable, actor_table
from .counts import Count, counted_noun, parse_count
from .numbers import parse_number
from .places import Gazetteer, Place, gazetteer

__all__ = ["ActorTable", "Count", "Gazetteer", "Place", "enrich", "parse_count", "parse_number"]

logger = logging.getLogger("conflict_ie")
_unreadable_logged: set[str] = set()


def enrich(entities: Sequence[Entity], text: str, actors: ActorTable | None = None,
           places: Gazetteer | None = None) -> list[Entity]:
    """Entities of ``text`` with ``count``, ``canonical`` and ``place`` filled where they can be."""
    result = []
    for entity in entities:
        if entity.label == "COUNT":
            try:
                count = parse_count(entity.text)
            except ValueError as err:
                if entity.text not in _unreadable_logged:
                    _unreadable_logged.add(entity.text)
                    logger.info("COUNT kept without a value: %s", err)
            else:
                entity = dataclasses.replace(entity, count=dataclasses.replace(
                    count, unit=counted_noun(text, entity.end)))
        elif entity.label == "ACTOR":
            table = actors or actor_table()
            entity = dataclasses.replace(entity, canonical=table.canonical(entity.text) or entity.text)
        elif entity.label == "LOCATION":
            entity = dataclasses.replace(entity, place=(places or gazetteer()).resolve(entity.text))
        result.append(entity)
    return result
