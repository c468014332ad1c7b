"""Builds the parts of the core from content folders, once, and hands them out together.

The parts are loaded eagerly at start so that a content error stops the process with a clear
message instead of failing the first user.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass

from .config import Settings
from .hours import AdvisorHours
from .i18n import Catalogs
from .knowledge import ADVISOR_LABELS, AdvisorLabels, Fact, load_advisor_labels, load_catalogue, load_knowledge
from .language.detect import LATIN_LANGS, LanguageDetector
from .language.normalize import Normalizer, fold
from .understanding.data import IntentData, load_intent_data
from .understanding.lexicon import ConceptLexicon
from .understanding.match import Matcher, MatchSettings
from .understanding.model import build_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Core:
    normalizer: Normalizer
    detector: LanguageDetector
    matcher: Matcher
    facts: dict[str, Fact]
    catalogue: dict[str, str]          # intent id -> kind
    catalogs: Catalogs
    hours: AdvisorHours                # when advisors work: the handoff replies say so
    labels: AdvisorLabels              # topic names in Japanese and English for the advisor console


def _detector(data: IntentData, normalizer: Normalizer) -> LanguageDetector:
    training: dict[str, list[str]] = {}
    for lang in LATIN_LANGS:
        lang_data = data.languages.get(lang)
        if lang_data is None:
            continue
        texts = [e for examples in lang_data.intents.values() for e in examples]
        texts += lang_data.out_of_scope
        texts += [f for forms in lang_data.concepts.values() for f in forms]
        training[lang] = texts
    # Japanese terms and acronyms say nothing about the language; the detector sees text with its
    # accents, so each form is listed both folded and merely case-folded
    neutral: dict[str, set[str]] = {}
    for concept in data.concepts.values():
        if concept.kind != "language":
            for form in concept.forms:
                for variant in (fold(form), form.casefold()):
                    neutral.setdefault(variant, set()).add(concept.id)
    return LanguageDetector(normalizer, training, ConceptLexicon(neutral))


def load_core(settings: Settings, match_settings: MatchSettings | None = None) -> Core:
    started = time.perf_counter()
    normalizer = Normalizer()
    data = load_intent_data(settings.intents_dir)
    model = build_model(data, normalizer, settings.cache_dir)
    core = Core(
        normalizer=normalizer,
        detector=_detector(data, normalizer),
        matcher=Matcher(model, match_settings),
        facts=load_knowledge(settings.knowledge_dir),
        catalogue=load_catalogue(settings.knowledge_dir / "catalogue.yaml"),
        catalogs=Catalogs(settings.locales_dir, normalizer.to_simplified),
        hours=settings.advisor_hours,
        labels=load_advisor_labels(settings.knowledge_dir / ADVISOR_LABELS),
    )
    # the core is a large graph that never changes (45,000 objects: lexicon, models, catalogues);
    # each full garbage collection walked it again — 13 ms, a pause every webhook behind it
    # waited for — and takes 0.003 ms once it is frozen out of the collector's sight
    gc.collect()
    gc.freeze()
    log.info("core loaded", extra={"examples": model.examples, "concept_forms": len(model.lexicon),
                                   "facts": len(core.facts), "seconds": round(time.perf_counter() - started, 2)})
    return core
