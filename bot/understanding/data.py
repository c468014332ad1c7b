"""Loading intents/: the concept lexicon and example phrasings, validated on the way in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..language import SUPPORTED


class ContentError(ValueError):
    """A content file is malformed; the message names the file."""


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str                      # area, aspect, safety, meta, language
    intent: str | None = None      # for safety concepts: the intent they trigger
    forms: tuple[str, ...] = ()    # language-neutral forms (kanji, romaji, acronyms)


@dataclass
class LanguageData:
    language: str
    concepts: dict[str, list[str]] = field(default_factory=dict)
    intents: dict[str, list[str]] = field(default_factory=dict)
    out_of_scope: list[str] = field(default_factory=list)
    negations: list[str] = field(default_factory=list)        # cancel an abuse form right after them
    negations_after: list[str] = field(default_factory=list)  # cancel an abuse form right before them


@dataclass
class IntentData:
    concepts: dict[str, Concept]
    languages: dict[str, LanguageData]
    safety_rules: dict[str, list[frozenset[str]]] = field(default_factory=dict)

    def all_negations(self) -> list[str]:
        return sorted({n for data in self.languages.values() for n in data.negations})

    def all_negations_after(self) -> list[str]:
        return sorted({n for data in self.languages.values() for n in data.negations_after})

    def all_forms(self) -> dict[str, set[str]]:
        """Every surface form (as written) -> the concept ids it stands for."""
        forms: dict[str, set[str]] = {}
        for concept in self.concepts.values():
            for form in concept.forms:
                forms.setdefault(str(form), set()).add(concept.id)
        for data in self.languages.values():
            for cid, items in data.concepts.items():
                for form in items or ():
                    forms.setdefault(str(form), set()).add(cid)
        return forms


def _read_yaml(path: Path) -> dict:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: {exc}") from exc
    if not isinstance(loaded, dict):
        raise ContentError(f"{path}: expected a mapping at the top level")
    return loaded


def load_concepts(path: Path) -> dict[str, Concept]:
    raw = _read_yaml(path)
    concepts = {}
    for cid, spec in raw.items():
        if not isinstance(spec, dict) or "kind" not in spec:
            raise ContentError(f"{path}: concept {cid!r} needs a mapping with `kind`")
        forms = tuple(str(f) for f in spec.get("forms") or ())
        concepts[cid] = Concept(cid, spec["kind"], spec.get("intent"), forms)
    return concepts


def load_safety_rules(path: Path, concepts: dict[str, Concept]) -> dict[str, list[frozenset[str]]]:
    if not path.exists():
        return {}
    rules: dict[str, list[frozenset[str]]] = {}
    for intent, combos in _read_yaml(path).items():
        for combo in combos or ():
            unknown = [c for c in combo if c not in concepts]
            if unknown or len(combo) < 2:
                raise ContentError(f"{path}: {intent}: a rule needs two or more known concepts, got {combo}")
            rules.setdefault(str(intent), []).append(frozenset(combo))
    return rules


def language_file(intents_dir: Path, lang: str) -> Path:
    return intents_dir / f"{lang}.yaml"


def load_intent_data(intents_dir: Path) -> IntentData:
    concepts = load_concepts(intents_dir / "concepts.yaml")
    languages: dict[str, LanguageData] = {}
    for lang in SUPPORTED:
        path = language_file(intents_dir, lang)
        if not path.exists():
            continue
        raw = _read_yaml(path)
        data = LanguageData(language=lang)
        for cid, forms in (raw.get("concepts") or {}).items():
            if cid not in concepts:
                raise ContentError(f"{path}: unknown concept {cid!r}")
            data.concepts[cid] = [str(f) for f in forms or ()]
        for intent, examples in (raw.get("intents") or {}).items():
            data.intents[intent] = [str(e) for e in examples or () if str(e).strip()]
        data.out_of_scope = [str(e) for e in raw.get("out_of_scope") or () if str(e).strip()]
        for key in ("negations", "negations_after"):
            words = raw.get(key) or []
            if not isinstance(words, list):
                raise ContentError(f"{path}: {key} must be a list of words")
            setattr(data, key, [str(n) for n in words if str(n).strip()])
        languages[lang] = data
    rules = load_safety_rules(intents_dir / "safety_rules.yaml", concepts)
    return IntentData(concepts, languages, rules)
