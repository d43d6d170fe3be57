"""From spans to facts: numbers now; counts, canonical actors and places build on it."""

from .numbers import parse_number

__all__ = ["parse_number"]
