"""The Label Studio labeling config: which labels exist and which data key holds the text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..schema import LABELS

_COLOURS = {"ACTOR": "#e6194b", "WEAPON": "#f58231", "LOCATION": "#3cb44b", "COUNT": "#4363d8"}


@dataclass(frozen=True)
class LabelConfig:
    """What the export reader needs from a labeling config."""

    labels: tuple[str, ...] = LABELS
    from_name: str = "label"
    to_name: str = "text"
    text_key: str = "text"

    @classmethod
    def from_xml(cls, xml: str | Path) -> "LabelConfig":
        """Parse a config given as XML text or as a path to an XML file."""
        text = Path(xml).read_text(encoding="utf-8") if _looks_like_path(xml) else str(xml)
        try:
            root = ET.fromstring(text)
        except ET.ParseError as err:
            raise ValueError(f"labeling config is not valid XML: {err}") from None
        labels_tag = root.find(".//Labels")
        text_tag = root.find(".//Text")
        if labels_tag is None or text_tag is None:
            raise ValueError("labeling config needs a <Labels> and a <Text> tag (see data/label_config.xml)")
        labels = tuple(label.get("value") for label in labels_tag.iter("Label"))
        if not labels or any(not label for label in labels):
            raise ValueError("labeling config: every <Label> needs a value=\"...\"")
        value = text_tag.get("value", "$text")
        return cls(labels=labels, from_name=labels_tag.get("name", "label"),
                   to_name=labels_tag.get("toName", text_tag.get("name", "text")),
                   text_key=value.lstrip("$"))

    def to_xml(self) -> str:
        """The config as Label Studio expects it (what `conflict-ie labelstudio config` prints)."""
        lines = ["<View>", f'  <Labels name="{self.from_name}" toName="{self.to_name}">']
        for label in self.labels:
            colour = _COLOURS.get(label, "#911eb4")
            lines.append(f'    <Label value="{label}" background="{colour}"/>')
        lines += ["  </Labels>", f'  <Text name="{self.to_name}" value="${self.text_key}"/>', "</View>"]
        return "\n".join(lines) + "\n"


def _looks_like_path(xml: str | Path) -> bool:
    return isinstance(xml, Path) or not str(xml).lstrip().startswith("<")
