"""The searchable form of intents/, built once at start.

Per language: an inverted index from n-gram to examples, and one n-gram centroid per intent.
Across languages: one concept centroid per intent, so that a Burmese message naming 特定技能
and 転職 scores against what every language's examples taught about those concepts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..language.normalize import Normalizer
from .data import IntentData
from .features import Vector, centroid, ngram_counts, weigh
from .lexicon import ConceptLexicon

OUT_OF_SCOPE = "fallback"

# n-grams found in more than this share of a language's examples say little and cost a lot
_COMMON_SHARE = 0.25


@dataclass
class Example:
    intent: str
    lang: str
    ngrams: Vector
    concepts: Vector


@dataclass
class LanguageIndex:
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    concept_postings: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    centroids: dict[str, Vector] = field(default_factory=dict)
    example_ids: list[int] = field(default_factory=list)


@dataclass
class IntentIndex:
    normalizer: Normalizer
    lexicon: ConceptLexicon
    intents: tuple[str, ...]
    examples: list[Example]
    ngram_idf: dict[str, float]
    concept_idf: dict[str, float]
    unknown_idf: float
    languages: dict[str, LanguageIndex]
    concept_centroids: dict[str, Vector]
    safety_triggers: dict[str, str]           # concept id -> intent id

    def concept_vector(self, concepts: Counter[str]) -> Vector:
        return weigh(concepts, self.concept_idf, 0.0)

    def ngram_vector(self, text: str) -> Vector:
        return weigh(ngram_counts(text), self.ngram_idf, self.unknown_idf)


def _idf(docs: list[Counter[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    return {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}


def build_index(data: IntentData, normalizer: Normalizer) -> IntentIndex:
    lexicon = ConceptLexicon(_normalised_forms(data, normalizer))
    raw: list[tuple[str, str, Counter[str], Counter[str]]] = []
    for lang, lang_data in data.languages.items():
        labelled = [(i, e) for i, examples in lang_data.intents.items() for e in examples]
        labelled += [(OUT_OF_SCOPE, e) for e in lang_data.out_of_scope]
        for intent, text in labelled:
            folded = normalizer.for_matching(text)
            concepts = Counter(c for span in lexicon.spans(folded) for c in span.concepts)
            raw.append((intent, lang, ngram_counts(folded), concepts))

    ngram_idf = _idf([r[2] for r in raw])
    concept_idf = _idf([r[3] for r in raw if r[3]])
    unknown_idf = math.log(1 + len(raw)) + 1.0
    examples = [Example(i, l, weigh(g, ngram_idf, unknown_idf), weigh(c, concept_idf, 0.0)) for i, l, g, c in raw]

    languages: dict[str, LanguageIndex] = {}
    by_lang: dict[str, list[int]] = defaultdict(list)
    for idx, ex in enumerate(examples):
        by_lang[ex.lang].append(idx)
    for lang, ids in by_lang.items():
        li = LanguageIndex(example_ids=ids)
        df: Counter[str] = Counter()
        for idx in ids:
            df.update(examples[idx].ngrams.keys())
        limit = max(8, int(len(ids) * _COMMON_SHARE))
        for idx in ids:
            for gram, w in examples[idx].ngrams.items():
                if df[gram] <= limit:
                    li.postings[gram].append((idx, w))
        for idx in ids:
            for concept, w in examples[idx].concepts.items():
                li.concept_postings[concept].append((idx, w))
        per_intent: dict[str, list[Vector]] = defaultdict(list)
        for idx in ids:
            per_intent[examples[idx].intent].append(examples[idx].ngrams)
        li.centroids = {i: centroid(v) for i, v in per_intent.items()}
        li.postings = dict(li.postings)
        li.concept_postings = dict(li.concept_postings)
        languages[lang] = li

    per_intent_c: dict[str, list[Vector]] = defaultdict(list)
    for ex in examples:
        if ex.concepts:
            per_intent_c[ex.intent].append(ex.concepts)
    concept_centroids = {i: centroid(v) for i, v in per_intent_c.items()}
    intents = tuple(sorted({ex.intent for ex in examples}))
    triggers = {c.id: c.intent for c in data.concepts.values() if c.kind == "safety" and c.intent}
    return IntentIndex(normalizer, lexicon, intents, examples, ngram_idf, concept_idf, unknown_idf,
                       languages, concept_centroids, triggers)


def _normalised_forms(data: IntentData, normalizer: Normalizer) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for form, concepts in data.all_forms().items():
        folded = normalizer.for_matching(form)
        if folded:
            forms.setdefault(folded, set()).update(concepts)
    return forms
