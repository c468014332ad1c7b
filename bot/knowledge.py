"""Loads knowledge/ and renders an answer with its hedge and "as of DATE · source" line.

The answer text is data that advisors maintain; the hedge sentence and the source line come from
locales/ so that every answer carries them in the user's language, with the date formatted for
that locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from .language import SUPPORTED
from .understanding.data import ContentError

MASTER_LANG = "ja"
ANSWER_LANGS = (MASTER_LANG,) + SUPPORTED
MAX_ANSWER_CHARS = 600
ADVISOR_LABELS = "advisor_labels.yaml"


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Fact:
    id: str
    answers: dict[str, str]
    source: Source
    as_of: dt.date
    hedge: bool
    related: tuple[str, ...]
    file: str
    line: int


class _LineLoader(yaml.SafeLoader):
    """Records the line of each mapping so that errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_raw(path: Path) -> dict:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: {exc}") from exc


def _as_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(f"{where}: as_of must be a date (YYYY-MM-DD), got {value!r}") from exc


def parse_fact(item: dict, path: Path) -> Fact:
    line = item.get("__line__", 0)
    where = f"{path}:{line}"
    if "id" not in item:
        raise ContentError(f"{where}: a fact needs an id")
    source = item.get("source") or {}
    answers = {k: str(v).strip() for k, v in (item.get("answer") or {}).items() if k != "__line__" and v}
    return Fact(
        id=str(item["id"]),
        answers=answers,
        source=Source(str(source.get("title", "")).strip(), str(source.get("url", "")).strip()),
        as_of=_as_date(item.get("as_of"), where),
        hedge=bool(item.get("hedge", False)),
        related=tuple(str(r) for r in item.get("related") or ()),
        file=str(path),
        line=line,
    )


def load_knowledge(directory: Path) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in ("catalogue.yaml", ADVISOR_LABELS):
            continue
        raw = load_raw(path)
        for item in raw.get("facts") or ():
            fact = parse_fact(item, path)
            if fact.id in facts:
                raise ContentError(f"{path}:{fact.line}: {fact.id} is defined twice (also {facts[fact.id].file})")
            facts[fact.id] = fact
    return facts


def load_catalogue(path: Path) -> dict[str, str]:
    """Catalogue id -> kind (meta, fact, safety)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {entry["id"]: kind for kind in ("meta", "fact", "safety") for entry in raw.get(kind) or ()}


@dataclass(frozen=True)
class Label:
    ja: str
    en: str


@dataclass(frozen=True)
class AdvisorLabels:
    """Japanese and English names of topics and reply templates, for the advisor console."""

    topics: dict[str, Label]
    templates: dict[str, Label]

    def topic(self, intent: str | None) -> Label:
        return self.topics.get(intent or "", Label(intent or "", intent or ""))


def load_advisor_labels(path: Path) -> AdvisorLabels:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sections: dict[str, dict[str, Label]] = {}
    for section in ("topics", "templates"):
        items = raw.get(section)
        if not isinstance(items, dict):
            raise ContentError(f"{path}: expected a '{section}:' mapping")
        labels = {}
        for key, value in items.items():
            if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value[k] for k in ("ja", "en")):
                raise ContentError(f"{path}: {section}.{key} needs non-empty ja and en")
            labels[key] = Label(value["ja"], value["en"])
        sections[section] = labels
    return AdvisorLabels(sections["topics"], sections["templates"])
