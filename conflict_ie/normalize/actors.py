"""ACTOR spans -> one canonical name per party, from an editable alias table (data/actors.yaml)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from .text import match_key

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "resources" / "actors.yaml"


@dataclass(frozen=True)
class Party:
    canonical: str
    kind: str
    aliases: tuple[str, ...]


class ActorTable:
    """Alias -> party lookup; matching ignores case, accents, hyphens and apostrophes."""

    def __init__(self, parties: list[Party]):
        self.parties = parties
        self._by_key: dict[str, Party] = {}
        for party in parties:
            for alias in (party.canonical, *party.aliases):
                key = match_key(alias)
                other = self._by_key.get(key)
                if other is not None and other is not party:
                    raise ValueError(f"alias {alias!r} belongs to both {other.canonical!r} and {party.canonical!r}")
                self._by_key[key] = party

    @classmethod
    def from_yaml(cls, path: str | Path) -> "ActorTable":
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
        parties = []
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not entry.get("canonical"):
                raise ValueError(f"{path}: entry {number} needs a 'canonical' name")
            parties.append(Party(str(entry["canonical"]), str(entry.get("kind", "other")),
                                 tuple(str(a) for a in entry.get("aliases") or ())))
        return cls(parties)

    def canonical(self, surface: str) -> str | None:
        party = self._by_key.get(match_key(surface))
        return party.canonical if party else None

    def __len__(self) -> int:
        return len(self.parties)


@functools.lru_cache(maxsize=4)
def actor_table(path: str | Path = DEFAULT_TABLE) -> ActorTable:
    return ActorTable.from_yaml(path)
