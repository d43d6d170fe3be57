"""The one matching key used for aliases and place names."""

from __future__ import annotations

import re
import unicodedata


def match_key(text: str) -> str:
    """Case-, accent-, hyphen- and apostrophe-insensitive form: ``État-Islamique`` -> ``etat islamique``."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[-‐‑–—'’`´ʼ.\u00a0\u202f]", " ", text)
    return " ".join(text.split())
