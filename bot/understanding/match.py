"""Scores a message against every intent and decides: one intent, or not sure.

Score per intent = blend of (a) the mean of its two nearest examples in the message's language
and (b) the intent's centroid, each mixing n-gram cosine with concept cosine. Safety concepts
short-circuit everything: abuse and emergencies are recognised inside any message.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .features import Vector, dot
from .index import OUT_OF_SCOPE, IntentIndex

SAFETY_ORDER = ("help.emergency", "help.abuse", "handoff.request")
URGENT = SAFETY_ORDER[:2]


@dataclass(frozen=True)
class MatchSettings:
    concept_weight: float = 0.4      # share of concept cosine in a similarity
    knn_weight: float = 0.5          # share of nearest examples vs centroid
    threshold: float = 0.22          # below this top score the bot does not guess
    margin: float = 0.0              # top must beat the runner-up by this much
    temperature: float = 0.04        # softmax temperature turning scores into confidence
    safety_threshold: float = 0.12   # abuse and emergencies: a missed one costs more than a false alarm


@dataclass(frozen=True)
class Match:
    intent: str                                  # a catalogue id, or "fallback"
    confidence: float
    ranked: tuple[tuple[str, float], ...]        # best intents first (no fallback), with scores
    concepts: frozenset[str]
    reason: str                                  # safety, model, out_of_scope, unsure

    @property
    def sure(self) -> bool:
        return self.intent != OUT_OF_SCOPE


class Matcher:
    def __init__(self, index: IntentIndex, settings: MatchSettings | None = None) -> None:
        self.index = index
        self.settings = settings or MatchSettings()

    def analyse(self, text: str) -> tuple[str, frozenset[str]]:
        folded = self.index.normalizer.for_matching(text)
        return folded, frozenset(self.index.lexicon.concepts(folded))

    def scores(self, folded: str, concepts: Counter[str], lang: str) -> dict[str, float]:
        idx = self.index
        li = idx.languages.get(lang) or idx.languages.get("en")
        if li is None:
            return {}
        beta = self.settings.concept_weight
        msg_ng = idx.ngram_vector(folded)
        msg_c = idx.concept_vector(concepts) if concepts else {}

        sims: dict[int, float] = defaultdict(float)
        for gram, w in msg_ng.items():
            for ex_id, ew in li.postings.get(gram, ()):
                sims[ex_id] += (1 - beta) * w * ew
        for concept, w in msg_c.items():
            for ex_id, ew in li.concept_postings.get(concept, ()):
                sims[ex_id] += beta * w * ew
        best: dict[str, list[float]] = defaultdict(list)
        examples = idx.examples
        for ex_id, sim in sims.items():
            best[examples[ex_id].intent].append(sim)

        knn = self.settings.knn_weight
        result: dict[str, float] = {}
        for intent in idx.intents:
            sims = sorted(best.get(intent, ()), reverse=True)[:2]
            near = sum(sims) / 2 if sims else 0.0
            cent = (1 - beta) * dot(msg_ng, li.centroids.get(intent, {}))
            if msg_c:
                cent += beta * dot(msg_c, idx.concept_centroids.get(intent, {}))
            result[intent] = knn * near + (1 - knn) * cent
        return result

    def match(self, text: str, lang: str) -> Match:
        folded, concepts = self.analyse(text)
        spans = self.index.lexicon.spans(folded)
        counts = Counter(c for span in spans for c in span.concepts)
        scores = self.scores(folded, counts, lang)
        ranked = sorted(((i, s) for i, s in scores.items() if i != OUT_OF_SCOPE), key=lambda p: -p[1])
        confidence = self._softmax_top(scores)

        triggered = {self.index.safety_triggers[c] for c in concepts if c in self.index.safety_triggers}
        for intent in SAFETY_ORDER:
            if intent in triggered:
                return Match(intent, 1.0, tuple(ranked[:5]), concepts, "safety")

        if not ranked:
            return Match(OUT_OF_SCOPE, 0.0, (), concepts, "unsure")
        top_intent, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        oos = scores.get(OUT_OF_SCOPE, 0.0)
        if top_intent in URGENT and top >= self.settings.safety_threshold:
            return Match(top_intent, confidence, tuple(ranked[:5]), concepts, "model")
        if oos >= top:
            return Match(OUT_OF_SCOPE, confidence, tuple(ranked[:5]), concepts, "out_of_scope")
        if top < self.settings.threshold or top - runner_up < self.settings.margin:
            return Match(OUT_OF_SCOPE, 1.0 - confidence, tuple(ranked[:5]), concepts, "unsure")
        return Match(top_intent, confidence, tuple(ranked[:5]), concepts, "model")

    def _softmax_top(self, scores: dict[str, float]) -> float:
        if not scores:
            return 0.0
        t = self.settings.temperature
        top = max(scores.values())
        weights = [math.exp((s - top) / t) for s in scores.values()]
        return 1.0 / sum(weights)
