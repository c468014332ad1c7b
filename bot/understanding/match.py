"""Decides, for one message: one intent, or "not sure", or out of scope.

Safety concepts short-circuit everything: abuse, emergencies and requests for a person are
recognised anywhere in a message, however long. Otherwise the classifier's calibrated
probabilities decide; below the threshold the bot does not guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import OUT_OF_SCOPE, IntentModel

SAFETY_ORDER = ("help.emergency", "help.abuse", "handoff.request")
URGENT = SAFETY_ORDER[:2]
CHIT_CHAT = ("greeting", "thanks")
# concepts that name what this bot is about: a question that names one is not small talk
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*|[\n။]+")
_QUESTION = re.compile(r"[?？]")
STATUS_CONCEPTS = frozenset({"titp", "ikusei", "ssw", "ssw1", "ssw2", "otit", "supervising_org"})


@dataclass(frozen=True)
class MatchSettings:
    threshold: float = 0.2           # below this probability the bot says it is not sure
    safety_threshold: float = 0.2    # abuse and emergencies: a missed one costs more than a false alarm
    out_of_scope_margin: float = 0.0 # out of scope must beat the best intent by this much
    chit_chat_chars: int = 48        # a greeting or thanks longer than this usually carries a question
    in_scope_margin: float = 0.1     # a message naming a status is out of scope only by this margin
    focus_weight: float = 0.5        # long messages: weight of the sentence that asks
    focus_min_chars: int = 100       # ... from this length on


@dataclass(frozen=True)
class Match:
    intent: str                                  # a catalogue id, or "fallback"
    confidence: float
    ranked: tuple[tuple[str, float], ...]        # best intents first (no fallback), with probabilities
    concepts: frozenset[str]
    reason: str                                  # safety, model, out_of_scope, unsure, tapped


class Matcher:
    def __init__(self, model: IntentModel, settings: MatchSettings | None = None) -> None:
        self.model = model
        self.settings = settings or MatchSettings()

    def match(self, text: str) -> Match:
        analysis = self.model.analyse(text)
        probs = self.model.probabilities(analysis)
        asked = self._asking_sentence(text)
        if asked is not None:
            # "I have worked in Hokkaido two years, winter is cold, my friend's company needs people.
            # Can I move there?" — the context sentences pull towards other topics; the question decides
            w = self.settings.focus_weight
            focused = self.model.probabilities(self.model.analyse(asked))
            probs = {i: (1 - w) * p + w * focused.get(i, 0.0) for i, p in probs.items()}
        ranked = tuple(sorted(((i, p) for i, p in probs.items() if i != OUT_OF_SCOPE), key=lambda x: -x[1])[:5])
        concepts = analysis.concepts

        triggered = self.model.safety_intents(concepts)
        for intent in SAFETY_ORDER:
            if intent in triggered:
                return Match(intent, 1.0, ranked, concepts, "safety")

        if not ranked:
            return Match(OUT_OF_SCOPE, 0.0, (), concepts, "unsure")
        top_intent, top = ranked[0]
        if top_intent in CHIT_CHAT and len(analysis.folded) > self.settings.chit_chat_chars and len(ranked) > 1:
            # "Hello, I have worked here two years ... can I change company?" asks the question
            top_intent, top = next(((i, p) for i, p in ranked if i not in CHIT_CHAT), ranked[0])
        oos = probs.get(OUT_OF_SCOPE, 0.0)
        urgent = max(((i, p) for i, p in ranked[:2] if i in URGENT), key=lambda x: x[1], default=None)
        if urgent and urgent[1] >= self.settings.safety_threshold:
            return Match(urgent[0], urgent[1], ranked, concepts, "model")
        margin = self.settings.out_of_scope_margin
        if concepts & STATUS_CONCEPTS:
            margin = max(margin, self.settings.in_scope_margin)
        if oos >= top + margin:
            return Match(OUT_OF_SCOPE, oos, ranked, concepts, "out_of_scope")
        if top < self.settings.threshold:
            return Match(OUT_OF_SCOPE, 1.0 - top, ranked, concepts, "unsure")
        return Match(top_intent, top, ranked, concepts, "model")

    def _asking_sentence(self, text: str) -> str | None:
        """The first sentence with a question mark, else the last one: workers tell their story
        first and ask after it, and what follows the question is usually a remark ("I like farming")."""
        if self.settings.focus_weight <= 0 or len(text) < self.settings.focus_min_chars:
            return None
        parts = [p.strip() for p in _SENTENCE_END.split(text) if len(p.strip()) >= 8]
        if len(parts) < 2:
            return None
        return next((p for p in parts if _QUESTION.search(p)), parts[-1])
